// bind_script against a MemoryCatalog shaped like samples/seed/quickstart.sql.
#include <doctest/doctest.h>

#include <cstdlib>

#include "dsl/compiler.hpp"

using namespace omsql;
using namespace omsql::dsl;

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

MemoryCatalog shop_catalog() {
  MemoryCatalog catalog;
  ColumnDef total = column("total", "decimal(14,4)");
  total.is_generated = true;
  catalog.add(table("shop", "customers",
                    {column("id", "int(10) unsigned", false), column("email", "varchar(190)", false),
                     column("full_name", "varchar(200)", false), column("phone", "varchar(32)"),
                     column("password_hash", "varbinary(64)"), column("created_at", "datetime(6)", false),
                     column("is_vip", "tinyint(1)", false)},
                    {"id"}));
  catalog.add(table("shop", "orders",
                    {column("id", "bigint(20)", false), column("customer_id", "int(10) unsigned", false),
                     column("amt", "decimal(14,4)", false), column("note", "text"), total,
                     column("created_at", "timestamp(3)", false)},
                    {"id"}));
  catalog.add(table("shop", "order_items",
                    {column("order_id", "bigint(20)", false), column("line_no", "smallint(5) unsigned", false),
                     column("quantity", "int(11)", false)},
                    {"order_id", "line_no"}));
  catalog.add(table("shop", "products", {column("sku", "char(12)", false), column("flags", "bit(8)", false)},
                    {"sku"}));
  catalog.add(table("shop", "tmp_import", {column("x", "int(11)")}, {}));
  catalog.add(table("crm", "contacts", {column("contact_id", "int(11)", false), column("note", "text")},
                    {"contact_id"}));
  catalog.add(table("crm", "events", {column("happened_at", "datetime"), column("kind", "varchar(32)")}, {}));
  return catalog;
}

const char* const kEndpoints = "SOURCE mysql 'root@127.0.0.1:1';\nTARGET mysql 'root@127.0.0.1:2';\n";

Plan bind_ok(const std::string& text, const Catalog& catalog) {
  auto compiled = compile_script(text, "b.omsql");
  for (const auto& d : compiled.diagnostics) MESSAGE(d.format());
  REQUIRE(compiled.ok());
  auto bound = bind_script(*compiled.script, catalog);
  for (const auto& d : bound.diagnostics) MESSAGE(d.format());
  REQUIRE(bound.ok());
  return *bound.plan;
}

std::vector<std::string> names(const std::vector<ColumnMapping>& columns, bool target) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(target ? c.target : c.source);
  return out;
}

class FailingCatalog final : public Catalog {
 public:
  Result<std::vector<QualifiedName>> list_tables() const override {
    return Status::server_error("lost connection to 127.0.0.1:1");
  }
  Result<TableDef> describe(const QualifiedName& t) const override { return Status::not_found(t.str()); }
};

}  // namespace

