// The apply lane's transaction protocol (src/apply/lane_transaction), against a fake runner: the
// rows and the lane's checkpoint row in one transaction, an ordered group moving every lane's
// row, repairs moving none, rollback on failure, and groups a lane already holds.
#include <doctest/doctest.h>

#include <set>

#include "src/apply/lane_transaction.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/engine/mysql/checkpoint.hpp"
#include "tests/src/apply/replay_test_support.hpp"

using namespace omsql;
using namespace omsql::apply;
using omsql::replay_test::at;

namespace {

struct RecordingRunner : StatementRunner {
  std::vector<std::string> statements;
  std::set<std::string> failing;  // statements answered with an error
  bool transient = false;
  Result<uint64_t> run(const std::string& sql) override {
    statements.push_back(sql);
    if (!failing.count(sql)) return uint64_t{1};
    const std::string message = "target: " + sql + ": error 1406: Data too long for column 'v' at row 2";
    return transient ? Status::transient(message) : Status::server_error(message);
  }
};

LaneShare share(std::vector<std::string> statements, std::vector<std::vector<std::string>> keys, uint64_t changes) {
  LaneShare s;
  s.statements = std::move(statements);
  s.row_keys = std::move(keys);
  s.changes = changes;
  return s;
}

}  // namespace

TEST_CASE("a lane's share commits with the lane's own checkpoint row, at the group's end") {
  const Plan plan;
  const FkGraph graph;
  LaneWork work = parallel_work(2, share({"REPLACE 1", "DELETE 2"}, {{"`id` = 1"}, {"`id` = 2"}}, 5), at(300));
  CHECK(work.lane == 2);
  CHECK(work.changes == 5);
  CHECK(work.also_checkpoint.empty());
  RecordingRunner runner;
  std::vector<std::string> warnings;
  REQUIRE(run_lane_transaction(runner, plan, graph, "task#2", work, &warnings));
  const std::vector<std::string> expected = {"START TRANSACTION", "REPLACE 1", "DELETE 2",
                                             *checkpoint::upsert_sql("task#2", at(300), 0), "COMMIT"};
  CHECK(runner.statements == expected);
  CHECK(warnings.empty());
}

TEST_CASE("an FK-ordered group on lane 0 records its end for every lane in the same transaction") {
  const Plan plan;
  const FkGraph graph;
  LaneWork work = ordered_work(share({"DELETE parent"}, {}, 1), at(400), "task", 3);
  CHECK(work.lane == 0);
  CHECK(work.also_checkpoint == std::vector<std::string>{"task#1", "task#2"});
  RecordingRunner runner;
  REQUIRE(run_lane_transaction(runner, plan, graph, checkpoint::lane_task_id("task", 0), work, nullptr));
  const std::vector<std::string> expected = {
      "START TRANSACTION", "DELETE parent", *checkpoint::upsert_sql("task#0", at(400), 0),
      *checkpoint::upsert_sql("task#1", at(400), 0), *checkpoint::upsert_sql("task#2", at(400), 0), "COMMIT"};
  CHECK(runner.statements == expected);
  // One lane: nothing else to move.
  CHECK(ordered_work(share({}, {}, 0), at(400), "task", 1).also_checkpoint.empty());
}

TEST_CASE("a failing statement rolls back, names its row's key, and records no checkpoint") {
  const Plan plan;
  const FkGraph graph;
  LaneWork work = parallel_work(0, share({"REPLACE a", "REPLACE b"}, {{"`id` = 1"}, {"`id` = 7", "`id` = 8"}}, 3), at(50));
  RecordingRunner runner;
  runner.failing = {"REPLACE b"};
  Status st = run_lane_transaction(runner, plan, graph, "task#0", work, nullptr);
  CHECK_FALSE(st);
  CHECK_FALSE(st.is_transient());
  CHECK(st.message().find("(key `id` = 8)") != std::string::npos);
  CHECK(runner.statements == std::vector<std::string>{"START TRANSACTION", "REPLACE a", "REPLACE b", "ROLLBACK"});
  // A transient failure stays transient (the lane retries it on a new connection).
  RecordingRunner flaky;
  flaky.failing = {"COMMIT"};
  flaky.transient = true;
  st = run_lane_transaction(flaky, plan, graph, "task#0", work, nullptr);
  CHECK(st.is_transient());
  CHECK(flaky.statements.back() == "ROLLBACK");
}

