#pragma once
// Running a task (`omsrun FILE`), from a bound plan to the coordinator's exit code: the task
// directory's lock and state, what the state says to do (task_start.hpp), a re-copy, pre-flight
// (a run starts only when no finding blocks it, check::blocks_run), the source position taken
// before the first chunk, the stop signals, the actor system, the coordinator and its control
// endpoint. A resumed run migrates the task's own table set (src/task/table_set.hpp), whatever
// tables the source has now. The caller (the CLI) parses the command line and prints what the listener hears.
#include <memory>
#include <string>
#include <vector>

#include "src/check/preflight.hpp"
#include "src/common/status.hpp"
#include "src/model/plan.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/log/log.hpp"
#include "src/task/phase.hpp"

namespace omsql::runner {

struct RunRequest {
  // The plan to run, with every command-line override (--set, --mode, --scratch-prefix) applied
  // by the caller: the runner parses no option.
  std::shared_ptr<const Plan> plan;
  std::unique_ptr<Connection> source;  // the connection the plan was bound through; closed before the actors start
  std::string script;                  // the script's path, for messages and state.json
  std::string task_dir;                // the task directory (resolved by the caller)
  bool until_caught_up = false;        // --until caught-up
  bool recopy = false;                 // --recopy
  // The terminal's level (--quiet, --verbose, --log-level). The task's log file, DIR/omsrun.log,
  // opened once the lock is held, keeps info and above, and debug too when this is debug.
  log::Level log_level = log::Level::kInfo;
  // --report PATH: the run report is written there at the run's end (by the coordinator; by the
  // runner when the run ends before the actors answer), counting from `started_at_ms` (epoch ms).
  std::string report_path;
  int64_t started_at_ms = 0;
};

// What the runner tells while it prepares a run, in order, before the actors print their own.
class RunListener {
 public:
  virtual ~RunListener() = default;
  // --recopy refused for these reasons; nothing was changed.
  virtual void recopy_refused(const std::vector<std::string>& refusals) = 0;
  // A re-copy cut off half-way in `directory` is finished first.
  virtual void recopy_resumed(const std::string& directory) = 0;
  // The re-copy dropped `dropped` (target tables the task created), its checkpoints and spool.
  virtual void recopy_done(const std::vector<std::string>& dropped) = 0;
  // The task in `directory` is done: nothing runs.
  virtual void already_done(const std::string& directory) = 0;
  // Every pre-flight finding; `blocks`: it keeps the run from starting.
  virtual void finding(const check::Finding& finding, bool blocks) = 0;
  // Pre-flight found what blocks the run: nothing was written.
  virtual void preflight_failed() = 0;
  // The run resumes the task in `directory`, found in `phase`.
  virtual void resuming(const std::string& directory, Phase phase) = 0;
  // The control endpoint could not start (the run goes on; status comes from status.json).
  virtual void control_unavailable(const Status& why) = 0;
  // The control endpoint serves: `console_url` opens the web console (it holds the task's token).
  virtual void console_ready(const std::string& task_dir, const std::string& console_url) {
    (void)task_dir;
    (void)console_url;
  }
  // A resumed run: `tables` ("db.t") are taken by the task's MIGRATE rules but appeared on the
  // source after the task in `directory` started; they are not in its table set, so not migrated.
  virtual void tables_not_in_task(const std::string& directory, const std::vector<std::string>& tables) = 0;
  // A first run: `table` ("db.t") changed on the source between binding the script and taking
  // the start position `position`; the run migrates its definition at that position.
  virtual void start_definition_changed(const std::string& table, const std::string& position) {
    (void)table;
    (void)position;
  }
};

// Runs the task. Returns the exit code (the coordinator's: 0, 1, 3, 4, 128 + signal; 0 for a task
// already done; 1 after a refused re-copy or a blocked pre-flight, as told to the listener), or
// an error to print (exit 1): the lock, state.json, a connection, a refusal of decide_start.
Result<int> run_task(RunRequest request, RunListener& listener);

}  // namespace omsql::runner
