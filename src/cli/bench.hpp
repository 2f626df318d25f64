#pragma once
// `omsrun bench FILE --vary k=v1,v2 ...`: runs the script's full copy once per combination of the
// varied WITH options, each in a child `omsrun run` process (so peak memory and CPU are that run's
// own), and prints rows/s, MB/s, peak RSS and CPU as a table, plus CSV and JSON for plotting.
// Every run copies into scratch databases omsql_bench_<pid>_<target database> (`run
// --scratch-prefix`), refused if one exists already, dropped before each run and after the last:
// bench never drops or writes a table it did not create.
#include <string>
#include <vector>

#include "src/model/plan.hpp"

namespace omsql::cli {

struct BenchOptions {
  std::string script;
  std::vector<std::string> vary;   // "parallel=1,2,4"
  int runs = 1;                    // runs per combination; the median is reported
  std::string csv;                 // also write CSV here
  std::string json;                // also write JSON here
  std::string self;                // path of this omsrun executable
};

int bench(const BenchOptions& options);

}  // namespace omsql::cli
