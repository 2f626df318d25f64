// Schema evolution against the sandboxes: a table created on the target from a `before` job, then a
// series of source DDLs, each run on the source (whose catalog gives the definition after it),
// translated by evolve_statements and run on the target. Each step checks with the target's
// catalog that target_has(actual, after) is false before the statements and true after them, and
// that the target no longer matches `before`. MAP COLUMN, COLUMNS EXCLUDE and CAST are in play.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/engine/mysql/binlog/ddl_parse.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/schema/ddl.hpp"
#include "src/schema/evolution.hpp"
#include "src/sql/quote.hpp"
#include "tests/src/schema/evolution_fixture.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

constexpr const char* kSource = "omsql_test_evolution_src";
constexpr const char* kTarget = "omsql_test_evolution_tgt";

TableDef describe(Connection& c, const QualifiedName& name) {
  MysqlCatalog catalog(c);
  auto def = catalog.describe(name);
  if (!def) throw std::runtime_error(def.status().message());
  return *def;
}

struct Link {
  std::unique_ptr<Connection> source = connect_source();
  std::unique_ptr<Connection> target = connect_target();
  Rules rules;
  TableJob before;

  // Runs `ddl` on the source and its translation on the target; checks target_has on both sides.
  // `session`: run on both sides first (SET TIMESTAMP = ..., as a replica runs a statement at the source's time).
  void step(const std::string& ddl, size_t expected_statements, Rules* next_rules = nullptr,
            const std::string& session = "") {
    CAPTURE(ddl);
    if (!session.empty()) must(*source, session);
    must(*source, ddl);
    if (next_rules) rules = *next_rules;
    QualifiedName source_name = before.source;
    ClassifiedStatement classified = classify_statement(ddl, kSource);
    for (const auto& o : classified.objects)
      if (o.type == ObjectType::kTable && o.role == ObjectRole::kRenamedTo) source_name = o.name;
    TableJob after = rules.bind(describe(*source, source_name));

    TableDef target_before = describe(*target, before.target);
    CHECK(target_has(target_before, before, Dialect::kMysql));
    auto difference = target_difference(target_before, after, Dialect::kMysql);
    CHECK(difference.has_value());

    auto evolution = evolve_target(&before, &after, classified, Dialect::kMysql);
    REQUIRE_MESSAGE(evolution, evolution.status().message());
    const auto* statements = &evolution->statements;
    CHECK(statements->size() == expected_statements);
    CHECK(evolution->needs_source_timestamp == !session.empty());
    if (!session.empty()) must(*target, session);
    for (const auto& sql : *statements) {
      CAPTURE(sql);
      must(*target, sql);
    }
    if (!session.empty()) {
      must(*source, "SET TIMESTAMP = DEFAULT");
      must(*target, "SET TIMESTAMP = DEFAULT");
    }
    TableDef target_after = describe(*target, after.target);
    auto left = target_difference(target_after, after, Dialect::kMysql);
    CHECK_MESSAGE(!left.has_value(), left.value_or(""));
    CHECK(!target_has(target_after, before, Dialect::kMysql));
    before = after;
  }
};

}  // namespace

