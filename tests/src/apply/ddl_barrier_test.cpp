// A replicated DDL as a replay barrier (src/apply/ddl_barrier): which DdlStatement records are
// barriers and what they run on the target (through the MAP), when the lanes may run one, the
// lane transaction that runs it and checkpoints every lane, and the order of what surrounds it.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <set>

#include "src/apply/ddl_barrier.hpp"
#include "src/apply/lane_progress.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/engine/mysql/checkpoint.hpp"
#include "tests/src/apply/replay_test_support.hpp"
#include "tests/support/binlog_positions.hpp"

using namespace omsql;
using namespace omsql::apply;
using namespace omsql::replay_test;

namespace {

// The tests' scripts say DDL (TRUNCATE TABLE = APPLY, DROP TABLE = APPLY): both stop by default.
Plan plan_of(std::vector<TableJob> tables) {
  Plan plan;
  plan.tables = std::move(tables);
  plan.ddl_policy.kinds[StatementKind::kTruncateTable] = {DdlHandling::kApply, 3};
  plan.ddl_policy.kinds[StatementKind::kDropTable] = {DdlHandling::kApply, 3};
  return plan;
}

DdlStatement ddl(std::string text, uint64_t position, std::string schema = "s") {
  DdlStatement statement;
  statement.schema = std::move(schema);
  statement.statement = std::move(text);
  statement.position = at(position);
  return statement;
}

// MIGRATE s.* MAP s.* TO t.*, with the tables bound by the rules (as the binder does).
Plan migrating(std::vector<TableJob> tables) {
  Plan plan = plan_of(std::move(tables));
  plan.rules.include.push_back({{"s", false}, {"*", true}});
  plan.rules.maps.push_back({{{"s", false}, {"*", true}}, {{"t", false}, {"*", true}}});
  return plan;
}

ColumnDef int_column(std::string name, int ordinal) {
  ColumnDef column;
  column.name = std::move(name);
  column.ordinal = ordinal;
  column.data_type = "int";
  column.column_type = "int(11)";
  column.nullable = true;
  return column;
}

struct RecordingRunner : StatementRunner {
  std::vector<std::string> statements;
  Result<uint64_t> run(const std::string& sql) override {
    statements.push_back(sql);
    return uint64_t{0};
  }
};

}  // namespace

TEST_CASE("TRUNCATE of a migrated table is a barrier that empties its target table (the MAP's name)") {
  Plan plan = plan_of({table("a"), table("b")});
  plan.tables[1].target = {"t2", "b`x"};
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);

  DdlStep truncate = barrier.step(ddl("TRUNCATE TABLE b", 50), group);
  CHECK(truncate.action == DdlStep::Action::kApply);
  CHECK(truncate.kind == ReplicatedDdl::kTruncateTable);
  CHECK(truncate.tables == std::vector<QualifiedName>{{"s", "b"}});
  CHECK(truncate.statements == std::vector<std::string>{"TRUNCATE TABLE `t2`.`b``x`"});
  CHECK(truncate.message == "TRUNCATE TABLE s.b at mariadb-bin.000001:50: emptying t2.b`x on the target");
  // Spelled in another case, qualified from another default database: the same table.
  CHECK(barrier.step(ddl("truncate `S`.`A`", 51, "other"), group).statements ==
        std::vector<std::string>{"TRUNCATE TABLE `t`.`a`"});

  // Not barriers: statements that change no migrated table only move the position.
  for (const char* harmless : {"TRUNCATE TABLE other_table", "ANALYZE TABLE a", "CREATE TABLE x.y LIKE s.a",
                               "DROP TEMPORARY TABLE IF EXISTS a", "TRUNCATE TABLE other.a"})
    CHECK(barrier.step(ddl(harmless, 52), group).action == DdlStep::Action::kPass);

  // What the link does not replicate yet stops at the barrier, naming statement and position.
  DdlStep alter = barrier.step(ddl("ALTER TABLE a ADD x INT", 53), group);
  CHECK(alter.action == DdlStep::Action::kStop);
  CHECK(alter.message.find("source DDL on migrated table s.a at mariadb-bin.000001:53: \"ALTER TABLE a ADD x INT\"") == 0);
  CHECK(barrier.step(ddl("TRUNCATE TABLE a; TRUNCATE TABLE b", 54), group).action == DdlStep::Action::kStop);
}

TEST_CASE("a TRUNCATE its table's snapshot copy already holds is passed, not run") {
  const Plan plan = plan_of({table("k", false), table("a")});
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_replay_after({at(40), SourcePosition{}});  // k was copied in a snapshot at 40
  DdlBarrier barrier(plan);
  // At or before the snapshot: the copy saw the empty table and the rows written after it, whose
  // changes up to 40 are skipped; emptying it now would lose them.
  CHECK(barrier.step(ddl("TRUNCATE k", 30), group).action == DdlStep::Action::kPass);
  CHECK(barrier.step(ddl("TRUNCATE k", 40), group).action == DdlStep::Action::kPass);
  CHECK(barrier.step(ddl("TRUNCATE k", 41), group).action == DdlStep::Action::kApply);
  CHECK(barrier.step(ddl("TRUNCATE a", 30), group).action == DdlStep::Action::kApply);  // chunked copy
}

