#pragma once
// A task's status: what the coordinator answers on GET /status and writes to DIR/status.json (at
// most once a second during the link, and at every change that matters: pause, throttle, failure,
// the end), what `omsrun status` shows and `omsrun bench` reads. One type, so writer and readers
// cannot drift; the JSON keys are the ones status.json has always had, and an absent key stays
// absent (a reader tells "not written" from "false").
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "src/common/status.hpp"

namespace omsql {

// The incremental link (tasks with INCREMENTAL only). At the top level of the JSON.
struct LinkStatus {
  std::string source_position;              // read from the source and durable in the spool
  std::string applied_position;             // committed on the target
  std::optional<double> lag_seconds;        // a running task: the age of its oldest unapplied change now
  std::optional<double> last_lag_seconds;   // a task no process runs: the lag when it last wrote
  std::optional<double> events_per_second;  // a running task only
  uint64_t events_applied = 0;              // row changes applied by the process that wrote this
  bool caught_up = false;
  std::optional<uint32_t> apply_lanes;        // the replayer's lane count (the task's lane rows)
  std::optional<std::string> capture_paused;  // why binlog capture waits (a full spool disk)
  std::optional<uint64_t> spool_bytes;        // a running task: the spool's segment files on disk
  std::optional<std::string> table_copy;      // a running task: the in-link copy replay waits for
};

struct VerifyProgressStatus {
  uint64_t tables_done = 0;
  uint64_t tables = 0;
  uint64_t rows = 0;
  double rows_per_second = 0;
  double seconds = 0;
  std::string settling;
};

// The last verification that finished.
struct VerificationOutcome {
  uint64_t id = 0;
  std::string outcome;  // clean, different, unsettled, failed
  int exit_code = 1;
  std::optional<std::string> report;       // DIR/verify-report.json
  std::optional<std::string> report_text;  // DIR/verify-report.txt
  std::optional<std::string> error;        // why it could not run (outcome failed)
  std::optional<uint64_t> differences;     // rows found different (repairable or unsettled)
};

struct VerificationStatus {
  uint64_t id = 0;  // the number of the last verification started
  bool running = false;
  std::optional<VerifyProgressStatus> progress;
  std::optional<VerificationOutcome> last;
};

// This process's full copy, as its summary line says it ("copied N rows (X MB) in S s").
struct CopySummary {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  double seconds = 0;
};

// One table's copy as the running process counts it (JSON "copy_progress", a list in plan order).
struct TableCopyStatus {
  std::string source;             // schema.table
  std::string target;
  uint64_t rows = 0;              // copied by this process
  uint64_t bytes = 0;
  uint64_t estimated_rows = 0;    // the source's estimate when the plan was made (0: unknown)
  uint64_t chunks_done = 0;       // chunks committed by this process
  double seconds = 0;             // this table's own copy time: its first batch to its last (or now)
  bool done = false;              // the table's copy is complete (this run or an earlier one)
  // Copied by earlier runs of the task, in the committed chunks a resumed copy does not copy
  // again (state.json's rows_copied when this process started): rows_before_resume + rows is the
  // table's count so far. JSON "rows_before_resume", "bytes_before_resume".
  uint64_t rows_before_resume = 0;
  uint64_t bytes_before_resume = 0;
};

// The last retry of a server call in this process (src/common/retry_counters.hpp).
struct RetryNote {
  std::string what;
  std::string error;
  double seconds_ago = 0;
};

// DIR/last-error.json: the failure that ended a run, kept after the process is gone.
struct LastError {
  std::string message;
  int64_t at = 0;  // epoch seconds
  int64_t pid = 0;
  std::string phase;
};

// The DDL the link stopped at (DIR/ddl-stop.json) and the user's word about it
// (DIR/ddl-resolution.json): src/task/ddl_resolution.hpp. JSON key "ddl_stop"; present while the
// task waits for a DDL decision or has one that the next run carries out.
struct DdlStopStatus {
  std::string position;                   // SourcePosition::str()
  std::string statement;
  std::string reason;                     // the message the link stopped with
  std::vector<std::string> commands;      // the three `omsrun ddl` commands, each with what it means
  std::optional<std::string> resolution;  // "skip", "applied", "retry" once `omsrun ddl` said so
  std::optional<std::string> next_run;    // what the next run does with it (ddl_resolution_effect)
};

struct TaskStatus {
  std::optional<std::string> phase;   // phase_name()
  std::optional<int64_t> pid;         // the process that wrote it
  std::optional<int64_t> updated_at;  // epoch seconds
  std::optional<LinkStatus> link;
  std::optional<std::map<std::string, bool>> tables;  // copy done, by source table
  bool paused = false;
  bool verifying = false;
  std::optional<VerificationStatus> verification;
  std::optional<std::string> ended;         // how the process ended the task (done, stopped ..., failed)
  std::optional<int64_t> max_rows_per_sec;  // the limits in force (0 = unlimited)
  std::optional<int64_t> max_events_per_sec;
  std::optional<CopySummary> copy;  // set once this process's copy is over
  std::optional<std::vector<TableCopyStatus>> copy_progress;  // a running task's copy, per table
  std::optional<std::map<std::string, uint64_t>> retries;     // this process's retries by kind
  std::optional<RetryNote> last_retry;
  // The DDL the link stopped at, until replay has passed it (status.json, or the files').
  std::optional<DdlStopStatus> ddl_stop;
  // Tables whose full copy was cut off by a DDL of theirs (or failed on its own): "db.t" -> where
  // and why; the live link copies them again at that DDL (src/task/table_copies.hpp).
  std::optional<std::map<std::string, std::string>> copies_redone;
  // Added by `omsrun status` when it reads a task, never written by the task:
  std::optional<bool> running;
  std::optional<LastError> last_error;
};

nlohmann::json to_json(const TaskStatus& status);
// Reads what to_json writes; a missing or mistyped key is left unset (older files, hand edits).
TaskStatus task_status_from_json(const nlohmann::json& json);
// The JSON text of a status (parse_task_status's input): GET /status answers and status.json.
std::string task_status_text(const TaskStatus& status, int indent = -1);
// InvalidArgument when `text` is not a JSON object.
Result<TaskStatus> parse_task_status(const std::string& text);

LastError last_error_from_json(const nlohmann::json& json);
nlohmann::json to_json(const LastError& error);

// What a status written by a process that no longer runs the task still says: nothing about a live
// link is current (not caught up, no rate, not paused, no capture wait, no verification running;
// the lag becomes last_lag_seconds), and `ended` says the process ended without a clean stop when
// it had not said how it ended.
TaskStatus as_not_running(TaskStatus status);

}  // namespace omsql
