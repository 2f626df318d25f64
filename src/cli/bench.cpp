#include "src/cli/bench.hpp"

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
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "dsl/compiler.hpp"
#include "src/cli/script_loader.hpp"
#include "src/common/strings.hpp"
#include "src/mysql/connection.hpp"
#include "src/runner/status.hpp"
#include "src/sql/quote.hpp"

namespace omsql::cli {

namespace {

struct Variation {
  std::string key;
  std::vector<std::string> values;
};

struct RunResult {
  double seconds = 0;
  uint64_t rows = 0;
  double megabytes = 0;
  double peak_mb = 0;
  double cpu_seconds = 0;
  int exit_code = 0;
};

// Runs `omsrun run ...` as a child, with its rusage; what it copied comes from the status the
// child's coordinator wrote at the end of its run (TaskStatus::copy), never from its printed summary.
RunResult run_child(const std::vector<std::string>& args, const std::string& task_dir) {
  RunResult result;
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
  result.cpu_seconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
                       usage.ru_stime.tv_usec / 1e6;
  if (auto written = runner::written_status(task_dir); written && written->copy) {
    result.rows = written->copy->rows;
    result.megabytes = written->copy->bytes / 1e6;
  }
  return result;
}

std::atomic<bool> g_bench_interrupted{false};
extern "C" void interrupt_bench(int) { g_bench_interrupted.store(true); }

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

int bench(const BenchOptions& options) {
  std::vector<Variation> variations;
  std::set<std::string> varied;
  for (const auto& v : options.vary) {
    auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
      std::cerr << "error: --vary " << v << ": expected name=v1,v2,...\n";
      return 2;
    }
    Variation variation{v.substr(0, eq), {}};
    if (!varied.insert(to_lower(variation.key)).second) {
      std::cerr << "error: --vary " << v << ": option '" << variation.key << "' is varied twice\n";
      return 2;
    }
    std::stringstream values(v.substr(eq + 1));
    for (std::string value; std::getline(values, value, ',');) {
      // Each value is checked as the child's `--set` will check it, so no run starts doomed.
      Options probe;
      if (auto error = set_migrate_option(probe, variation.key, value)) {
        std::cerr << "error: --vary " << v << ": " << error->message << "\n";
        return 2;
      }
      variation.values.push_back(value);
    }
    variations.push_back(std::move(variation));
  }

  int exit_code = 0;
  auto bound = load_script(options.script, &exit_code);
  if (!bound) return exit_code;
  bound->source.reset();  // every run is a child process with its own connections
  const Plan& plan = *bound->plan;
  // Every run copies into scratch databases of this process: the script's own target tables are
  // never touched, whatever they hold.
  const std::string prefix = "omsql_bench_" + std::to_string(::getpid()) + "_";
  auto scratch = claim_scratch_databases(plan, prefix);
  if (!scratch) {
    std::cerr << "error: " << scratch.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> names(scratch->begin(), scratch->end());
  std::cerr << "bench: copies " << plan.tables.size() << " table(s) into scratch database(s) " << join(names, ", ")
            << " on " << plan.target.describe() << ", dropped after the last run; the script's target tables are not "
            << "touched\n";
  struct sigaction action {};
  action.sa_handler = interrupt_bench;
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  // Every combination of the varied values (cartesian product), in the order given.
  std::vector<std::vector<std::string>> combinations{{}};
  for (const auto& variation : variations) {
    std::vector<std::vector<std::string>> next;
    for (const auto& combination : combinations)
      for (const auto& value : variation.values) {
        auto extended = combination;
        extended.push_back(variation.key + "=" + value);
        next.push_back(extended);
      }
    combinations = std::move(next);
  }

  char task_template[] = "/tmp/omsql-bench-task-XXXXXX";
  std::string task_dir = ::mkdtemp(task_template);
  nlohmann::json results = nlohmann::json::array();
  std::ostringstream csv;
  for (const auto& v : variations) csv << v.key << ",";
  csv << "seconds,rows,rows_per_second,mb_per_second,peak_rss_mb,cpu_seconds\n";

  std::cout << std::left;
  for (const auto& v : variations) std::cout << std::setw(13) << v.key;
  std::cout << std::right << std::setw(9) << "seconds" << std::setw(11) << "rows" << std::setw(12) << "rows/s"
            << std::setw(9) << "MB/s" << std::setw(10) << "peak MB" << std::setw(9) << "CPU s" << "\n";
  int failures = 0;
  for (const auto& combination : combinations) {
    if (g_bench_interrupted) break;
    std::vector<RunResult> runs;
    for (int r = 0; r < std::max(1, options.runs) && !g_bench_interrupted; ++r) {
      if (auto st = drop_scratch_databases(plan, *scratch); !st) {
        std::cerr << "error: " << st.message() << "\n";
        return 1;
      }
      std::filesystem::remove_all(task_dir);
      std::vector<std::string> args = {options.self, "run", options.script, "--task-dir", task_dir,
                                       "--mode", "schema,full", "--scratch-prefix", prefix};
      for (const auto& kv : combination) {
        args.push_back("--set");
        args.push_back(kv);
      }
      runs.push_back(run_child(args, task_dir));
    }
    if (g_bench_interrupted) break;  // an interrupted run measures nothing
    std::sort(runs.begin(), runs.end(), [](const RunResult& a, const RunResult& b) { return a.seconds < b.seconds; });
    const RunResult& median = runs[runs.size() / 2];
    if (median.exit_code != 0) ++failures;
    double rate = median.seconds > 0 ? median.rows / median.seconds : 0;
    double mb_rate = median.seconds > 0 ? median.megabytes / median.seconds : 0;
    std::cout << std::left;
    for (const auto& kv : combination) std::cout << std::setw(13) << kv.substr(kv.find('=') + 1);
    std::cout << std::right << std::fixed << std::setprecision(2) << std::setw(9) << median.seconds << std::setw(11)
              << median.rows << std::setprecision(0) << std::setw(12) << rate << std::setprecision(1) << std::setw(9)
              << mb_rate << std::setw(10) << median.peak_mb << std::setw(9) << median.cpu_seconds
              << (median.exit_code ? "  (failed: exit " + std::to_string(median.exit_code) + ")" : "") << "\n";
    nlohmann::json row;
    for (const auto& kv : combination) {
      row[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
      csv << kv.substr(kv.find('=') + 1) << ",";
    }
    row["seconds"] = median.seconds;
    row["rows"] = median.rows;
    row["rows_per_second"] = rate;
    row["mb_per_second"] = mb_rate;
    row["peak_rss_mb"] = median.peak_mb;
    row["cpu_seconds"] = median.cpu_seconds;
    row["exit_code"] = median.exit_code;
    results.push_back(row);
    csv << median.seconds << "," << median.rows << "," << rate << "," << mb_rate << "," << median.peak_mb << ","
        << median.cpu_seconds << "\n";
  }
  std::filesystem::remove_all(task_dir);
  if (auto st = drop_scratch_databases(plan, *scratch); !st) {
    std::cerr << "error: " << st.message() << " (drop " << join(names, ", ") << " by hand)\n";
    return 1;
  }
  if (g_bench_interrupted) {
    std::cerr << "bench: interrupted; scratch databases dropped\n";
    return 130;
  }
  if (!options.csv.empty()) std::ofstream(options.csv) << csv.str();
  if (!options.json.empty()) std::ofstream(options.json) << results.dump(2) << "\n";
  return failures ? 1 : 0;
}

}  // namespace omsql::cli
