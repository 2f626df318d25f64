// ShadowSchema against the sandbox target: each DDL is run once for real (in databases of this
// test) and once on the shadow from the definitions before it; the shadow's definitions after it
// must be exactly the real ones, field for field (TableDef's operator==), and nothing of the
// shadow may be left behind.
#include <doctest/doctest.h>

#include <algorithm>

#include "src/catalog/table_def_json.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/engine/mysql/shadow_schema.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

const char* const kA = "omsql_test_shadow_a";
const char* const kB = "omsql_test_shadow_b";

const TableDef* find_def(const std::vector<TableDef>& defs, const QualifiedName& name) {
  for (const auto& d : defs)
    if (d.name == name) return &d;
  return nullptr;
}

struct Fixture {
  std::unique_ptr<Connection> real = connect_target();
  std::unique_ptr<Connection> shadow_session = connect_target();
  ShadowSchema shadow{*shadow_session};

  Fixture() { reset(); }
  ~Fixture() {
    (void)real->execute(std::string("DROP DATABASE IF EXISTS ") + kA);
    (void)real->execute(std::string("DROP DATABASE IF EXISTS ") + kB);
  }
  void reset() {
    for (const char* db : {kA, kB}) {
      must(*real, std::string("DROP DATABASE IF EXISTS ") + db);
      must(*real, std::string("CREATE DATABASE ") + db + " CHARACTER SET latin1 COLLATE latin1_german1_ci");
    }
  }
  std::vector<TableDef> tables() {
    MysqlCatalog catalog(*real);
    auto listed = real->query(std::string("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE "
                                          "TABLE_SCHEMA IN ('") + kA + "', '" + kB + "') ORDER BY 1, 2");
    REQUIRE(listed);
    std::vector<QualifiedName> names;
    for (const auto& row : listed->rows) names.push_back({*row[0], *row[1]});
    auto defs = catalog.describe_tables(names);
    REQUIRE(defs);
    return *defs;
  }
  TableDef table(const std::string& name) {
    for (auto& t : tables())
      if (t.name.str() == name) return t;
    FAIL("no table " << name);
    return {};
  }
  std::vector<std::string> leftovers() {
    auto rows = real->query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '" +
                            shadow.prefix() + "%'");
    REQUIRE(rows);
    std::vector<std::string> out;
    for (const auto& r : rows->rows) out.push_back(*r[0]);
    return out;
  }

  // Evaluates `statement` on the shadow with `before` (default: every table of the test's
  // databases), runs it for real, and checks the shadow's answer against the real definitions.
  ShadowSchema::Outcome check(const std::string& statement, std::vector<std::string> after,
                              std::vector<std::string> gone, std::optional<std::vector<TableDef>> before = {}) {
    CAPTURE(statement);
    std::vector<TableDef> defs = before ? *before : tables();
    ClassifiedStatement classified = classify_statement(statement, kA);
    // The databases' defaults, as the tailer would read them from the source.
    std::vector<ShadowSchema::DatabaseDefaults> databases{{kA, "latin1", "latin1_german1_ci"},
                                                          {kB, "latin1", "latin1_german1_ci"}};
    auto outcome = shadow.evaluate(statement, kA, classified, defs, databases);
    REQUIRE_MESSAGE(outcome.is_ok(), outcome.status().message());
    CHECK(leftovers().empty());
    must(*real, std::string("USE ") + kA);
    must(*real, statement);
    std::vector<std::string> after_names, gone_names;
    for (const auto& t : outcome->after) after_names.push_back(t.name.str());
    for (const auto& n : outcome->gone) gone_names.push_back(n.str());
    std::sort(after_names.begin(), after_names.end());
    std::sort(gone_names.begin(), gone_names.end());
    std::sort(after.begin(), after.end());
    std::sort(gone.begin(), gone.end());
    CHECK(after_names == after);
    CHECK(gone_names == gone);
    for (const auto& t : outcome->after) {
      CAPTURE(t.name.str());
      TableDef real_def = table(t.name.str());
      // Size estimates are the only noise (the copy is empty; InnoDB's statistics vary): a table
      // that existed before keeps its before's, which is what the shadow must report.
      TableDef shadow_def = t;
      if (const TableDef* was = find_def(defs, t.name)) {
        CHECK(t.estimated_rows == was->estimated_rows);
        CHECK(t.estimated_bytes == was->estimated_bytes);
      }
      shadow_def.estimated_rows = real_def.estimated_rows;
      shadow_def.estimated_bytes = real_def.estimated_bytes;
      CHECK(shadow_def == real_def);
      if (!(shadow_def == real_def)) MESSAGE("shadow: " << to_json(shadow_def).dump() << "\nreal:   " << to_json(real_def).dump());
    }
    return std::move(outcome).value();
  }
};

