// FK actions derived for replay (src/apply/foreign_keys, cascade, ordered_batch, routing): no
// server. A fake runner records the statements and answers with scripted row counts, so the SQL
// and the walk (recursion, termination, depth, skips) are pinned exactly.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/apply/cascade.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/apply/ordered_batch.hpp"
#include "src/apply/routing.hpp"
#include "tests/support/binlog_positions.hpp"

using namespace omsql;
using namespace omsql::apply;

namespace {

ColumnDef int_column(const std::string& name, bool nullable = true) {
  ColumnDef c;
  c.name = name;
  c.data_type = "int";
  c.column_type = "int(11)";
  c.nullable = nullable;
  return c;
}

ForeignKeyDef fk(std::string name, std::vector<std::string> columns, QualifiedName parent,
                 std::vector<std::string> parent_columns, std::string on_delete, std::string on_update = "RESTRICT") {
  ForeignKeyDef f;
  f.name = std::move(name);
  f.columns = std::move(columns);
  f.referenced = std::move(parent);
  f.referenced_columns = std::move(parent_columns);
  f.on_delete = std::move(on_delete);
  f.on_update = std::move(on_update);
  return f;
}

// A table of int columns, the first `key_columns` of them its primary key, copied to db "t" with
// the same name unless `renames` (source column -> target column) or `excluded` say otherwise.
TableJob table(const std::string& name, std::vector<std::string> columns, std::vector<ForeignKeyDef> fks,
               size_t key_columns = 1, std::map<std::string, std::string> renames = {},
               std::set<std::string> excluded = {}) {
  TableJob job;
  job.source = {"s", name};
  job.target = {"t", name};
  job.source_def.name = job.source;
  for (size_t i = 0; i < columns.size(); ++i) {
    ColumnDef c = int_column(columns[i], i >= key_columns);
    c.ordinal = static_cast<int>(i + 1);
    job.source_def.columns.push_back(c);
    if (excluded.count(columns[i])) continue;
    ColumnMapping mapping;
    mapping.source = columns[i];
    mapping.target = renames.count(columns[i]) ? renames[columns[i]] : columns[i];
    job.columns.push_back(mapping);
  }
  job.key.kind = RowKey::Kind::kPrimary;
  job.key.index_name = "PRIMARY";
  for (size_t i = 0; i < key_columns; ++i) job.key.columns.push_back(columns[i]);
  job.source_def.foreign_keys = std::move(fks);
  return job;
}

Plan plan_of(std::vector<TableJob> tables) {
  Plan plan;
  plan.tables = std::move(tables);
  return plan;
}

std::vector<Cell> ints(std::vector<std::optional<int64_t>> values) {
  std::vector<Cell> out;
  for (auto v : values) out.push_back(v ? Cell::signed_integer(*v) : Cell::null());
  return out;
}

RowChange deletion(const std::string& table, std::vector<std::optional<int64_t>> before) {
  RowChange change;
  change.kind = RowChange::kDelete;
  change.table = {"s", table};
  change.before = ints(std::move(before));
  change.position = test::binlog_at("mariadb-bin.000001", 100);
  return change;
}

RowChange update(const std::string& table, std::vector<std::optional<int64_t>> before,
                 std::vector<std::optional<int64_t>> after) {
  RowChange change = deletion(table, std::move(before));
  change.kind = RowChange::kUpdate;
  change.after = ints(std::move(after));
  return change;
}

RowChange insertion(const std::string& table, std::vector<std::optional<int64_t>> after) {
  RowChange change;
  change.kind = RowChange::kInsert;
  change.table = {"s", table};
  change.after = ints(std::move(after));
  change.position = test::binlog_at("mariadb-bin.000001", 100);
  return change;
}

// Records statements; each answers `rows(statement)` (1 by default).
struct FakeRunner : StatementRunner {
  std::vector<std::string> statements;
  std::function<uint64_t(const std::string&)> rows = [](const std::string&) { return uint64_t{1}; };
  Result<uint64_t> run(const std::string& sql) override {
    statements.push_back(sql);
    return rows(sql);
  }
};

// Runs the cascade of `change` of table `table` and returns the statements.
std::vector<std::string> cascade(const Plan& plan, size_t table, const RowChange& change, FakeRunner& runner,
                                 CascadeOutcome* outcome = nullptr, std::vector<uint32_t> skip = {}) {
  FkGraph graph = FkGraph::build(plan);
  auto trigger = make_trigger(plan, graph, table, change, std::move(skip));
  REQUIRE(trigger);
  CascadeOutcome local;
  REQUIRE(run_cascade(runner, plan, graph, *trigger, outcome ? outcome : &local));
  return runner.statements;
}

size_t count_prefix(const std::vector<std::string>& statements, const std::string& prefix) {
  size_t n = 0;
  for (const auto& s : statements) n += s.rfind(prefix, 0) == 0;
  return n;
}

const QualifiedName kParent{"s", "parent"};

}  // namespace