TEST_CASE("the quickstart sample binds to one job per table with its target name") {
  setenv("OMSQL_SRC_PORT", "33061", 1);
  setenv("OMSQL_TGT_PORT", "33062", 1);
  const char* root = std::getenv("OMSQL_SOURCE_ROOT");
  auto compiled = compile_file(std::string(root ? root : ".") + "/samples/quickstart.omsql");
  for (const auto& d : compiled.diagnostics) MESSAGE(d.format());
  REQUIRE(compiled.ok());
  auto catalog = shop_catalog();
  auto bound = bind_script(*compiled.script, catalog);
  for (const auto& d : bound.diagnostics) MESSAGE(d.format());
  REQUIRE(bound.ok());
  const Plan& plan = *bound.plan;
  CHECK(plan.source.port == 33061);
  CHECK(plan.options.parallel == 2);
  CHECK_FALSE(plan.phases.incremental);
  REQUIRE(plan.tables.size() == 6);
  const std::pair<const char*, const char*> expected[] = {
      {"crm.contacts", "crm.contacts"},         {"crm.events", "crm.events"},
      {"shop.customers", "shop_v2.customers"},  {"shop.order_items", "shop_v2.order_items"},
      {"shop.orders", "shop_v2.orders"},        {"shop.products", "shop_v2.products"}};
  for (size_t i = 0; i < plan.tables.size(); ++i) {
    CHECK(plan.tables[i].source.str() == expected[i].first);
    CHECK(plan.tables[i].target.str() == expected[i].second);
  }
  const TableJob& customers = plan.tables[2];
  CHECK(names(customers.columns, false) ==
        std::vector<std::string>{"id", "email", "full_name", "phone", "created_at", "is_vip"});
  CHECK(customers.key.kind == RowKey::Kind::kPrimary);
  CHECK(customers.source_def.name.str() == "shop.customers");
  const TableJob& orders = plan.tables[4];
  CHECK(names(orders.columns, true) ==
        std::vector<std::string>{"id", "customer_id", "amount", "note", "total", "created_at"});
  CHECK(target_column(orders, "amt") == std::optional<std::string>("amount"));
  CHECK(target_column(customers, "password_hash") == std::nullopt);
  REQUIRE(orders.find_column("amt") != nullptr);
  CHECK(orders.find_column("amt")->target == "amount");
  CHECK(orders.columns[4].generated);
  CHECK(plan.tables[1].key.kind == RowKey::Kind::kNone);
  CHECK(plan.tables[3].key.columns == std::vector<std::string>{"order_id", "line_no"});
}

TEST_CASE("FILTER, CAST, EXCLUDE, specific MAP over wildcard MAP, and standalone VERIFY") {
  auto catalog = shop_catalog();
  Plan plan = bind_ok(std::string(kEndpoints) +
                          "MIGRATE shop.*, crm.contacts\n"
                          "  EXCLUDE shop.tmp_*\n"
                          "  MAP shop.* TO shop_v2.*\n"
                          "  MAP shop.orders TO sales.orders_2024\n"
                          "  MAP crm.contacts TO shop_v2.contacts\n"
                          "  FILTER shop.orders WHERE created_at >= '2024-01-01'\n"
                          "  CAST shop.*.is_* TINYINT(1) TO BOOLEAN\n"
                          "  CAST shop.orders.* DECIMAL(14,4) TO DECIMAL(20,4);\n"
                          "VERIFY shop.order*;\n",
                      catalog);
  REQUIRE(plan.tables.size() == 5);
  CHECK(plan.tables[0].source.str() == "crm.contacts");
  CHECK(plan.tables[0].target.str() == "shop_v2.contacts");
  const TableJob& orders = plan.tables[3];
  CHECK(orders.source.str() == "shop.orders");
  CHECK(orders.target.str() == "sales.orders_2024");
  CHECK(orders.filter == std::optional<std::string>("created_at >= '2024-01-01'"));
  CHECK(orders.columns[2].cast_to == std::optional<std::string>("DECIMAL(20,4)"));
  CHECK_FALSE(orders.columns[3].cast_to.has_value());
  CHECK_FALSE(plan.tables[1].filter.has_value());
  CHECK(plan.tables[1].columns[6].cast_to == std::optional<std::string>("BOOLEAN"));
  CHECK_FALSE(plan.tables[1].columns[0].cast_to.has_value());
  REQUIRE(plan.verify_requests.size() == 1);
  CHECK(plan.verify_requests[0].tables ==
        std::vector<QualifiedName>{{"shop", "order_items"}, {"shop", "orders"}});
}

