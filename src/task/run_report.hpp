#pragma once
// The run report (`omsrun FILE --report FILE.json`, issue 14 §5; docs/operations.md, "The run
// report"): what one run of a task did, for tools — per phase its start, end and seconds; per
// table its rows (those earlier runs copied included, and said apart), bytes, copy seconds and
// verification outcome; retries by kind; the totals; how the run ended. Built once the run is over,
// whatever the end (done, failed, stopped, interrupted), from the task's status at its end, the
// coordinator's phases and the end the runner saw. Pure: a status in, a report, its JSON and
// its summary table (pgloader's final table) out. It holds no password: nothing here carries one.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/task/phase.hpp"
#include "src/task/task_status.hpp"

namespace omsql {

// One phase of the run: schema, copy, indexes, verify, catch-up (the link before it first caught
// up), live. Epoch ms; no end while it runs.
struct PhaseSpan {
  std::string name;
  int64_t started_at_ms = 0;
  std::optional<int64_t> ended_at_ms;
};

// One table's outcome in the run's verification (clean, different, unsettled, failed).
struct TableVerification {
  std::string outcome;
  uint64_t differences = 0;
};

// What the coordinator knows of the run beyond its status: its phases, and the tables'
// verification outcomes (by source "db.t") when it verified.
struct RunFacts {
  std::vector<PhaseSpan> phases;
  std::map<std::string, TableVerification> verification;
};

// How the run ended.
struct RunEnd {
  std::string task_dir;
  std::string script;
  int exit_code = 1;
  std::optional<std::string> error;  // the error that ended the run before or outside the actors
  int64_t started_at_ms = 0;         // wall clock, epoch ms
  int64_t ended_at_ms = 0;
};

struct PhaseReport {
  std::string name;  // schema, copy, indexes, verify, catch-up, live
  int64_t started_at_ms = 0;
  int64_t ended_at_ms = 0;  // a phase still open when the run ended ends with it
  double seconds = 0;
};

struct TableRunReport {
  std::string source;
  std::string target;
  uint64_t rows = 0;                // so far: rows_before_resume + rows_this_run
  uint64_t rows_this_run = 0;
  uint64_t rows_before_resume = 0;  // committed by earlier runs, not copied again
  uint64_t bytes = 0;               // so far, as rows
  uint64_t bytes_this_run = 0;
  double seconds = 0;               // the table's own copy time in this run
  bool done = false;                // its copy is complete
  std::optional<std::string> verification;  // clean, different, unsettled, failed (where one ran)
  std::optional<uint64_t> differences;
};

struct RunReport {
  RunEnd end;
  // "done", "failed", "stopped on request", "interrupted by SIGTERM", "stopped: caught up
  // (--until caught-up)", ...: the task's own word, else "failed" for a non-zero exit.
  std::string outcome;
  double seconds = 0;  // the whole run
  std::vector<PhaseReport> phases;
  std::vector<TableRunReport> tables;
  TableRunReport total;  // source "total": the sums (seconds: the copy phase's)
  std::map<std::string, uint64_t> retries;  // this run's, by kind (process-wide: not per table)
  uint64_t retries_total = 0;
  std::optional<VerificationOutcome> verification;
  std::optional<LinkStatus> link;
  std::optional<std::string> last_error;
};

// The run report's name of a task phase: schema, copy (kFull), indexes, catch-up (kIncremental;
// "live" once caught up, which the coordinator says); nullopt for the others (new, done, recopy).
std::optional<std::string> run_phase_name(Phase phase);

// `status`: the task's status at the run's end (an empty one when the run ended before the actors
// started; so are `facts`).
RunReport build_run_report(const TaskStatus& status, const RunFacts& facts, const RunEnd& end);

// The report as JSON text (indented, ending in a newline). Times are epoch ms and ISO-8601 UTC.
std::string run_report_json(const RunReport& report);

// The final summary table: the phases, the tables and their total, the outcome; each line cut to
// `width` columns.
std::vector<std::string> run_summary_lines(const RunReport& report, size_t width);

// Writes the report to `path` (atomically, 0600) and prints its summary table (stdout, and the log
// file) at the terminal's width. An IOError names `path`.
Status write_run_report(const std::string& path, const RunReport& report);

}  // namespace omsql
