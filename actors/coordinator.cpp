#include "actors/coordinator.hpp"

#include <unistd.h>

#include <csignal>
#include <ctime>
#include <filesystem>

#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "actors/control_server.hpp"
#include "actors/copy_actors.hpp"
#include "actors/incremental_actors.hpp"
#include "actors/messages.hpp"
#include "actors/reporter.hpp"
#include "actors/schema_actor.hpp"
#include "actors/verify_actors.hpp"

namespace omsql::actors {

namespace {

// Commit order of one table's chunks. Chunks are issued in key order with ids 0, 1, 2, ... but
// finish in any order; only the finished prefix may be recorded as copied.
struct ChunkTracker {
  uint64_t next_to_commit = 0;
  std::map<uint64_t, std::optional<copy::KeyTuple>> finished_out_of_order;  // id -> upper bound
  std::optional<uint64_t> total;
};

struct CoordinatorState {
  std::shared_ptr<const Plan> plan;
  const TaskDirectory* directory = nullptr;
  TaskState task;
  caf::response_promise done;
  caf::actor schema;
  caf::actor chunker;
  caf::actor reporter;
  std::vector<caf::actor> readers;
  std::vector<caf::actor> appliers;
  std::vector<ChunkTracker> trackers;
  caf::actor tailer;
  caf::actor replayer;
  RunControl control;
  SyncStatus sync;
  std::chrono::steady_clock::time_point last_status_write;
  size_t readers_running = 0;
  std::vector<caf::actor> index_builders;   // add a table's indexes while other tables still copy
  size_t index_builds_running = 0;
  size_t next_index_builder = 0;
  bool copied_this_run = false;    // some table still needed copying when this process started
  bool verified = false;           // the post-catch-up verification ran in this process
  bool verifying = false;          // a verification is running
  bool paused = false;
  bool failed = false;
  static inline const char* name = "coordinator";
};

using Self = caf::stateful_actor<CoordinatorState>;

void stop_graph(Self* self) {
  auto& s = self->state;
  auto stop = [&](caf::actor& a) {
    if (a) self->send_exit(a, caf::exit_reason::user_shutdown);
    a = nullptr;
  };
  for (auto& r : s.readers) stop(r);
  for (auto& b : s.index_builders) stop(b);
  for (auto& a : s.appliers) stop(a);
  stop(s.chunker);
  stop(s.tailer);
  stop(s.replayer);
  stop(s.schema);
  stop(s.reporter);
}

void finish(Self* self, int exit_code) {
  auto& s = self->state;
  stop_graph(self);
  s.done.deliver(exit_code);
  self->quit();
}

void fail_task(Self* self, const std::string& message) {
  auto& s = self->state;
  if (s.failed) return;  // the first failure is the cause; later ones are its echoes
  s.failed = true;
  std::cerr << "error: " << message << "\n";
  std::cerr << "the task can be resumed: run the same command again (state in " << s.directory->path() << ")\n";
  finish(self, 1);
}

Status save(Self* self) { return self->state.directory->save(self->state.task); }

void maybe_finish_copy(Self* self);

void mark_table_done_if_complete(Self* self, uint32_t table_index) {
  auto& s = self->state;
  auto& tracker = s.trackers[table_index];
  if (!tracker.total || tracker.next_to_commit < *tracker.total) return;
  auto& progress = s.task.tables[s.plan->tables[table_index].source.str()];
  if (progress.copy_done) return;
  progress.copy_done = true;
  if (!s.plan->phases.schema || s.index_builders.empty()) return;
  // Its secondary indexes now, overlapping the copy of the other tables; the INDEXES phase
  // after the copy only adds what is still missing, and the foreign keys.
  ++s.index_builds_running;
  auto& builder = s.index_builders[s.next_index_builder++ % s.index_builders.size()];
  self->request(builder, caf::infinite, indexes_atom::value, table_index)
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

nlohmann::json status_json(Self* self) {
  auto& s = self->state;
  nlohmann::json j;
  j["phase"] = s.task.phase;
  j["pid"] = static_cast<int64_t>(::getpid());
  j["updated_at"] = static_cast<int64_t>(std::time(nullptr));
  if (s.plan->phases.incremental) {
    j["source_position"] = s.sync.stored.str();
    j["applied_position"] = s.sync.applied.str();
    j["lag_seconds"] = s.sync.lag_seconds;
    j["events_per_second"] = s.sync.events_per_second;
    j["events_applied"] = s.sync.events_applied;
    j["caught_up"] = s.sync.caught_up;
  }
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [name, progress] : s.task.tables)
    tables[name] = {{"copy_done", progress.copy_done}};
  j["tables"] = tables;
  j["paused"] = s.paused;
  j["verifying"] = s.verifying;
  return j;
}

void write_status(Self* self, bool force) {
  auto& s = self->state;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - s.last_status_write < std::chrono::seconds(1)) return;
  s.last_status_write = now;
  (void)write_file_atomically(s.directory->path() + "/status.json", status_json(self).dump(2) + "\n");
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
  s.task.phase = "indexes";
  if (auto st = save(self); !st) return fail_task(self, st.message());
  // The graph's readers have quit; stop the appliers and the chunker, keep the reporter for the summary.
  for (auto& a : s.appliers) self->send_exit(a, caf::exit_reason::user_shutdown);
  s.appliers.clear();
  if (s.chunker) self->send_exit(s.chunker, caf::exit_reason::user_shutdown);
  s.chunker = nullptr;
  for (auto& b : s.index_builders) self->send_exit(b, caf::exit_reason::user_shutdown);
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
  s.replayer = spawn_replayer(self->system(), s.plan, spool_dir, task_id_of(*s.directory), s.tailer, self);
  if (s.paused) self->send(s.replayer, pause_atom::value);
  self->send(s.tailer, start_atom::value, s.replayer);
}

void start_full_copy(Self* self) {
  auto& s = self->state;
  start_capture(self);
  if (!s.plan->phases.full) {
    start_indexes(self);
    return;
  }
  s.task.phase = "full";
  if (auto st = save(self); !st) return fail_task(self, st.message());
  for (const auto& job : s.plan->tables)
    if (!s.task.tables[job.source.str()].copy_done) s.copied_this_run = true;
  auto& system = self->system();
  auto snapshot = std::make_shared<const TaskState>(s.task);
  s.trackers.assign(s.plan->tables.size(), ChunkTracker{});
  s.chunker = spawn_chunker(system, s.plan, snapshot, self);
  if (s.plan->phases.schema && !s.task.indexes_done) {
    int builders = std::max(1, std::min(2, s.plan->options.parallel));
    for (int i = 0; i < builders; ++i) s.index_builders.push_back(spawn_schema_migrator(system, s.plan));
  }
  int pool = std::max(1, s.plan->options.parallel);
  for (int i = 0; i < pool; ++i) s.appliers.push_back(spawn_applier(system, s.plan, self, s.reporter));
  for (int i = 0; i < pool; ++i) {
    auto reader = spawn_reader(system, s.plan, s.chunker, s.appliers, self);
    s.readers.push_back(reader);
    if (s.paused) self->send(reader, pause_atom::value);  // paused before the copy began
    self->send(reader, start_atom::value);
  }
  s.readers_running = s.readers.size();
}

// Verifies the target against the source and then calls `next` with the exit code the result
// deserves (0 clean, 3 differences). `live` = changes are still being applied: a differing table
// is looked at again after a delay before it is reported.
void start_verification(Self* self, bool live, std::function<void(int)> next) {
  auto& s = self->state;
  s.verified = true;
  s.verifying = true;
  VerificationRequest request;
  request.tables = tables_to_verify(*s.plan);
  request.options = s.plan->verify;
  // While the link runs, repairs go through the apply queue (below), never straight to the target.
  bool repair_through_queue = live && s.plan->verify.repair_apply && s.replayer;
  if (repair_through_queue) request.options.repair_apply = false;
  request.parallel = std::max(1, s.plan->options.parallel);
  request.rechecks = live ? 5 : 0;
  if (live) {
    request.live_task_id = task_id_of(*s.directory);
    request.live_lanes = static_cast<size_t>(std::max(1, s.plan->options.parallel));
  }
  std::cerr << "verify: " << request.tables.size() << " table(s)" << (live ? " while the link runs" : "") << "\n";
  run_verification(self, s.plan, request, [=](Result<verify::VerifyReport> report) {
    auto& s = self->state;
    s.verifying = false;
    if (!report) return fail_task(self, report.status().message());
    std::cout << report->to_text();
    std::cout.flush();
    (void)write_file_atomically(s.directory->path() + "/verify-report.json", report->to_json() + "\n");
    (void)write_file_atomically(s.directory->path() + "/verify-report.txt", report->to_text());
    if (repair_through_queue) {
      for (size_t i = 0; i < report->tables.size(); ++i) {
        const auto& table = report->tables[i];
        if (table.differences.empty()) continue;
        for (uint32_t index = 0; index < s.plan->tables.size(); ++index)
          if (s.plan->tables[index].source == table.source)
            self->send(s.replayer, repair_atom::value, index, table.differences);
      }
    }
    next(report->clean() ? 0 : 3);
  });
}

void start_replay(Self* self) {
  auto& s = self->state;
  s.task.phase = "incremental";
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
      self->send_exit(s.reporter, caf::exit_reason::user_shutdown);
      s.reporter = nullptr;
      start_replay(self);
      return;
    }
    self->request(s.reporter, caf::infinite, finish_atom::value)
        .then([=](bool) { start_replay(self); }, [=](caf::error&) { start_replay(self); });
    return;
  }
  if (s.plan->verify.enabled && !s.verified) {
    // The summary of the copy first, then the verification, then the end.
    self->request(s.reporter, caf::infinite, finish_atom::value)
        .then(
            [=](bool) {
              self->state.reporter = nullptr;
              start_verification(self, false, [=](int code) { complete(self, code); });
            },
            [=](caf::error&) { start_verification(self, false, [=](int code) { complete(self, code); }); });
    return;
  }
  s.task.phase = "done";
  if (auto st = save(self); !st) return fail_task(self, st.message());
  auto& done = s.done;
  self->request(s.reporter, caf::infinite, finish_atom::value)
      .then([=](bool) mutable { finish(self, 0); }, [=](caf::error&) { finish(self, 0); });
  (void)done;
}