const char* const kOrders =
    "CREATE TABLE omsql_test_shadow_a.orders ("
    " id INT UNSIGNED NOT NULL AUTO_INCREMENT,"
    " customer INT NOT NULL,"
    " amount DECIMAL(12,2) NOT NULL DEFAULT 0.00 COMMENT 'gross',"
    " note VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,"
    " legacy TEXT,"
    " created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),"
    " doubled DECIMAL(13,2) AS (amount * 2) VIRTUAL,"
    " PRIMARY KEY (id), KEY ix_customer (customer), UNIQUE KEY ux_note (note(20)),"
    " CONSTRAINT positive CHECK (amount >= 0)"
    ") ENGINE=InnoDB ROW_FORMAT=DYNAMIC COMMENT='orders' AUTO_INCREMENT=500";

}  // namespace

TEST_CASE("ALTER TABLE: columns added, dropped, modified, changed and renamed") {
  Fixture f;
  must(*f.real, kOrders);
  f.check("ALTER TABLE orders ADD COLUMN status ENUM('new','paid') NOT NULL DEFAULT 'new' AFTER amount, "
          "DROP COLUMN legacy, MODIFY note VARCHAR(200) NULL, CHANGE customer customer_id BIGINT NOT NULL, "
          "RENAME COLUMN created TO created_at",
          {"omsql_test_shadow_a.orders"}, {});
  TableDef after = f.table("omsql_test_shadow_a.orders");
  CHECK(after.find_column("customer_id")->column_type == "bigint(20)");
  CHECK(after.find_column("status")->ordinal == 4);
  CHECK(after.find_column("legacy") == nullptr);
  CHECK(after.find_column("created_at")->extra == "on update current_timestamp(3)");
  CHECK(after.columns.size() == 7);
}

TEST_CASE("ALTER TABLE: indexes, unique keys and the primary key; quoting and comments survive") {
  Fixture f;
  must(*f.real, kOrders);
  auto outcome = f.check("ALTER TABLE /* the table */ `omsql_test_shadow_a` . `orders` "
                         "ADD INDEX `ix ``odd`` name` (amount DESC, created), ADD UNIQUE KEY ux_pair (customer, id), "
                         "DROP INDEX ix_customer -- a comment at the end\n",
                         {"omsql_test_shadow_a.orders"}, {});
  const auto& indexes = outcome.after.at(0).indexes;
  CHECK(std::any_of(indexes.begin(), indexes.end(), [](const IndexDef& i) { return i.name == "ix `odd` name"; }));
  f.check("ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, customer)", {"omsql_test_shadow_a.orders"}, {});
  CHECK(f.table("omsql_test_shadow_a.orders").primary_key()->parts.size() == 2);
}

TEST_CASE("ALTER TABLE: a foreign key to a table that has no shadow copy, named and server-named, then dropped") {
  Fixture f;
  must(*f.real, "CREATE TABLE omsql_test_shadow_b.customers (id INT UNSIGNED NOT NULL PRIMARY KEY, region INT NOT NULL, "
                "UNIQUE KEY ux (region, id))");
  must(*f.real, kOrders);
  // Only the child is given: its parent, in another database, exists on no shadow.
  std::vector<TableDef> child{f.table("omsql_test_shadow_a.orders")};
  f.check("ALTER TABLE orders ADD CONSTRAINT fk_customer FOREIGN KEY (customer) "
          "REFERENCES omsql_test_shadow_b.customers (region) ON DELETE CASCADE",
          {"omsql_test_shadow_a.orders"}, {}, child);
  child = {f.table("omsql_test_shadow_a.orders")};
  REQUIRE(child[0].foreign_keys.size() == 1);
  CHECK(child[0].foreign_keys[0].referenced.str() == "omsql_test_shadow_b.customers");
  // The before copy carries the existing key; the new one gets the server's generated name.
  f.check("ALTER TABLE orders ADD FOREIGN KEY (customer, id) REFERENCES omsql_test_shadow_b.customers (region, id)",
          {"omsql_test_shadow_a.orders"}, {}, child);
  child = {f.table("omsql_test_shadow_a.orders")};
  CHECK(child[0].foreign_keys.size() == 2);
  f.check("ALTER TABLE orders DROP FOREIGN KEY fk_customer", {"omsql_test_shadow_a.orders"}, {}, child);
  CHECK(f.table("omsql_test_shadow_a.orders").foreign_keys.at(0).name == "orders_ibfk_1");
}

TEST_CASE("TRUNCATE, DROP TABLE, RENAME TABLE and ALTER TABLE ... RENAME") {
  Fixture f;
  must(*f.real, kOrders);
  must(*f.real, "CREATE TABLE omsql_test_shadow_a.items (id INT PRIMARY KEY, v VARCHAR(10))");
  must(*f.real, "CREATE TABLE omsql_test_shadow_a.extra (id INT PRIMARY KEY)");
  TableDef before = f.table("omsql_test_shadow_a.orders");
  auto truncated = f.check("TRUNCATE TABLE orders", {"omsql_test_shadow_a.orders"}, {});
  CHECK(truncated.after.at(0).columns == before.columns);

  f.check("RENAME TABLE orders TO orders_old, items TO omsql_test_shadow_b.items",
          {"omsql_test_shadow_a.orders_old", "omsql_test_shadow_b.items"},
          {"omsql_test_shadow_a.items", "omsql_test_shadow_a.orders"});
  f.check("ALTER TABLE orders_old RENAME TO orders_2024, ADD COLUMN flag BOOL", {"omsql_test_shadow_a.orders_2024"},
          {"omsql_test_shadow_a.orders_old"});
  auto dropped = f.check("DROP TABLE IF EXISTS `orders_2024`, omsql_test_shadow_b.items, nope /* generated by server */",
                         {}, {"omsql_test_shadow_a.nope", "omsql_test_shadow_a.orders_2024", "omsql_test_shadow_b.items"});
  CHECK(dropped.after.empty());
}