TEST_CASE("the four actions of a one-level FK, in target names") {
  // Updates write the new rows (REPLACE ... SELECT) and then delete what still holds the old
  // values, so a row whose new version the copy already holds does not collide.
  const std::string remove = "DELETE FROM `t`.`child` WHERE `pid` = 2";
  struct Case {
    const char* on_delete;
    const char* on_update;
    bool is_delete;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"CASCADE", "RESTRICT", true, {remove}},
      {"SET NULL", "RESTRICT", true,
       {"REPLACE INTO `t`.`child` (`id`, `pid`, `v`) SELECT c.`id`, NULL, c.`v` FROM `t`.`child` AS c WHERE c.`pid` = 2",
        remove}},
      {"RESTRICT", "CASCADE", false,
       {"REPLACE INTO `t`.`child` (`id`, `pid`, `v`) SELECT c.`id`, 100, c.`v` FROM `t`.`child` AS c WHERE c.`pid` = 2",
        remove}},
      {"RESTRICT", "SET NULL", false,
       {"REPLACE INTO `t`.`child` (`id`, `pid`, `v`) SELECT c.`id`, NULL, c.`v` FROM `t`.`child` AS c WHERE c.`pid` = 2",
        remove}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.expected.front());
    Plan plan = plan_of({table("child", {"id", "pid", "v"}, {fk("fk_p", {"pid"}, kParent, {"id"}, c.on_delete, c.on_update)}),
                         table("parent", {"id", "v"}, {})});
    FakeRunner runner;
    RowChange change = c.is_delete ? deletion("parent", {2, 7}) : update("parent", {2, 7}, {100, 7});
    CHECK(cascade(plan, 1, change, runner) == c.expected);
  }
}

TEST_CASE("what triggers: deletes and referenced-column updates with an action, never NULL or fk checks off") {
  Plan plan = plan_of({table("child", {"id", "pid"}, {fk("fk_p", {"pid"}, kParent, {"id"}, "CASCADE", "CASCADE")}),
                       table("parent", {"id", "v"}, {})});
  FkGraph graph = FkGraph::build(plan);
  CHECK(graph.has_actions());
  CHECK(graph.triggers(1, deletion("parent", {2, 7})));
  CHECK(graph.triggers(1, update("parent", {2, 7}, {3, 7})));
  CHECK_FALSE(graph.triggers(1, update("parent", {2, 7}, {2, 8})));  // referenced column unchanged
  CHECK_FALSE(graph.triggers(1, insertion("parent", {2, 7})));
  CHECK_FALSE(graph.triggers(0, deletion("child", {5, 2})));         // nothing references child
  RowChange unchecked = deletion("parent", {2, 7});
  unchecked.foreign_key_checks = false;                             // the source cascaded nothing
  CHECK_FALSE(graph.triggers(1, unchecked));

  Plan restrict = plan_of({table("child", {"id", "pid"}, {fk("fk_p", {"pid"}, kParent, {"id"}, "RESTRICT", "NO ACTION")}),
                           table("parent", {"id", "v"}, {})});
  FkGraph none = FkGraph::build(restrict);
  CHECK_FALSE(none.has_actions());
  CHECK_FALSE(none.triggers(1, deletion("parent", {2, 7})));

  // A parent key that is NULL matches no child (the referenced column here is not the key).
  Plan by_code = plan_of({table("child", {"id", "code"}, {fk("fk_c", {"code"}, kParent, {"code"}, "CASCADE")}),
                          table("parent", {"id", "code"}, {})});
  CHECK_FALSE(FkGraph::build(by_code).triggers(1, deletion("parent", {1, std::nullopt})));
}

