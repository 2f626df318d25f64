#pragma once
// `omsrun bench`: the script's full copy once per combination of varied WITH options, each in a
// child `omsrun run` (so peak memory and CPU are that run's own), into scratch databases
// omsql_bench_<pid>_<target database> (`run --scratch-prefix`). They are refused if one exists
// already, dropped before each run and after the last: bench never drops or writes a table it did
// not create. What a run copied comes from the status its coordinator wrote (TaskStatus::copy).
#include <memory>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/model/plan.hpp"

namespace omsql::runner {

// One varied option and its values, in the order given (already checked against the option table).
struct BenchVariation {
  std::string name;
  std::vector<std::string> values;
};
// Every combination of the values (cartesian product, the first variation slowest), each as the
// "name=value" settings of one run's --set.
std::vector<std::vector<std::string>> bench_combinations(const std::vector<BenchVariation>& variations);

// One combination's result: the median run by wall time.
struct BenchCopy {
  double seconds = 0;
  uint64_t rows = 0;       // copied, from the child's status
  double megabytes = 0;    // copied bytes / 1e6
  double peak_mb = 0;      // the child's peak RSS
  double cpu_seconds = 0;  // the child's user + system CPU
  int exit_code = 0;
};

struct BenchRequest {
  std::shared_ptr<const Plan> plan;  // bound; its source connection is not needed
  std::string self;                  // this omsrun executable
  std::string script;
  std::string defaults_extra_file;   // omsrun --defaults-extra-file, passed on to every child run
  std::vector<std::vector<std::string>> combinations;
  int runs = 1;  // runs per combination; the median is reported
};

class BenchListener {
 public:
  virtual ~BenchListener() = default;
  // The scratch databases are claimed; the runs begin.
  virtual void started(const std::vector<std::string>& scratch) = 0;
  virtual void result(const std::vector<std::string>& combination, const BenchCopy& median) = 0;
};

struct BenchOutcome {
  int failures = 0;          // combinations whose median run failed
  bool interrupted = false;  // SIGINT/SIGTERM: the runs stopped, the scratch databases were dropped
};

// Runs the bench; an error when the scratch databases cannot be claimed or dropped.
Result<BenchOutcome> run_bench(const BenchRequest& request, BenchListener& listener);

}  // namespace omsql::runner
