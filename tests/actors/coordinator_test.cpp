// The real coordinator over a fake engine (tests/actors/fake_engine.hpp), a full copy only (no
// schema step, no link, no verification), in a temporary task directory: its phases end in done
// with every table's copy recorded; a reader that dies of an exception fails the task once, with
// the reader named, and the run answers 1. No server; the actors run on their own threads.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "actors/coordinator.hpp"
#include "tests/actors/fake_engine.hpp"

using namespace omsql;
using namespace omsql::actors;
using omsql::testing::FakeEngine;
using omsql::testing::fake_job;

namespace {

std::shared_ptr<const Plan> copy_only_plan(const std::vector<std::string>& tables) {
  auto plan = std::make_shared<Plan>();
  for (const auto& t : tables) plan->tables.push_back(fake_job(t));
  plan->phases.schema = false;
  plan->phases.incremental = false;
  plan->verify.enabled = false;
  plan->options.parallel = 2;
  plan->options.credits = 2;
  plan->options.chunk_rows = 100;
  plan->options.batch_rows = 30;
  plan->options.retry.patience = std::chrono::seconds(5);
  plan->options.retry.max_delay = std::chrono::milliseconds(200);
  return plan;
}

// A fresh task directory under the system's temporary folder, removed at the end.
struct TempTask {
  std::string root;
  TempTask() {
    std::string pattern = (std::filesystem::temp_directory_path() / "omsql-coordinator-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    root = pattern;
  }
  ~TempTask() { std::filesystem::remove_all(root); }
  std::string task() const { return root + "/task"; }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the coordinator to its answer (or 30 s: the test then fails instead of hanging).
int run_task(std::shared_ptr<const Plan> plan, const FakeEngine& engine, const TaskDirectory& directory) {
  caf::actor_system_config config;
  add_message_types(config);
  caf::actor_system system(config);
  RunControl control;
  control.engines = {&engine, &engine};
  auto loaded = directory.load();
  REQUIRE(loaded);
  auto coordinator = spawn_coordinator(system, plan, &directory, std::move(loaded).value(), control);
  caf::scoped_actor self(system);
  int code = -1;
  self->request(coordinator, std::chrono::seconds(30), run_atom::value)
      .receive([&](int answer) { code = answer; }, [&](caf::error& e) { FAIL("coordinator: " << caf::to_string(e)); });
  return code;
}

}  // namespace

TEST_CASE("a copy-only task runs its phases to done and records every table as copied") {
  TempTask temp;
  FakeEngine engine;
  engine.tables["fake.a"].rows = 450;
  engine.tables["fake.b"].rows = 0;
  auto plan = copy_only_plan({"a", "b"});
  auto directory = TaskDirectory::open(temp.task());
  REQUIRE(directory);
  CHECK(run_task(plan, engine, *directory) == 0);
  auto state = directory->load();
  REQUIRE(state);
  CHECK(state->phase == Phase::kDone);
  CHECK(state->tables["fake.a"].copy_done);
  CHECK(state->tables["fake.b"].copy_done);  // an empty table: zero chunks, complete
  std::lock_guard<std::mutex> lock(engine.target->mutex);
  CHECK(engine.target->rows["fake_target.a"].size() == 450);
}

TEST_CASE("a reader that dies of an exception fails the task once, naming the reader") {
  TempTask temp;
  FakeEngine engine;
  engine.tables["fake.a"].rows = 1000;
  engine.tables["fake.a"].throwing_chunks = {3};
  auto plan = copy_only_plan({"a"});
  auto directory = TaskDirectory::open(temp.task());
  REQUIRE(directory);
  CHECK(run_task(plan, engine, *directory) == 1);
  const std::string last_error = read_file(temp.task() + "/last-error.json");
  CHECK(last_error.find("ended abnormally: exception: fake source: chunk 3 of fake.a throws") != std::string::npos);
  CHECK(last_error.find("reader #") != std::string::npos);
  auto state = directory->load();
  REQUIRE(state);
  CHECK(state->phase == Phase::kFull);  // resumable: the copy did not finish
  CHECK_FALSE(state->tables["fake.a"].copy_done);
}