TEST_CASE("the plan keeps the MIGRATE rules: a table created after the bind gets the fate a bound one would") {
  auto catalog = shop_catalog();
  Plan plan = bind_ok(std::string(kEndpoints) +
                          "MIGRATE shop.*, crm.contacts\n"
                          "  EXCLUDE shop.tmp_*\n"
                          "  MAP shop.* TO shop_v2.*\n"
                          "  MAP shop.orders TO sales.orders_2024\n"
                          "  MAP COLUMN shop.orders.amt TO amount\n"
                          "  COLUMNS shop.customers EXCLUDE (password_hash)\n"
                          "  FILTER shop.orders WHERE created_at >= '2024-01-01'\n"
                          "  CAST shop.*.is_* TINYINT(1) TO BOOLEAN;\n",
                      catalog);
  const MigrationRules& rules = plan.rules;
  REQUIRE(rules.include.size() == 2);
  CHECK(rules.include[0].str() == "shop.*");
  CHECK(rules.include[0].table.glob);
  CHECK(rules.include[1].literal());
  REQUIRE(rules.exclude.size() == 1);
  CHECK(rules.exclude[0].str() == "shop.tmp_*");
  REQUIRE(rules.maps.size() == 2);
  CHECK(rules.maps[1].to.str() == "sales.orders_2024");
  REQUIRE(rules.column_renames.size() == 1);
  CHECK(rules.column_renames[0].column == "amt");
  CHECK(rules.column_renames[0].to == "amount");
  REQUIRE(rules.column_exclusions.size() == 1);
  CHECK(rules.column_exclusions[0].columns == std::vector<std::string>{"password_hash"});
  REQUIRE(rules.filters.size() == 1);
  CHECK(rules.filters[0].condition == "created_at >= '2024-01-01'");
  REQUIRE(rules.casts.size() == 1);
  CHECK(rules.casts[0].from_type == "tinyint(1)");
  CHECK(rules.casts[0].to_type == "BOOLEAN");

  // Every bound job is what the rules say of its source: the pure answer and the binder agree.
  for (const auto& job : plan.tables) {
    const TableFate fate = rules.fate_of(job.source);
    CHECK_MESSAGE(fate.migrated, job.source.str());
    CHECK(fate.target == job.target);
  }
  // A table the catalog did not have: taken by shop.*, renamed by the wildcard MAP.
  TableFate fresh = rules.fate_of({"shop", "returns"});
  CHECK(fresh.migrated);
  CHECK(fresh.target.str() == "shop_v2.returns");
  CHECK(fresh.ambiguity.empty());
  CHECK_FALSE(rules.fate_of({"shop", "tmp_load"}).migrated);   // EXCLUDE
  CHECK_FALSE(rules.fate_of({"crm", "leads"}).migrated);       // crm takes only contacts
  CHECK_FALSE(rules.fate_of({"other", "returns"}).migrated);
  CHECK_FALSE(rules.fate_of({"Shop", "returns"}).migrated);    // the catalog's names are exact
  CHECK(rules.takes({"Shop", "RETURNS"}, /*ignore_case=*/true));
  CHECK_FALSE(rules.takes({"SHOP", "TMP_x"}, /*ignore_case=*/true));
}

TEST_CASE("MigrationRules: system schemas are never taken, and two wildcard MAPs are an ambiguity") {
  MigrationRules rules;
  rules.include.push_back({{"*", true}, {"*", true}});
  rules.maps.push_back({{{"a*", true}, {"*", true}}, {{"x*", true}, {"*", true}}});
  rules.maps.push_back({{{"ab", false}, {"*", true}}, {{"y", false}, {"*", true}}});
  CHECK_FALSE(rules.takes({"mysql", "user"}));
  CHECK_FALSE(rules.takes({"omsql_meta", "checkpoint"}));
  CHECK_FALSE(rules.takes({"MySQL", "user"}, true));
  // The live link's shadow databases on the target (src/catalog/shadow_names.hpp).
  CHECK_FALSE(rules.takes({"omsql_shadow_0123456789ab_1764640000_3_0", "orders"}));
  CHECK_FALSE(rules.takes({"OMSQL_SHADOW_x", "t"}, true));
  CHECK(rules.takes({"omsql_shadowy", "t"}));
  CHECK(rules.fate_of({"abc", "t"}).target.str() == "xbc.t");
  const TableFate both = rules.fate_of({"ab", "t"});
  CHECK(both.migrated);
  CHECK(both.ambiguity == "matches both MAP a*.* TO x*.* and MAP ab.* TO y.*");
  rules.maps.push_back({{{"ab", false}, {"t", false}}, {{"z", false}, {"t2", false}}});
  CHECK(rules.fate_of({"ab", "t"}).target.str() == "z.t2");  // a MAP of the table itself decides
  CHECK(rules.fate_of({"ab", "t"}).ambiguity.empty());
}