TEST_CASE("a chain keeps the middle rows' keys in a temporary table before deleting them") {
  Plan plan = plan_of({table("child", {"id", "pid"}, {fk("fk_c", {"pid"}, kParent, {"id"}, "CASCADE")}),
                       table("grand", {"id"}, {}),
                       table("parent", {"id", "gid"}, {fk("fk_p", {"gid"}, {"s", "grand"}, {"id"}, "CASCADE")})});
  FakeRunner runner;
  auto statements = cascade(plan, 1, deletion("grand", {1}), runner);
  const std::vector<std::string> expected = {
      "DROP TEMPORARY TABLE IF EXISTS omsql_meta.`omsql_cascade_1`",
      "CREATE TEMPORARY TABLE omsql_meta.`omsql_cascade_1` SELECT DISTINCT c.`id` AS o0 FROM `t`.`parent` AS c WHERE c.`gid` = 1",
      "DELETE FROM `t`.`parent` WHERE `gid` = 1",
      "DELETE `t`.`child` FROM `t`.`child` JOIN omsql_meta.`omsql_cascade_1` AS p ON `t`.`child`.`pid` = p.o0",
      "DROP TEMPORARY TABLE IF EXISTS omsql_meta.`omsql_cascade_1`",
  };
  CHECK(statements == expected);

  // When no middle row matches, neither it nor anything below is touched.
  FakeRunner empty;
  empty.rows = [](const std::string& sql) { return sql.rfind("CREATE", 0) == 0 ? uint64_t{0} : uint64_t{1}; };
  auto none = cascade(plan, 1, deletion("grand", {1}), empty);
  CHECK(count_prefix(none, "DELETE") == 0);
}

TEST_CASE("a self-referencing tree is deleted level by level until a level matches nothing") {
  Plan plan = plan_of({table("tree", {"id", "parent_id"}, {fk("fk_up", {"parent_id"}, {"s", "tree"}, {"id"}, "CASCADE")})});
  FakeRunner runner;
  int levels_with_rows = 3;
  runner.rows = [&](const std::string& sql) -> uint64_t {
    if (sql.rfind("CREATE", 0) == 0) return levels_with_rows-- > 0 ? 2 : 0;
    return 2;
  };
  auto statements = cascade(plan, 0, deletion("tree", {1, std::nullopt}), runner);
  // Levels 1-3 have rows (each deleted, then looked below), level 4 matches nothing.
  CHECK(count_prefix(statements, "CREATE TEMPORARY TABLE") == 4);
  CHECK(count_prefix(statements, "DELETE") == 3);
  CHECK(statements[2] == "DELETE FROM `t`.`tree` WHERE `parent_id` = 1");
  CHECK(statements[5] == "DELETE `t`.`tree` FROM `t`.`tree` JOIN omsql_meta.`omsql_cascade_1` AS p ON `t`.`tree`.`parent_id` = p.o0");
  CHECK(statements[6] == "DROP TEMPORARY TABLE IF EXISTS omsql_meta.`omsql_cascade_3`");
  CHECK(statements[7] ==
        "CREATE TEMPORARY TABLE omsql_meta.`omsql_cascade_3` SELECT DISTINCT c.`id` AS o0 FROM `t`.`tree` AS c "
        "JOIN omsql_meta.`omsql_cascade_2` AS p ON c.`parent_id` = p.o0");
  CHECK(statements.back() ==
        "DROP TEMPORARY TABLE IF EXISTS omsql_meta.`omsql_cascade_1`, omsql_meta.`omsql_cascade_2`, "
        "omsql_meta.`omsql_cascade_3`, omsql_meta.`omsql_cascade_4`");
}

