// The coordinator: the task's phases and the messages that move it (actors/coordinator.hpp).
// Status, control requests and verification are in actors/coordinator_status.cpp, the full copy
// in actors/coordinator_copy.cpp.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "actors/clock.hpp"
#include "actors/control_server.hpp"
#include "actors/coordinator_state.hpp"
#include "src/task/actor_graph.hpp"
#include "actors/copy_actors.hpp"
#include "actors/incremental_actors.hpp"
#include "actors/rate_limiter.hpp"
#include "actors/reporter.hpp"
#include "actors/schema_actor.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/task/recopy.hpp"
#include "src/task/run_report.hpp"
#include "src/log/log.hpp"

namespace omsql::actors {

namespace coordination {

// How long a table's own copy failure waits for capture to show the DDL that caused it.
constexpr std::chrono::seconds kTableFailureWait{20};

void stop_graph(Self self) {
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
  stop(s.verification);
}

void finish(Self self, int exit_code) {
  auto& s = self->state;
  // The rows are migrated, but an object missing on the target is not a clean end.
  if (exit_code == 0 && s.objects_failed > 0) {
    log::error("task") << s.objects_failed << " object(s) could not be created on the target (the 'objects: error' "
              << "lines above); fix the cause, then `omsrun finish` creates what is missing (for a live link: at "
              << "cut-over; a resumed run also tries again)";
    exit_code = 1;
  }
  log::clear_area();  // the progress lines are not the run's last words
  begin_phase(self, "");
  if (!s.control.report_path.empty()) {
    RunEnd end;
    end.task_dir = s.directory->path();
    end.script = s.control.script;
    end.exit_code = exit_code;
    end.started_at_ms = s.control.started_at_ms;
    end.ended_at_ms = wall_now_ms();
    if (!s.failure.empty()) end.error = s.failure;
    const RunReport report = build_run_report(task_status(self), RunFacts{s.phases, s.table_verification}, end);
    if (auto written = write_run_report(s.control.report_path, report); !written) {
      log::error("report") << written.message();
      if (exit_code == 0) exit_code = 1;
    }
  }
  stop_graph(self);
  s.done.deliver(exit_code);
  self->quit();
}

void fail_task(Self self, const std::string& message) {
  auto& s = self->state;
  if (s.failed) return;  // the first failure is the cause; later ones are its echoes
  s.failed = true;
  s.failure = message;
  log::error("task") << message;
  // Kept in the task directory (last-error.json) for `omsrun status` once this process is gone.
  s.ended = "failed";
  nlohmann::json last{{"message", message},
                      {"at", static_cast<int64_t>(std::time(nullptr))},
                      {"pid", static_cast<int64_t>(::getpid())},
                      {"phase", std::string(phase_name(s.task.phase))}};
  (void)write_file_atomically(s.directory->path() + "/last-error.json", last.dump(2) + "\n");
  write_status(self, true);
  log::info("task") << "the task can be resumed: run the same command again (state in " << s.directory->path() << ")";
  finish(self, 1);
}

Status save(Self self) { return self->state.directory->save(self->state.task); }

// Moves the task to `next` (saved by the caller). A move the phase table refuses is this actor's
// bug: the task fails with it rather than record a phase a resumed run would misread.
bool enter_phase(Self self, Phase next) {
  auto& s = self->state;
  if (auto st = check_transition(s.task.phase, next); !st) {
    fail_task(self, st.message());
    return false;
  }
  log::debug("task") << "phase " << phase_name(s.task.phase) << " -> " << phase_name(next);
  s.task.phase = next;
  if (auto name = run_phase_name(next)) begin_phase(self, *name);
  return true;
}

// The binlog the task needs is gone (purged on the source): the link cannot go on, and running
// again would fail the same way. The way out is a fresh copy from a new position: say so, and
// remember it, so a plain rerun says it at once.
void fail_needs_recopy(Self self, const std::string& message) {
  auto& s = self->state;
  if (s.failed) return;
  s.failed = true;
  s.failure = message;
  s.task.needs_recopy = message;
  Status saved = save(self);
  log::error("task") << message;
  log::info("task") << recopy_advice(s.plan->script_path.empty() ? s.task.script_path : s.plan->script_path);
  if (!saved) log::error("task") << saved.message();
  finish(self, 1);
}

// Starts the binlog tailer (and the replayer, idle until the copy is done) at the position
// recorded before the first chunk: changes made during the copy are spooled, not lost.
void start_capture(Self self) {
  auto& s = self->state;
  if (!s.plan->phases.incremental || s.tailer) return;
  const SourcePosition start = s.task.start_position.value_or(SourcePosition{});
  std::string spool_dir = s.directory->path() + "/spool";
  link_events_actor events{self};
  s.tailer = spawn_binlog_tailer(self->system(), s.plan, spool_dir, s.directory->path(), start, events);
  s.children.watch(self, s.tailer, "binlog tailer");
  s.replayer = spawn_replayer(self->system(), s.plan, spool_dir, s.directory->path(), task_id_of(*s.directory),
                              s.tailer, events, s.control.engines);
  s.children.watch(self, s.replayer, "replayer");
  if (s.paused) self->send(s.replayer, pause_atom::value);
  self->send(s.replayer, throttle_atom::value, s.max_events_per_sec);
  self->send(s.tailer, start_atom::value, s.replayer);
}

void start_replay(Self self) {
  auto& s = self->state;
  if (!enter_phase(self, Phase::kIncremental)) return;
  if (auto st = save(self); !st) return fail_task(self, st.message());
  write_status(self, true);
  // Tables without a key were copied from one snapshot: their changes up to it are in the copy.
  ReplayStart start;
  for (size_t i = 0; i < s.plan->tables.size(); ++i) {
    const auto& progress = s.task.tables[s.plan->tables[i].source.str()];
    if (progress.snapshot) start.skip.push_back(TableSkip{table_ref(*s.plan, i), *progress.snapshot});
    // What the ALTER barriers of the table need to know of its copy (src/task/table_copies.hpp).
    TableCopyState copy{table_ref(*s.plan, i), false, {}, progress.copy_incomplete.value_or(""), progress.created_by_task};
    if (progress.copy_read_by && !progress.copy_read_by->empty()) {
      copy.has_read_by = true;
      copy.read_by = *progress.copy_read_by;
    }
    start.copies.push_back(std::move(copy));
  }
  self->send(s.replayer, replay_atom::value, std::move(start));
}

void complete(Self self, int exit_code);

void finish_task(Self self) {
  auto& s = self->state;
  if (s.plan->phases.incremental) {
    // The copy's summary now (when this run copied anything); the task goes on as a live link.
    if (!s.copied_this_run) {
      s.children.stop(self, s.reporter);
      start_replay(self);
      return;
    }
    summarize_copy(self, [=](std::optional<CopySummary>) { start_replay(self); });
    return;
  }
  if (s.plan->verify.enabled && !s.verified) {
    // The summary of the copy first, then the verification, then the end.
    summarize_copy(self, [=](std::optional<CopySummary>) {
      self->state.verified = true;
      start_verification(self, true, {}, [=](int code) { complete(self, code); });
    });
    return;
  }
  if (!enter_phase(self, Phase::kDone)) return;
  if (auto st = save(self); !st) return fail_task(self, st.message());
  // The status says how the copy went (omsrun bench reads it) and that the task is done.
  summarize_copy(self, [=](std::optional<CopySummary> summary) {
    self->state.copy_summary = summary;
    self->state.ended = "done";
    write_status(self, true);
    finish(self, 0);
  });
}

// Ends a task whose copy and verification are over.
void complete(Self self, int exit_code) {
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
void start_objects(Self self) {
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
              log::info("schema") << "objects: " << line;
              if (line.rfind("error: ", 0) == 0) ++s.objects_failed;
            }
            finish_task(self);
          },
          [=](caf::error& e) { fail_task(self, "schema migrator: " + caf::to_string(e)); });
}