TEST_CASE("CREATE TABLE: plain (database defaults), LIKE a task table, AS SELECT over the empty copies") {
  Fixture f;
  must(*f.real, kOrders);
  must(*f.real, "INSERT INTO omsql_test_shadow_a.orders (customer, amount, note) VALUES (1, 2.5, 'x')");
  f.check("CREATE TABLE fresh (id BIGINT NOT NULL PRIMARY KEY, label VARCHAR(30), t TIMESTAMP NULL)",
          {"omsql_test_shadow_a.fresh"}, {});
  CHECK(f.table("omsql_test_shadow_a.fresh").find_column("label")->collation == "latin1_german1_ci");
  f.check("CREATE TABLE IF NOT EXISTS omsql_test_shadow_b.copy LIKE omsql_test_shadow_a.orders",
          {"omsql_test_shadow_b.copy"}, {});
  f.check("CREATE TABLE summary (KEY (customer)) AS SELECT customer, SUM(amount) AS total, MAX(note) AS last_note "
          "FROM orders GROUP BY customer",
          {"omsql_test_shadow_a.summary"}, {});
  CHECK(f.table("omsql_test_shadow_a.summary").find_column("total")->column_type == "decimal(34,2)");
}

TEST_CASE("CREATE INDEX and DROP INDEX") {
  Fixture f;
  must(*f.real, kOrders);
  f.check("CREATE UNIQUE INDEX ux_amount ON orders (amount, id) COMMENT 'x'", {"omsql_test_shadow_a.orders"}, {});
  f.check("DROP INDEX ux_note ON omsql_test_shadow_a.orders", {"omsql_test_shadow_a.orders"}, {});
}

TEST_CASE("partitioned tables: copied with their partitioning; partition clauses evaluated") {
  Fixture f;
  must(*f.real, "CREATE TABLE omsql_test_shadow_a.events (id INT NOT NULL, at DATE NOT NULL, v INT, "
                "PRIMARY KEY (id, at)) PARTITION BY RANGE COLUMNS (at) "
                "(PARTITION p2023 VALUES LESS THAN ('2024-01-01'), PARTITION p2024 VALUES LESS THAN ('2025-01-01'))");
  f.check("ALTER TABLE events ADD COLUMN w INT AFTER id", {"omsql_test_shadow_a.events"}, {});
  f.check("ALTER TABLE events ADD PARTITION (PARTITION pmax VALUES LESS THAN (MAXVALUE))",
          {"omsql_test_shadow_a.events"}, {});
  CHECK(f.table("omsql_test_shadow_a.events").partitioning->partitions.size() == 3);
  f.check("ALTER TABLE omsql_test_shadow_a.events PARTITION BY HASH (id) PARTITIONS 3", {"omsql_test_shadow_a.events"},
          {});
  CHECK(f.table("omsql_test_shadow_a.events").partitioning->method.kind == "HASH");
}

TEST_CASE("what the shadow cannot evaluate is refused, names the source's table, and leaves nothing behind") {
  Fixture f;
  must(*f.real, kOrders);
  ShadowSchema& shadow = f.shadow;
  // A table whose definition is not given.
  std::string sql = "ALTER TABLE other ADD COLUMN x INT";
  auto missing = shadow.evaluate(sql, kA, classify_statement(sql, kA), f.tables());
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.status().code() == Status::Code::kServerError);
  CHECK(missing.status().message().find("omsql_test_shadow_a.other") != std::string::npos);
  CHECK(missing.status().message().find("omsql_shadow_") == std::string::npos);
  CHECK(f.leftovers().empty());

  // A table created where the database's defaults are not known.
  sql = "CREATE TABLE omsql_test_shadow_b.n (a VARCHAR(3))";
  auto no_defaults = shadow.evaluate(sql, kA, classify_statement(sql, kA), {});
  CHECK(no_defaults.status().code() == Status::Code::kInvalidArgument);
  CHECK(no_defaults.status().message().find("database omsql_test_shadow_b are not known") != std::string::npos);

  sql = "CREATE VIEW v AS SELECT 1";
  auto view = shadow.evaluate(sql, kA, classify_statement(sql, kA), {});
  CHECK(view.status().code() == Status::Code::kUnsupported);
  sql = "CREATE TEMPORARY TABLE tmp (a INT)";
  CHECK(shadow.evaluate(sql, kA, classify_statement(sql, kA), {}).status().code() == Status::Code::kUnsupported);
}