TEST_CASE("a cascade that never runs dry stops at InnoDB's depth of 15, with a warning") {
  Plan plan = plan_of({table("tree", {"id", "parent_id"}, {fk("fk_up", {"parent_id"}, {"s", "tree"}, {"id"}, "CASCADE")})});
  FakeRunner runner;  // every level matches a row
  CascadeOutcome outcome;
  auto statements = cascade(plan, 0, deletion("tree", {1, std::nullopt}), runner, &outcome);
  CHECK(count_prefix(statements, "DELETE") == kMaxCascadeDepth);
  CHECK(outcome.rows == static_cast<uint64_t>(kMaxCascadeDepth));
  REQUIRE(outcome.warnings.size() == 1);
  CHECK(outcome.warnings[0].find("depth limit (15)") != std::string::npos);
  CHECK(outcome.warnings[0].find("s.tree at mariadb-bin.000001:100") == 0);
}

TEST_CASE("a cycle of two tables ends once a level matches nothing") {
  Plan plan = plan_of({table("a", {"id", "b_id"}, {fk("fk_ab", {"b_id"}, {"s", "b"}, {"id"}, "CASCADE")}),
                       table("b", {"id", "a_id"}, {fk("fk_ba", {"a_id"}, {"s", "a"}, {"id"}, "CASCADE")})});
  FakeRunner runner;
  int creates = 0;
  runner.rows = [&](const std::string& sql) -> uint64_t {
    if (sql.rfind("CREATE", 0) == 0) return ++creates <= 2 ? 1 : 0;
    return 1;
  };
  auto statements = cascade(plan, 0, deletion("a", {1, 5}), runner);
  // b rows of a=1, then a rows of those, then b rows of those: none left.
  CHECK(count_prefix(statements, "DELETE") == 2);
  CHECK(statements[2] == "DELETE FROM `t`.`b` WHERE `a_id` = 1");
  CHECK(statements[5] == "DELETE `t`.`a` FROM `t`.`a` JOIN omsql_meta.`omsql_cascade_1` AS p ON `t`.`a`.`b_id` = p.o0");
}

TEST_CASE("an update never cascades into a table the same cascade updated (InnoDB refuses it)") {
  Plan plan = plan_of({table("tree", {"id", "parent_id"},
                             {fk("fk_up", {"parent_id"}, {"s", "tree"}, {"id"}, "CASCADE", "CASCADE")})});
  FkGraph graph = FkGraph::build(plan);
  auto trigger = make_trigger(plan, graph, 0, update("tree", {1, std::nullopt}, {9, std::nullopt}), {});
  REQUIRE(trigger);  // the row is referenced, so the source had to check...
  FakeRunner runner;
  CascadeOutcome outcome;
  REQUIRE(run_cascade(runner, plan, graph, *trigger, &outcome));
  CHECK(runner.statements.empty());  // ...but a logged update had no children to cascade into
}

