// The real copy actors (chunker, readers, appliers, the rate limiter) driven over a fake engine
// (tests/actors/fake_engine.hpp): every row arrives exactly once under credits, a read that fails
// transiently is retried and nothing is lost, a chunk that cannot be read fails the task once,
// naming the chunk. No server; the actors run on their own threads as in a run.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "actors/copy_actors.hpp"
#include "actors/rate_limiter.hpp"
#include "tests/actors/fake_engine.hpp"

using namespace omsql;
using namespace omsql::actors;
using omsql::testing::FakeEngine;
using omsql::testing::fake_job;

namespace {

std::shared_ptr<const Plan> fake_plan(const std::vector<std::string>& tables, int parallel, int credits) {
  auto plan = std::make_shared<Plan>();
  for (const auto& t : tables) plan->tables.push_back(fake_job(t));
  plan->options.parallel = parallel;
  plan->options.credits = credits;
  plan->options.chunk_rows = 100;
  plan->options.batch_rows = 30;
  plan->options.retry.patience = std::chrono::seconds(5);
  plan->options.retry.max_delay = std::chrono::milliseconds(200);
  return plan;
}

// Stands in for the coordinator: forwards the copy events to the test's scoped actor.
copy_events_actor::behavior_type fake_coordinator(copy_events_actor::pointer, caf::actor client) {
  return {
      [=](chunk_done_atom, const ChunkDone& done) { caf::anon_send(client, chunk_done_atom::value, done.table.index, done.range.id); },
      [=](chunks_total_atom, const ChunksTotal& total) { caf::anon_send(client, chunks_total_atom::value, total.table.index, total.chunks); },
      [=](reader_done_atom) { caf::anon_send(client, reader_done_atom::value); },
      [=](failed_atom, const std::string& why) { caf::anon_send(client, failed_atom::value, why); },
      [=](table_failed_atom, const TableFailure& failure) { caf::anon_send(client, failed_atom::value, failure.message); },
  };
}

// Counts the rows the appliers report as written. (Also: CAF 0.17 binds a reference through a null
// pointer when it spawns a function actor without arguments, which UBSan reports.)
reporter_actor::behavior_type fake_reporter(reporter_actor::pointer, std::shared_ptr<std::atomic<uint64_t>> rows) {
  return {
      [=](progress_atom, const BatchAck& ack) { *rows += ack.rows; },
      [](tick_atom) {},
      [](finish_atom) { return CopySummary{}; },
  };
}

struct CopyRun {
  std::shared_ptr<std::atomic<uint64_t>> rows_reported = std::make_shared<std::atomic<uint64_t>>(0);
  std::vector<uint64_t> chunks_total;  // by table index
  std::set<std::pair<uint32_t, uint64_t>> chunks_done;
  int readers_done = 0;
  std::vector<std::string> failures;
};

// Spawns the copy graph for `plan` over `engine` and collects events until every reader is done
// or a failure arrives (or 20 s pass: the test then fails instead of hanging).
CopyRun run_copy(std::shared_ptr<const Plan> plan, const FakeEngine& engine) {
  caf::actor_system_config config;
  add_message_types(config);
  caf::actor_system system(config);
  caf::scoped_actor client(system);
  auto coordinator = system.spawn(fake_coordinator, caf::actor_cast<caf::actor>(client));
  CopyRun run;
  auto reporter = system.spawn(fake_reporter, run.rows_reported);
  auto budget = spawn_rate_limiter(system, 0);
  auto chunker = spawn_chunker(system, plan, std::make_shared<const TaskState>(), coordinator, &engine);
  std::vector<applier_actor> appliers;
  std::vector<reader_actor> readers;
  for (int i = 0; i < plan->options.parallel; ++i) appliers.push_back(spawn_applier(system, plan, coordinator, reporter, &engine));
  for (int i = 0; i < plan->options.parallel; ++i) {
    readers.push_back(spawn_reader(system, plan, chunker, appliers, coordinator, budget, &engine));
    client->send(readers.back(), start_atom::value);
  }
  run.chunks_total.assign(plan->tables.size(), 0);
  bool timed_out = false;
  while (run.readers_done < plan->options.parallel && run.failures.empty() && !timed_out) {
    client->receive(
        [&](chunk_done_atom, uint32_t table, uint64_t chunk) { run.chunks_done.insert({table, chunk}); },
        [&](chunks_total_atom, uint32_t table, uint64_t chunks) { run.chunks_total.at(table) = chunks; },
        [&](reader_done_atom) { ++run.readers_done; },
        [&](failed_atom, const std::string& why) { run.failures.push_back(why); },
        caf::after(std::chrono::seconds(20)) >> [&] { timed_out = true; });
  }
  CHECK_FALSE(timed_out);
  // A failure ends the run: give the graph a moment to report a second failure, if it would.
  if (!run.failures.empty()) {
    bool quiet = false;
    while (!quiet)
      client->receive([&](failed_atom, const std::string& why) { run.failures.push_back(why); },
                      [&](chunk_done_atom, uint32_t, uint64_t) {}, [&](chunks_total_atom, uint32_t, uint64_t) {},
                      [&](reader_done_atom) {}, caf::after(std::chrono::milliseconds(500)) >> [&] { quiet = true; });
  }
  // An applier reports progress right after the credit that lets its reader finish, so the last
  // reports may still be on their way: wait (at most 5 s) until they match the rows written.
  auto written = [&] {
    std::lock_guard<std::mutex> lock(engine.target->mutex);
    uint64_t rows = 0;
    for (const auto& [table, keys] : engine.target->rows) rows += keys.size();
    return rows;
  };
  for (int i = 0; i < 500 && *run.rows_reported < written(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto stop = [&](auto& handle) { caf::anon_send_exit(handle, caf::exit_reason::user_shutdown); };
  for (auto& r : readers) stop(r);
  for (auto& a : appliers) stop(a);
  stop(chunker);
  stop(budget);
  stop(reporter);
  stop(coordinator);
  return run;
}

std::multiset<uint64_t> keys_1_to(uint64_t n) {
  std::multiset<uint64_t> out;
  for (uint64_t k = 1; k <= n; ++k) out.insert(k);
  return out;
}

}  // namespace

TEST_CASE("the copy graph writes every row exactly once, with batches in flight bounded by credits") {
  FakeEngine engine;
  engine.tables["fake.a"].rows = 1000;
  engine.tables["fake.b"].rows = 2550;
  engine.tables["fake.c"].rows = 0;
  auto plan = fake_plan({"a", "b", "c"}, 3, 2);
  CopyRun run = run_copy(plan, engine);
  CHECK(run.failures.empty());
  CHECK(run.readers_done == 3);
  // As the MySQL planner: a bounded chunk per 100 keys, then the open end (empty after 1000 keys).
  CHECK(run.chunks_total == std::vector<uint64_t>{11, 26, 1});
  CHECK(run.chunks_done.size() == 38);
  CHECK(*run.rows_reported == 1000 + 2550);  // progress reports every written row once
  std::lock_guard<std::mutex> lock(engine.target->mutex);
  CHECK(engine.target->rows["fake_target.a"] == keys_1_to(1000));
  CHECK(engine.target->rows["fake_target.b"] == keys_1_to(2550));
  CHECK(engine.target->rows["fake_target.c"].empty());
  CHECK(engine.target->batches_read == engine.target->batches_written);
  CHECK(engine.target->max_in_flight >= 1);
  CHECK(engine.target->max_in_flight <= 3 * 2);  // readers x credits
}

TEST_CASE("a read that fails transiently is retried on a new session; every row still arrives") {
  FakeEngine engine;
  engine.tables["fake.a"].rows = 1000;
  engine.tables["fake.a"].transient_failures = {{3, 2}, {7, 1}};
  auto plan = fake_plan({"a"}, 2, 2);
  CopyRun run = run_copy(plan, engine);
  CHECK(run.failures.empty());
  CHECK(run.chunks_done.size() == 11);
  std::lock_guard<std::mutex> lock(engine.target->mutex);
  CHECK(engine.target->rows["fake_target.a"] == keys_1_to(1000));
}

TEST_CASE("a chunk that cannot be read fails the task once, naming the chunk") {
  FakeEngine engine;
  engine.tables["fake.a"].rows = 1000;
  engine.tables["fake.a"].permanent_failures = {4};
  auto plan = fake_plan({"a"}, 2, 2);
  CopyRun run = run_copy(plan, engine);
  REQUIRE(run.failures.size() == 1);
  CHECK(run.failures[0].find("chunk 4 of fake.a is corrupt") != std::string::npos);
  CHECK(run.chunks_done.count({0, 4}) == 0);
}
