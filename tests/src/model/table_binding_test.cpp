// bind_table: the binder's TableJobs are exactly what bind_table makes of their source definitions,
// and a definition changed by a DDL is bound by the same rules.
#include <doctest/doctest.h>

#include "dsl/compiler.hpp"
#include "src/model/column_types.hpp"
#include "src/model/table_binding.hpp"

using namespace omsql;

namespace {

ColumnDef column(std::string name, std::string column_type, bool nullable = true) {
  ColumnDef c;
  c.name = std::move(name);
  c.column_type = column_type;
  c.data_type = column_type.substr(0, column_type.find('('));
  c.nullable = nullable;
  return c;
}

TableDef table(std::string schema, std::string name, std::vector<ColumnDef> columns,
               std::vector<std::string> primary_key) {
  TableDef t;
  t.name = {std::move(schema), std::move(name)};
  for (size_t i = 0; i < columns.size(); ++i) columns[i].ordinal = static_cast<int>(i + 1);
  t.columns = std::move(columns);
  if (!primary_key.empty()) {
    IndexDef pk;
    pk.name = "PRIMARY";
    pk.unique = true;
    for (auto& c : primary_key) pk.parts.push_back({c, std::nullopt, false});
    t.indexes.push_back(pk);
  }
  return t;
}

TableDef orders_def() {
  ColumnDef total = column("total", "decimal(14,4)");
  total.is_generated = true;
  return table("shop", "orders",
               {column("id", "bigint(20)", false), column("customer_id", "int(10) unsigned", false),
                column("amt", "decimal(14,4)", false), column("note", "text"), total,
                column("created_at", "timestamp(3)", false), column("is_paid", "tinyint(1)", false)},
               {"id"});
}

MemoryCatalog shop_catalog() {
  MemoryCatalog catalog;
  catalog.add(table("shop", "customers",
                    {column("id", "int(10) unsigned", false), column("email", "varchar(190)", false),
                     column("password_hash", "varbinary(64)"), column("is_vip", "tinyint(1)", false)},
                    {"id"}));
  catalog.add(orders_def());
  catalog.add(table("shop", "order_items",
                    {column("order_id", "bigint(20)", false), column("line_no", "smallint(5) unsigned", false),
                     column("quantity", "int(11)", false)},
                    {"order_id", "line_no"}));
  catalog.add(table("crm", "events", {column("happened_at", "datetime"), column("kind", "varchar(32)")}, {}));
  return catalog;
}

const char* const kEndpoints = "SOURCE mysql 'root@127.0.0.1:1';\nTARGET mysql 'root@127.0.0.1:2';\n";

Plan bind_ok(const std::string& text) {
  auto catalog = shop_catalog();
  auto compiled = dsl::compile_script(std::string(kEndpoints) + text, "b.omsql");
  for (const auto& d : compiled.diagnostics) MESSAGE(d.format());
  REQUIRE(compiled.ok());
  auto bound = dsl::bind_script(*compiled.script, catalog);
  for (const auto& d : bound.diagnostics) MESSAGE(d.format());
  REQUIRE(bound.ok());
  return *bound.plan;
}

const char* const kRichScript =
    "MIGRATE shop.*, crm.events\n"
    "  MAP shop.* TO shop_v2.*\n"
    "  MAP shop.orders TO sales.orders_2024\n"
    "  MAP COLUMN shop.orders.amt TO amount\n"
    "  COLUMNS shop.customers EXCLUDE (password_hash)\n"
    "  COLUMNS shop.orders EXCLUDE (note)\n"
    "  FILTER shop.orders WHERE created_at >= '2024-01-01' AND NOTE IS NULL\n"
    "  FILTER crm.events WHERE happened_at < NOW()\n"
    "  CAST shop.*.is_* TINYINT(1) TO BOOLEAN\n"
    "  CAST shop.orders.* DECIMAL(14,4) TO DECIMAL(20,4)\n"
    "  MODE SCHEMA, FULL;\n";

}  // namespace