TEST_CASE("DROP TABLE of migrated tables drops their target tables (IF EXISTS) and they leave the task") {
  Plan plan = plan_of({table("a"), table("b")});
  plan.tables[1].target = {"t2", "b2"};
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  DdlStep drop = barrier.step(ddl("DROP TABLE IF EXISTS a, other, `b` /* generated by server */", 60), group);
  CHECK(drop.action == DdlStep::Action::kApply);
  CHECK(drop.kind == ReplicatedDdl::kDropTable);
  CHECK(drop.tables == std::vector<QualifiedName>{{"s", "a"}, {"s", "b"}});
  CHECK(drop.statements == std::vector<std::string>{"DROP TABLE IF EXISTS `t`.`a`", "DROP TABLE IF EXISTS `t2`.`b2`"});
  CHECK(drop.message ==
        "DROP TABLE s.a, s.b at mariadb-bin.000001:60: dropping t.a, t2.b2 on the target; the table leaves the task");
  barrier.applied(drop);
  // Gone from the task: a TRUNCATE or DROP of a table of that name later is not the task's.
  CHECK(barrier.step(ddl("TRUNCATE TABLE a", 70), group).action == DdlStep::Action::kPass);
  CHECK(barrier.step(ddl("DROP TABLE b", 71), group).action == DdlStep::Action::kPass);
  CHECK(barrier.step(ddl("DROP TEMPORARY TABLE a", 72), group).action == DdlStep::Action::kPass);
}

TEST_CASE("a rerun whose plan lost the dropped table still drops its target table at the DROP's position") {
  // The tailer recorded the DROP in table-set.json, then the process died before replay passed it.
  const Plan plan = plan_of({table("b")});
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan, {DepartedTable{{"s", "a"}, {"t", "a_target"}, at(60), "DROP TABLE a"}});
  DdlStep drop = barrier.step(ddl("DROP TABLE a", 60), group);
  CHECK(drop.action == DdlStep::Action::kApply);
  CHECK(drop.statements == std::vector<std::string>{"DROP TABLE IF EXISTS `t`.`a_target`"});
  // Only at that position: a later DROP of a table of that name is not the task's.
  CHECK(barrier.step(ddl("DROP TABLE a", 90), group).action == DdlStep::Action::kPass);
}

TEST_CASE("target tables that held rows of their own (on_exists = 'append') are never emptied or dropped") {
  Plan plan = plan_of({table("a")});
  plan.options.on_exists = OnExists::kAppend;
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  for (const char* statement : {"TRUNCATE a", "DROP TABLE a"}) {
    DdlStep step = barrier.step(ddl(statement, 80), group);
    CHECK(step.action == DdlStep::Action::kStop);
    CHECK(step.message == std::string("source DDL on migrated table s.a at mariadb-bin.000001:80: \"") + statement +
                              "\" is not applied to the target table t.a: the task writes into target tables that "
                              "held rows of their own (on_exists = 'append'), which omsql never empties or drops. "
                              "Everything before the statement is applied");
  }
}

TEST_CASE("the DDL runs on lane 0 before a transaction that moves every lane's checkpoint row") {
  LaneWork work = ddl_work({"TRUNCATE TABLE `t`.`a`"}, at(70), "task", 3);
  CHECK(work.lane == 0);
  CHECK(work.ddl);
  CHECK(work.end == at(70));
  CHECK(work.changes == 0);
  CHECK(work.also_checkpoint == std::vector<std::string>{"task#1", "task#2"});
  const Plan plan;
  const FkGraph graph;
  RecordingRunner runner;
  REQUIRE(run_lane_transaction(runner, plan, graph, "task#0", work, nullptr));
  // DDL commits implicitly: it cannot share the checkpoint's transaction, so it comes first.
  const std::vector<std::string> expected = {"TRUNCATE TABLE `t`.`a`", "START TRANSACTION",
                                             *checkpoint::upsert_sql("task#0", at(70), 0),
                                             *checkpoint::upsert_sql("task#1", at(70), 0),
                                             *checkpoint::upsert_sql("task#2", at(70), 0), "COMMIT"};
  CHECK(runner.statements == expected);
  // A lane that has committed the DDL's position holds it: the DDL is not run again.
  CHECK(lane_holds(at(70), work));
  CHECK_FALSE(lane_holds(at(69), work));
}

TEST_CASE("the barrier is reached only with nothing in flight and every lane before the DDL") {
  LaneProgress progress;
  progress.begin({at(10), at(30), SourcePosition{}});
  CHECK(progress.check_barrier(at(40)));
  auto past = progress.check_barrier(at(30));  // a lane holds the DDL's position: never alone
  CHECK_FALSE(past);
  CHECK(past.message().find("a lane has committed mariadb-bin.000001:30, at or past the DDL at") != std::string::npos);
  progress.group_sent(at(35), 3, 4);
  CHECK_FALSE(progress.check_barrier(at(40)));  // the group before it is still in flight
  for (int i = 0; i < 3; ++i) (void)progress.group_acknowledged();
  REQUIRE(progress.check_barrier(at(40)));
  // The DDL is one acknowledgement; after it every lane stands at its position.
  progress.group_sent(at(40), 1, 0);
  REQUIRE(progress.group_acknowledged());
  CHECK(progress.committed() == std::vector<SourcePosition>{at(40), at(40), at(40)});
  CHECK(progress.checkpoint() == at(40));
}

