#pragma once
// The coordinator's state and the steps its files share (actors/coordinator.cpp: phases and
// messages; actors/coordinator_status.cpp: status, control requests, verification;
// actors/coordinator_copy.cpp: the full copy). Internal to
// the coordinator: nothing else includes it.
#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <optional>

#include "actors/coordinator.hpp"
#include "actors/protocol.hpp"
#include "actors/supervision.hpp"
#include "actors/verify_actors.hpp"
#include "src/copy/chunk_tracker.hpp"
#include "src/task/ddl_resolution.hpp"
#include "src/task/run_report.hpp"
#include "src/task/task_state.hpp"
#include "src/task/task_status.hpp"
#include "src/verify/request.hpp"

namespace omsql::actors::coordination {

struct CoordinatorState {
  std::shared_ptr<const Plan> plan;
  const TaskDirectory* directory = nullptr;
  TaskState task;
  caf::typed_response_promise<int> done;
  // Every child is watched: one that ends abnormally fails the task, naming it.
  Supervisor children;
  schema_actor schema;
  chunker_actor chunker;
  rate_limiter_actor budget;       // the copy's shared row budget
  reporter_actor reporter;
  std::vector<reader_actor> readers;
  std::vector<applier_actor> appliers;
  copy::ChunkTracker chunks;      // which chunks of each table are committed (the full copy)
  tailer_actor tailer;
  replayer_actor replayer;
  verification_actor verification;  // the one running, if any
  RunControl control;
  // The limits in force: the script's WITH options until `omsrun throttle` changes them (for this
  // process only; a new run starts from the script again).
  int64_t max_rows_per_sec = 0;
  int64_t max_events_per_sec = 0;
  SyncStatus sync;
  std::chrono::steady_clock::time_point last_status_write;
  size_t readers_running = 0;
  std::vector<schema_actor> index_builders;  // add a table's indexes while other tables still copy
  size_t index_builds_running = 0;
  size_t next_index_builder = 0;
  bool copied_this_run = false;    // some table still needed copying when this process started
  int objects_failed = 0;           // views, routines, ... the objects step could not create
  bool verified = false;           // the automatic verification (after the copy / catch-up) started
  bool verifying = false;          // a verification is running
  bool auto_verify_pending = false;  // the link caught up while a requested verification ran
  std::function<void(int)> after_auto_verify;
  uint64_t verify_id = 0;          // the number of the last verification started
  std::optional<VerifyProgress> verify_progress;
  std::optional<VerificationOutcome> last_verification;  // the last one finished
  std::optional<CopySummary> copy_summary;               // this process's copy, once the reporter has summed it up
  CopyCounts copy_counts;                                // the reporter's per-table counts (by plan index)
  // By plan index: the rows and bytes earlier runs copied (state.json's counts when this run's
  // copy began); state.json then counts them plus this run's committed prefix.
  std::vector<uint64_t> rows_before_resume;
  std::vector<uint64_t> bytes_before_resume;
  // The terminal's progress (src/log/progress_view.hpp): when this run's copy began, when the
  // area was last drawn and the last plain line written.
  std::chrono::steady_clock::time_point copy_started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point progress_drawn;
  std::chrono::steady_clock::time_point progress_written = std::chrono::steady_clock::now();
  // This process's phases so far, for the status and the run report (src/task/run_report.hpp).
  std::vector<PhaseSpan> phases;
  std::map<std::string, TableVerification> table_verification;  // the last verification's, by source table
  std::string ended;               // how this process ended itself: done, stopped, failed, caught up
  bool paused = false;
  bool failed = false;
  std::string failure;             // the message the task failed with (for the run report)
  std::string capture_waiting;     // why binlog capture waits (the spool's disk is full); empty: it runs
  // The DDL the link stopped at (this run's, or an earlier run's until replay passes it) and the
  // user's word about it (actors/coordinator_ddl.cpp).
  std::optional<DdlStop> ddl_stop;
  std::optional<DdlResolution> ddl_resolution;
  bool ddl_stopped = false;        // this run stops at ddl_stop
  // DDL during the full copy (src/task/table_copies.hpp), by Plan index: the last position capture
  // reported a column-changing ALTER or a DROP of the table at; the tables whose copy failed on
  // its own, waiting (until the steady-clock deadline) for capture to show such a DDL; how many
  // finished tables wait for the source position their rows were read by; which tables may be
  // cancelled (keyed, outside FK snapshot groups: a snapshot copy is one moment already).
  std::map<uint32_t, SourcePosition> ddl_seen;
  std::map<uint32_t, std::pair<std::string, std::chrono::steady_clock::time_point>> table_failures;
  std::set<uint32_t> positions_asked;
  std::vector<bool> cancellable;
  static inline const char* name = "coordinator";
};

using Self = coordinator_actor::stateful_pointer<CoordinatorState>;

// The link counts as caught up while its oldest unapplied change is younger than this (a write
// load always has a few changes in flight) — or when nothing is unapplied at all.
constexpr double kCaughtUpLagSeconds = 1.0;

// What `omsrun verify --task` asks for beyond the script's VERIFY options (POST /verify body;
// repair_file an absolute path).
using VerifyAsk = verify::VerifyOverrides;

// Stops every child (on purpose: no failure), answers run_atom with `exit_code` and quits.
void finish(Self self, int exit_code);
// Fails the task once: the message on stderr and in last-error.json, then finish(1).
void fail_task(Self self, const std::string& message);
// status.json, at most once a second unless `force`.
void write_status(Self self, bool force);
// What GET /status answers and status.json holds.
TaskStatus task_status(Self self);
// The run's phase `name` begins now (the open one, if any, ends); begin_phase(self, "") only ends it.
void begin_phase(Self self, const std::string& name);
// The terminal's progress, at most once a second (the coordinator's tick calls it): the copy's
// table or the live link's line on a terminal, a plain line now and then in the log (and on
// stderr when it is no terminal).
void show_progress(Self self);
// Asks the reporter for this run's copy summary, prints the final table and calls `next` with it
// (nullopt when the reporter could not answer).
void summarize_copy(Self self, std::function<void(std::optional<CopySummary>)> next);
std::string task_id_of(const TaskDirectory& directory);
// Verifies the target and then calls `next` with the exit code the outcome deserves.
void start_verification(Self self, bool automatic, VerifyAsk ask, std::function<void(int)> next);
// The JSON answer to a control request (status, pause, resume, stop, verify).
std::string answer_control(Self self, const ControlRequest& request);

// actors/coordinator.cpp. state.json now.
Status save(Self self);
// Moves the task to phase `next` (saved by the caller); false when the phase table refuses it
// (the task has failed then).
bool enter_phase(Self self, Phase next);
// Starts the binlog tailer and the idle replayer (INCREMENTAL only, once).
void start_capture(Self self);
// The INDEXES phase, after the full copy.
void start_indexes(Self self);

// actors/coordinator_copy.cpp. The FULL phase: spawns the copy graph (after start_capture).
void start_full_copy(Self self);
// Records the table's copy as done once every chunk is committed (with a live link: once the
// chunker said the position its rows were read by).
void mark_table_done_if_complete(Self self, uint32_t table_index);
// A DDL at `at` cut the table's copy off (`why`): it stops, and replay copies it again there.
void cancel_table_copy(Self self, uint32_t table_index, const SourcePosition& at, const std::string& why);
// Moves on to the indexes once no reader, index build or table answer is outstanding.
void maybe_finish_copy(Self self);

// actors/coordinator_ddl.cpp. The stop record and resolution an earlier run left (at run start);
// a resolution that is not about the recorded stop is refused.
Status load_ddl_records(Self self);
// The replayer stopped at a DDL, everything before it applied: keep the record, say how to go on,
// end the run (exit 1).
void stop_at_ddl(Self self, const DdlStopReport& report);
// After each sync status: replay past the recorded statement removes the record and resolution.
void forget_passed_ddl(Self self);
std::optional<DdlStopStatus> ddl_stop_status(Self self);

}  // namespace omsql::actors::coordination
