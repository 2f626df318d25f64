#pragma once
// omsrun's commands. Each returns the process exit code: 0 success, 1 a failure at run time
// (server, data, task), 2 a script error (diagnostics printed with file:line:col).
#include <string>
#include <vector>

namespace omsql::cli {

struct RunOptions {
  std::string script;
  std::string task_dir;       // empty = the script's WITH (task_dir) or .omsql/<script name>
  bool until_caught_up = false;  // --until caught-up
  std::vector<std::string> overrides;  // --set key=value: WITH options
  std::string mode;              // --mode schema,full,incremental: overrides MODE
  std::string scratch_prefix;    // --scratch-prefix P: every target database D becomes P + D (omsrun bench)
};

int run_task(const RunOptions& options);
int check_script(const std::string& script);
int show_plan(const std::string& script, bool dot);
struct VerifyCommandOptions {
  std::string script;
  std::string task_dir;       // --task: ask the running task to verify now instead
  std::string json_report;    // also write the JSON report here
  std::string repair_file;    // overrides VERIFY (repair = '...')
  bool apply = false;         // run the repair statements on the target
};
// Verifies the script's tables (those of its VERIFY statements, else all): exit 0 clean,
// 3 differences found (listed, with a repair script when asked), 1 failure.
int verify_script(const VerifyCommandOptions& options);

// Prints the status a running (or stopped) task keeps in DIR/status.json and DIR/state.json.
int show_status(const std::string& task_dir, bool json);
// Sends pause, resume or verify to the running task in DIR through its control endpoint.
int control_task(const std::string& task_dir, const std::string& command);
// Asks the omsrun process that holds DIR's lock to stop cleanly (SIGTERM); waits up to 60 s.
int stop_task(const std::string& task_dir);

}  // namespace omsql::cli