TEST_CASE("replayed in order: the changes before a TRUNCATE are one group, the DDL alone, the changes after the next") {
  // As the replayer reads the spool: fold until a barrier, flush, run the barrier, fold on.
  const Plan plan = plan_of({table("a")});
  const TableJob& job = plan.tables[0];
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_lanes({SourcePosition{}, SourcePosition{}});
  DdlBarrier barrier(plan);
  LaneProgress progress;
  progress.begin({SourcePosition{}, SourcePosition{}});
  TransactionAssembler assembler;
  const std::vector<Event> spool = {
      TransactionBegin{"0-1-1", false, at(5)}, RowsEvent{{insert(job, row(1, "before"), 8), insert(job, row(2, "b"), 8)}, at(8)},
      TransactionCommit{"0-1-1", 1, at(10)},   DdlStatement{"s", "TRUNCATE TABLE a", "0-1-2", at(20)},
      TransactionBegin{"0-1-3", false, at(25)}, RowsEvent{{insert(job, row(3, "after"), 28)}, at(28)},
      TransactionCommit{"0-1-3", 2, at(30)}};
  std::vector<std::string> log;  // what reached the lanes, in order
  auto flush = [&] {
    if (!progress.moves_checkpoint(group.folded_through())) return;
    auto shares = group.take_parallel();
    progress.group_sent(group.folded_through(), shares.size(), 0);
    for (size_t lane = 0; lane < shares.size(); ++lane) {
      for (const auto& statement : shares[lane].statements)
        log.push_back("lane " + std::to_string(lane) + ": " + statement.substr(0, 7) + " @" +
                      std::to_string(test::offset_of(group.folded_through())));
      (void)progress.group_acknowledged();
    }
  };
  for (size_t i = 0; i < spool.size(); ++i) {
    auto unit = assembler.add(spool[i], {1, i + 1}, progress.checkpoint());
    if (!unit) continue;
    if (unit->ddl) {
      DdlStep step = barrier.step(*unit->ddl, group);
      if (step.action == DdlStep::Action::kApply) {
        flush();
        REQUIRE(progress.check_barrier(unit->end));
        REQUIRE(*group.fold(*unit));
        LaneWork work = ddl_work(step.statements, unit->end, "task", progress.lanes());
        progress.group_sent(work.end, 1, 0);
        log.push_back("lane 0: " + work.statements[0] + " @" + std::to_string(test::offset_of(work.end)));
        REQUIRE(progress.group_acknowledged());
        continue;
      }
    }
    REQUIRE(*group.fold(*unit));
  }
  flush();
  REQUIRE(log.size() >= 3);
  // Every change before the DDL is committed before it, every change after it after it.
  size_t ddl_at = 0;
  for (size_t i = 0; i < log.size(); ++i)
    if (log[i].find("TRUNCATE") != std::string::npos) ddl_at = i;
  CHECK(log[ddl_at] == "lane 0: TRUNCATE TABLE `t`.`a` @20");
  for (size_t i = 0; i < ddl_at; ++i) CHECK(log[i].find("@10") != std::string::npos);
  CHECK(ddl_at + 1 < log.size());
  for (size_t i = ddl_at + 1; i < log.size(); ++i) CHECK(log[i].find("@30") != std::string::npos);
  CHECK(progress.committed() == std::vector<SourcePosition>{at(30), at(30)});
}

TEST_CASE("ALTER TABLE: the target statements lead from the job before to the job of the definition capture recorded") {
  Plan plan = migrating({table("a")});
  {
    IndexDef primary;
    primary.name = "PRIMARY";
    primary.unique = true;
    primary.parts.push_back(IndexPart{"id", std::nullopt, false});
    plan.tables[0].source_def.indexes.push_back(primary);
  }
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  char name[] = "/tmp/omsql-ddl-barrier-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  auto history = SchemaHistory::open(dir);
  REQUIRE(history);
  REQUIRE(history->record_base(at(1), {plan.tables[0].source_def}));
  TableDef after = plan.tables[0].source_def;
  after.columns.push_back(int_column("w", 3));
  REQUIRE(history->record(at(50), {"s", "a"}, after, "ALTER TABLE a ADD w INT"));

  DdlStep alter = barrier.step(ddl("ALTER TABLE a ADD w INT", 50), group, &*history);
  REQUIRE(alter.action == DdlStep::Action::kApply);
  CHECK(alter.kind == ReplicatedDdl::kAlterTable);
  CHECK(alter.table_index == 0);
  REQUIRE(alter.statements.size() == 1);
  CHECK(alter.statements[0].rfind("ALTER TABLE `t`.`a` ADD COLUMN `w` int", 0) == 0);
  REQUIRE(alter.after_job);
  CHECK(alter.after_job->target == QualifiedName{"t", "a"});
  CHECK(alter.after_job->columns.size() == 3);
  REQUIRE(alter.before_job);
  CHECK(alter.before_job->columns.size() == 2);
  CHECK(alter.message.rfind("ALTER TABLE s.a at mariadb-bin.000001:50: 1 statement(s) on t.a", 0) == 0);

  // Capture recorded nothing at that position (it could not evaluate the statement): a stop,
  // never the old definition taken as the new one.
  DdlStep unknown = barrier.step(ddl("ALTER TABLE a ADD z INT", 60), group, &*history);
  CHECK(unknown.action == DdlStep::Action::kStop);
  CHECK(unknown.message.find("capture recorded no definition of the table after it") != std::string::npos);
  CHECK(barrier.step(ddl("ALTER TABLE a ADD w INT", 50), group, nullptr).action == DdlStep::Action::kStop);
  // CREATE / DROP INDEX are ALTERs of their table; a rename together with another change is not replicated.
  CHECK(barrier.step(ddl("CREATE INDEX iv ON a (v)", 70), group, &*history).action == DdlStep::Action::kStop);
  CHECK(barrier.step(ddl("ALTER TABLE a ADD q INT, RENAME TO b", 80), group, &*history).action == DdlStep::Action::kStop);
  // An added column whose existing rows take the current time: the target's clock would differ.
  TableDef stamped = after;
  ColumnDef at_time = int_column("at_time", 4);
  at_time.data_type = "timestamp";
  at_time.column_type = "timestamp";
  at_time.default_value = "current_timestamp()";
  stamped.columns.push_back(at_time);
  REQUIRE(history->record(at(90), {"s", "a"}, stamped, "ALTER TABLE a ADD at_time TIMESTAMP DEFAULT CURRENT_TIMESTAMP"));
  DdlStatement stamp = ddl("ALTER TABLE a ADD at_time TIMESTAMP DEFAULT CURRENT_TIMESTAMP", 90);
  // A spool record from before statements carried their time: a loud stop with the way out.
  DdlStep untimed = barrier.step(stamp, group, &*history);
  CHECK(untimed.action == DdlStep::Action::kStop);
  CHECK(untimed.message.find("fills the table's existing rows with the current time") != std::string::npos);
  CHECK(untimed.message.find("omsrun ddl applied") != std::string::npos);
  // With the event's time, the statements run at it (a TIMESTAMP keeps the instant: no zone).
  stamp.timestamp_us = 1796181345921422;
  stamp.time_zone = "SYSTEM";
  DdlStep timed = barrier.step(stamp, group, &*history);
  REQUIRE(timed.action == DdlStep::Action::kApply);
  REQUIRE(timed.statements.size() == 3);
  CHECK(timed.statements.front() == "SET SESSION timestamp = 1796181345.921422");
  CHECK(timed.statements[1].find("ADD COLUMN `at_time`") != std::string::npos);
  CHECK(timed.statements.back() == "SET SESSION timestamp = DEFAULT");
  std::filesystem::remove_all(dir);
}