TEST_CASE("ON UPDATE CASCADE carries new values down through a composite key") {
  // order_line (order_id, line) <- shipment (order_id, line): renaming an order renumbers both.
  Plan plan = plan_of({table("orders", {"id"}, {}),
                       table("order_line", {"order_id", "line"},
                             {fk("fk_ol", {"order_id"}, {"s", "orders"}, {"id"}, "CASCADE", "CASCADE")}, 2),
                       table("shipment", {"id", "order_id", "line"},
                             {fk("fk_sh", {"order_id", "line"}, {"s", "order_line"}, {"order_id", "line"}, "CASCADE",
                                 "CASCADE")})});
  FakeRunner runner;
  auto statements = cascade(plan, 0, update("orders", {5}, {50}), runner);
  const std::vector<std::string> expected = {
      "DROP TEMPORARY TABLE IF EXISTS omsql_meta.`omsql_cascade_1`",
      "CREATE TEMPORARY TABLE omsql_meta.`omsql_cascade_1` SELECT DISTINCT c.`order_id` AS o0, 50 AS n0, c.`line` AS o1, "
      "c.`line` AS n1 FROM `t`.`order_line` AS c WHERE c.`order_id` = 5",
      "REPLACE INTO `t`.`order_line` (`order_id`, `line`) SELECT 50, c.`line` FROM `t`.`order_line` AS c "
      "WHERE c.`order_id` = 5",
      "DELETE FROM `t`.`order_line` WHERE `order_id` = 5",
      "REPLACE INTO `t`.`shipment` (`id`, `order_id`, `line`) SELECT c.`id`, p.n0, p.n1 FROM `t`.`shipment` AS c "
      "JOIN omsql_meta.`omsql_cascade_1` AS p ON c.`order_id` = p.o0 AND c.`line` = p.o1",
      "DELETE `t`.`shipment` FROM `t`.`shipment` JOIN omsql_meta.`omsql_cascade_1` AS p ON "
      "`t`.`shipment`.`order_id` = p.o0 AND `t`.`shipment`.`line` = p.o1",
      "DROP TEMPORARY TABLE IF EXISTS omsql_meta.`omsql_cascade_1`",
  };
  CHECK(statements == expected);
}

TEST_CASE("MAP names and renamed columns are the target's; excluded FK columns are not honoured") {
  TableJob child = table("child", {"id", "pid"}, {fk("fk_p", {"pid"}, kParent, {"id"}, "CASCADE")}, 1,
                         {{"pid", "parent_ref"}});
  child.target = {"shop_v2", "kids"};
  Plan plan = plan_of({child, table("parent", {"id"}, {})});
  FakeRunner runner;
  auto statements = cascade(plan, 1, deletion("parent", {3}), runner);
  REQUIRE(statements.size() == 1);
  CHECK(statements[0] == "DELETE FROM `shop_v2`.`kids` WHERE `parent_ref` = 3");

  Plan excluded = plan_of({table("child", {"id", "pid"}, {fk("fk_p", {"pid"}, kParent, {"id"}, "CASCADE")}, 1, {}, {"pid"}),
                           table("parent", {"id"}, {})});
  FkGraph graph = FkGraph::build(excluded);
  CHECK(graph.edges().empty());
  REQUIRE(graph.notes().size() == 1);
  CHECK(graph.notes()[0].warning);
  CHECK(graph.notes()[0].message.find("s.child.pid is not copied") != std::string::npos);
}

TEST_CASE("check notes: honoured FKs, FKs to tables outside the task, FKs that change nothing") {
  Plan plan = plan_of({table("child", {"id", "pid", "cid"},
                             {fk("fk_c", {"cid"}, {"s", "country"}, {"id"}, "CASCADE"),
                              fk("fk_p", {"pid"}, kParent, {"id"}, "SET NULL", "CASCADE")}),
                       table("parent", {"id"}, {}),
                       table("other", {"id", "pid"}, {fk("fk_o", {"pid"}, kParent, {"id"}, "RESTRICT")})});
  FkGraph graph = FkGraph::build(plan);
  REQUIRE(graph.notes().size() == 3);
  CHECK(graph.notes()[0].warning);
  CHECK(graph.notes()[0].message.find("s.country is not in the task") != std::string::npos);
  CHECK_FALSE(graph.notes()[1].warning);
  CHECK(graph.notes()[1].message ==
        "foreign key `fk_p` s.child (pid) -> s.parent (id) ON DELETE SET NULL ON UPDATE CASCADE: honoured by replay "
        "(child rows derived on the target)");
  CHECK_FALSE(graph.notes()[2].warning);
  CHECK(graph.notes()[2].message.find("changes no rows") != std::string::npos);
}

