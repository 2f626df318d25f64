// A failed replay statement names its row by key: ChangeBatch records each statement's row keys.
#include <doctest/doctest.h>

#include "src/apply/change_batch.hpp"

using namespace omsql;

namespace {

TableJob job_with_key(std::vector<std::string> key) {
  TableJob job;
  job.source = {"s", "t"};
  job.target = {"d", "t"};
  for (const char* name : {"id", "name", "secret"}) {
    ColumnDef column;
    column.name = name;
    column.data_type = std::string(name) == "id" ? "int" : "varchar";
    if (column.data_type == "varchar") column.charset = "utf8mb4";
    job.source_def.columns.push_back(column);
    job.columns.push_back(ColumnMapping{name, std::string(name) == "name" ? "label" : name, std::nullopt, false});
  }
  job.key.kind = key.empty() ? RowKey::Kind::kNone : RowKey::Kind::kPrimary;
  job.key.columns = std::move(key);
  return job;
}

RowChange insert(int64_t id, std::string name, std::string secret) {
  RowChange change;
  change.kind = RowChange::kInsert;
  change.after = {Cell::signed_integer(id), Cell::bytes(std::move(name)), Cell::bytes(std::move(secret))};
  return change;
}

RowChange remove(int64_t id) {
  RowChange change = insert(id, "x", "y");
  change.kind = RowChange::kDelete;
  change.before = change.after;
  change.after.clear();
  return change;
}

}  // namespace

TEST_CASE("row keys follow the statements' rows") {
  TableJob job = job_with_key({"id"});
  apply::ChangeBatch batch(job);
  REQUIRE(batch.add(remove(7)));
  REQUIRE(batch.add(insert(2, "b", "hunter2")));
  REQUIRE(batch.add(insert(1, "a", "hunter1")));
  std::vector<std::vector<std::string>> keys;
  auto statements = batch.statements(4 << 20, &keys);
  REQUIRE(statements.size() == 2);
  REQUIRE(keys.size() == 2);
  CHECK(statements[0].rfind("DELETE", 0) == 0);
  CHECK(keys[0] == std::vector<std::string>{"`id` = 7"});
  CHECK(statements[1].rfind("REPLACE", 0) == 0);
  // The map orders keys by their canonical bytes, as the VALUES list does.
  CHECK(keys[1].size() == 2);
  CHECK(statements[1].find("VALUES (1, ") != std::string::npos);
  CHECK(statements[1].find("), (2, ") != std::string::npos);
  CHECK(keys[1][0] == "`id` = 1");
  CHECK(keys[1][1] == "`id` = 2");
  // Without the out-parameter the statements are the same.
  CHECK(batch.statements() == statements);
}

TEST_CASE("describe_key: renamed target columns, text quoted, binary as hex, long values cut") {
  TableJob job = job_with_key({"id", "name"});
  apply::ChangeBatch batch(job);
  std::vector<Cell> row = {Cell::signed_integer(5), Cell::bytes("o'k"), Cell::bytes("z")};
  CHECK(batch.describe_key(batch.key_of(row)) == "(`id`, `label`) = (5, 'o''k')");
  row[1] = Cell::bytes(std::string("\x01\x02", 2));
  CHECK(batch.describe_key(batch.key_of(row)) == "(`id`, `label`) = (5, X'0102')");
  row[1] = Cell::bytes(std::string(100, 'n'));
  CHECK(batch.describe_key(batch.key_of(row)) == "(`id`, `label`) = (5, '" + std::string(40, 'n') + "'...)");
}

TEST_CASE("failing_row_note names the row the server points at") {
  const std::vector<std::string> keys = {"`id` = 1", "`id` = 2", "`id` = 3"};
  CHECK(apply::failing_row_note("target x: REPLACE INTO `d`.`t` ...: error 1406: Data too long for column 'secret' at row 2", keys) ==
        " (key `id` = 2)");
  CHECK(apply::failing_row_note("error 1406: Data too long for column 'secret' at row 9", keys) == "");
  CHECK(apply::failing_row_note("error 1205: Lock wait timeout exceeded", keys) == "");
  CHECK(apply::failing_row_note("error 1062: Duplicate entry '4' for key 'u'", {"`id` = 4"}) == " (key `id` = 4)");
  CHECK(apply::failing_row_note("error 1406: Data too long for column 'secret' at row 1", {""}) == "");
}

TEST_CASE("keyless tables: one statement per row, no key to name") {
  TableJob job = job_with_key({});
  apply::ChangeBatch batch(job);
  REQUIRE(batch.add(insert(1, "a", "s")));
  REQUIRE(batch.add(remove(1)));
  std::vector<std::vector<std::string>> keys;
  auto statements = batch.statements(4 << 20, &keys);
  CHECK(statements.size() == 2);
  CHECK(keys == std::vector<std::vector<std::string>>{{""}, {""}});
}

TEST_CASE("a FILTER's multi-row statement names no row (its row numbers shift)") {
  TableJob job = job_with_key({"id"});
  job.filter = "id > 0";
  apply::ChangeBatch batch(job);
  REQUIRE(batch.add(insert(1, "a", "s")));
  REQUIRE(batch.add(insert(2, "b", "s")));
  std::vector<std::vector<std::string>> keys;
  auto statements = batch.statements(4 << 20, &keys);
  REQUIRE(statements.size() == keys.size());
  CHECK(keys.back() == std::vector<std::string>{"", ""});
}

TEST_CASE("a FILTER is evaluated over the copied columns and the columns it names, by source name") {
  TableJob job = job_with_key({"id"});
  job.columns.pop_back();  // `secret` is excluded (COLUMNS ... EXCLUDE) but the filter reads it
  job.filter = "secret <> 'x' AND name <> ''";
  job.filter_columns = {"name", "secret"};
  apply::ChangeBatch batch(job);
  REQUIRE(batch.add(insert(1, "a", "s1")));
  REQUIRE(batch.add(insert(2, "b", "s2")));
  auto statements = batch.statements();
  REQUIRE(statements.size() == 2);
  CHECK(statements[1] ==
        "REPLACE INTO `d`.`t` (`id`, `label`) SELECT `id`, `name` FROM ("
        "SELECT 1 AS `id`, _utf8mb4 X'61' AS `name`, _utf8mb4 X'7331' AS `secret` UNION ALL "
        "SELECT 2 AS `id`, _utf8mb4 X'62' AS `name`, _utf8mb4 X'7332' AS `secret`) AS omsql_rows "
        "WHERE (secret <> 'x' AND name <> '')");
  CHECK(apply::filter_probe_sql(job) ==
        "SELECT 1 FROM (SELECT NULL AS `id`, NULL AS `name`, NULL AS `secret`) AS omsql_rows "
        "WHERE (secret <> 'x' AND name <> '') LIMIT 0");

  TableJob keyless = job_with_key({});
  keyless.filter = "id > 1";
  keyless.filter_columns = {"id"};
  apply::ChangeBatch rows(keyless);
  REQUIRE(rows.add(insert(3, "c", "s3")));
  CHECK(rows.statements().at(0) ==
        "INSERT INTO `d`.`t` (`id`, `label`, `secret`) SELECT `id`, `name`, `secret` FROM ("
        "SELECT 3 AS `id`, _utf8mb4 X'63' AS `name`, _utf8mb4 X'7333' AS `secret`) AS omsql_rows WHERE (id > 1)");
}
