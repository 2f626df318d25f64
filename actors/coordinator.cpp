#include "actors/coordinator.hpp"

#include <unistd.h>

#include <csignal>
#include <ctime>
#include <functional>
#include <optional>
#include <filesystem>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "actors/clock.hpp"
#include "actors/control_server.hpp"
#include "actors/copy_actors.hpp"
#include "actors/incremental_actors.hpp"
#include "actors/messages.hpp"
#include "actors/rate_limiter.hpp"
#include "actors/reporter.hpp"
#include "actors/schema_actor.hpp"
#include "actors/supervision.hpp"
#include "actors/verify_actors.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/copy/chunk_tracker.hpp"
#include "src/task/recopy.hpp"
#include "src/task/task_status.hpp"

namespace omsql::actors {

namespace {

struct CoordinatorState {
  std::shared_ptr<const Plan> plan;
  const TaskDirectory* directory = nullptr;
  TaskState task;
  caf::response_promise done;
  // Every child is watched: one that ends abnormally fails the task, naming it.
  Supervisor children;
  schema_actor schema;
  chunker_actor chunker;
  rate_limiter_actor budget;       // the copy's shared row budget
  reporter_actor reporter;
  std::vector<reader_actor> readers;
  std::vector<applier_actor> appliers;
  copy::ChunkTracker chunks;      // which chunks of each table are committed (the full copy)
  caf::actor tailer;
  caf::actor replayer;
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
  std::string ended;               // how this process ended itself: done, stopped, failed, caught up
  bool paused = false;
  bool failed = false;
  std::string capture_waiting;     // why binlog capture waits (the spool's disk is full); empty: it runs
  static inline const char* name = "coordinator";
};

using Self = caf::stateful_actor<CoordinatorState>;

// The link counts as caught up while its oldest unapplied change is younger than this (a write
// load always has a few changes in flight) — or when nothing is unapplied at all.
constexpr double kCaughtUpLagSeconds = 1.0;

// What `omsrun verify --task` asks for beyond the script's VERIFY options (POST /verify body;
// repair_file an absolute path).
using VerifyAsk = verify::VerifyOverrides;

void stop_graph(Self* self) {
  auto& s = self->state;
  auto stop = [&](auto& child) { s.children.stop(self, child); };
  for (auto& r : s.readers) stop(r);
  for (auto& b : s.index_builders) stop(b);
  for (auto& a : s.appliers) stop(a);
  stop(s.chunker);
  stop(s.budget);
  stop(s.tailer);
  stop(s.replayer);
  stop(s.schema);
  stop(s.reporter);
}

void finish(Self* self, int exit_code) {
  auto& s = self->state;
  // The rows are migrated, but an object missing on the target is not a clean end.
  if (exit_code == 0 && s.objects_failed > 0) {
    std::cerr << "error: " << s.objects_failed << " object(s) could not be created on the target (the 'objects: error' "
              << "lines above); fix the cause, then `omsrun finish` creates what is missing (for a live link: at "
              << "cut-over; a resumed run also tries again)\n";
    exit_code = 1;
  }
  stop_graph(self);
  s.done.deliver(exit_code);
  self->quit();
}

void write_status(Self* self, bool force);

void fail_task(Self* self, const std::string& message) {
  auto& s = self->state;
  if (s.failed) return;  // the first failure is the cause; later ones are its echoes
  s.failed = true;
  std::cerr << "error: " << message << "\n";
  // Kept in the task directory (last-error.json) for `omsrun status` once this process is gone.
  s.ended = "failed";
  nlohmann::json last{{"message", message},
                      {"at", static_cast<int64_t>(std::time(nullptr))},
                      {"pid", static_cast<int64_t>(::getpid())},
                      {"phase", std::string(phase_name(s.task.phase))}};
  (void)write_file_atomically(s.directory->path() + "/last-error.json", last.dump(2) + "\n");
  write_status(self, true);
  std::cerr << "the task can be resumed: run the same command again (state in " << s.directory->path() << ")\n";
  finish(self, 1);
}

Status save(Self* self) { return self->state.directory->save(self->state.task); }

// Moves the task to `next` (saved by the caller). A move the phase table refuses is this actor's
// bug: the task fails with it rather than record a phase a resumed run would misread.
bool enter_phase(Self* self, Phase next) {
  auto& s = self->state;
  if (auto st = check_transition(s.task.phase, next); !st) {
    fail_task(self, st.message());
    return false;
  }
  s.task.phase = next;
  return true;
}

// The binlog the task needs is gone (purged on the source): the link cannot go on, and running
// again would fail the same way. The way out is a fresh copy from a new position: say so, and
// remember it, so a plain rerun says it at once.
void fail_needs_recopy(Self* self, const std::string& message) {
  auto& s = self->state;
  if (s.failed) return;
  s.failed = true;
  s.task.needs_recopy = message;
  Status saved = save(self);
  std::cerr << "error: " << message << "\n";
  std::cerr << recopy_advice(s.plan->script_path.empty() ? s.task.script_path : s.plan->script_path) << "\n";
  if (!saved) std::cerr << "error: " << saved.message() << "\n";
  finish(self, 1);
}

void maybe_finish_copy(Self* self);

void mark_table_done_if_complete(Self* self, uint32_t table_index) {
  auto& s = self->state;
  if (!s.chunks.complete(table_index)) return;
  auto& progress = s.task.tables[s.plan->tables[table_index].source.str()];
  if (progress.copy_done) return;
  progress.copy_done = true;
  if (!s.plan->phases.schema || s.index_builders.empty()) return;
  // Its secondary indexes now, overlapping the copy of the other tables; the INDEXES phase
  // after the copy only adds what is still missing, and the foreign keys.
  ++s.index_builds_running;
  auto& builder = s.index_builders[s.next_index_builder++ % s.index_builders.size()];
  self->request(builder, caf::infinite, indexes_atom::value, table_ref(*s.plan, table_index))
      .then(
          [=](const std::string& error) {
            if (!error.empty()) return fail_task(self, error);
            --self->state.index_builds_running;
            maybe_finish_copy(self);
          },
          [=](caf::error& e) { fail_task(self, "index builder: " + caf::to_string(e)); });
}

void start_indexes(Self* self);
void complete(Self* self, int exit_code);

std::string task_id_of(const TaskDirectory& directory) { return task_id_for_directory(directory.path()); }

TaskStatus task_status(Self* self) {
  auto& s = self->state;
  TaskStatus status;
  status.phase = std::string(phase_name(s.task.phase));
  status.pid = static_cast<int64_t>(::getpid());
  status.updated_at = static_cast<int64_t>(std::time(nullptr));
  if (s.plan->phases.incremental) {
    // Recomputed at every answer: the lag from the age of the oldest unapplied change now (it
    // grows while the target is frozen), caught up only while that age is small.
    const double lag =
        s.sync.oldest_unapplied_ms ? std::max<int64_t>(0, steady_now_ms() - s.sync.oldest_unapplied_ms) / 1000.0 : 0;
    const bool all_applied = !(s.sync.applied < s.sync.stored);
    // While capture waits, everything stored may be applied and the source still be ahead.
    LinkStatus link;
    link.caught_up = s.sync.reached_catch_up_target && !s.failed && s.capture_waiting.empty() &&
                     (all_applied || (!s.paused && lag < kCaughtUpLagSeconds));
    link.source_position = s.sync.stored.str();
    link.applied_position = s.sync.applied.str();
    link.lag_seconds = lag;
    link.events_per_second = s.sync.events_per_second;
    link.events_applied = s.sync.events_applied;
    link.apply_lanes = s.sync.lanes;  // the replayer's: a resumed task keeps its lane rows' count
    if (!s.capture_waiting.empty()) link.capture_paused = s.capture_waiting;
    status.link = std::move(link);
  }
  std::map<std::string, bool> tables;
  for (const auto& [name, progress] : s.task.tables) tables[name] = progress.copy_done;
  status.tables = std::move(tables);
  status.paused = s.paused;
  status.verifying = s.verifying;
  VerificationStatus verification;
  verification.id = s.verify_id;
  verification.running = s.verifying;
  if (s.verifying && s.verify_progress) {
    const VerifyProgress& p = *s.verify_progress;
    verification.progress =
        VerifyProgressStatus{p.tables_done, p.tables_total, p.rows, p.rows_per_second, p.seconds, p.settling};
  }
  verification.last = s.last_verification;
  status.verification = std::move(verification);
  if (!s.ended.empty()) status.ended = s.ended;
  status.max_rows_per_sec = s.max_rows_per_sec;
  status.max_events_per_sec = s.max_events_per_sec;
  status.copy = s.copy_summary;
  return status;
}

void write_status(Self* self, bool force) {
  auto& s = self->state;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - s.last_status_write < std::chrono::seconds(1)) return;
  s.last_status_write = now;
  (void)write_file_atomically(s.directory->path() + "/status.json", task_status_text(task_status(self), 2) + "\n");
}

void maybe_finish_copy(Self* self) {
  auto& s = self->state;
  if (s.readers_running > 0 || s.index_builds_running > 0 || s.failed) return;
  for (size_t i = 0; i < s.plan->tables.size(); ++i) {
    if (!s.task.tables[s.plan->tables[i].source.str()].copy_done) {
      fail_task(self, "internal error: full copy ended but " + s.plan->tables[i].source.str() + " is not complete");
      return;
    }
  }
  if (!enter_phase(self, Phase::kIndexes)) return;
  if (auto st = save(self); !st) return fail_task(self, st.message());
  // The graph's readers have quit; stop the appliers and the chunker, keep the reporter for the summary.
  for (auto& a : s.appliers) s.children.stop(self, a);
  s.appliers.clear();
  s.children.stop(self, s.chunker);
  s.children.stop(self, s.budget);
  for (auto& b : s.index_builders) s.children.stop(self, b);
  s.index_builders.clear();
  start_indexes(self);
}

// Starts the binlog tailer (and the replayer, idle until the copy is done) at the position
// recorded before the first chunk: changes made during the copy are spooled, not lost.
void start_capture(Self* self) {
  auto& s = self->state;
  if (!s.plan->phases.incremental || s.tailer) return;
  BinlogPosition start;
  start.file = s.task.start_binlog_file.value_or("");
  start.offset = s.task.start_binlog_offset.value_or(0);
  start.gtid = s.task.start_gtid.value_or("");
  std::string spool_dir = s.directory->path() + "/spool";
  s.tailer = spawn_binlog_tailer(self->system(), s.plan, spool_dir, start, self);
  s.children.watch(self, s.tailer, "binlog tailer");
  s.replayer = spawn_replayer(self->system(), s.plan, spool_dir, task_id_of(*s.directory), s.tailer, self);
  s.children.watch(self, s.replayer, "replayer");
  if (s.paused) self->send(s.replayer, pause_atom::value);
  self->send(s.replayer, throttle_atom::value, s.max_events_per_sec);
  self->send(s.tailer, start_atom::value, s.replayer);
}

void start_full_copy(Self* self) {
  auto& s = self->state;
  start_capture(self);
  if (!s.plan->phases.full) {
    start_indexes(self);
    return;
  }
  if (!enter_phase(self, Phase::kFull)) return;
  // The tables of an FK snapshot group come from one snapshot: a group copied in part (killed
  // between its tables) is copied again in full, from a new one.
  for (const auto& group : apply::FkGraph::build(*s.plan).snapshot_groups()) {
    bool all_done = true;
    for (size_t index : group) all_done = all_done && s.task.tables[s.plan->tables[index].source.str()].copy_done;
    if (all_done) continue;
    for (size_t index : group) {
      auto& progress = s.task.tables[s.plan->tables[index].source.str()];
      bool created = progress.schema_created;
      progress = TableProgress{};
      progress.schema_created = created;
    }
  }
  if (auto st = save(self); !st) return fail_task(self, st.message());
  for (const auto& job : s.plan->tables)
    if (!s.task.tables[job.source.str()].copy_done) s.copied_this_run = true;
  auto& system = self->system();
  auto snapshot = std::make_shared<const TaskState>(s.task);
  // The chunker restarts each table's chunk ids at 0 after its saved prefix.
  s.chunks = copy::ChunkTracker(s.plan->tables.size());
  for (size_t i = 0; i < s.plan->tables.size(); ++i)
    s.chunks.resume_after(i, s.task.tables[s.plan->tables[i].source.str()].copied_through);
  auto events = caf::actor_cast<copy_events_actor>(self);
  s.chunker = spawn_chunker(system, s.plan, snapshot, events);
  s.children.watch(self, s.chunker, "chunker");
  s.budget = spawn_rate_limiter(system, s.max_rows_per_sec);
  s.children.watch(self, s.budget, "copy rate limiter");
  if (s.plan->phases.schema && !s.task.indexes_done) {
    int builders = std::max(1, std::min(2, s.plan->options.parallel));
    for (int i = 0; i < builders; ++i) {
      s.index_builders.push_back(spawn_schema_migrator(system, s.plan));
      s.children.watch(self, s.index_builders.back(), "index builder #" + std::to_string(i));
    }
  }
  int pool = std::max(1, s.plan->options.parallel);
  for (int i = 0; i < pool; ++i) {
    s.appliers.push_back(spawn_applier(system, s.plan, events, s.reporter));
    s.children.watch(self, s.appliers.back(), "applier #" + std::to_string(i));
  }
  for (int i = 0; i < pool; ++i) {
    auto reader = spawn_reader(system, s.plan, s.chunker, s.appliers, events, s.budget);
    s.children.watch(self, reader, "reader #" + std::to_string(i));
    s.readers.push_back(reader);
    if (s.paused) self->send(reader, pause_atom::value);  // paused before the copy began
    self->send(reader, start_atom::value);
  }
  s.readers_running = s.readers.size();
}

// Verifies the target against the source and then calls `next` with the exit code the outcome
// deserves (0 clean, 3 different, 4 unsettled, 1 failed). While a live link applies changes,
// differing rows are settled against it; with the link paused, or after a copy with no link,
// nothing applies changes and rows are compared as they stand. `automatic`: the verification
// the script's VERIFY asks for after the copy / catch-up (a failure to run it fails the task);
// otherwise one requested through the control endpoint.
void start_verification(Self* self, bool automatic, VerifyAsk ask, std::function<void(int)> next) {
  auto& s = self->state;
  s.verifying = true;
  s.verify_progress.reset();
  // The link exists from the start of replay; paused, it applies nothing.
  const bool link = s.replayer && s.task.phase == Phase::kIncremental;
  verify::VerificationContext context;
  context.link = !link ? verify::LinkState::kNone : s.paused ? verify::LinkState::kPaused : verify::LinkState::kLive;
  context.task_id = task_id_of(*s.directory);
  verify::Verification built = verify::build_verification(*s.plan, ask, context);
  // While a link exists, repairs go through its apply queue (below), never straight to the target.
  const bool repair_through_queue = built.repair_held;
  VerificationRequest request;
  static_cast<verify::VerificationSpec&>(request) = std::move(built.spec);
  request.id = ++s.verify_id;
  request.progress_listener = caf::actor_cast<caf::actor>(self);
  const uint64_t id = request.id;
  run_verification(self, s.plan, request, [=](Result<verify::VerifyReport> report) {
    auto& s = self->state;
    s.verifying = false;
    s.verify_progress.reset();
    if (!report) {
      if (automatic) return fail_task(self, report.status().message());
      std::cerr << "error: verification " << id << ": " << report.status().message() << "\n";
      s.last_verification = VerificationOutcome{id, "failed", 1, std::nullopt, std::nullopt, report.status().message()};
      write_status(self, true);
      return next(1);
    }
    if (repair_through_queue) {
      for (const auto& table : report->tables) {
        if (table.differences.empty()) continue;
        report->repair_queued = true;
        for (uint32_t index = 0; index < s.plan->tables.size(); ++index)
          if (s.plan->tables[index].source == table.source)
            self->send(s.replayer, repair_atom::value, index, table.differences);
      }
    }
    const std::string text = report->to_text();
    std::cout << text;
    std::cout.flush();
    const std::string json_file = s.directory->path() + "/verify-report.json";
    const std::string text_file = s.directory->path() + "/verify-report.txt";
    (void)write_file_atomically(text_file, text);
    (void)write_file_atomically(json_file, report->to_json() + "\n");
    const int code = verify::outcome_exit_code(report->outcome());
    s.last_verification =
        VerificationOutcome{id, verify::outcome_name(report->outcome()), code, json_file, text_file, std::nullopt};
    write_status(self, true);
    next(code);
    // The link caught up while this (requested) verification ran: the script's own runs now.
    auto& after = self->state;
    if (!automatic && after.auto_verify_pending && !after.verifying && !after.failed) {
      after.auto_verify_pending = false;
      after.verified = true;
      start_verification(self, true, {}, after.after_auto_verify);
    }
  });
}

void start_replay(Self* self) {
  auto& s = self->state;
  if (!enter_phase(self, Phase::kIncremental)) return;
  if (auto st = save(self); !st) return fail_task(self, st.message());
  write_status(self, true);
  // Tables without a key were copied from one snapshot: their changes up to it are in the copy.
  std::vector<BinlogPosition> replay_after(s.plan->tables.size());
  for (size_t i = 0; i < s.plan->tables.size(); ++i) {
    const auto& progress = s.task.tables[s.plan->tables[i].source.str()];
    if (progress.snapshot_file) replay_after[i] = BinlogPosition{*progress.snapshot_file, progress.snapshot_offset.value_or(0), ""};
  }
  self->send(s.replayer, replay_atom::value, replay_after);
}

void finish_task(Self* self) {
  auto& s = self->state;
  if (s.plan->phases.incremental) {
    // The copy's summary now (when this run copied anything); the task goes on as a live link.
    if (!s.copied_this_run) {
      s.children.stop(self, s.reporter);
      start_replay(self);
      return;
    }
    self->request(s.reporter, caf::infinite, finish_atom::value)
        .then(
            [=](const CopySummary& summary) {
              self->state.copy_summary = summary;
              start_replay(self);
            },
            [=](caf::error&) { start_replay(self); });
    return;
  }
  if (s.plan->verify.enabled && !s.verified) {
    // The summary of the copy first, then the verification, then the end.
    self->request(s.reporter, caf::infinite, finish_atom::value)
        .then(
            [=](const CopySummary& summary) {
              self->state.copy_summary = summary;
              self->state.reporter = nullptr;
              self->state.verified = true;
              start_verification(self, true, {}, [=](int code) { complete(self, code); });
            },
            [=](caf::error&) {
              self->state.verified = true;
              start_verification(self, true, {}, [=](int code) { complete(self, code); });
            });
    return;
  }
  if (!enter_phase(self, Phase::kDone)) return;
  if (auto st = save(self); !st) return fail_task(self, st.message());
  // The status says how the copy went (omsrun bench reads it) and that the task is done.
  auto end = [=](std::optional<CopySummary> summary) {
    self->state.copy_summary = summary;
    self->state.ended = "done";
    write_status(self, true);
    finish(self, 0);
  };
  self->request(s.reporter, caf::infinite, finish_atom::value)
      .then([=](const CopySummary& summary) { end(summary); }, [=](caf::error&) { end(std::nullopt); });
}

// Ends a task whose copy and verification are over.
void complete(Self* self, int exit_code) {
  auto& s = self->state;
  if (!enter_phase(self, Phase::kDone)) return;
  s.ended = "done";
  write_status(self, true);
  if (auto st = save(self); !st) return fail_task(self, st.message());
  finish(self, exit_code);
}

// Views, routines, sequences, events and (without INCREMENTAL) triggers, after the data and its
// indexes. Idempotent (an object already on the target is kept), so a resumed task runs it again.
// An object that cannot be created is reported, not fatal: the rows are migrated either way.
void start_objects(Self* self) {
  auto& s = self->state;
  if (!s.plan->phases.schema) {
    finish_task(self);
    return;
  }
  self->request(s.schema, caf::infinite, objects_atom::value)
      .then(
          [=](const std::vector<std::string>& lines) {
            auto& s = self->state;
            s.objects_failed = 0;
            for (const auto& line : lines) {
              std::cerr << "objects: " << line << "\n";
              if (line.rfind("error: ", 0) == 0) ++s.objects_failed;
            }
            finish_task(self);
          },
          [=](caf::error& e) { fail_task(self, "schema migrator: " + caf::to_string(e)); });
}

void start_indexes(Self* self) {
  auto& s = self->state;
  if (!s.plan->phases.schema || s.task.indexes_done) {
    start_objects(self);
    return;
  }
  self->request(s.schema, caf::infinite, indexes_atom::value)
      .then(
          [=](const std::string& error) {
            if (!error.empty()) return fail_task(self, error);
            self->state.task.indexes_done = true;
            start_objects(self);
          },
          [=](caf::error& e) { fail_task(self, "schema migrator: " + caf::to_string(e)); });
}

void start_schema(Self* self) {
  auto& s = self->state;
  bool all_created = true;
  for (const auto& job : s.plan->tables)
    if (!s.task.tables[job.source.str()].schema_created) all_created = false;
  if (!s.plan->phases.schema || all_created) {
    start_full_copy(self);
    return;
  }
  bool resuming = on_resume(s.task.phase) != OnResume::kStartFresh;
  if (!enter_phase(self, Phase::kSchema)) return;
  if (auto st = save(self); !st) return fail_task(self, st.message());
  self->request(s.schema, caf::infinite, schema_atom::value, resuming)
      .then(
          [=](const SchemaResult& result) {
            auto& s = self->state;
            const std::string& error = result.error;
            const std::vector<std::string>& created = result.created;
            // Recorded even on failure: these tables are the task's own, the only ones a re-copy
            // (--recopy) may drop.
            for (const auto& job : s.plan->tables)
              if (std::find(created.begin(), created.end(), job.target.str()) != created.end())
                s.task.tables[job.source.str()].created_by_task = true;
            if (!error.empty()) {
              (void)save(self);
              return fail_task(self, error);
            }
            for (const auto& job : s.plan->tables) s.task.tables[job.source.str()].schema_created = true;
            start_full_copy(self);
          },
          [=](caf::error& e) { fail_task(self, "schema migrator: " + caf::to_string(e)); });
}

// A verification asked for through the control endpoint: refused while the copy runs (the
// target is partial, and the script's own verification follows the copy) or while one runs.
std::string request_verification(Self* self, const std::string& body) {
  auto& s = self->state;
  if (s.verifying)
    return nlohmann::json{{"error", "verification " + std::to_string(s.verify_id) +
                                        " is already running; wait for it (omsrun status --task DIR)"}}
        .dump();
  if (s.task.phase != Phase::kIncremental)
    return nlohmann::json{{"error", "the task is copying (phase " + std::string(phase_name(s.task.phase)) +
                                        "): the target is not complete yet, so a verification now would only "
                                        "report missing rows. The script's VERIFY runs by itself after the copy; "
                                        "otherwise ask again once the link runs (omsrun status: phase incremental)"}}
        .dump();
  VerifyAsk ask;
  if (!body.empty()) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
      return nlohmann::json{{"error", "verify: the request body is not a JSON object"}}.dump();
    ask.repair_file = parsed.value("repair_file", "");
    ask.apply = parsed.value("apply", false);
    ask.settle_seconds = parsed.value("settle_seconds", int64_t{0});
    if (!ask.repair_file.empty() && ask.repair_file.front() != '/')
      return nlohmann::json{{"error", "verify: repair_file must be an absolute path (the task runs in its own "
                                      "working directory)"}}
          .dump();
  }
  start_verification(self, false, ask, [](int) {});
  return nlohmann::json{{"verify", "started"},
                        {"id", s.verify_id},
                        {"report", s.directory->path() + "/verify-report.json"}}
      .dump();
}

