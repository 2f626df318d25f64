#include "src/cli/bench.hpp"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "src/cli/script_loader.hpp"
#include "src/common/strings.hpp"
#include "src/runner/bench.hpp"
#include "src/log/log.hpp"

namespace omsql::cli {

namespace {

// Prints each combination's result as it comes (a table on stdout) and keeps it for CSV and JSON.
class PrintingBench : public runner::BenchListener {
 public:
  PrintingBench(const Plan& plan, const std::vector<runner::BenchVariation>& variations)
      : plan_(plan), variations_(variations) {
    for (const auto& v : variations_) csv_ << v.name << ",";
    csv_ << "seconds,rows,rows_per_second,mb_per_second,peak_rss_mb,cpu_seconds\n";
  }

  void started(const std::vector<std::string>& scratch) override {
    log::info("bench") << "bench: copies " << plan_.tables.size() << " table(s) into scratch database(s) " << join(scratch, ", ")
              << " on " << plan_.target.describe()
              << ", dropped after the last run; the script's target tables are not touched";
    std::cout << std::left;
    for (const auto& v : variations_) std::cout << std::setw(13) << v.name;
    std::cout << std::right << std::setw(9) << "seconds" << std::setw(11) << "rows" << std::setw(12) << "rows/s"
              << std::setw(9) << "MB/s" << std::setw(10) << "peak MB" << std::setw(9) << "CPU s"
              << "\n";
  }

  void result(const std::vector<std::string>& combination, const runner::BenchCopy& median) override {
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
      csv_ << kv.substr(kv.find('=') + 1) << ",";
    }
    row["seconds"] = median.seconds;
    row["rows"] = median.rows;
    row["rows_per_second"] = rate;
    row["mb_per_second"] = mb_rate;
    row["peak_rss_mb"] = median.peak_mb;
    row["cpu_seconds"] = median.cpu_seconds;
    row["exit_code"] = median.exit_code;
    results_.push_back(row);
    csv_ << median.seconds << "," << median.rows << "," << rate << "," << mb_rate << "," << median.peak_mb << ","
         << median.cpu_seconds << "\n";
  }

  std::string csv() const { return csv_.str(); }
  const nlohmann::json& results() const { return results_; }

 private:
  const Plan& plan_;
  const std::vector<runner::BenchVariation>& variations_;
  std::ostringstream csv_;
  nlohmann::json results_ = nlohmann::json::array();
};

}  // namespace

int bench(const BenchOptions& options) {
  std::vector<runner::BenchVariation> variations;
  std::set<std::string> varied;
  for (const auto& v : options.vary) {
    auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
      log::error("bench") << "--vary " << v << ": expected name=v1,v2,...";
      return 2;
    }
    runner::BenchVariation variation{v.substr(0, eq), {}};
    if (!varied.insert(to_lower(variation.name)).second) {
      log::error("bench") << "--vary " << v << ": option '" << variation.name << "' is varied twice";
      return 2;
    }
    std::stringstream values(v.substr(eq + 1));
    for (std::string value; std::getline(values, value, ',');) {
      // Each value is checked as the child's `--set` will check it, so no run starts doomed.
      Options probe;
      if (auto error = set_migrate_option(probe, variation.name, value)) {
        log::error("bench") << "--vary " << v << ": " << error->message;
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
  runner::BenchRequest request;
  request.plan = bound->plan;
  request.self = options.self;
  request.script = options.script;
  request.defaults_extra_file = compile_settings().defaults_extra_file;
  request.combinations = runner::bench_combinations(variations);
  request.runs = options.runs;
  PrintingBench printer(*bound->plan, variations);
  auto outcome = runner::run_bench(request, printer);
  if (!outcome) {
    log::error("bench") << outcome.status().message();
    return 1;
  }
  if (outcome->interrupted) {
    log::info("bench") << "bench: interrupted; scratch databases dropped";
    return 130;
  }
  if (!options.csv.empty()) std::ofstream(options.csv) << printer.csv();
  if (!options.json.empty()) std::ofstream(options.json) << printer.results().dump(2) << "\n";
  return outcome->failures ? 1 : 0;
}

}  // namespace omsql::cli