TEST_CASE("repairs: deletes first, applied between groups, no checkpoint row") {
  const Plan plan;
  const FkGraph graph;
  std::vector<verify::RowDifference> differences(4);
  differences[0].kind = verify::DifferenceKind::kMissingOnTarget;
  differences[0].repair = "REPLACE missing";
  differences[1].kind = verify::DifferenceKind::kExtraOnTarget;
  differences[1].repair = "DELETE extra";
  differences[2].kind = verify::DifferenceKind::kDifferent;
  differences[2].repair = "REPLACE different";
  differences[3].kind = verify::DifferenceKind::kDifferent;  // converged: nothing to write
  LaneWork work = repair_work(differences, at(70));
  CHECK(work.repair);
  CHECK(work.statements == std::vector<std::string>{"DELETE extra", "REPLACE missing", "REPLACE different"});
  RecordingRunner runner;
  REQUIRE(run_lane_transaction(runner, plan, graph, "task#0", work, nullptr));
  CHECK(runner.statements ==
        std::vector<std::string>{"START TRANSACTION", "DELETE extra", "REPLACE missing", "REPLACE different", "COMMIT"});
}

TEST_CASE("a lane skips a group it already holds, never a repair") {
  LaneWork group = parallel_work(0, share({}, {}, 0), at(100));
  CHECK(lane_holds(at(100), group));
  CHECK(lane_holds(at(150), group));
  CHECK_FALSE(lane_holds(at(99), group));
  CHECK_FALSE(lane_holds(SourcePosition{}, group));
  LaneWork repair = repair_work({}, at(100));
  CHECK_FALSE(lane_holds(at(150), repair));
}

TEST_CASE("a statement longer than the target's max_allowed_packet stops loudly instead of looking like a lost target") {
  // The server drops the connection on a packet longer than max_allowed_packet: the client saw
  // "server has gone away" and retried for the whole retry patience.
  LaneWork work;
  work.statements = {"REPLACE INTO `t`.`small` (`id`) VALUES (1)",
                     "REPLACE INTO `t`.`b` (`id`, `data`) VALUES (2, X'" + std::string(3 << 20, 'a') + "')"};
  work.row_keys = {{"`id` = 1"}, {"`id` = 2"}};
  CHECK(check_statement_sizes(work, 16 << 20, "target root@h:1"));
  CHECK(check_statement_sizes(work, 0, "target root@h:1"));  // unknown: nothing to check
  Status st = check_statement_sizes(work, 2 << 20, "target root@h:1");
  REQUIRE_FALSE(st);
  CHECK_FALSE(st.is_transient());
  CHECK(st.message() ==
        "target root@h:1: REPLACE INTO `t`.`b` (key `id` = 2) needs a 3.0 MB statement, more than the target's "
        "max_allowed_packet (2.0 MB): raise it on the target (SET GLOBAL max_allowed_packet = 7 * 1024 * 1024, and "
        "in its option file for restarts), then run the same command to resume");
}

TEST_CASE("replay cuts its statements at half the target's max_allowed_packet, between 64 KB and 4 MB") {
  CHECK(statement_bytes_for(16 << 20) == 4 << 20);
  CHECK(statement_bytes_for(4 << 20) == 2 << 20);
  CHECK(statement_bytes_for(1 << 20) == 512 << 10);
  CHECK(statement_bytes_for(1024) == 64 << 10);
  CHECK(statement_bytes_for(1ull << 30) == 4 << 20);
}
