// The task's tables at a binlog position (src/task/tables_at): the start set as replicated DDL
// changed it (a table altered, renamed within the task, dropped, one that joined), for the
// replayer's resume position and for what verification compares beside the link.
#include <doctest/doctest.h>
#include <unistd.h>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/model/table_binding.hpp"
#include "src/task/tables_at.hpp"

using namespace omsql;

namespace {

SourcePosition at(uint64_t offset) { return to_source_position(BinlogPosition{"mariadb-bin.000001", offset, ""}); }

TableDef definition(const std::string& name, std::vector<std::string> columns = {"id", "v"}) {
  TableDef d;
  d.name = {"s", name};
  int ordinal = 0;
  for (const auto& c : columns) {
    ColumnDef column;
    column.name = c;
    column.ordinal = ++ordinal;
    column.data_type = "int";
    column.column_type = "int(11)";
    column.nullable = c != "id";
    d.columns.push_back(column);
  }
  IndexDef primary;
  primary.name = "PRIMARY";
  primary.unique = true;
  primary.parts = {IndexPart{"id", std::nullopt, false}};
  d.indexes.push_back(primary);
  return d;
}

std::vector<std::string> names(const std::vector<TableJob>& jobs) {
  std::vector<std::string> out;
  for (const auto& job : jobs) out.push_back(job.source.table + (job.source_def.columns.size() == 3 ? "+" : ""));
  return out;
}

}  // namespace

TEST_CASE("the start set as the link changed it: altered, renamed, dropped and joined tables by position") {
  MigrationRules rules;
  rules.include.push_back({{"s", false}, {"*", true}});
  rules.maps.push_back({{{"s", false}, {"*", true}}, {{"t", false}, {"*", true}}});
  std::vector<TableJob> start;
  for (const char* name : {"a", "b", "c"}) {
    auto job = bind_table(rules, definition(name));
    REQUIRE(job);
    start.push_back(*job);
  }
  char name[] = "/tmp/omsql-tables-at-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  auto history = SchemaHistory::open(dir);
  REQUIRE(history);
  REQUIRE(history->record_base(at(1), {definition("a"), definition("b"), definition("c")}));
  REQUIRE(history->record(at(40), {"s", "b"}, definition("b", {"id", "v", "w"}), "ALTER TABLE b ADD w INT"));
  REQUIRE(history->record(at(50), {"s", "a"}, std::nullopt, "RENAME TABLE a TO a2"));
  REQUIRE(history->record(at(50), {"s", "a2"}, definition("a2"), "RENAME TABLE a TO a2"));
  REQUIRE(history->record(at(60), {"s", "c"}, std::nullopt, "DROP TABLE c"));
  REQUIRE(history->record(at(70), {"s", "d"}, definition("d"), "CREATE TABLE d (id INT PRIMARY KEY, v INT)"));
  TableSet set;
  set.tables.push_back(TableSetEntry{{"s", "a2"}, {"t", "a2"}, std::nullopt, JoinedAt{at(50), "RENAME TABLE a TO a2"}});
  set.tables.push_back(TableSetEntry{{"s", "b"}, {"t", "b"}, std::nullopt, std::nullopt});
  set.tables.push_back(TableSetEntry{{"s", "d"}, {"t", "d"}, std::nullopt, JoinedAt{at(70), "CREATE TABLE d"}});
  set.left.push_back(DepartedTable{{"s", "a"}, {"t", "a"}, at(50), "RENAME TABLE a TO a2", QualifiedName{"s", "a2"}});
  set.left.push_back(DepartedTable{{"s", "c"}, {"t", "c"}, at(60), "DROP TABLE c", std::nullopt});

  auto tables = [&](const std::vector<TableJob>& from, uint64_t offset) {
    auto out = task_tables_at(from, rules, set, *history, at(offset));
    REQUIRE(out);
    return names(*out);
  };
  using V = std::vector<std::string>;
  CHECK(tables(start, 30) == V{"a", "b", "c"});
  CHECK(tables(start, 45) == V{"a", "b+", "c"});   // b altered at 40
  CHECK(tables(start, 50) == V{"b+", "c", "a2"});  // a renamed to a2 at 50: it joins at the end
  CHECK(tables(start, 65) == V{"b+", "a2"});       // c dropped at 60
  CHECK(tables(start, 75) == V{"b+", "a2", "d"});  // d created at 70
  auto joined = task_tables_at(start, rules, set, *history, at(75));
  REQUIRE(joined);
  CHECK(joined->back().target == QualifiedName{"t", "d"});
  // A rerun's plan holds the set's start tables only (a and c left): a is the task's again up to
  // its RENAME, a2 and d join at their barriers.
  std::vector<TableJob> rerun{start[1]};
  CHECK(tables(rerun, 45) == V{"b+", "a"});
  CHECK(tables(rerun, 55) == V{"b+", "a2"});
  // Without a table set nothing joined or left; the history still rebinds.
  auto plain = task_tables_at(start, rules, std::nullopt, *history, at(45));
  REQUIRE(plain);
  CHECK(names(*plain) == V{"a", "b+", "c"});
  // task_plan_at reads both files of the task directory.
  REQUIRE(save_table_set(dir, set));
  Plan plan;
  plan.rules = rules;
  plan.tables = start;
  auto planned = task_plan_at(plan, dir, at(75));
  REQUIRE(planned);
  CHECK(names(planned->tables) == V{"b+", "a2", "d"});
}

TEST_CASE("a position before the history's base (replay from the start of the spool) keeps the start set") {
  MigrationRules rules;
  rules.include.push_back({{"s", false}, {"*", true}});
  auto job = bind_table(rules, definition("a"));
  REQUIRE(job);
  char name[] = "/tmp/omsql-tables-at-base-XXXXXX";
  auto history = SchemaHistory::open(::mkdtemp(name));
  REQUIRE(history);
  REQUIRE(history->record_base(at(100), {definition("a")}));
  auto tables = task_tables_at({*job}, rules, TableSet{}, *history, SourcePosition{});
  REQUIRE(tables);
  CHECK(names(*tables) == std::vector<std::string>{"a"});
}
