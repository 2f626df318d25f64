// The runner's decisions before the actors start, as its listener hears them: refusals that touch
// no server, and a pre-flight that blocks a fresh run on its finding's code. Against the sandboxes.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/runner/task_runner.hpp"
#include "src/task/task_state.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

// Records every call, in order, as one line.
class RecordingListener : public runner::RunListener {
 public:
  std::vector<std::string> heard;
  std::vector<check::Finding> blocking;
  void recopy_refused(const std::vector<std::string>&) override { heard.push_back("recopy refused"); }
  void recopy_resumed(const std::string&) override { heard.push_back("recopy resumed"); }
  void recopy_done(const std::vector<std::string>&) override { heard.push_back("recopy done"); }
  void already_done(const std::string& directory) override { heard.push_back("already done " + directory); }
  void finding(const check::Finding& finding, bool blocks) override {
    if (blocks) blocking.push_back(finding);
  }
  void preflight_failed() override { heard.push_back("preflight failed"); }
  void resuming(const std::string&, Phase phase) override {
    heard.push_back("resuming " + std::string(phase_name(phase)));
  }
  void control_unavailable(const Status&) override { heard.push_back("no control endpoint"); }
  void tables_not_in_task(const std::string&, const std::vector<std::string>& tables) override {
    for (const auto& t : tables) heard.push_back("not in the task: " + t);
  }
};

std::string fresh_directory(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / (std::string(name) + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

void save_state(const std::string& dir, const TaskState& state) {
  auto directory = TaskDirectory::open(dir);
  REQUIRE(directory);
  REQUIRE(directory->save(state));
}

// A plan over one sandbox table, source and target the same name in two servers.
std::shared_ptr<const Plan> plan_for(Connection& source, const QualifiedName& table) {
  auto defs = MysqlCatalog(source).describe_tables({table});
  if (!defs) throw std::runtime_error(defs.status().message());
  Plan plan;
  plan.source = source_endpoint();
  plan.target = target_endpoint();
  plan.has_migrate = true;
  plan.phases.schema = plan.phases.full = true;
  plan.phases.incremental = false;
  TableJob job;
  job.source = job.target = table;
  for (const auto& c : (*defs)[0].columns) job.columns.push_back({c.name, c.name, std::nullopt, c.is_generated});
  job.key = choose_row_key((*defs)[0]);
  job.source_def = (*defs)[0];
  plan.tables.push_back(std::move(job));
  return std::make_shared<const Plan>(std::move(plan));
}

runner::RunRequest request_for(std::shared_ptr<const Plan> plan, const std::string& dir,
                               std::unique_ptr<Connection> source = nullptr) {
  runner::RunRequest request;
  request.plan = std::move(plan);
  request.source = std::move(source);
  request.script = "runner_test.omsql";
  request.task_dir = dir;
  return request;
}

std::shared_ptr<const Plan> placeholder_plan() {
  Plan plan;
  plan.has_migrate = true;
  TableJob job;
  job.source = job.target = {"runner_test", "t"};
  plan.tables.push_back(job);
  return std::make_shared<const Plan>(std::move(plan));
}

}  // namespace

TEST_CASE("run_task: a finished task and a done task stop before any connection") {
  const std::string dir = fresh_directory("omsql_runner_refusals");
  TaskState finished;
  finished.phase = Phase::kIncremental;
  finished.cut_over = "2026-12-01 10:00:00 UTC";
  save_state(dir, finished);
  RecordingListener listener;
  // No source connection: reaching pre-flight would crash the test.
  auto refused = runner::run_task(request_for(placeholder_plan(), dir), listener);
  REQUIRE_FALSE(refused);
  CHECK(refused.status().message().find("the task was finished (omsrun finish, 2026-12-01 10:00:00 UTC)") !=
        std::string::npos);
  CHECK(listener.heard.empty());

  TaskState done;
  done.phase = Phase::kDone;
  save_state(dir, done);
  auto code = runner::run_task(request_for(placeholder_plan(), dir), listener);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(listener.heard == std::vector<std::string>{"already done " + dir});
  std::filesystem::remove_all(dir);
}

TEST_CASE("run_task: a fresh run is blocked by an existing target table, by its code, and writes nothing") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS runner_test; CREATE DATABASE runner_test");
  must(*source, "CREATE TABLE runner_test.t (id INT PRIMARY KEY, v INT)");
  must(*target, "DROP DATABASE IF EXISTS runner_test; CREATE DATABASE runner_test");
  must(*target, "CREATE TABLE runner_test.t (id INT PRIMARY KEY, v INT)");
  auto plan = plan_for(*source, {"runner_test", "t"});
  const std::string dir = fresh_directory("omsql_runner_preflight");
  RecordingListener listener;
  auto code = runner::run_task(request_for(plan, dir, connect_source()), listener);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK(listener.heard == std::vector<std::string>{"preflight failed"});
  REQUIRE(listener.blocking.size() == 1);
  CHECK(listener.blocking[0].code == check::FindingCode::kTargetTableExists);
  // Nothing was recorded: the next run is a first run again.
  auto directory = TaskDirectory::open(dir);
  REQUIRE(directory);
  auto state = directory->load();
  REQUIRE(state);
  CHECK(state->phase == Phase::kNew);
  CHECK_FALSE(state->start_position);
  must(*source, "DROP DATABASE runner_test");
  must(*target, "DROP DATABASE runner_test");
  std::filesystem::remove_all(dir);
}
