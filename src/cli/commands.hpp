#pragma once
// omsrun's commands. Each returns the process exit code: 0 success, 1 a failure at run time
// (server, data, task), 2 a script error (diagnostics printed with file:line:col).
#include <string>

namespace omsql::cli {

struct RunOptions {
  std::string script;
  std::string task_dir;       // empty = the script's WITH (task_dir) or .omsql/<script name>
  bool until_caught_up = false;  // --until caught-up
};

int run_task(const RunOptions& options);
int check_script(const std::string& script);
int show_plan(const std::string& script, bool dot);
// Prints the status a running (or stopped) task keeps in DIR/status.json and DIR/state.json.
int show_status(const std::string& task_dir, bool json);
// Asks the omsrun process that holds DIR's lock to stop cleanly (SIGTERM); waits up to 60 s.
int stop_task(const std::string& task_dir);

}  // namespace omsql::cli