TEST_CASE("a FILTER's columns, and why replay could not evaluate it, travel with the job") {
  auto catalog = shop_catalog();
  Plan plan = bind_ok(std::string(kEndpoints) +
                          "MIGRATE shop.customers, shop.orders\n"
                          "  COLUMNS shop.customers EXCLUDE (password_hash, phone)\n"
                          "  COLUMNS shop.orders EXCLUDE (note)\n"
                          "  FILTER shop.customers WHERE IS_VIP = 1 AND `Password_Hash` IS NOT NULL AND created_at > '2020-01-01'\n"
                          "  FILTER shop.orders WHERE customer_id IN (SELECT id FROM shop.customers WHERE is_vip = 1)\n"
                          "  MODE SCHEMA, FULL;\n",
                      catalog);
  REQUIRE(plan.tables.size() == 2);
  const TableJob& customers = plan.tables[0];
  // Ordinal order, the catalog's spelling; an excluded column the filter reads is among them.
  CHECK(customers.filter_columns == std::vector<std::string>{"password_hash", "created_at", "is_vip"});
  CHECK_FALSE(customers.filter_replay_problem.has_value());
  // What replay reads: mapped columns, the key, and the excluded password_hash the filter needs.
  CHECK(customers.replayed_columns() == std::vector<bool>{true, true, true, false, true, true, true});
  const TableJob& orders = plan.tables[1];
  CHECK(orders.replayed_columns() == std::vector<bool>{true, true, true, false, true, true});
  REQUIRE(orders.filter_replay_problem.has_value());
  CHECK(orders.filter_replay_problem->rfind("b.omsql:7:44: FILTER on shop.orders: a subquery (SELECT ...) cannot be "
                                            "evaluated when changes are replayed",
                                            0) == 0);
}

TEST_CASE("a VERIFY-only script verifies same-named tables") {
  auto catalog = shop_catalog();
  Plan plan = bind_ok(std::string(kEndpoints) + "VERIFY crm.* WITH (repair = 'fix.sql');", catalog);
  CHECK_FALSE(plan.has_migrate);
  REQUIRE(plan.tables.size() == 2);
  CHECK(plan.tables[0].target == plan.tables[0].source);
  CHECK(names(plan.tables[0].columns, true) == std::vector<std::string>{"contact_id", "note"});
  REQUIRE(plan.verify_requests.size() == 1);
  CHECK(plan.verify_requests[0].tables.size() == 2);
  CHECK(plan.verify_requests[0].options.repair_file == "fix.sql");
}