TEST_CASE("at_source_time: the event's time, and for local-time columns its zone, saved and put back") {
  DdlStatement stamp = ddl("ALTER TABLE a ADD d DATETIME(6) DEFAULT NOW(6)", 90);
  stamp.timestamp_us = 1000000000000005;  // microseconds keep their leading zeros
  stamp.time_zone = "+03:00";
  auto local = at_source_time({"ALTER TABLE `t`.`a` ADD COLUMN `d` datetime(6) DEFAULT current_timestamp(6)"}, stamp, true);
  REQUIRE(local);
  CHECK(*local == std::vector<std::string>{"SET @omsql_saved_time_zone = @@SESSION.time_zone",
                                           "SET SESSION time_zone = '+03:00'",
                                           "SET SESSION timestamp = 1000000000.000005",
                                           "ALTER TABLE `t`.`a` ADD COLUMN `d` datetime(6) DEFAULT current_timestamp(6)",
                                           "SET SESSION timestamp = DEFAULT",
                                           "SET SESSION time_zone = @omsql_saved_time_zone"});
  // The source host's own zone (SYSTEM), or none logged: the target cannot take it.
  for (const char* zone : {"SYSTEM", "system", ""}) {
    stamp.time_zone = zone;
    auto refused = at_source_time({"ALTER ..."}, stamp, true);
    REQUIRE(!refused);
    CHECK(refused.status().message().find("local time") != std::string::npos);
    CHECK(refused.status().message().find("omsrun ddl applied") != std::string::npos);
  }
  // A TIMESTAMP column needs no zone, whatever the session's was.
  auto instant = at_source_time({"ALTER ..."}, stamp, false);
  REQUIRE(instant);
  CHECK(instant->size() == 3);
}

TEST_CASE("the DDL policy: TRUNCATE and DROP stop by default; IGNORE passes; IGNORE of a column change stops") {
  Plan plan = plan_of({table("a"), table("b")});
  plan.ddl_policy = DdlPolicy{};
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  const DdlStep truncate = barrier.step(ddl("TRUNCATE TABLE a", 80), group);
  CHECK(truncate.action == DdlStep::Action::kStop);
  CHECK(truncate.message.find("source DDL on migrated table s.a at mariadb-bin.000001:80: \"TRUNCATE TABLE a\" is not "
                              "applied: ") == 0);
  CHECK(truncate.message.find("DDL (TRUNCATE TABLE = APPLY)") != std::string::npos);
  CHECK(truncate.message.find("Everything before the statement is applied") != std::string::npos);
  CHECK(barrier.step(ddl("DROP TABLE b", 81), group).action == DdlStep::Action::kStop);

  plan.ddl_policy.kinds[StatementKind::kTruncateTable] = {DdlHandling::kIgnore, 4};
  plan.ddl_policy.others = DdlPolicy::Rule{DdlHandling::kIgnore, 4};
  DdlBarrier ignoring(plan);
  const DdlStep passed = ignoring.step(ddl("TRUNCATE TABLE a", 82), group);
  CHECK(passed.action == DdlStep::Action::kPass);
  CHECK(passed.message == "TRUNCATE TABLE s.a at mariadb-bin.000001:82: passed, the script's DDL policy says "
                          "TRUNCATE TABLE = IGNORE");
  CHECK(ignoring.step(ddl("DROP TABLE b", 83), group).action == DdlStep::Action::kPass);
}