TEST_CASE("the binder's TableJobs are bind_table's, for every table of several scripts") {
  for (const char* script : {kRichScript, "MIGRATE shop.orders, shop.order_items;\n",
                             "MIGRATE shop.* EXCLUDE shop.order_items MAP shop.* TO s2.* "
                             "MAP COLUMN shop.customers.email TO mail CAST shop.*.* DECIMAL TO DOUBLE;\n"}) {
    CAPTURE(script);
    Plan plan = bind_ok(script);
    REQUIRE_FALSE(plan.tables.empty());
    for (const auto& job : plan.tables) {
      CAPTURE(job.source.str());
      auto rebound = bind_table(plan.rules, job.source_def);
      REQUIRE(rebound.is_ok());
      CHECK(*rebound == job);
    }
  }
}

TEST_CASE("bind_table: target, columns, casts, filter and key of one table") {
  Plan plan = bind_ok(kRichScript);
  auto job = bind_table(plan.rules, orders_def());
  REQUIRE(job.is_ok());
  CHECK(job->target.str() == "sales.orders_2024");  // the MAP of the table itself beats shop.*
  std::vector<std::string> sources, targets;
  for (const auto& c : job->columns) {
    sources.push_back(c.source);
    targets.push_back(c.target);
  }
  CHECK(sources == std::vector<std::string>{"id", "customer_id", "amt", "total", "created_at", "is_paid"});
  CHECK(targets == std::vector<std::string>{"id", "customer_id", "amount", "total", "created_at", "is_paid"});
  CHECK(job.value().find_column("amt")->cast_to == "DECIMAL(20,4)");
  CHECK(job.value().find_column("is_paid")->cast_to == "BOOLEAN");
  CHECK(job.value().find_column("total")->generated);
  CHECK(job->filter == "created_at >= '2024-01-01' AND NOTE IS NULL");
  // The catalog's spelling, ordinal order; the excluded note is read for the filter.
  CHECK(job->filter_columns == std::vector<std::string>{"note", "created_at"});
  CHECK_FALSE(job->filter_replay_problem.has_value());
  CHECK(job->key.columns == std::vector<std::string>{"id"});

  // crm.events: NOW() is placed at the script's file:line:col by the binder and travels as is.
  auto events = bind_table(plan.rules, table("crm", "events", {column("happened_at", "datetime")}, {}));
  REQUIRE(events.is_ok());
  REQUIRE(events->filter_replay_problem.has_value());
  CHECK(events->filter_replay_problem->rfind("b.omsql:10:41: ", 0) == 0);
  CHECK(events->key.kind == RowKey::Kind::kNone);
}

TEST_CASE("bind_table after a DDL: new columns bound by the same rules, gone columns no error") {
  Plan plan = bind_ok(kRichScript);
  TableDef after = orders_def();
  after.columns.erase(after.columns.begin() + 2);  // DROP COLUMN amt (renamed and cast)
  after.columns.push_back(column("is_gift", "tinyint(1)", false));
  after.columns.push_back(column("discount", "decimal(14,4)"));
  for (size_t i = 0; i < after.columns.size(); ++i) after.columns[i].ordinal = static_cast<int>(i + 1);
  auto job = bind_table(plan.rules, after);
  REQUIRE(job.is_ok());
  CHECK(job.value().find_column("amt") == nullptr);
  CHECK(job.value().find_column("is_gift")->cast_to == "BOOLEAN");
  CHECK(job.value().find_column("discount")->cast_to == "DECIMAL(20,4)");
  CHECK(job.value().find_column("discount")->target == "discount");

  // A table created later in a migrated database joins with the wildcard MAP.
  auto fresh = bind_table(plan.rules, table("shop", "returns", {column("id", "int(11)", false)}, {"id"}));
  REQUIRE(fresh.is_ok());
  CHECK(fresh->target.str() == "shop_v2.returns");
}