TEST_CASE("evolve_statements on a real target: every step lands where the source's catalog says") {
  Link link;
  for (const char* db : {kSource, kTarget}) {
    must(*link.source, std::string("DROP DATABASE IF EXISTS ") + db);
    must(*link.target, std::string("DROP DATABASE IF EXISTS ") + db);
  }
  must(*link.source, std::string("CREATE DATABASE ") + kSource + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
  must(*link.source, std::string("CREATE TABLE ") + kSource +
                         ".orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(50) NOT NULL,"
                         " note VARCHAR(200), secret VARCHAR(64), amount DECIMAL(10,2) NOT NULL DEFAULT 0,"
                         " flag TINYINT(1) NOT NULL DEFAULT 0, parent_id INT,"
                         " KEY ix_pair (customer, note)) ENGINE=InnoDB");
  must(*link.source, std::string("INSERT INTO ") + kSource + ".orders (customer, note) VALUES ('a', 'x'), ('b', 'y')");

  link.rules.target = {kTarget, "orders_t"};
  link.rules.map_column = {{"note", "remark_text"}};
  link.rules.exclude = {"secret"};
  link.rules.cast = {{"flag", {"tinyint(1)", "BOOLEAN"}}};
  link.before = link.rules.bind(describe(*link.source, {kSource, "orders"}));
  auto database = schema::create_database_sql(kTarget, Dialect::kMysql);
  REQUIRE(database);
  must(*link.target, *database);
  auto create = schema::create_table_sql(link.before, Dialect::kMysql, true);
  REQUIRE(create);
  must(*link.target, create->sql);
  must(*link.target, std::string("INSERT INTO ") + kTarget + ".orders_t (customer, remark_text) VALUES ('a', 'x'), ('b', 'y')");
  REQUIRE(target_has(describe(*link.target, link.before.target), link.before, Dialect::kMysql));

  const std::string t = std::string("ALTER TABLE ") + kSource + ".orders ";
  // Columns: placed adds, MODIFY of a MAPped column, a default, renames with a move, drops with an index shrinking.
  link.step(t + "ADD COLUMN status VARCHAR(10) NOT NULL DEFAULT 'new' AFTER customer, ADD shard SMALLINT FIRST, "
                "ADD tail INT",
            1);
  link.step(t + "MODIFY note VARCHAR(300) NOT NULL DEFAULT '' COMMENT 'free text', ALTER amount SET DEFAULT 1", 1);
  link.step(t + "RENAME COLUMN customer TO buyer, CHANGE tail tail2 BIGINT AFTER id", 1);
  link.step(t + "DROP COLUMN shard, DROP COLUMN note", 1);
  // An excluded column's DDL changes nothing (no step: the definitions on the target are equal).
  {
    must(*link.source, t + "MODIFY secret VARCHAR(128)");
    TableJob after = link.rules.bind(describe(*link.source, {kSource, "orders"}));
    auto none = evolve_statements(&link.before, &after, classify_statement(t + "MODIFY secret VARCHAR(128)", kSource),
                                  Dialect::kMysql);
    REQUIRE(none);
    CHECK(none->empty());
    CHECK(target_has(describe(*link.target, link.before.target), after, Dialect::kMysql));
    link.before = after;
  }
  // Indexes and constraints.
  link.step(t + "ADD INDEX ix_status (status), ADD UNIQUE KEY ux_tail (tail2), RENAME INDEX ix_pair TO ix_buyer", 1);
  link.step(std::string("DROP INDEX ix_status ON ") + kSource + ".orders", 1);
  link.step(t + "ADD CONSTRAINT positive CHECK (amount >= 0), ADD CONSTRAINT fk_parent FOREIGN KEY (parent_id) "
                "REFERENCES orders (id) ON DELETE SET NULL",
            1);
  // A CHECK of the same name re-added: one statement (a foreign key cannot be, on either side).
  link.step(t + "DROP CONSTRAINT positive, ADD CONSTRAINT positive CHECK (amount >= -1)", 1);
  link.step(t + "DROP FOREIGN KEY fk_parent, DROP CONSTRAINT positive", 1);
  // The CAST column: nullable keeps the CAST type; another type leaves the CAST.
  link.step(t + "MODIFY flag TINYINT(1) NULL", 1);
  link.step(t + "MODIFY flag SMALLINT NOT NULL DEFAULT 0", 1);
  // Table options, comments, charsets.
  link.step(t + "COMMENT 'all orders', ROW_FORMAT=COMPRESSED, MODIFY amount DECIMAL(12,2) NOT NULL DEFAULT 1 COMMENT 'cents'", 1);
  link.step(t + "ROW_FORMAT=DEFAULT", 1);
  link.step(t + "CONVERT TO CHARACTER SET latin1", 1);
  // Several moves and an add in one statement: the target's order is the source's.
  link.step(t + "MODIFY amount DECIMAL(12,2) NOT NULL DEFAULT 1 COMMENT 'cents' FIRST, MODIFY buyer VARCHAR(50) NOT NULL "
                "AFTER flag, ADD z INT AFTER id, MODIFY status VARCHAR(10) NOT NULL DEFAULT 'new' FIRST",
            1);
  // The row key: a wider primary key.
  link.step(t + "DROP PRIMARY KEY, ADD PRIMARY KEY (id, buyer)", 1);
  // A rename within the task: the target follows the MAP of the new name.
  Rules renamed = link.rules;
  renamed.target = {kTarget, "orders_2024_t"};
  link.step(t + "COMMENT 'old orders', RENAME TO " + kSource + ".orders_2024", 1, &renamed);

  // A column filled with the statement's time: equal on both sides when the target runs it at the source's time.
  link.step(std::string("ALTER TABLE ") + kSource + ".orders_2024 ADD created TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)",
            1, nullptr, "SET TIMESTAMP = 1700000000.125");

  // The rows came along every step.
  auto rows = link.target->query_value(std::string("SELECT COUNT(*) FROM ") + kTarget + ".orders_2024_t");
  REQUIRE(rows);
  CHECK(rows->value_or("") == "2");
  auto stamps = link.target->query_value(std::string("SELECT GROUP_CONCAT(created ORDER BY id) FROM ") + kTarget +
                                         ".orders_2024_t");
  auto source_stamps = link.source->query_value(std::string("SELECT GROUP_CONCAT(created ORDER BY id) FROM ") +
                                                kSource + ".orders_2024");
  REQUIRE(stamps);
  REQUIRE(source_stamps);
  CHECK(stamps->value_or("") == source_stamps->value_or("-"));
  CHECK(stamps->value_or("").find(".125") != std::string::npos);
  for (const char* db : {kSource, kTarget}) {
    must(*link.source, std::string("DROP DATABASE IF EXISTS ") + db);
    must(*link.target, std::string("DROP DATABASE IF EXISTS ") + db);
  }
}

TEST_CASE("a table joins, changes its JSON and generated columns, is renamed, truncated and dropped on a real target") {
  auto source = connect_source();
  auto target = connect_target();
  const std::string src = std::string(kSource) + "_2", tgt = std::string(kTarget) + "_2";
  for (const auto& db : {src, tgt}) {
    must(*source, "DROP DATABASE IF EXISTS " + db);
    must(*target, "DROP DATABASE IF EXISTS " + db);
  }
  must(*source, "CREATE DATABASE " + src);
  const std::string create = "CREATE TABLE " + src +
                             ".items (id BIGINT NOT NULL PRIMARY KEY, doc JSON, qty INT NOT NULL DEFAULT 1,"
                             " total INT AS (qty * 2) STORED, parent BIGINT, KEY ix_qty (qty),"
                             " CONSTRAINT fk_up FOREIGN KEY (parent) REFERENCES items (id) ON DELETE CASCADE)";
  must(*source, create);
  Rules rules;
  rules.target = {tgt, "items_t"};
  rules.map_column = {{"qty", "quantity"}};
  TableJob after = rules.bind(describe(*source, {src, "items"}));
  std::vector<TableJob> tables;  // the task has no other table: fk_up is a self-reference
  auto joined = evolve_statements(nullptr, &after, classify_statement(create, src), Dialect::kMysql, &tables);
  REQUIRE_MESSAGE(joined, joined.status().message());
  CHECK(joined->size() == 3);  // database, table, foreign key
  for (const auto& sql : *joined) must(*target, sql);
  auto left = target_difference(describe(*target, after.target), after, Dialect::kMysql);
  CHECK_MESSAGE(!left, left.value_or(""));

  auto step = [&](const std::string& ddl, const Rules& next_rules, const QualifiedName& source_name) {
    CAPTURE(ddl);
    must(*source, ddl);
    TableJob before = after;
    after = next_rules.bind(describe(*source, source_name));
    CHECK(!target_has(describe(*target, before.target), after, Dialect::kMysql));
    auto statements = evolve_statements(&before, &after, classify_statement(ddl, src), Dialect::kMysql, &tables);
    REQUIRE_MESSAGE(statements, statements.status().message());
    for (const auto& sql : *statements) {
      CAPTURE(sql);
      must(*target, sql);
    }
    auto difference = target_difference(describe(*target, after.target), after, Dialect::kMysql);
    CHECK_MESSAGE(!difference, difference.value_or(""));
  };
  // MariaDB's JSON is LONGTEXT with a column-level CHECK (json_valid): MODIFY keeps it.
  step("ALTER TABLE " + src + ".items MODIFY doc JSON NOT NULL COMMENT 'the document'", rules, {src, "items"});
  step("ALTER TABLE " + src + ".items MODIFY total INT AS (qty * 3) STORED", rules, {src, "items"});
  // A foreign key's column renamed (MariaDB renames it in the key, in place).
  step("ALTER TABLE " + src + ".items RENAME COLUMN parent TO up_id", rules, {src, "items"});
  Rules renamed = rules;
  renamed.target = {tgt, "items2_t"};
  step("RENAME TABLE " + src + ".items TO " + src + ".items2", renamed, {src, "items2"});

  must(*target, "INSERT INTO " + tgt + ".items2_t (id, doc, quantity) VALUES (1, '{}', 2), (2, '[]', 3)");
  auto truncate = evolve_statements(&after, &after, classify_statement("TRUNCATE items2", src), Dialect::kMysql);
  REQUIRE(truncate);
  for (const auto& sql : *truncate) must(*target, sql);
  auto rows = target->query_value("SELECT COUNT(*) FROM " + tgt + ".items2_t");
  REQUIRE(rows);
  CHECK(rows->value_or("") == "0");

  auto drop = evolve_statements(&after, nullptr, classify_statement("DROP TABLE items2", src), Dialect::kMysql);
  REQUIRE(drop);
  for (const auto& sql : *drop) must(*target, sql);
  MysqlCatalog catalog(*target);
  CHECK(catalog.describe(after.target).status().code() == Status::Code::kNotFound);
  for (const auto& db : {src, tgt}) {
    must(*source, "DROP DATABASE IF EXISTS " + db);
    must(*target, "DROP DATABASE IF EXISTS " + db);
  }
}
