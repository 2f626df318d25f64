// Which unique keys the OceanBase collation remaps put at risk, and the exact query that finds the
// colliding rows. No server: tests/src/schema/preflight_test.cpp runs the query on the sandbox.
#include <doctest/doctest.h>

#include "src/check/collation_collisions.hpp"

using namespace omsql;
using check::UniqueKeyAtRisk;

namespace {

ColumnDef text_column(std::string name, std::string charset, std::string collation) {
  ColumnDef c;
  c.name = std::move(name);
  c.data_type = "varchar";
  c.column_type = "varchar(20)";
  c.nullable = false;
  c.charset = std::move(charset);
  c.collation = std::move(collation);
  return c;
}

TableJob users_job() {
  TableDef t;
  t.name = {"shop", "users"};
  ColumnDef id;
  id.name = "id";
  id.data_type = "int";
  id.column_type = "int(11)";
  id.nullable = false;
  t.columns = {id, text_column("login", "utf8mb4", "utf8mb4_nopad_bin"),
               text_column("surname", "latin1", "latin1_german2_ci"),
               text_column("legacy", "utf8mb3", "utf8mb3_general_ci"), text_column("note", "utf8mb4", "utf8mb4_bin")};
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""},
               {"ux_login", true, "BTREE", {{"login", {}, false}}, ""},
               {"ux_name", true, "BTREE", {{"id", {}, false}, {"surname", {}, false}}, ""},
               {"ux_legacy", true, "BTREE", {{"legacy", {}, false}}, ""},  // utf8mb3 -> utf8mb4: same comparisons
               {"ux_note", true, "BTREE", {{"note", {}, false}}, ""},      // supported: unchanged
               {"ix_login", false, "BTREE", {{"login", {}, false}}, ""}};  // not unique: cannot reject rows
  TableJob job;
  job.source = {"shop", "users"};
  job.target = {"shop_v2", "users"};
  job.source_def = t;
  for (const auto& c : t.columns) job.columns.push_back({c.name, c.name, std::nullopt, false});
  job.key.kind = RowKey::Kind::kPrimary;
  job.key.columns = {"id"};
  return job;
}

}  // namespace

TEST_CASE("unique keys at risk: a remapped collation beyond the charset's name, on a unique key the target has") {
  TableJob job = users_job();
  auto keys = check::unique_keys_at_risk(job, Dialect::kOceanBase);
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].index_name == "ux_login");
  REQUIRE(keys[0].columns.size() == 1);
  CHECK(keys[0].columns[0].source_collation == "utf8mb4_nopad_bin");
  CHECK(keys[0].columns[0].target_collation == "utf8mb4_bin");
  CHECK(keys[1].index_name == "ux_name");
  REQUIRE(keys[1].columns.size() == 2);
  CHECK(keys[1].columns[0].source_collation.empty());
  CHECK(keys[1].columns[1].target_charset == "latin1");
  CHECK(keys[1].columns[1].target_collation == "latin1_swedish_ci");

  CHECK(check::unique_keys_at_risk(job, Dialect::kMysql).empty());
  // A CAST names its own collation; an excluded column drops the key.
  job.columns[1].cast_to = "VARCHAR(20) COLLATE utf8mb4_bin";
  job.columns.erase(job.columns.begin() + 2);
  CHECK(check::unique_keys_at_risk(job, Dialect::kOceanBase).empty());
}

TEST_CASE("collision_sql: groups under the target collation, NULL key parts and the FILTER honoured") {
  TableJob job = users_job();
  auto keys = check::unique_keys_at_risk(job, Dialect::kOceanBase);
  REQUIRE(keys.size() == 2);
  CHECK(check::collision_sql(job, keys[0], 10) ==
        "SELECT COUNT(*), GROUP_CONCAT(QUOTE(CONVERT(`login` USING utf8mb4)) ORDER BY `login` SEPARATOR ' = ') FROM "
        "`shop`.`users` "
        "WHERE `login` IS NOT NULL GROUP BY CONVERT(`login` USING utf8mb4) COLLATE utf8mb4_bin HAVING COUNT(*) > 1 "
        "LIMIT 10");
  job.filter = "id > 5";
  CHECK(check::collision_sql(job, keys[1], 3) ==
        "SELECT COUNT(*), GROUP_CONCAT(CONCAT('(', CONCAT_WS(', ', QUOTE(CONVERT(`id` USING utf8mb4)), "
        "QUOTE(CONVERT(`surname` USING utf8mb4))), ')') ORDER BY `id`, `surname` SEPARATOR ' = ') FROM `shop`.`users` "
        "WHERE `id` IS NOT NULL "
        "AND `surname` IS NOT NULL AND (id > 5) GROUP BY `id`, CONVERT(`surname` USING latin1) COLLATE "
        "latin1_swedish_ci HAVING COUNT(*) > 1 LIMIT 3");
}
