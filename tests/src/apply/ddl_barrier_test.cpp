// A replicated DDL as a replay barrier (src/apply/ddl_barrier): which DdlStatement records are
// barriers and what they run on the target (through the MAP), when the lanes may run one, the
// lane transaction that runs it and checkpoints every lane, and the order of what surrounds it.
#include <doctest/doctest.h>

#include <set>

#include "src/apply/ddl_barrier.hpp"
#include "src/apply/lane_progress.hpp"
#include "src/engine/mysql/checkpoint.hpp"
#include "tests/src/apply/replay_test_support.hpp"

using namespace omsql;
using namespace omsql::apply;
using namespace omsql::replay_test;

namespace {

Plan plan_of(std::vector<TableJob> tables) {
  Plan plan;
  plan.tables = std::move(tables);
  return plan;
}

DdlStatement ddl(std::string text, uint64_t position, std::string schema = "s") {
  DdlStatement statement;
  statement.schema = std::move(schema);
  statement.statement = std::move(text);
  statement.position = at(position);
  return statement;
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
  CHECK(truncate.table == 1);
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
  group.set_replay_after({at(40), BinlogPosition{}});  // k was copied in a snapshot at 40
  DdlBarrier barrier(plan);
  // At or before the snapshot: the copy saw the empty table and the rows written after it, whose
  // changes up to 40 are skipped; emptying it now would lose them.
  CHECK(barrier.step(ddl("TRUNCATE k", 30), group).action == DdlStep::Action::kPass);
  CHECK(barrier.step(ddl("TRUNCATE k", 40), group).action == DdlStep::Action::kPass);
  CHECK(barrier.step(ddl("TRUNCATE k", 41), group).action == DdlStep::Action::kApply);
  CHECK(barrier.step(ddl("TRUNCATE a", 30), group).action == DdlStep::Action::kApply);  // chunked copy
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
                                             checkpoint::upsert_sql("task#0", at(70), 0),
                                             checkpoint::upsert_sql("task#1", at(70), 0),
                                             checkpoint::upsert_sql("task#2", at(70), 0), "COMMIT"};
  CHECK(runner.statements == expected);
  // A lane that has committed the DDL's position holds it: the DDL is not run again.
  CHECK(lane_holds(at(70), work));
  CHECK_FALSE(lane_holds(at(69), work));
}

TEST_CASE("the barrier is reached only with nothing in flight and every lane before the DDL") {
  LaneProgress progress;
  progress.begin({at(10), at(30), BinlogPosition{}});
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
  CHECK(progress.committed() == std::vector<BinlogPosition>{at(40), at(40), at(40)});
  CHECK(progress.checkpoint() == at(40));
}

TEST_CASE("replayed in order: the changes before a TRUNCATE are one group, the DDL alone, the changes after the next") {
  // As the replayer reads the spool: fold until a barrier, flush, run the barrier, fold on.
  const Plan plan = plan_of({table("a")});
  const TableJob& job = plan.tables[0];
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_lanes({BinlogPosition{}, BinlogPosition{}});
  DdlBarrier barrier(plan);
  LaneProgress progress;
  progress.begin({BinlogPosition{}, BinlogPosition{}});
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
                      std::to_string(group.folded_through().offset));
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
        log.push_back("lane 0: " + work.statements[0] + " @" + std::to_string(work.end.offset));
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
  CHECK(progress.committed() == std::vector<BinlogPosition>{at(30), at(30)});
}
