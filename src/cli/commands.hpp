#pragma once
// omsrun's commands. Each returns the process exit code: 0 success, 1 a failure at run time
// (server, data, task), 2 a script error (diagnostics printed with file:line:col); verification
// adds 3 (differences) and 4 (rows not settled).
#include <cstdint>
#include <string>
#include <vector>

#include "src/task/task_status.hpp"
#include "src/task/throttle_request.hpp"

namespace omsql::cli {

struct RunOptions {
  std::string script;
  std::string task_dir;       // empty = the script's WITH (task_dir) or .omsql/<script name>
  bool until_caught_up = false;  // --until caught-up
  std::vector<std::string> overrides;  // --set key=value: WITH options
  std::string mode;              // --mode schema,full,incremental: overrides MODE
  std::string scratch_prefix;    // --scratch-prefix P: every target database D becomes P + D (omsrun bench)
  bool recopy = false;           // --recopy: copy the task's tables afresh from a new binlog position
  std::string report;            // --report FILE.json: the run report, written at the run's end
};

int run_task(const RunOptions& options);
int check_script(const std::string& script);
// Cut-over: creates the objects deferred while the task ran (triggers), sets sequences to the
// source's next value again, and creates any object still missing. Refused while the task runs.
int finish_objects(const std::string& script, const std::string& task_dir);
int show_plan(const std::string& script, bool dot);
// `omsrun plan FILE --sql`: every statement the run would send to the target, phase by phase.
int show_plan_sql(const std::string& script);
struct VerifyCommandOptions {
  std::string script;
  std::string task_dir;       // --task: ask the running task in this directory to verify
  std::string script_task_dir;  // --task-dir: the script's task directory, as `omsrun FILE --task-dir` names it
  std::string json_report;    // also write the JSON report here
  std::string repair_file;    // overrides VERIFY (repair = '...')
  bool apply = false;         // run the repair statements on the target (through the link's queue with --task)
  bool no_wait = false;       // --task: only start the verification
  int64_t settle_seconds = 0; // overrides VERIFY (settle_seconds = N); 0 = the script's
};
// Verifies the script's tables (those of its VERIFY statements, else all) and prints the report:
// exit 0 clean, 3 differences found, 4 rows that could not be settled (none proven different),
// 1 failure. When the script's task runs a live link, differing rows are settled against it;
// with no link running, or the link paused, rows are compared directly. Refused while the task
// copies.
int verify_script(const VerifyCommandOptions& options);
// `omsrun verify --task DIR`: asks the running task to verify, waits for its report (unless
// no_wait), prints it and exits as verify_script does.
int verify_task(const VerifyCommandOptions& options);

// Prints a task's status: a running task's from its control endpoint, a stopped or dead one's
// from what it left in DIR (status.json, state.json, last-error.json), marked not running and not
// caught up. Writes nothing into DIR.
int show_status(const std::string& task_dir, bool json);
// "1000 rows/s (copy), unlimited events/s (replay)": the limits a status shows.
std::string limits_text(const TaskStatus& status);
// Sends pause, resume or verify to the running task in DIR through its control endpoint.
int control_task(const std::string& task_dir, const std::string& command);
// Changes the limits of the running task in DIR (POST /throttle) and prints the limits now in force.
int throttle_task(const std::string& task_dir, const ThrottleRequest& request);
// Asks the omsrun process that holds DIR's lock to stop cleanly (SIGTERM); waits up to 60 s.
int stop_task(const std::string& task_dir);

// `omsrun ddl skip|applied|retry`: the word about the DDL the task stopped at (ddl_command.cpp).
struct DdlCommandOptions {
  std::string word;      // skip, applied, retry
  std::string task_dir;  // --task DIR
  std::string script;    // FILE: the task's script (its task directory when --task is not given)
  std::string at;        // --at POS: the stop's position, as omsrun status shows it
};
int resolve_ddl(const DdlCommandOptions& options);

// `omsrun console --task DIR`: the running task's web console address (with its token).
int show_console(const std::string& task_dir);

}  // namespace omsql::cli
