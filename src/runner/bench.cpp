#include "src/runner/bench.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include "src/common/strings.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/runner/status.hpp"
#include "src/sql/quote.hpp"

namespace omsql::runner {

namespace {

std::atomic<bool> g_bench_interrupted{false};
extern "C" void interrupt_bench(int) { g_bench_interrupted.store(true); }

// Runs `omsrun run ...` as a child, with its rusage; what it copied comes from the status the
// child's coordinator wrote at the end of its run, never from its printed summary.
BenchCopy run_child(const std::vector<std::string>& args, const std::string& task_dir) {
  BenchCopy result;
  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    result.exit_code = -1;
    return result;
  }
  if (pid == 0) {
    // The child's own summary and table are not bench's output.
    int null_fd = ::open("/dev/null", O_WRONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDOUT_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::perror("exec omsrun");
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.peak_mb = usage.ru_maxrss / 1024.0;
  result.cpu_seconds =
      usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  if (auto written = written_status(task_dir); written && written->copy) {
    result.rows = written->copy->rows;
    result.megabytes = written->copy->bytes / 1e6;
  }
  return result;
}

std::string schema_list(Connection& target, const std::set<std::string>& schemas) {
  std::string list;
  for (const auto& schema : schemas) list += (list.empty() ? "'" : ", '") + target.escape(schema) + "'";
  return list;
}

// The scratch databases of this bench (one per target database of the plan), refused when one of
// them exists already: bench drops only what it created itself.
Result<std::set<std::string>> claim_scratch_databases(const Plan& plan, const std::string& prefix) {
  std::set<std::string> scratch;
  for (const auto& job : plan.tables) {
    std::string name = prefix + job.target.schema;
    if (name.size() > 64)
      return Status::invalid_argument("bench: scratch database name " + name + " is longer than 64 characters");
    scratch.insert(name);
  }
  if (scratch.empty()) return scratch;
  auto target = Connection::open(plan.target, "target");
  if (!target) return target.status();
  auto existing = (*target)->query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (" +
                                   schema_list(**target, scratch) + ")");
  if (!existing) return existing.status();
  if (!existing->rows.empty())
    return Status::invalid_argument("bench: " + (*target)->describe() + ": scratch database " +
                                    existing->rows[0][0].value_or("") +
                                    " already exists; bench only drops databases it created itself (drop it if an "
                                    "interrupted bench left it)");
  return scratch;
}

// Drops the scratch databases (created by the previous run's child), so every run starts empty.
Status drop_scratch_databases(const Plan& plan, const std::set<std::string>& scratch) {
  auto target = Connection::open(plan.target, "target");
  if (!target) return target.status();
  OMSQL_RETURN_IF_ERROR((*target)->execute("SET SESSION foreign_key_checks = 0"));
  for (const auto& name : scratch)
    OMSQL_RETURN_IF_ERROR((*target)->execute("DROP DATABASE IF EXISTS " + sql::quote_identifier(name)));
  return Status::ok();
}

}  // namespace

std::vector<std::vector<std::string>> bench_combinations(const std::vector<BenchVariation>& variations) {
  std::vector<std::vector<std::string>> combinations{{}};
  for (const auto& variation : variations) {
    std::vector<std::vector<std::string>> next;
    for (const auto& combination : combinations)
      for (const auto& value : variation.values) {
        auto extended = combination;
        extended.push_back(variation.name + "=" + value);
        next.push_back(extended);
      }
    combinations = std::move(next);
  }
  return combinations;
}

Result<BenchOutcome> run_bench(const BenchRequest& request, BenchListener& listener) {
  const Plan& plan = *request.plan;
  // Every run copies into scratch databases of this process: the script's own target tables are
  // never touched, whatever they hold.
  const std::string prefix = "omsql_bench_" + std::to_string(::getpid()) + "_";
  auto scratch = claim_scratch_databases(plan, prefix);
  if (!scratch) return scratch.status();
  std::vector<std::string> names(scratch->begin(), scratch->end());
  struct sigaction action {};
  action.sa_handler = interrupt_bench;
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  listener.started(names);

  char task_template[] = "/tmp/omsql-bench-task-XXXXXX";
  std::string task_dir = ::mkdtemp(task_template);
  BenchOutcome outcome;
  for (const auto& combination : request.combinations) {
    if (g_bench_interrupted) break;
    std::vector<BenchCopy> runs;
    for (int r = 0; r < std::max(1, request.runs) && !g_bench_interrupted; ++r) {
      OMSQL_RETURN_IF_ERROR(drop_scratch_databases(plan, *scratch));
      std::filesystem::remove_all(task_dir);
      std::vector<std::string> args = {request.self, "run",         request.script,     "--task-dir", task_dir,
                                       "--mode",     "schema,full", "--scratch-prefix", prefix};
      if (!request.defaults_extra_file.empty()) args.push_back("--defaults-extra-file=" + request.defaults_extra_file);
      for (const auto& setting : combination) {
        args.push_back("--set");
        args.push_back(setting);
      }
      runs.push_back(run_child(args, task_dir));
    }
    if (g_bench_interrupted) break;  // an interrupted run measures nothing
    std::sort(runs.begin(), runs.end(), [](const BenchCopy& a, const BenchCopy& b) { return a.seconds < b.seconds; });
    const BenchCopy& median = runs[runs.size() / 2];
    if (median.exit_code != 0) ++outcome.failures;
    listener.result(combination, median);
  }
  std::filesystem::remove_all(task_dir);
  if (auto st = drop_scratch_databases(plan, *scratch); !st)
    return Status::io_error(st.message() + " (drop " + join(names, ", ") + " by hand)");
  outcome.interrupted = g_bench_interrupted;
  return outcome;
}

}  // namespace omsql::runner