void start_indexes(Self self) {
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

void start_schema(Self self) {
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

coordinator_actor::behavior_type coordinator_impl(Self self, std::shared_ptr<const Plan> plan, const TaskDirectory* directory,
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
        s.done = self->make_response_promise<int>();
        if (auto st = load_ddl_records(self); !st) {
          fail_task(self, st.message());
          return s.done;
        }
        s.reporter = spawn_reporter(self->system(), s.plan, copy_counts_listener_actor{self});
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
        if (!done.snapshot.empty()) progress.snapshot = done.snapshot;
        const bool advanced =
            s.chunks.commit(table_index, done.range.id, done.range.upper_inclusive, done.rows, done.bytes);
        if (!advanced) return;
        progress.copied_through = s.chunks.copied_through(table_index);
        // Counted with the prefix a resumed copy starts after, so the next run shows them.
        progress.rows_copied = s.rows_before_resume.at(table_index) + s.chunks.prefix_rows(table_index);
        progress.bytes_copied = s.bytes_before_resume.at(table_index) + s.chunks.prefix_bytes(table_index);
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
      // Replay has applied everything before the statement; the task stops and waits for a decision.
      [=](ddl_stop_atom, const DdlStopReport& stop) { stop_at_ddl(self, stop); },
      [=](recopy_atom, const std::string& message) { fail_needs_recopy(self, message); },
      [=](capture_atom, const std::string& why) {
        self->state.capture_waiting = why;
        write_status(self, true);
      },
      [=](sync_status_atom, const SyncStatus& status) {
        auto& s = self->state;
        bool newly_caught_up = status.reached_catch_up_target && !s.sync.reached_catch_up_target;
        s.sync = status;
        forget_passed_ddl(self);
        write_status(self, newly_caught_up);
        if (newly_caught_up) {
          log::info("replay") << "incremental: caught up at " << status.applied.str();
          begin_phase(self, "live");
          auto stop_if_asked = [=](int code) {
            auto& s = self->state;
            if (!s.control.until_caught_up) return;
            log::result("replay", "caught up: applied " + std::to_string(s.sync.events_applied) +
                                      " change(s); source position " + s.sync.applied.str() +
                                      " (stopped by --until caught-up; run again to continue)");
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
      [=](control_atom, const ControlRequest& request) -> std::string { return answer_control(self, request); },
      [=](copy_counts_atom, const CopyCounts& counts) { self->state.copy_counts = counts; },
      [=](copy_ddl_atom, const CopyDdl& ddl) {
        auto& s = self->state;
        const uint32_t index = index_of(*s.plan, ddl.table);
        auto& seen = s.ddl_seen[index];
        if (seen.empty() || seen < ddl.position) seen = ddl.position;
        // Only a copy still running is cancelled; one that finished keeps the position it read by,
        // which replay compares with the DDL's (copy_again_at).
        if (s.task.phase != Phase::kFull || s.cancellable.empty() || !s.cancellable[index]) return;
        const auto& progress = s.task.tables[s.plan->tables[index].source.str()];
        if (progress.copy_done || s.positions_asked.count(index)) return;
        cancel_table_copy(self, index, ddl.position, "a DDL at " + ddl.position.str() + ": \"" + ddl.statement + "\"");
      },
      [=](table_failed_atom, const TableFailure& failure) {
        auto& s = self->state;
        const uint32_t index = index_of(*s.plan, failure.table);
        const auto& progress = s.task.tables[s.plan->tables[index].source.str()];
        if (progress.copy_incomplete) return;  // cancelled already: the rest of its copy is moot
        if (!s.tailer || s.task.phase != Phase::kFull || s.cancellable.empty() || !s.cancellable[index])
          return fail_task(self, failure.message);
        auto seen = s.ddl_seen.find(index);
        if (seen != s.ddl_seen.end()) return cancel_table_copy(self, index, seen->second, failure.message);
        if (s.table_failures.count(index)) return;
        // Capture reads the binlog a moment behind the copy: the DDL that caused this may not be
        // read yet. Without one within the wait, the task fails with this error.
        log::warning("copy") << "the copy of " << failure.table.source.str() << " failed (" << failure.message
                             << "); the other tables go on, and capture has " << kTableFailureWait.count()
                             << " s to show a DDL of the table that explains it";
        s.table_failures[index] = {failure.message, std::chrono::steady_clock::now() + kTableFailureWait};
      },
      [=](verify_progress_atom, const VerifyProgress& progress) {
        auto& s = self->state;
        if (s.verifying && progress.id == s.verify_id) s.verify_progress = progress;
      },
      [=](throttle_atom, const ThrottleChange& change) -> std::string {
        auto& s = self->state;
        auto limit_text = [](int64_t limit) { return limit == 0 ? std::string("unlimited") : std::to_string(limit); };
        if (change.max_rows_per_sec != ThrottleChange::kKeep) {
          log::info("throttle") << "throttle: max_rows_per_sec " << limit_text(s.max_rows_per_sec) << " -> "
                    << limit_text(change.max_rows_per_sec);
          s.max_rows_per_sec = change.max_rows_per_sec;
          if (s.budget) self->send(s.budget, throttle_atom::value, s.max_rows_per_sec);
        }
        if (change.max_events_per_sec != ThrottleChange::kKeep) {
          log::info("throttle") << "throttle: max_events_per_sec " << limit_text(s.max_events_per_sec) << " -> "
                    << limit_text(change.max_events_per_sec);
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
          if (signal == SIGUSR1) {  // `omsrun stop` without the endpoint: as its stop request
            s.ended = "stopped on request";
            write_status(self, true);
            finish(self, 0);
            return;
          }
          log::info("task") << "interrupted by " << (signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal")
                    << ": the task is not finished; run the same command to resume (state in "
                    << s.directory->path() << ")";
          s.ended = std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal");
          write_status(self, true);
          finish(self, 128 + signal);
          return;
        }
        if (s.task.phase == Phase::kIncremental) write_status(self, false);
        show_progress(self);
        for (const auto& [index, failure] : s.table_failures)
          if (std::chrono::steady_clock::now() >= failure.second) {
            fail_task(self, failure.first + " (no DDL of " + s.plan->tables[index].source.str() +
                                " was captured within " + std::to_string(kTableFailureWait.count()) + " s to explain it)");
            return;
          }
        self->delayed_send(self, std::chrono::milliseconds(250), tick_atom::value);
      },
  };
}

}  // namespace coordination

coordinator_actor spawn_coordinator(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                             const TaskDirectory* directory, TaskState state, RunControl control) {
  return system.spawn(coordination::coordinator_impl, std::move(plan), directory, std::move(state), control);
}

}  // namespace omsql::actors