std::string answer_control(Self* self, const std::string& command, const std::string& body) {
  auto& s = self->state;
  auto broadcast = [&](auto atom) {
    for (auto& r : s.readers) self->send(r, atom);
    if (s.replayer) self->send(s.replayer, atom);
  };
  if (command == "pause" || command == "resume") {
    s.paused = command == "pause";
    if (s.paused) broadcast(pause_atom::value);
    else broadcast(resume_atom::value);
    write_status(self, true);
  } else if (command == "stop") {
    std::cerr << "stopping on request (control endpoint): the task is resumable, run the same command to "
                 "resume (state in "
              << s.directory->path() << ")\n";
    self->delayed_send(self, std::chrono::milliseconds(50), stop_atom::value);
  } else if (command == "verify") {
    return request_verification(self, body);
  } else if (command != "status") {
    return nlohmann::json{{"error", "unknown command " + command}}.dump();
  }
  return task_status_text(task_status(self));
}

caf::behavior coordinator_impl(Self* self, std::shared_ptr<const Plan> plan, const TaskDirectory* directory,
                               TaskState task, RunControl control) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.directory = directory;
  s.task = std::move(task);
  s.control = control;
  s.max_rows_per_sec = s.plan->options.max_rows_per_sec;
  s.max_events_per_sec = s.plan->options.max_events_per_sec;
  // A child that ends abnormally (an exception, an error exit) while the task needs it: the task
  // fails once, naming it, instead of waiting for a message that never comes.
  self->set_down_handler([=](caf::down_msg& down) {
    if (auto why = self->state.children.on_down(down)) fail_task(self, *why);
  });
  self->set_exception_handler(exit_with_exception_text);
  return {
      [=](run_atom) {
        auto& s = self->state;
        s.done = self->make_response_promise();
        s.reporter = spawn_reporter(self->system(), s.plan);
        s.children.watch(self, s.reporter, "reporter");
        s.schema = spawn_schema_migrator(self->system(), s.plan);
        s.children.watch(self, s.schema, "schema migrator");
        self->delayed_send(self, std::chrono::milliseconds(250), tick_atom::value);
        start_schema(self);
        return s.done;
      },
      [=](chunk_done_atom, const ChunkDone& done) {
        auto& s = self->state;
        const uint32_t table_index = index_of(*s.plan, done.table);
        auto& progress = s.task.tables[done.table.source.str()];
        if (!done.snapshot.empty()) {
          progress.snapshot_file = done.snapshot.file;
          progress.snapshot_offset = done.snapshot.offset;
        }
        const bool advanced = s.chunks.commit(table_index, done.range.id, done.range.upper_inclusive);
        if (advanced) progress.copied_through = s.chunks.copied_through(table_index);
        if (!advanced) return;
        mark_table_done_if_complete(self, table_index);
        if (auto st = save(self); !st) fail_task(self, st.message());
      },
      [=](chunks_total_atom, const ChunksTotal& total) {
        auto& s = self->state;
        const uint32_t table_index = index_of(*s.plan, total.table);
        s.chunks.set_total(table_index, total.chunks);
        mark_table_done_if_complete(self, table_index);
        if (auto st = save(self); !st) fail_task(self, st.message());
      },
      [=](reader_done_atom) {
        auto& s = self->state;
        if (s.readers_running > 0) --s.readers_running;
        maybe_finish_copy(self);
      },
      [=](failed_atom, const std::string& message) { fail_task(self, message); },
      [=](recopy_atom, const std::string& message) { fail_needs_recopy(self, message); },
      [=](capture_atom, const std::string& why) {
        self->state.capture_waiting = why;
        write_status(self, true);
      },
      [=](sync_status_atom, const SyncStatus& status) {
        auto& s = self->state;
        bool newly_caught_up = status.reached_catch_up_target && !s.sync.reached_catch_up_target;
        s.sync = status;
        write_status(self, newly_caught_up);
        if (newly_caught_up) {
          std::cerr << "incremental: caught up at " << status.applied.str() << "\n";
          auto stop_if_asked = [=](int code) {
            auto& s = self->state;
            if (!s.control.until_caught_up) return;
            std::cout << "caught up: applied " << s.sync.events_applied << " change(s); source position "
                      << s.sync.applied.str() << " (stopped by --until caught-up; run again to continue)\n";
            s.ended = "stopped: caught up (--until caught-up)";
            write_status(self, true);
            finish(self, code);
          };
          if (s.plan->verify.enabled && !s.verified) {
            if (s.verifying) {
              s.auto_verify_pending = true;  // starts when the requested one ends
              s.after_auto_verify = stop_if_asked;
            } else {
              s.verified = true;
              start_verification(self, true, {}, stop_if_asked);
            }
          } else {
            stop_if_asked(0);
          }
        }
      },
      [=](control_atom, const std::string& command) -> std::string { return answer_control(self, command, ""); },
      [=](control_atom, const std::string& command, const std::string& body) -> std::string {
        return answer_control(self, command, body);
      },
      [=](verify_progress_atom, const VerifyProgress& progress) {
        auto& s = self->state;
        if (s.verifying && progress.id == s.verify_id) s.verify_progress = progress;
      },
      [=](throttle_atom, const ThrottleChange& change) -> std::string {
        auto& s = self->state;
        auto limit_text = [](int64_t limit) { return limit == 0 ? std::string("unlimited") : std::to_string(limit); };
        if (change.max_rows_per_sec != ThrottleChange::kKeep) {
          std::cerr << "throttle: max_rows_per_sec " << limit_text(s.max_rows_per_sec) << " -> "
                    << limit_text(change.max_rows_per_sec) << "\n";
          s.max_rows_per_sec = change.max_rows_per_sec;
          if (s.budget) self->send(s.budget, throttle_atom::value, s.max_rows_per_sec);
        }
        if (change.max_events_per_sec != ThrottleChange::kKeep) {
          std::cerr << "throttle: max_events_per_sec " << limit_text(s.max_events_per_sec) << " -> "
                    << limit_text(change.max_events_per_sec) << "\n";
          s.max_events_per_sec = change.max_events_per_sec;
          if (s.replayer) self->send(s.replayer, throttle_atom::value, s.max_events_per_sec);
        }
        write_status(self, true);
        return task_status_text(task_status(self));
      },
      [=](stop_atom) {
        self->state.ended = "stopped on request";
        write_status(self, true);
        finish(self, 0);
      },
      [=](tick_atom) {
        auto& s = self->state;
        if (int signal = s.control.stop_signal ? s.control.stop_signal->load() : 0) {
          std::cerr << "interrupted by " << (signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal")
                    << ": the task is not finished; run the same command to resume (state in "
                    << s.directory->path() << ")\n";
          s.ended = std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal");
          write_status(self, true);
          finish(self, 128 + signal);
          return;
        }
        if (s.task.phase == Phase::kIncremental) write_status(self, false);
        self->delayed_send(self, std::chrono::milliseconds(250), tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_coordinator(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                             const TaskDirectory* directory, TaskState state, RunControl control) {
  return system.spawn(coordinator_impl, std::move(plan), directory, std::move(state), control);
}

}  // namespace omsql::actors
