// The task's table set (src/task/table_set): what a resumed run finds when it binds the script
// again against a source that changed (tables appeared, one disappeared) or with a script whose
// patterns or MAPs changed; the file round trip, its mode, and a damaged file named as an error.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/task/table_set.hpp"
#include "tests/support/binlog_positions.hpp"

using namespace omsql;
namespace fs = std::filesystem;

namespace {

TableNamePattern pattern(std::string schema, std::string table) {
  auto glob = [](const std::string& s) { return s.find_first_of("*?") != std::string::npos; };
  return TableNamePattern{{schema, glob(schema)}, {table, glob(table)}};
}

// MIGRATE shop.* EXCLUDE shop.tmp_* MAP shop.* TO `to`.*, bound to `tables`.
Plan plan(std::vector<std::string> tables, std::string to = "shop_v2", std::string exclude = "tmp_*") {
  Plan p;
  p.has_migrate = true;
  p.rules.include.push_back(pattern("shop", "*"));
  p.rules.exclude.push_back(pattern("shop", exclude));
  p.rules.maps.push_back({pattern("shop", "*"), pattern(to, "*")});
  for (const auto& t : tables) {
    TableJob job;
    job.source = {"shop", t};
    job.target = {to, t};
    p.tables.push_back(job);
  }
  VerifyRequest request;
  for (const auto& t : tables) request.tables.push_back({"shop", t});
  p.verify_requests.push_back(request);
  return p;
}

std::vector<std::string> names(const std::vector<QualifiedName>& tables) {
  std::vector<std::string> out;
  for (const auto& t : tables) out.push_back(t.str());
  return out;
}

}  // namespace

TEST_CASE("the same script against the same source: nothing differs") {
  const TableSet started = table_set_of(plan({"orders", "items"}));
  REQUIRE(started.tables.size() == 2);
  CHECK(started.tables[0].source.str() == "shop.items");  // sorted
  const TableSetComparison c = compare_table_set(started, plan({"items", "orders"}));
  CHECK_FALSE(c.refused());
  CHECK(c.appeared.empty());
}

TEST_CASE("tables that appeared on the source after the start are named, not added") {
  const TableSet started = table_set_of(plan({"orders"}));
  const Plan now = plan({"orders", "returns", "refunds"});
  const TableSetComparison c = compare_table_set(started, now);
  CHECK_FALSE(c.refused());
  CHECK(names(c.appeared) == std::vector<std::string>{"shop.returns", "shop.refunds"});
  const Plan resumed = restrict_to_table_set(now, started);
  REQUIRE(resumed.tables.size() == 1);
  CHECK(resumed.tables[0].source.str() == "shop.orders");
  REQUIRE(resumed.verify_requests.size() == 1);
  CHECK(names(resumed.verify_requests[0].tables) == std::vector<std::string>{"shop.orders"});
}

TEST_CASE("a table of the set that the source no longer has is an error naming it") {
  const TableSet started = table_set_of(plan({"orders", "items"}));
  const TableSetComparison c = compare_table_set(started, plan({"orders"}));
  CHECK(c.refused());
  CHECK(names(c.missing) == std::vector<std::string>{"shop.items"});
  CHECK(c.script_changes.empty());
  CHECK(table_set_refusal(c, "/t/task", "shop.omsql") ==
        "/t/task: the task's table shop.items is no longer on the source (dropped or renamed since the task "
        "started): the task cannot go on with it missing. Bring it back, or start the task afresh with the tables "
        "the source has now: omsrun shop.omsql --recopy");
}