TEST_CASE("binder errors name the rule that could not be bound") {
  struct Case {
    const char* name;
    const char* migrate;   // follows the SOURCE and TARGET lines, so it starts on line 3
    const char* expected;  // every diagnostic's format(), joined by '\n'
  };
  const Case cases[] = {
      {"pattern matches nothing", "MIGRATE shop.*, nope.*;",
       "b.omsql:3:17: error: 'nope.*' matches no table in the source\n"
       "MIGRATE shop.*, nope.*;\n"
       "                ^"},
      {"every match excluded", "MIGRATE crm.events EXCLUDE crm.e*;",
       "b.omsql:3:9: error: every table that 'crm.events' matches is EXCLUDEd\n"
       "MIGRATE crm.events EXCLUDE crm.e*;\n"
       "        ^"},
      {"two tables to one target", "MIGRATE shop.orders, crm.contacts\n  MAP crm.contacts TO shop.orders;",
       "b.omsql:4:3: error: tables crm.contacts and shop.orders would both be migrated to shop.orders\n"
       "  MAP crm.contacts TO shop.orders;\n"
       "  ^"},
      {"MAP matches no selected table", "MIGRATE shop.orders MAP crm.* TO x.*;",
       "b.omsql:3:21: error: MAP of 'crm.*' matches no migrated table\n"
       "MIGRATE shop.orders MAP crm.* TO x.*;\n"
       "                    ^"},
      {"FILTER matches no selected table", "MIGRATE shop.orders FILTER shop.order WHERE id > 1;",
       "b.omsql:3:21: error: FILTER on 'shop.order' matches no migrated table\n"
       "MIGRATE shop.orders FILTER shop.order WHERE id > 1;\n"
       "                    ^"},
      {"COLUMNS matches no selected table", "MIGRATE shop.orders COLUMNS crm.contacts EXCLUDE (note);",
       "b.omsql:3:21: error: COLUMNS on 'crm.contacts' matches no migrated table\n"
       "MIGRATE shop.orders COLUMNS crm.contacts EXCLUDE (note);\n"
       "                    ^"},
      {"CAST matches no selected table", "MIGRATE shop.orders CAST crm.*.* TINYINT(1) TO BOOLEAN;",
       "b.omsql:3:21: error: CAST of 'crm.*.*' matches no migrated table\n"
       "MIGRATE shop.orders CAST crm.*.* TINYINT(1) TO BOOLEAN;\n"
       "                    ^"},
      {"unknown column in MAP COLUMN", "MIGRATE shop.orders MAP COLUMN shop.orders.amount TO amt;",
       "b.omsql:3:32: error: unknown column 'amount' in shop.orders\n"
       "MIGRATE shop.orders MAP COLUMN shop.orders.amount TO amt;\n"
       "                               ^"},
      {"unknown column for a wildcard table", "MIGRATE shop.* MAP COLUMN shop.*.nope TO yes;",
       "b.omsql:3:27: error: unknown column 'nope': no table that 'shop.*' matches has it\n"
       "MIGRATE shop.* MAP COLUMN shop.*.nope TO yes;\n"
       "                          ^"},
      {"unknown column in COLUMNS EXCLUDE", "MIGRATE shop.orders COLUMNS shop.orders EXCLUDE (note, notes);",
       "b.omsql:3:56: error: unknown column 'notes' in shop.orders\n"
       "MIGRATE shop.orders COLUMNS shop.orders EXCLUDE (note, notes);\n"
       "                                                       ^"},
      {"excluding a key column", "MIGRATE shop.order_items COLUMNS shop.order_items EXCLUDE (line_no);",
       "b.omsql:3:60: error: cannot exclude column 'line_no' of shop.order_items: it is part of the row key "
       "PRIMARY\n"
       "MIGRATE shop.order_items COLUMNS shop.order_items EXCLUDE (line_no);\n"
       "                                                           ^"},
      {"excluding every column", "MIGRATE crm.events COLUMNS crm.events EXCLUDE (happened_at, kind);",
       "b.omsql:3:20: error: COLUMNS ... EXCLUDE removes every column of crm.events\n"
       "MIGRATE crm.events COLUMNS crm.events EXCLUDE (happened_at, kind);\n"
       "                   ^"},
      {"ambiguous wildcard MAPs", "MIGRATE shop.orders\n  MAP shop.* TO a.*\n  MAP *.orders TO b.*;",
       "b.omsql:5:3: error: table shop.orders matches both this MAP and the MAP at line 4; add a MAP for the "
       "table itself\n"
       "  MAP *.orders TO b.*;\n"
       "  ^"},
      {"renamed column collides", "MIGRATE shop.orders MAP COLUMN shop.orders.amt TO note;",
       "b.omsql:3:21: error: columns 'amt' and 'note' of shop.orders would both be named 'note' in the target\n"
       "MIGRATE shop.orders MAP COLUMN shop.orders.amt TO note;\n"
       "                    ^"},
      {"MAP COLUMN of an excluded column",
       "MIGRATE shop.orders COLUMNS shop.* EXCLUDE (note) MAP COLUMN shop.orders.note TO n;",
       "b.omsql:3:51: error: MAP COLUMN of 'note', which COLUMNS ... EXCLUDE removes from shop.orders\n"
       "MIGRATE shop.orders COLUMNS shop.* EXCLUDE (note) MAP COLUMN shop.orders.note TO n;\n"
       "                                                  ^"},
      {"a wildcard MAP that lands in a system schema", "MIGRATE crm.contacts MAP crm*.contacts TO sys*.contacts;",
       "b.omsql:3:22: error: MAP target 'sys.contacts' is in the system schema sys: omsql never writes into mysql, "
       "sys, performance_schema, information_schema or omsql_meta\n"
       "MIGRATE crm.contacts MAP crm*.contacts TO sys*.contacts;\n"
       "                     ^"},
      {"a pattern that only system schemas would match", "MIGRATE shop.*, m*.*;",
       "b.omsql:3:17: error: 'm*.*' matches no table in the source (mysql is a system schema, not migrated)\n"
       "MIGRATE shop.*, m*.*;\n"
       "                ^"},
      {"VERIFY of a table not migrated", "MIGRATE shop.orders;\nVERIFY crm.contacts;",
       "b.omsql:4:8: error: VERIFY pattern 'crm.contacts' matches no migrated table\n"
       "VERIFY crm.contacts;\n"
       "       ^"},
  };
  auto catalog = shop_catalog();
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto compiled = compile_script(std::string(kEndpoints) + c.migrate, "b.omsql");
    for (const auto& d : compiled.diagnostics) MESSAGE(d.format());
    REQUIRE(compiled.ok());
    auto bound = bind_script(*compiled.script, catalog);
    CHECK_FALSE(bound.ok());
    CHECK_FALSE(bound.plan.has_value());
    std::string actual;
    for (const auto& d : bound.diagnostics) {
      if (!actual.empty()) actual += '\n';
      actual += d.format();
    }
    CHECK(actual == c.expected);
  }
}