// Ends a task whose copy and verification are over.
void complete(Self* self, int exit_code) {
  auto& s = self->state;
  s.task.phase = "done";
  if (auto st = save(self); !st) return fail_task(self, st.message());
  finish(self, exit_code);
}

void start_indexes(Self* self) {
  auto& s = self->state;
  if (!s.plan->phases.schema || s.task.indexes_done) {
    finish_task(self);
    return;
  }
  self->request(s.schema, caf::infinite, indexes_atom::value)
      .then(
          [=](const std::string& error) {
            if (!error.empty()) return fail_task(self, error);
            self->state.task.indexes_done = true;
            finish_task(self);
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
  bool resuming = s.task.phase != "new";
  s.task.phase = "schema";
  if (auto st = save(self); !st) return fail_task(self, st.message());
  self->request(s.schema, caf::infinite, schema_atom::value, resuming)
      .then(
          [=](const std::string& error) {
            if (!error.empty()) return fail_task(self, error);
            auto& s = self->state;
            for (const auto& job : s.plan->tables) s.task.tables[job.source.str()].schema_created = true;
            start_full_copy(self);
          },
          [=](caf::error& e) { fail_task(self, "schema migrator: " + caf::to_string(e)); });
}

caf::behavior coordinator_impl(Self* self, std::shared_ptr<const Plan> plan, const TaskDirectory* directory,
                               TaskState task, RunControl control) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.directory = directory;
  s.task = std::move(task);
  s.control = control;
  return {
      [=](run_atom) {
        auto& s = self->state;
        s.done = self->make_response_promise();
        s.reporter = spawn_reporter(self->system(), s.plan);
        s.schema = spawn_schema_migrator(self->system(), s.plan);
        self->delayed_send(self, std::chrono::milliseconds(250), tick_atom::value);
        start_schema(self);
        return s.done;
      },
      [=](chunk_done_atom, const ChunkDone& done) {
        auto& s = self->state;
        auto& tracker = s.trackers.at(done.table_index);
        tracker.finished_out_of_order[done.range.id] = done.range.upper_inclusive;
        auto& progress = s.task.tables[s.plan->tables[done.table_index].source.str()];
        if (!done.snapshot.empty()) {
          progress.snapshot_file = done.snapshot.file;
          progress.snapshot_offset = done.snapshot.offset;
        }
        bool advanced = false;
        for (auto it = tracker.finished_out_of_order.find(tracker.next_to_commit);
             it != tracker.finished_out_of_order.end();
             it = tracker.finished_out_of_order.find(tracker.next_to_commit)) {
          if (it->second) progress.copied_through = it->second;
          tracker.finished_out_of_order.erase(it);
          ++tracker.next_to_commit;
          advanced = true;
        }
        if (!advanced) return;
        mark_table_done_if_complete(self, done.table_index);
        if (auto st = save(self); !st) fail_task(self, st.message());
      },
      [=](chunks_total_atom, uint32_t table_index, uint64_t total) {
        auto& s = self->state;
        s.trackers.at(table_index).total = total;
        mark_table_done_if_complete(self, table_index);
        if (auto st = save(self); !st) fail_task(self, st.message());
      },
      [=](reader_done_atom) {
        auto& s = self->state;
        if (s.readers_running > 0) --s.readers_running;
        maybe_finish_copy(self);
      },
      [=](failed_atom, const std::string& message) { fail_task(self, message); },
      [=](sync_status_atom, const SyncStatus& status) {
        auto& s = self->state;
        bool newly_caught_up = status.caught_up && !s.sync.caught_up;
        s.sync = status;
        write_status(self, newly_caught_up);
        if (newly_caught_up) {
          std::cerr << "incremental: caught up at " << status.applied.str() << "\n";
          auto stop_if_asked = [=](int code) {
            auto& s = self->state;
            if (!s.control.until_caught_up) return;
            std::cout << "caught up: applied " << s.sync.events_applied << " change(s); source position "
                      << s.sync.applied.str() << " (stopped by --until caught-up; run again to continue)\n";
            finish(self, code);
          };
          if (s.plan->verify.enabled && !s.verified) start_verification(self, true, stop_if_asked);
          else stop_if_asked(0);
        }
      },
      [=](control_atom, const std::string& command) -> std::string {
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
          if (s.verifying) return nlohmann::json{{"verify", "already running"}}.dump();
          start_verification(self, s.task.phase == "incremental", [](int) {});
          return nlohmann::json{{"verify", "started"}, {"report", s.directory->path() + "/verify-report.json"}}.dump();
        } else if (command != "status") {
          return nlohmann::json{{"error", "unknown command " + command}}.dump();
        }
        return status_json(self).dump();
      },
      [=](stop_atom) {
        write_status(self, true);
        finish(self, 0);
      },
      [=](tick_atom) {
        auto& s = self->state;
        if (int signal = s.control.stop_signal ? s.control.stop_signal->load() : 0) {
          std::cerr << "interrupted by " << (signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal")
                    << ": the task is not finished; run the same command to resume (state in "
                    << s.directory->path() << ")\n";
          write_status(self, true);
          finish(self, 128 + signal);
          return;
        }
        if (s.task.phase == "incremental") write_status(self, false);
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