TEST_CASE("a changed MAP or pattern is refused, naming each table that differs") {
  const TableSet started = table_set_of(plan({"orders", "items"}));
  // MAP shop.* TO shop_v3.*
  TableSetComparison c = compare_table_set(started, plan({"orders", "items"}, "shop_v3"));
  CHECK(c.refused());
  CHECK(c.script_changes == std::vector<std::string>{
                                "shop.orders was migrated to shop_v2.orders, the script now maps it to shop_v3.orders",
                                "shop.items was migrated to shop_v2.items, the script now maps it to shop_v3.items"});
  CHECK(table_set_refusal(c, "/t/task", "shop.omsql") ==
        "/t/task: the script's MIGRATE patterns or MAPs give another table set than the task started with:\n"
        "  shop.orders was migrated to shop_v2.orders, the script now maps it to shop_v3.orders\n"
        "  shop.items was migrated to shop_v2.items, the script now maps it to shop_v3.items\n"
        "Revert the script to go on with the task's set, or start the task afresh with the new set: omsrun "
        "shop.omsql --recopy");
  // EXCLUDE shop.items: a table of the set the script no longer takes.
  c = compare_table_set(started, plan({"orders"}, "shop_v2", "items"));
  CHECK(c.missing.empty());
  CHECK(c.script_changes ==
        std::vector<std::string>{"shop.items (to shop_v2.items) is in the task's table set; the script no longer takes it"});
  // The EXCLUDE removed: shop.tmp_load, which existed, is now taken; the task's rules did not take it.
  c = compare_table_set(started, plan({"items", "orders", "tmp_load"}, "shop_v2", "none"));
  CHECK(c.script_changes == std::vector<std::string>{"shop.tmp_load is not in the task's table set; the script now takes it"});
  CHECK(c.appeared.empty());
  // An EXCLUDE added for a table that is not in the set changes nothing (the way out of a new table in the link).
  c = compare_table_set(started, plan({"items", "orders"}, "shop_v2", "fresh"));
  CHECK_FALSE(c.refused());
}