TEST_CASE("snapshot groups: the tables FKs with an action connect, a self-reference alone") {
  Plan plan = plan_of({table("a", {"id", "b_id"}, {fk("fk_ab", {"b_id"}, {"s", "b"}, {"id"}, "SET NULL")}),
                       table("b", {"id"}, {}),
                       table("c", {"id", "a_id"}, {fk("fk_ca", {"a_id"}, {"s", "a"}, {"id"}, "CASCADE")}),
                       table("lone", {"id", "b_id"}, {fk("fk_lb", {"b_id"}, {"s", "b"}, {"id"}, "RESTRICT")}),
                       table("tree", {"id", "up"}, {fk("fk_up", {"up"}, {"s", "tree"}, {"id"}, "CASCADE")})});
  auto groups = FkGraph::build(plan).snapshot_groups();
  CHECK(groups == std::vector<std::vector<size_t>>{{0, 1, 2}, {4}});  // RESTRICT joins no group
}

TEST_CASE("a child whose keyless snapshot already holds the change is skipped") {
  Plan plan = plan_of({table("child", {"id", "pid"}, {fk("fk_p", {"pid"}, kParent, {"id"}, "CASCADE")}),
                       table("log", {"id", "pid"}, {fk("fk_l", {"pid"}, kParent, {"id"}, "SET NULL")}),
                       table("parent", {"id"}, {})});
  FakeRunner runner;
  auto statements = cascade(plan, 2, deletion("parent", {4}), runner, nullptr, {1});
  REQUIRE(statements.size() == 1);
  CHECK(statements[0] == "DELETE FROM `t`.`child` WHERE `pid` = 4");
}

TEST_CASE("an ordered batch runs each cascade after the changes before it and before its own change") {
  Plan plan = plan_of({table("child", {"id", "pid"}, {fk("fk_p", {"pid"}, kParent, {"id"}, "CASCADE")}),
                       table("parent", {"id"}, {})});
  FkGraph graph = FkGraph::build(plan);
  OrderedBatch batch(plan);
  RowChange added = insertion("child", {10, 2});
  RowChange removed = deletion("parent", {2});
  RowChange readded = insertion("parent", {2});
  REQUIRE(batch.add(0, added, true, make_trigger(plan, graph, 0, added, {})));
  REQUIRE(batch.add(1, removed, true, make_trigger(plan, graph, 1, removed, {})));
  REQUIRE(batch.add(1, readded, true, make_trigger(plan, graph, 1, readded, {})));
  CHECK(batch.changes() == 3);
  CHECK(batch.cascades() == 1);
  LaneProgram program = batch.take();
  CHECK(batch.empty());
  FakeRunner runner;
  CascadeOutcome outcome;
  REQUIRE(run_program(runner, plan, graph, program, &outcome));
  // The child row inserted before the parent's delete goes with it, as on the source; the
  // parent's delete and re-insert fold into one REPLACE after the cascade.
  const std::vector<std::string> expected = {
      "REPLACE INTO `t`.`child` (`id`, `pid`) VALUES (10, 2)",
      "DELETE FROM `t`.`child` WHERE `pid` = 2",
      "REPLACE INTO `t`.`parent` (`id`) VALUES (2)",
  };
  CHECK(runner.statements == expected);
}

TEST_CASE("lane routing is XXH3 of the key bytes: the same lane in every build") {
  // Pinned values: a change here moves keys between lanes of running tasks.
  std::string key;
  Cell::signed_integer(42).append_canonical(key);
  CHECK(lane_for_key(key, 1) == 0);
  CHECK(lane_for_key(key, 4) == XXH3_64bits(key.data(), key.size()) % 4);
  CHECK(XXH3_64bits("omsql", 5) == 0x45ad1021cb3ce87cull);  // XXH3 is a fixed spec since xxHash 0.8
  std::vector<size_t> lanes;
  for (int64_t id = 1; id <= 8; ++id) {
    std::string k;
    Cell::signed_integer(id).append_canonical(k);
    lanes.push_back(lane_for_key(k, 4));
  }
  CHECK(lanes == std::vector<size_t>{3, 2, 3, 1, 3, 1, 1, 1});
}