TEST_CASE("a catalog failure is a diagnostic, not an exception") {
  auto compiled = compile_script(std::string(kEndpoints) + "MIGRATE shop.*;", "b.omsql");
  REQUIRE(compiled.ok());
  FailingCatalog catalog;
  auto bound = bind_script(*compiled.script, catalog);
  REQUIRE(bound.diagnostics.size() == 1);
  CHECK(bound.diagnostics[0].format() == "b.omsql: error: cannot list the source tables: lost connection to 127.0.0.1:1");
}

TEST_CASE("rules that name tables the live link saw leave still match on a resumed run") {
  // The task migrated gone.a and gone.b (the whole database, then DROP DATABASE replicated) and
  // shop.tmp_import's old twin shop.legacy (dropped): the script, unchanged, must bind again.
  const std::string text = std::string(kEndpoints) +
                           "MIGRATE shop.*, gone.*, shop.legacy\n"
                           "  MAP gone.* TO gone_t.*\n"
                           "  MAP COLUMN gone.a.v TO value\n"
                           "  COLUMNS gone.b EXCLUDE (secret)\n"
                           "  CAST gone.a.n INT(11) TO BIGINT\n"
                           "  FILTER shop.legacy WHERE id > 0;\n"
                           "VERIFY gone.a;\n";
  auto catalog = shop_catalog();
  auto compiled = compile_script(text, "b.omsql");
  for (const auto& d : compiled.diagnostics) MESSAGE(d.format());
  REQUIRE(compiled.ok());
  // A fresh start: every rule that names only the departed tables is an error at its place.
  auto fresh = bind_script(*compiled.script, catalog);
  CHECK_FALSE(fresh.ok());
  CHECK(fresh.diagnostics.size() >= 6);
  std::vector<QualifiedName> departed = {{"gone", "a"}, {"gone", "b"}, {"shop", "legacy"}};
  auto resumed = bind_script(*compiled.script, catalog, departed);
  for (const auto& d : resumed.diagnostics) MESSAGE(d.format());
  REQUIRE(resumed.ok());
  // They get no job: only what the source has is bound.
  for (const auto& job : resumed.plan->tables) CHECK(job.source.schema == "shop");
  CHECK(resumed.plan->tables.size() == 5);
  // A departed name does not hide a typo elsewhere in the script.
  auto typo = compile_script(std::string(kEndpoints) + "MIGRATE gone.*, shpo.*;\n", "b.omsql");
  REQUIRE(typo.ok());
  auto still = bind_script(*typo.script, catalog, departed);
  REQUIRE(still.diagnostics.size() == 1);
  CHECK(still.diagnostics[0].message.find("'shpo.*' matches no table") != std::string::npos);
}
