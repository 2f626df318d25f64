// The real apply lane (actors/apply_lane.cpp, the change applier the replayer spawns per lane)
// over the fake engine's ApplySession (tests/actors/fake_engine.hpp): a lane commits each share with
// its checkpoint row, skips what its checkpoint already holds (replay restarts from the slowest
// lane), is not applied twice when the answer to its COMMIT is lost, retries a transient failure
// on a new session, and fails the task once on an error that is not. No server.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/incremental_actors.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/apply/lane_transaction.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "tests/actors/fake_engine.hpp"

using namespace omsql;
using namespace omsql::actors;
using omsql::testing::FakeEngine;
using omsql::testing::fake_job;

namespace {

// Stands in for the coordinator: forwards a failure to the test's scoped actor.
link_events_actor::behavior_type fake_coordinator(link_events_actor::pointer, caf::actor client) {
  return {
      [=](failed_atom, const std::string& why) { caf::anon_send(client, failed_atom::value, why); },
      [](recopy_atom, const std::string&) {},
      [](capture_atom, const std::string&) {},
      [](sync_status_atom, const SyncStatus&) {},
      [](ddl_stop_atom, const DdlStopReport&) {},
      [](copy_ddl_atom, const CopyDdl&) {},
  };
}

SourcePosition at(uint64_t offset) { return to_source_position(BinlogPosition{"mariadb-bin.000001", offset, ""}); }

apply::LaneWork work_until(uint64_t offset, std::string statement, uint64_t changes = 1) {
  apply::LaneWork work;
  work.lane = 0;
  work.end = at(offset);
  work.statements = {std::move(statement)};
  work.row_keys = {{"`id` = 1"}};
  work.changes = changes;
  return work;
}

struct LaneFixture {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<caf::scoped_actor> client;
  FakeEngine engine;
  std::shared_ptr<Plan> plan = std::make_shared<Plan>();
  std::shared_ptr<const apply::FkGraph> graph;
  link_events_actor coordinator;
  lane_actor lane;

  LaneFixture() {
    add_message_types(config);
    system = std::make_unique<caf::actor_system>(config);
    client = std::make_unique<caf::scoped_actor>(*system);
    plan->tables.push_back(fake_job("t"));
    plan->options.retry.patience = std::chrono::seconds(5);
    plan->options.retry.max_delay = std::chrono::milliseconds(50);
    graph = std::make_shared<const apply::FkGraph>(apply::FkGraph::build(*plan));
    coordinator = system->spawn(fake_coordinator, caf::actor_cast<caf::actor>(*client));
  }
  ~LaneFixture() {
    caf::anon_send_exit(lane, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
  }
  void start() { lane = spawn_apply_lane(*system, plan, graph, "task#0", coordinator, &engine); }

  // The lane's answer to `work`: its change count, or the error it ended with (as text).
  std::string apply(apply::LaneWork work) {
    std::string answer;
    (*client)
        ->request(lane, std::chrono::seconds(10), apply_atom::value, std::move(work))
        .receive([&](uint64_t changes) { answer = "applied " + std::to_string(changes); },
                 [&](caf::error& e) { answer = "error: " + caf::to_string(e); });
    return answer;
  }
  std::vector<testing::FakeApplyLog::Commit> commits() {
    std::lock_guard<std::mutex> lock(engine.applied->mutex);
    return engine.applied->commits;
  }
  SourcePosition checkpoint(const std::string& row) {
    std::lock_guard<std::mutex> lock(engine.applied->mutex);
    return engine.applied->checkpoints[row];
  }
  int sessions() {
    std::lock_guard<std::mutex> lock(engine.applied->mutex);
    return engine.applied->sessions_opened;
  }
};

}  // namespace

TEST_CASE("a lane commits each share with its checkpoint row and skips a share its checkpoint holds") {
  LaneFixture f;
  f.engine.applied->checkpoints["task#0"] = at(100);  // committed before a restart
  f.start();
  // Replay restarted from a slower lane: this lane already holds everything up to 100.
  CHECK(f.apply(work_until(50, "REPLACE INTO a")) == "applied 1");
  CHECK(f.commits().empty());
  CHECK(f.apply(work_until(150, "REPLACE INTO b", 3)) == "applied 3");
  REQUIRE(f.commits().size() == 1);
  CHECK(f.commits()[0].lane_id == "task#0");
  CHECK(f.commits()[0].statements == std::vector<std::string>{"REPLACE INTO b"});
  CHECK(f.checkpoint("task#0") == at(150));
  CHECK(f.apply(work_until(150, "REPLACE INTO b")) == "applied 1");  // the same share again
  CHECK(f.commits().size() == 1);
  CHECK(f.sessions() == 1);  // the checkpoint is read once per session, then kept by the lane
}

TEST_CASE("a COMMIT whose answer was lost is not applied again: the new session's checkpoint shows it") {
  LaneFixture f;
  f.engine.applied->lose_commit_answer = 1;
  f.start();
  CHECK(f.apply(work_until(200, "REPLACE INTO a", 2)) == "applied 2");
  CHECK(f.commits().size() == 1);
  CHECK(f.checkpoint("task#0") == at(200));
  CHECK(f.sessions() == 2);
}

TEST_CASE("a transient failure before the commit is retried on a new session and committed once") {
  LaneFixture f;
  f.engine.applied->fail_before_commit = 2;
  f.start();
  CHECK(f.apply(work_until(300, "REPLACE INTO a")) == "applied 1");
  CHECK(f.commits().size() == 1);
  CHECK(f.sessions() == 3);
  CHECK(f.apply(work_until(400, "REPLACE INTO b")) == "applied 1");
  CHECK(f.commits().size() == 2);
  CHECK(f.checkpoint("task#0") == at(400));
}

TEST_CASE("an ordered group moves every lane's checkpoint row; a repair moves none and is never skipped") {
  LaneFixture f;
  f.engine.applied->checkpoints["task#0"] = at(500);
  f.start();
  apply::LaneShare share;
  share.statements = {"DELETE FROM parent"};
  share.changes = 1;
  CHECK(f.apply(apply::ordered_work(std::move(share), at(600), "task", 3)) == "applied 1");
  CHECK(f.checkpoint("task#0") == at(600));
  CHECK(f.checkpoint("task#1") == at(600));
  CHECK(f.checkpoint("task#2") == at(600));
  verify::RowDifference difference;
  difference.kind = verify::DifferenceKind::kMissingOnTarget;
  difference.repair = "REPLACE INTO repaired";
  apply::LaneWork repair = apply::repair_work({difference}, at(600));
  CHECK(f.apply(repair) == "applied 0");
  REQUIRE(f.commits().size() == 2);
  CHECK(f.commits()[1].repair);
  CHECK(f.checkpoint("task#0") == at(600));
}

TEST_CASE("an error that is not transient fails the task once, naming the lane and the position") {
  LaneFixture f;
  f.engine.applied->failing_statement = "REPLACE INTO bad";
  f.start();
  const std::string answer = f.apply(work_until(700, "REPLACE INTO bad"));
  CHECK(answer.rfind("error: ", 0) == 0);
  std::string failure;
  (*f.client)->receive([&](failed_atom, const std::string& why) { failure = why; },
                       caf::after(std::chrono::seconds(10)) >> [] {});
  CHECK(failure.find("applying changes up to mariadb-bin.000001:700 (apply lane 0)") != std::string::npos);
  CHECK(failure.find("error 1366") != std::string::npos);
  CHECK(f.commits().empty());
  CHECK(f.checkpoint("task#0").empty());
}