TEST_CASE("CREATE TABLE: a table capture recorded joining is created on the target under its MAP name") {
  Plan plan = migrating({table("a")});
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  char name[] = "/tmp/omsql-ddl-join-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  auto history = SchemaHistory::open(dir);
  REQUIRE(history);
  REQUIRE(history->record_base(at(1), {plan.tables[0].source_def}));
  TableDef fresh = plan.tables[0].source_def;
  fresh.name = {"s", "fresh"};
  fresh.schema_charset = "utf8mb4";
  REQUIRE(history->record(at(50), fresh.name, fresh, "CREATE TABLE fresh (id INT, v VARBINARY(20))"));

  DdlStep create = barrier.step(ddl("CREATE TABLE fresh (id INT, v VARBINARY(20))", 50), group, &*history);
  REQUIRE(create.action == DdlStep::Action::kApply);
  CHECK(create.kind == ReplicatedDdl::kCreateTable);
  CHECK(create.table_index == 1);  // not in the plan yet: appended
  REQUIRE(create.after_job);
  CHECK(create.after_job->target == QualifiedName{"t", "fresh"});
  REQUIRE(create.statements.size() == 2);
  CHECK(create.statements[0].find("CREATE DATABASE IF NOT EXISTS `t`") == 0);
  CHECK(create.statements[1].rfind("CREATE TABLE `t`.`fresh`", 0) == 0);
  CHECK(create.message.rfind("CREATE TABLE s.fresh at mariadb-bin.000001:50: creating t.fresh on the target; the "
                             "table joins the task", 0) == 0);

  // Crash idempotence: absent on the target, the statements run; present and empty as the
  // statement makes it, only the checkpoint moves; with rows or another definition, a stop.
  DdlStep absent = create;
  CHECK_FALSE(settle_join_against_target(absent, std::nullopt, true, plan));
  CHECK(absent.statements.size() == 2);
  TableDef made = create.after_job->source_def;
  made.name = create.after_job->target;
  DdlStep again = create;
  CHECK_FALSE(settle_join_against_target(again, made, true, plan));
  CHECK(again.statements.empty());
  CHECK(again.message.find("already created") != std::string::npos);
  DdlStep full = create;
  auto why = settle_join_against_target(full, made, false, plan);
  REQUIRE(why);
  CHECK(why->find("exists already and is not the empty table the statement makes (it holds rows)") != std::string::npos);
  TableDef other = made;
  other.columns.pop_back();
  DdlStep different = create;
  CHECK(settle_join_against_target(different, other, true, plan));

  // Joined: later statements on it are the task's (an ALTER needs its job in the plan).
  barrier.applied(create);
  plan.tables.push_back(*create.after_job);
  TableDef altered = fresh;
  altered.columns.push_back(int_column("w", 3));
  REQUIRE(history->record(at(60), fresh.name, altered, "ALTER TABLE fresh ADD w INT"));
  DdlStep alter = barrier.step(ddl("ALTER TABLE fresh ADD w INT", 60), group, &*history);
  REQUIRE(alter.action == DdlStep::Action::kApply);
  CHECK(alter.table_index == 1);

  // IF NOT EXISTS of a task table: passed. A CREATE capture did not record: a stop, never a pass.
  DdlStep exists = barrier.step(ddl("CREATE TABLE IF NOT EXISTS a (id INT)", 70), group, &*history);
  CHECK(exists.action == DdlStep::Action::kPass);
  CHECK(exists.message.find("the table exists (IF NOT EXISTS)") != std::string::npos);
  DdlStep unrecorded = barrier.step(ddl("CREATE TABLE other (id INT)", 80), group, &*history);
  CHECK(unrecorded.action == DdlStep::Action::kStop);
  CHECK(unrecorded.message.find("capture recorded no definition of it") != std::string::npos);
  // Outside the patterns: not a barrier.
  CHECK(barrier.step(ddl("CREATE TABLE x.y (id INT)", 90), group, &*history).action == DdlStep::Action::kPass);

  // CREATE TABLE = IGNORE: capture keeps the table out, replay passes it; STOP stops there.
  Plan ignoring = plan;
  ignoring.ddl_policy.kinds[StatementKind::kCreateTable] = {DdlHandling::kIgnore, 4};
  DdlBarrier ignore_barrier(ignoring);
  CHECK(ignore_barrier.step(ddl("CREATE TABLE other (id INT)", 80), group, &*history).action == DdlStep::Action::kPass);
  Plan stopping = plan;
  stopping.ddl_policy.kinds[StatementKind::kCreateTable] = {DdlHandling::kStop, 4};
  DdlBarrier stop_barrier(stopping);
  DdlStep stopped = stop_barrier.step(ddl("CREATE TABLE fresh (id INT, v VARBINARY(20))", 50), group, &*history);
  CHECK(stopped.action == DdlStep::Action::kStop);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an ALTER that leaves the definition as it was passes; IGNORE of an index rebinds, and the next ALTER "
          "settles on what it changes") {
  Plan plan = migrating({table("a")});
  {
    IndexDef primary;
    primary.name = "PRIMARY";
    primary.unique = true;
    primary.parts.push_back(IndexPart{"id", std::nullopt, false});
    plan.tables[0].source_def.indexes.push_back(primary);
  }
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  char name[] = "/tmp/omsql-ddl-noop-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  auto history = SchemaHistory::open(dir);
  REQUIRE(history);
  TableDef base = plan.tables[0].source_def;
  base.estimated_rows = 500;
  base.schema_charset = "utf8mb4";
  REQUIRE(history->record_base(at(1), {base}));
  // ENGINE=InnoDB: the shadow's definition differs only in what describes the rows and the database.
  TableDef same = base;
  same.estimated_rows = 0;
  same.schema_charset.reset();
  same.auto_increment = 1;
  REQUIRE(history->record(at(40), {"s", "a"}, same, "ALTER TABLE a ENGINE=InnoDB"));
  DdlStep noop = barrier.step(ddl("ALTER TABLE a ENGINE=InnoDB", 40), group, &*history);
  CHECK(noop.action == DdlStep::Action::kPass);
  CHECK(noop.message == "ALTER TABLE s.a at mariadb-bin.000001:40: passed, the table's definition after it equals the "
                        "one before (nothing to apply)");
  REQUIRE(history->record(at(45), {"s", "a"}, same, "ALTER TABLE a FORCE"));
  CHECK(barrier.step(ddl("ALTER TABLE a MODIFY v VARBINARY(20)", 45), group, &*history).action == DdlStep::Action::kPass);
  // Nothing recorded at the position: still a stop, never the old definition taken for the new.
  CHECK(barrier.step(ddl("ALTER TABLE a ENGINE=InnoDB", 48), group, &*history).action == DdlStep::Action::kStop);

  // CREATE INDEX = IGNORE: a barrier with no target statement that rebinds the table.
  TableDef indexed = same;
  indexed.indexes.push_back(IndexDef{"iv", false, "BTREE", {IndexPart{"v", std::nullopt, false}}, "", std::nullopt});
  REQUIRE(history->record(at(50), {"s", "a"}, indexed, "CREATE INDEX iv ON a (v)"));
  Plan ignoring_plan = plan;
  ignoring_plan.ddl_policy.kinds[StatementKind::kCreateIndex] = {DdlHandling::kIgnore, 5};
  DdlBarrier ignoring(ignoring_plan);
  DdlStep ignored = ignoring.step(ddl("CREATE INDEX iv ON a (v)", 50), group, &*history);
  REQUIRE(ignored.action == DdlStep::Action::kApply);
  CHECK(ignored.statements.empty());
  REQUIRE(ignored.after_job);
  CHECK(ignored.after_job->source_def.indexes.size() == 2);
  CHECK(ignored.message == "CREATE INDEX s.a at mariadb-bin.000001:50: passed, the script's DDL policy says CREATE "
                           "INDEX = IGNORE; the target table t.a keeps its definition");

  // The next ALTER (from the rebound job) adds a column and leaves iv alone; the target, which
  // lacks iv, is "before" in what it changes, then "already applied" once the column is there.
  ignoring_plan.tables[0] = *ignored.after_job;
  TableDef added = indexed;
  ColumnDef w = int_column("w", 3);
  added.columns.push_back(w);
  REQUIRE(history->record(at(60), {"s", "a"}, added, "ALTER TABLE a ADD w INT"));
  DdlStep alter = ignoring.step(ddl("ALTER TABLE a ADD w INT", 60), group, &*history);
  REQUIRE(alter.action == DdlStep::Action::kApply);
  REQUIRE(alter.statements.size() == 1);
  CHECK(alter.statements[0].find("iv") == std::string::npos);
  TableDef target = base;  // as the schema phase created it: no iv
  target.name = {"t", "a"};
  DdlStep before = alter;
  CHECK(!settle_against_target(before, target, ignoring_plan));
  CHECK(before.statements.size() == 1);
  target.columns.push_back(w);
  DdlStep again = alter;
  CHECK(!settle_against_target(again, target, ignoring_plan));
  CHECK(again.statements.empty());
  CHECK(again.message.find("(already applied: ") != std::string::npos);
  target.columns.back().column_type = "bigint(20)";
  DdlStep changed = alter;
  auto why = settle_against_target(changed, target, ignoring_plan);
  REQUIRE(why);
  CHECK(why->find("column `w`: bigint") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("RENAME TABLE: task tables renamed within the patterns are renamed on the target in one statement") {
  // MIGRATE s.* EXCLUDE s.old_* MAP s.* TO t.*: a gh-ost cut-over, then a table renamed out.
  Plan plan = migrating({table("a"), table("_a_gho"), table("b")});
  plan.rules.exclude.push_back({{"s", false}, {"old_*", true}});
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  char name[] = "/tmp/omsql-ddl-rename-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  auto history = SchemaHistory::open(dir);
  REQUIRE(history);
  REQUIRE(history->record_base(at(1), {plan.tables[0].source_def, plan.tables[1].source_def, plan.tables[2].source_def}));
  // What the tailer records: every name's definition after the whole statement.
  TableDef del = plan.tables[0].source_def, moved = plan.tables[1].source_def;
  del.name = {"s", "_a_del"};
  moved.name = {"s", "a"};
  const std::string cut_over = "RENAME TABLE a TO _a_del, _a_gho TO a";
  REQUIRE(history->record(at(50), {"s", "a"}, moved, cut_over));
  REQUIRE(history->record(at(50), {"s", "_a_gho"}, std::nullopt, cut_over));
  REQUIRE(history->record(at(50), {"s", "_a_del"}, del, cut_over));

  DdlStep swap = barrier.step(ddl(cut_over, 50), group, &*history);
  REQUIRE(swap.action == DdlStep::Action::kApply);
  CHECK(swap.kind == ReplicatedDdl::kRenameTable);
  CHECK(swap.tables == std::vector<QualifiedName>{{"s", "a"}, {"s", "_a_gho"}});
  CHECK(swap.statements == std::vector<std::string>{"RENAME TABLE `t`.`a` TO `t`.`_a_del`, `t`.`_a_gho` TO `t`.`a`"});
  REQUIRE(swap.renamed.size() == 2);
  CHECK(swap.renamed[0].index == 0);
  REQUIRE(swap.renamed[0].job);
  CHECK(swap.renamed[0].job->source == QualifiedName{"s", "_a_del"});
  CHECK(swap.renamed[0].job->target == QualifiedName{"t", "_a_del"});
  CHECK(swap.renamed[1].index == 1);
  REQUIRE(swap.renamed[1].job);
  CHECK(swap.renamed[1].job->source == QualifiedName{"s", "a"});
  CHECK(swap.message == "RENAME TABLE at mariadb-bin.000001:50: renaming t.a to t._a_del, t._a_gho to t.a on the target");

  // Crash idempotence by which target tables exist.
  DdlStep before = swap;
  CHECK_FALSE(settle_rename_against_target(
      before, {{{"t", "a"}, true}, {{"t", "_a_gho"}, true}, {{"t", "_a_del"}, false}}));
  CHECK(before.statements.size() == 1);
  DdlStep after = swap;
  CHECK_FALSE(settle_rename_against_target(
      after, {{{"t", "a"}, true}, {{"t", "_a_gho"}, false}, {{"t", "_a_del"}, true}}));
  CHECK(after.statements.empty());
  CHECK(after.message.find("already renamed") != std::string::npos);
  DdlStep changed = swap;
  auto why = settle_rename_against_target(
      changed, {{{"t", "a"}, false}, {{"t", "_a_gho"}, true}, {{"t", "_a_del"}, false}});
  REQUIRE(why);
  CHECK(why->find("someone changed them") != std::string::npos);

  // Out of the patterns: the table leaves the task, nothing runs on the target.
  REQUIRE(history->record(at(60), {"s", "b"}, std::nullopt, "RENAME TABLE b TO old_b"));
  DdlStep out = barrier.step(ddl("RENAME TABLE b TO old_b", 60), group, &*history);
  REQUIRE(out.action == DdlStep::Action::kApply);
  CHECK(out.statements.empty());
  REQUIRE(out.renamed.size() == 1);
  CHECK(out.renamed[0].index == 2);
  CHECK_FALSE(out.renamed[0].job);
  CHECK(out.message.find("s.b (renamed to s.old_b) leaves the task") != std::string::npos);
  barrier.applied(out);
  CHECK_FALSE(barrier.rules().task_name({"s", "b"}));

  // A rename whose new target name is a task table's there stops; so does one the history lacks.
  DdlStep onto = barrier.step(ddl("RENAME TABLE _a_gho TO x", 70), group, &*history);
  CHECK(onto.action == DdlStep::Action::kStop);
  CHECK(onto.message.find("capture recorded no definition of s.x after it") != std::string::npos);
  Plan mapped = plan;
  mapped.rules.maps.insert(mapped.rules.maps.begin(), TableRename{{{"s", false}, {"c", false}}, {{"t", false}, {"b", false}}});
  CHECK(mapped.rules.fate_of({"s", "c"}).target == QualifiedName{"t", "b"});
  DdlBarrier mapped_barrier(mapped);
  DdlStep collides = mapped_barrier.step(ddl("RENAME TABLE a TO c", 80), group, &*history);
  CHECK(collides.action == DdlStep::Action::kStop);
  CHECK(collides.message.find("its target t.b is a table the task keeps there") != std::string::npos);
}

TEST_CASE("RENAME TABLE into the patterns: the table joins, its target created after the renames, crash-settled") {
  // MIGRATE s.* MAP s.* TO t.*: crm.x (outside the task) renamed to s.x.
  Plan plan = migrating({table("a")});
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  char name[] = "/tmp/omsql-ddl-rename-into-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  auto history = SchemaHistory::open(dir);
  REQUIRE(history);
  REQUIRE(history->record_base(at(1), {plan.tables[0].source_def}));
  TableDef x = plan.tables[0].source_def;
  x.name = {"s", "x"};
  IndexDef primary;
  primary.name = "PRIMARY";
  primary.unique = true;
  primary.parts.push_back(IndexPart{"id"});
  x.indexes.push_back(primary);
  const std::string rename = "RENAME TABLE crm.x TO s.x";
  // Without the definition capture records, it stops.
  DdlStep unknown = barrier.step(ddl(rename, 50), group, &*history);
  CHECK(unknown.action == DdlStep::Action::kStop);
  CHECK(unknown.message.find("capture recorded no definition of s.x, renamed into the MIGRATE patterns") != std::string::npos);
  REQUIRE(history->record(at(50), {"s", "x"}, x, rename));
  DdlStep join = barrier.step(ddl(rename, 50), group, &*history);
  REQUIRE(join.action == DdlStep::Action::kApply);
  CHECK(join.kind == ReplicatedDdl::kRenameTable);
  CHECK(join.tables == std::vector<QualifiedName>{{"s", "x"}});
  CHECK(join.statements.empty());  // nothing of the task is renamed on the target
  REQUIRE_FALSE(join.join_statements.empty());
  CHECK(join.join_statements.back().rfind("CREATE TABLE `t`.`x`", 0) == 0);
  REQUIRE(join.after_job);
  CHECK(join.after_job->target == QualifiedName{"t", "x"});
  CHECK(join.table_index == plan.tables.size());
  CHECK(join.message == "RENAME TABLE at mariadb-bin.000001:50: crm.x renamed to s.x joins the task: creating t.x on "
                        "the target, then copying its rows (replay waits for the copy)");
  // Crash idempotence: absent, it is created; empty and as made, only the checkpoint moves; with
  // rows (or another definition) it is someone else's.
  DdlStep absent = join;
  CHECK_FALSE(settle_rename_join_against_target(absent, std::nullopt, true, plan));
  CHECK(absent.join_statements == join.join_statements);
  TableDef made = join.after_job->source_def;
  made.name = join.after_job->target;
  DdlStep created = join;
  CHECK_FALSE(settle_rename_join_against_target(created, made, true, plan));
  CHECK(created.join_statements.empty());
  CHECK(created.message.find("already created") != std::string::npos);
  DdlStep full = join;
  auto theirs = settle_rename_join_against_target(full, made, false, plan);
  REQUIRE(theirs);
  CHECK(theirs->find("it holds rows") != std::string::npos);
  barrier.applied(join);
  CHECK(barrier.rules().task_name({"s", "x"}));

  // A keyless table joins too (the replayer copies it in one snapshot); two tables renamed in by
  // one statement, or a foreign key with an action to a task table, stop with a way out.
  TableDef keyless = x;
  keyless.name = {"s", "k"};
  keyless.indexes.clear();
  REQUIRE(history->record(at(60), {"s", "k"}, keyless, "RENAME TABLE crm.k TO s.k"));
  DdlStep no_key = barrier.step(ddl("RENAME TABLE crm.k TO s.k", 60), group, &*history);
  REQUIRE(no_key.action == DdlStep::Action::kApply);
  REQUIRE(no_key.after_job);
  CHECK(no_key.after_job->key.kind == RowKey::Kind::kNone);
  TableDef child = x;
  child.name = {"s", "c"};
  ForeignKeyDef fk;
  fk.name = "fk_c_a";
  fk.columns = {"id"};
  fk.referenced = {"s", "a"};
  fk.referenced_columns = {"id"};
  fk.on_delete = "CASCADE";
  child.foreign_keys.push_back(fk);
  REQUIRE(history->record(at(65), {"s", "c"}, child, "RENAME TABLE crm.c TO s.c"));
  DdlStep cascading = barrier.step(ddl("RENAME TABLE crm.c TO s.c", 65), group, &*history);
  CHECK(cascading.action == DdlStep::Action::kStop);
  CHECK(cascading.message.find("has the foreign key `fk_c_a` to s.a with an ON DELETE/UPDATE action") != std::string::npos);
  DdlStep two = barrier.step(ddl("RENAME TABLE crm.p TO s.p, crm.q TO s.q", 70), group, &*history);
  CHECK(two.action == DdlStep::Action::kStop);
  CHECK(two.message.find("renames 2 tables into the MIGRATE patterns") != std::string::npos);
  // Onto a target name the task keeps (a table renamed out of the task keeps its target): stops.
  TableDef onto = x;
  onto.name = {"s", "a"};
  const std::string cut_over = "RENAME TABLE a TO crm.a_old, crm.a_new TO a";
  REQUIRE(history->record(at(80), {"s", "a"}, onto, cut_over));
  DdlStep occupied = barrier.step(ddl(cut_over, 80), group, &*history);
  CHECK(occupied.action == DdlStep::Action::kStop);
  CHECK(occupied.message.find("is a table the task keeps there at that moment") != std::string::npos);
}

TEST_CASE("RENAME TABLE: a table in a foreign key, or one that permutes target names, stops with a way out") {
  Plan plan = migrating({table("a"), table("b")});
  ForeignKeyDef fk;
  fk.name = "fk_b_a";
  fk.columns = {"id"};
  fk.referenced = {"s", "a"};
  fk.referenced_columns = {"id"};
  plan.tables[1].source_def.foreign_keys.push_back(fk);
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier barrier(plan);
  char name[] = "/tmp/omsql-ddl-rename-fk-XXXXXX";
  const std::string dir = ::mkdtemp(name);
  auto history = SchemaHistory::open(dir);
  REQUIRE(history);
  TableDef renamed = plan.tables[0].source_def;
  renamed.name = {"s", "a2"};
  REQUIRE(history->record(at(50), {"s", "a"}, std::nullopt, "RENAME TABLE a TO a2"));
  REQUIRE(history->record(at(50), {"s", "a2"}, renamed, "RENAME TABLE a TO a2"));
  DdlStep step = barrier.step(ddl("RENAME TABLE a TO a2", 50), group, &*history);
  CHECK(step.action == DdlStep::Action::kStop);
  CHECK(step.message.find("s.a is in a foreign key (s.b `fk_b_a`)") != std::string::npos);
  CHECK(step.message.find("--recopy") != std::string::npos);

  DdlStep swap;
  swap.kind = ReplicatedDdl::kRenameTable;
  swap.statements = {"RENAME TABLE `t`.`a` TO `t`.`x`, `t`.`b` TO `t`.`a`, `t`.`x` TO `t`.`b`"};
  swap.target_moves = {{{"t", "a"}, {"t", "x"}}, {{"t", "b"}, {"t", "a"}}, {{"t", "x"}, {"t", "b"}}};
  auto why = settle_rename_against_target(swap, {{{"t", "a"}, true}, {{"t", "b"}, true}, {{"t", "x"}, false}});
  REQUIRE(why);
  CHECK(why->find("only swaps the names") != std::string::npos);
}

TEST_CASE("DROP DATABASE drops the target tables of its task tables; by default the policy stops it") {
  Plan plan = plan_of({table("a"), table("b")});
  plan.tables[1].source = {"s2", "b"};
  plan.tables[1].source_def.name = plan.tables[1].source;
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  DdlBarrier stopping(plan);
  DdlStep stop = stopping.step(ddl("DROP DATABASE s", 60), group);
  CHECK(stop.action == DdlStep::Action::kStop);
  CHECK(stop.message.find("DROP DATABASE stops by default") != std::string::npos);

  plan.ddl_policy.kinds[StatementKind::kDropDatabase] = {DdlHandling::kApply, 3};
  DdlBarrier barrier(plan);
  DdlStep drop = barrier.step(ddl("DROP DATABASE s", 60), group);
  REQUIRE(drop.action == DdlStep::Action::kApply);
  CHECK(drop.kind == ReplicatedDdl::kDropTable);
  CHECK(drop.tables == std::vector<QualifiedName>{{"s", "a"}});
  CHECK(drop.statements == std::vector<std::string>{"DROP TABLE IF EXISTS `t`.`a`"});
  CHECK(drop.message == "DROP DATABASE s (its task tables s.a) at mariadb-bin.000001:60: dropping t.a on the target; "
                        "the table leaves the task");
  // CREATE OR REPLACE DATABASE drops what the database held first.
  DdlStep replaced = barrier.step(ddl("CREATE OR REPLACE DATABASE s2", 61), group);
  CHECK(replaced.action == DdlStep::Action::kApply);
  CHECK(replaced.tables == std::vector<QualifiedName>{{"s2", "b"}});
}