TEST_CASE("table-set.json: round trip, 0600, a damaged file is an error naming it, none is nullopt") {
  char name[] = "/tmp/omsql-table-set-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  auto none = load_table_set(dir);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());

  Plan p = plan({"orders", "we`ird"});
  p.rules.maps.push_back({pattern("shop", "orders"), pattern("sales", "orders_2024")});
  p.tables[0].target = {"sales", "orders_2024"};
  const TableSet set = table_set_of(p);
  REQUIRE(save_table_set(dir, set));
  struct stat st {};
  REQUIRE(::stat((dir + "/table-set.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto loaded = load_table_set(dir);
  REQUIRE(loaded);
  REQUIRE(loaded->has_value());
  CHECK((*loaded)->tables == set.tables);
  CHECK((*loaded)->rules == set.rules);
  CHECK_FALSE(compare_table_set(**loaded, p).refused());

  std::ofstream(dir + "/table-set.json", std::ios::trunc) << "{\"tables\": [{\"source\": [\"shop\"]}]}";
  auto damaged = load_table_set(dir);
  REQUIRE_FALSE(damaged);
  CHECK(damaged.status().message().find(dir + "/table-set.json: damaged table set") == 0);
  std::ofstream(dir + "/table-set.json", std::ios::trunc) << "{not json";
  CHECK(load_table_set(dir).status().message() == dir + "/table-set.json: not valid JSON");
  fs::remove_all(dir);
}

TEST_CASE("changed column rules of a table of the set are refused, naming the table and the rules") {
  Plan started_plan = plan({"orders", "items"});
  started_plan.rules.column_renames.push_back({pattern("shop", "orders"), "amt", "amount"});
  started_plan.rules.column_exclusions.push_back({pattern("shop", "*"), {"secret"}});
  const TableSet started = table_set_of(started_plan);
  REQUIRE(started.tables[1].column_rules);
  CHECK(*started.tables[1].column_rules ==
        std::vector<std::string>{"COLUMNS EXCLUDE (secret)", "MAP COLUMN amt TO amount"});

  SUBCASE("the same rules: nothing differs, also after a round trip of the file") {
    auto loaded = table_set_from_json(table_set_to_json(started), "t.json");
    REQUIRE(loaded);
    CHECK(loaded->tables == started.tables);
    CHECK_FALSE(compare_table_set(*loaded, started_plan).refused());
  }
  SUBCASE("an exclusion widened and a FILTER added: refused, one line per table") {
    Plan now = plan({"orders", "items"});
    now.rules.column_renames.push_back({pattern("shop", "orders"), "amt", "amount"});
    now.rules.column_exclusions.push_back({pattern("shop", "*"), {"secret", "note"}});
    now.rules.filters.push_back({pattern("shop", "items"), "qty > 0"});
    const TableSetComparison c = compare_table_set(started, now);
    CHECK(c.refused());
    CHECK(c.column_changes == std::vector<std::string>{
                                  "shop.items: no longer COLUMNS EXCLUDE (secret); now COLUMNS EXCLUDE (secret, note), "
                                  "FILTER WHERE qty > 0",
                                  "shop.orders: no longer COLUMNS EXCLUDE (secret); now COLUMNS EXCLUDE (secret, note)"});
    const std::string text = table_set_refusal(c, "/t", "s.omsql");
    CHECK(text.find("column rules (MAP COLUMN, COLUMNS EXCLUDE, CAST, FILTER) changed") != std::string::npos);
    CHECK(text.find("omsrun s.omsql --recopy") != std::string::npos);
  }
  SUBCASE("a set written without column rules does not compare them") {
    TableSet old = started;
    for (auto& e : old.tables) e.column_rules.reset();
    auto loaded = table_set_from_json(table_set_to_json(old), "t.json");
    REQUIRE(loaded);
    CHECK_FALSE(loaded->tables[0].column_rules);
    CHECK_FALSE(compare_table_set(*loaded, plan({"orders", "items"})).refused());
  }
}

TEST_CASE("a table a replicated DROP took out of the task is recorded as left, and a rerun without it goes on") {
  char name[] = "/tmp/omsql-table-set-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  const SourcePosition at = to_source_position(BinlogPosition{"mariadb-bin.000003", 4242, "0-1-77"});
  // No table set (a task without MIGRATE patterns): nothing to record.
  REQUIRE(record_tables_left(dir, {{"shop", "items"}}, at, "DROP TABLE items"));
  CHECK_FALSE(load_table_set(dir)->has_value());

  REQUIRE(save_table_set(dir, table_set_of(plan({"items", "orders", "users"}))));
  REQUIRE(record_tables_left(dir, {{"shop", "items"}, {"shop", "users"}}, at, "DROP TABLE items, users, other"));
  auto loaded = load_table_set(dir);
  REQUIRE(loaded);
  REQUIRE(loaded->has_value());
  const TableSet& set = **loaded;
  REQUIRE(set.tables.size() == 1);
  CHECK(set.tables[0].source == QualifiedName{"shop", "orders"});
  REQUIRE(set.left.size() == 2);
  CHECK(set.left[0] == DepartedTable{{"shop", "items"}, {"shop_v2", "items"}, at, "DROP TABLE items, users, other"});
  CHECK(set.left[1].source == QualifiedName{"shop", "users"});
  // The tailer reads the statement again after a reconnect: nothing changes.
  REQUIRE(record_tables_left(dir, {{"shop", "items"}}, at, "DROP TABLE items, users, other"));
  CHECK(load_table_set(dir)->value().left.size() == 2);
  // A rerun binds the script against a source without them: not missing, not refused.
  const TableSetComparison comparison = compare_table_set(set, plan({"orders"}));
  CHECK_FALSE(comparison.refused());
  CHECK(comparison.missing.empty());
  // Created again on the source later: a table that appeared, not added.
  CHECK(names(compare_table_set(set, plan({"items", "orders"})).appeared) == std::vector<std::string>{"shop.items"});
  fs::remove_all(dir);
}

TEST_CASE("a table that joined in the live link: recorded once, kept out of the run's plan, never missing") {
  char name[] = "/tmp/omsql-table-set-join-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  // Without table-set.json nothing is recorded.
  TableSetEntry fresh{{"shop", "fresh"}, {"shop_v2", "fresh"}, std::vector<std::string>{},
                      JoinedAt{to_source_position(BinlogPosition{"mariadb-bin.000002", 900, "0-1-7"}), "CREATE TABLE fresh (id INT)"}};
  REQUIRE(record_table_joined(dir, fresh));
  CHECK_FALSE(*load_table_set(dir));
  REQUIRE(save_table_set(dir, table_set_of(plan({"orders", "items"}))));
  REQUIRE(record_table_joined(dir, fresh));
  TableSetEntry again = fresh;
  again.joined->position = test::binlog_at("mariadb-bin.000002", 950, "0-1-7");  // read again after a reconnect: the first record stays
  REQUIRE(record_table_joined(dir, again));
  auto loaded = load_table_set(dir);
  REQUIRE(loaded);
  REQUIRE(loaded->has_value());
  const TableSet& set = **loaded;
  REQUIRE(set.tables.size() == 3);
  CHECK(set.tables[0] == fresh);  // sorted by source, round trip exact
  REQUIRE(joined_tables(set).size() == 1);
  CHECK(load_joined_tables(dir)->front().source.str() == "shop.fresh");
  // The rerun binds the script against a source that has the table, or no longer has it (a DROP
  // not yet captured): refused neither way; the run's plan is the start's tables only.
  CHECK_FALSE(compare_table_set(set, plan({"orders", "items", "fresh"})).refused());
  CHECK(compare_table_set(set, plan({"orders", "items", "fresh"})).appeared.empty());
  CHECK_FALSE(compare_table_set(set, plan({"orders", "items"})).refused());
  const Plan run = restrict_to_table_set(plan({"orders", "items", "fresh"}), set);
  REQUIRE(run.tables.size() == 2);
  for (const auto& job : run.tables) CHECK(job.source.table != "fresh");
  // Left by a DROP later: moved to `left` like any task table.
  REQUIRE(record_tables_left(dir, {{"shop", "fresh"}}, to_source_position(BinlogPosition{"mariadb-bin.000002", 990, ""}), "DROP TABLE fresh"));
  CHECK(joined_tables(**load_table_set(dir)).empty());
  fs::remove_all(dir);
}

TEST_CASE("a table set written before the opaque position reads its joins and leaves") {
  const std::string old_form = R"json({"tables": [{"source": ["shop", "fresh"], "target": ["shop_v2", "fresh"],
      "joined": {"binlog_file": "mariadb-bin.000002", "binlog_offset": 900, "gtid": "0-1-7", "statement": "CREATE TABLE fresh (id INT)"}}],
    "include": [], "exclude": [], "maps": [],
    "left": [{"source": ["shop", "old"], "target": ["shop_v2", "old"], "binlog_file": "mariadb-bin.000003",
              "binlog_offset": 10, "gtid": "", "statement": "DROP TABLE old"}]})json";
  auto set = table_set_from_json(old_form, "table-set.json");
  REQUIRE_MESSAGE(set, set.status().message());
  REQUIRE(set->tables.size() == 1);
  REQUIRE(set->tables[0].joined);
  CHECK(set->tables[0].joined->position == test::binlog_at("mariadb-bin.000002", 900));
  CHECK(test::gtid_of(set->tables[0].joined->position) == "0-1-7");
  REQUIRE(set->left.size() == 1);
  CHECK(set->left[0].position == test::binlog_at("mariadb-bin.000003", 10));
  // Written again, it is in the new form and reads back the same.
  const std::string now_form = table_set_to_json(*set);
  CHECK(now_form.find("binlog_file") == std::string::npos);
  auto back = table_set_from_json(now_form, "table-set.json");
  REQUIRE(back);
  CHECK(back->tables[0].joined->position == set->tables[0].joined->position);
  CHECK(back->left[0].position == set->left[0].position);
  // An old position no server writes is named.
  std::string bad = old_form;
  bad.replace(bad.find("mariadb-bin.000003"), 18, "mariadb-bin");
  auto refused = table_set_from_json(bad, "table-set.json");
  REQUIRE_FALSE(refused);
  CHECK(refused.status().message().find("no numeric suffix") != std::string::npos);
}