TEST_CASE("bind_table refuses what the binder refuses, naming table and column") {
  Plan plan = bind_ok(kRichScript);
  auto outside = bind_table(plan.rules, table("other", "t", {column("id", "int(11)", false)}, {"id"}));
  REQUIRE_FALSE(outside.is_ok());
  CHECK(outside.status().code() == Status::Code::kInvalidArgument);
  CHECK(outside.status().message() == "table other.t is not taken by the MIGRATE patterns");

  // A DDL that makes the excluded column the primary key.
  TableDef keyed = orders_def();
  keyed.indexes[0].parts = {{"note", std::nullopt, false}};
  keyed.columns[3].nullable = false;  // a primary key's columns are NOT NULL
  auto excluded_key = bind_table(plan.rules, keyed);
  REQUIRE_FALSE(excluded_key.is_ok());
  CHECK(excluded_key.status().message() ==
        "cannot exclude column 'note' of shop.orders: it is part of the row key PRIMARY");

  // A DDL that adds a column named like a MAP COLUMN's target.
  TableDef clash = orders_def();
  clash.columns.push_back(column("amount", "int(11)"));
  clash.columns.back().ordinal = 8;
  auto clashing = bind_table(plan.rules, clash);
  REQUIRE_FALSE(clashing.is_ok());
  CHECK(clashing.status().message() ==
        "columns 'amt' and 'amount' of shop.orders would both be named 'amount' in the target");

  MigrationRules two_maps;
  two_maps.include.push_back({{"*", true}, {"*", true}});
  two_maps.maps.push_back({{{"a*", true}, {"*", true}}, {{"x*", true}, {"*", true}}});
  two_maps.maps.push_back({{{"ab", false}, {"*", true}}, {{"y", false}, {"*", true}}});
  auto ambiguous = bind_table(two_maps, table("ab", "t", {column("id", "int(11)", false)}, {"id"}));
  REQUIRE_FALSE(ambiguous.is_ok());
  CHECK(ambiguous.status().message() ==
        "table ab.t matches both MAP a*.* TO x*.* and MAP ab.* TO y.*; add a MAP for the table itself");
  two_maps.maps.push_back({{{"ab", false}, {"t", false}}, {{"mysql", false}, {"t", false}}});
  auto system = bind_table(two_maps, table("ab", "t", {column("id", "int(11)", false)}, {"id"}));
  REQUIRE_FALSE(system.is_ok());
  CHECK(system.status().message().rfind("table ab.t would be migrated to mysql.t, in the system schema mysql", 0) == 0);
}

TEST_CASE("CAST from-types: BIGINT UNSIGNED matches bigint(20) unsigned, widths and modifiers as written") {
  // Issue 13 §6: MariaDB prints integer types with a display width the script need not repeat.
  auto big = column("id", "bigint(20) unsigned");
  big.data_type = "bigint";
  CHECK(type_matches(normalize_type("BIGINT UNSIGNED"), big));
  CHECK(type_matches(normalize_type("bigint(20) unsigned"), big));
  CHECK(type_matches(normalize_type("BIGINT"), big));  // a bare name: every width and modifier
  CHECK(type_matches(normalize_type("bigint(20)"), big));
  CHECK_FALSE(type_matches(normalize_type("BIGINT(19) UNSIGNED"), big));
  auto zero = column("z", "int(10) unsigned zerofill");
  zero.data_type = "int";
  CHECK_FALSE(type_matches(normalize_type("INT UNSIGNED"), zero));  // ZEROFILL is a different type
  CHECK(type_matches(normalize_type("INT UNSIGNED ZEROFILL"), zero));
  auto flag = column("f", "tinyint(1)");
  flag.data_type = "tinyint";
  CHECK(type_matches(normalize_type("BOOLEAN"), flag));
}
