// The binder against a live catalog: the sandbox source's information_schema, read by
// MysqlCatalog, with the same script shapes the in-memory tests use.
#include <doctest/doctest.h>

#include "dsl/compiler.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {
const char* kScript = R"(
SOURCE mysql 'root@127.0.0.1:1';
TARGET mysql 'root@127.0.0.1:2';
MIGRATE omsql_test_bind.*, omsql_test_bind2.keep
  EXCLUDE omsql_test_bind.tmp_*
  MAP omsql_test_bind.* TO bound_v2.*
  MAP COLUMN omsql_test_bind.orders.amt TO amount
  COLUMNS omsql_test_bind.users EXCLUDE (secret)
  FILTER omsql_test_bind.orders WHERE amt > 10;
)";
}  // namespace

TEST_CASE("a script binds against the source's information_schema") {
  auto c = connect_source();
  must(*c, "DROP DATABASE IF EXISTS omsql_test_bind");
  must(*c, "DROP DATABASE IF EXISTS omsql_test_bind2");
  must(*c, "CREATE DATABASE omsql_test_bind");
  must(*c, "CREATE DATABASE omsql_test_bind2");
  must(*c, "CREATE TABLE omsql_test_bind.orders (id INT PRIMARY KEY, amt DECIMAL(10,2), g INT AS (id + 1) VIRTUAL)");
  must(*c, "CREATE TABLE omsql_test_bind.users (login VARCHAR(20) NOT NULL, secret VARCHAR(64), UNIQUE KEY (login))");
  must(*c, "CREATE TABLE omsql_test_bind.tmp_scratch (x INT)");
  must(*c, "CREATE TABLE omsql_test_bind2.keep (x INT)");
  must(*c, "CREATE TABLE omsql_test_bind2.skip (x INT)");

  auto compiled = dsl::compile_script(kScript, "bind.omsql");
  REQUIRE(compiled.ok());
  MysqlCatalog catalog(*c);
  auto bound = dsl::bind_script(*compiled.script, catalog);
  REQUIRE_MESSAGE(bound.ok(), (bound.diagnostics.empty() ? "" : bound.diagnostics[0].format()));
  const Plan& plan = *bound.plan;
  REQUIRE(plan.tables.size() == 3);
  CHECK(plan.tables[0].source == QualifiedName{"omsql_test_bind", "orders"});
  CHECK(plan.tables[0].target == QualifiedName{"bound_v2", "orders"});
  CHECK(plan.tables[0].key.kind == RowKey::Kind::kPrimary);
  CHECK(plan.tables[0].filter.value_or("") == "amt > 10");
  REQUIRE(plan.tables[0].columns.size() == 3);
  CHECK(plan.tables[0].columns[1].target == "amount");
  CHECK(plan.tables[0].columns[2].generated);
  CHECK(plan.tables[1].source.table == "users");
  CHECK(plan.tables[1].key.kind == RowKey::Kind::kUniqueNotNull);
  REQUIRE(plan.tables[1].columns.size() == 1);
  CHECK(plan.tables[1].columns[0].source == "login");
  CHECK(plan.tables[2].source == QualifiedName{"omsql_test_bind2", "keep"});
  CHECK(plan.tables[2].target == QualifiedName{"omsql_test_bind2", "keep"});
  CHECK(plan.tables[2].key.kind == RowKey::Kind::kNone);

  // A column the live table does not have is an error at the rule's position.
  auto bad = dsl::compile_script(
      "SOURCE mysql 'root@h:1'; TARGET mysql 'root@h:2';\nMIGRATE omsql_test_bind.users COLUMNS omsql_test_bind.users "
      "EXCLUDE (nope);",
      "bad.omsql");
  REQUIRE(bad.ok());
  auto bad_bound = dsl::bind_script(*bad.script, catalog);
  REQUIRE(!bad_bound.ok());
  CHECK(bad_bound.diagnostics[0].format().find("bad.omsql:2:") == 0);
  CHECK(bad_bound.diagnostics[0].message.find("nope") != std::string::npos);
  must(*c, "DROP DATABASE omsql_test_bind");
  must(*c, "DROP DATABASE omsql_test_bind2");
}
