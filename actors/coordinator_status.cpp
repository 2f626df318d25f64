// The coordinator's status (status.json, GET /status), its control requests and its
// verifications.
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "actors/clock.hpp"
#include "actors/coordinator_state.hpp"
#include "src/common/retry_counters.hpp"
#include "src/console/metrics.hpp"
#include "src/log/log.hpp"
#include "src/log/progress_view.hpp"
#include "src/task/tables_at.hpp"

namespace omsql::actors::coordination {

std::string task_id_of(const TaskDirectory& directory) { return task_id_for_directory(directory.path()); }

TaskStatus task_status(Self self) {
  auto& s = self->state;
  TaskStatus status;
  status.phase = std::string(phase_name(s.task.phase));
  status.pid = static_cast<int64_t>(::getpid());
  status.updated_at = static_cast<int64_t>(std::time(nullptr));
  if (s.plan->phases.incremental) {
    // Recomputed at every answer: the lag from the age of the oldest unapplied change now (it
    // grows while the target is frozen), caught up only while that age is small.
    const double lag =
        s.sync.oldest_unapplied_ms ? std::max<int64_t>(0, wall_now_ms() - s.sync.oldest_unapplied_ms) / 1000.0 : 0;
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
    // Replay waits while a table is copied again inside the link: not caught up meanwhile.
    if (!s.sync.table_copy.empty()) {
      link.table_copy = s.sync.table_copy;
      link.caught_up = false;
    }
    link.spool_bytes = console::directory_bytes(s.directory->path() + "/spool");
    status.link = std::move(link);
  }
  std::map<std::string, bool> tables;
  std::map<std::string, std::string> redone;
  for (const auto& [name, progress] : s.task.tables) {
    tables[name] = progress.copy_done;
    // Until replay has passed the DDL that redoes it.
    if (progress.copy_incomplete && progress.copy_read_by &&
        (s.task.phase != Phase::kIncremental || s.sync.applied < *progress.copy_read_by))
      redone[name] = "at the DDL by " + progress.copy_read_by->str() + " (" + *progress.copy_incomplete + ")";
  }
  if (!redone.empty()) status.copies_redone = std::move(redone);
  status.tables = std::move(tables);
  // The reporter's counts (this process), the chunk tracker's commits and the plan's estimates.
  std::vector<TableCopyStatus> copy_progress;
  for (size_t index = 0; index < s.plan->tables.size(); ++index) {
    const TableJob& job = s.plan->tables[index];
    TableCopyStatus table;
    table.source = job.source.str();
    table.target = job.target.str();
    table.estimated_rows = job.source_def.estimated_rows;
    if (index < s.copy_counts.tables.size()) {
      const TableCopyCounts& counts = s.copy_counts.tables[index];
      table.rows = counts.rows;
      table.bytes = counts.bytes;
      table.seconds = counts.seconds;
    }
    if (index < s.chunks.tables()) table.chunks_done = s.chunks.committed_prefix(index) + s.chunks.waiting(index);
    auto progress = s.task.tables.find(table.source);
    table.done = progress != s.task.tables.end() && progress->second.copy_done;
    // Before this run's copy began, state.json's counts are all earlier runs'.
    if (index < s.rows_before_resume.size()) {
      table.rows_before_resume = s.rows_before_resume[index];
      table.bytes_before_resume = s.bytes_before_resume[index];
    } else if (progress != s.task.tables.end()) {
      table.rows_before_resume = progress->second.rows_copied;
      table.bytes_before_resume = progress->second.bytes_copied;
    }
    copy_progress.push_back(std::move(table));
  }
  status.copy_progress = std::move(copy_progress);
  status.retries = retry_counts();
  if (auto last = last_retry())
    status.last_retry = RetryNote{last->what, last->error, std::max<int64_t>(0, wall_now_ms() - last->at_ms) / 1000.0};
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
  status.ddl_stop = ddl_stop_status(self);
  status.max_rows_per_sec = s.max_rows_per_sec;
  status.max_events_per_sec = s.max_events_per_sec;
  status.copy = s.copy_summary;
  return status;
}

void begin_phase(Self self, const std::string& name) {
  auto& phases = self->state.phases;
  const int64_t now = wall_now_ms();
  if (!phases.empty() && !phases.back().ended_at_ms) {
    if (phases.back().name == name) return;
    phases.back().ended_at_ms = now;
  }
  if (!name.empty()) phases.push_back(PhaseSpan{name, now, std::nullopt});
}

void show_progress(Self self) {
  auto& s = self->state;
  const auto now = std::chrono::steady_clock::now();
  if (now - s.progress_drawn < std::chrono::seconds(1)) return;
  s.progress_drawn = now;
  const bool copying = s.task.phase == Phase::kFull && s.reporter;
  const bool live = s.task.phase == Phase::kIncremental && s.replayer;
  if (!copying && !live) return;
  const TaskStatus status = task_status(self);
  const bool tty = log::terminal_is_tty();
  const double elapsed = std::chrono::duration<double>(now - s.copy_started).count();
  // Re-read at every redraw: a resized terminal (SIGWINCH) gets lines of its new width.
  if (tty && copying) log::show_area(log::copy_progress_lines(*status.copy_progress, elapsed, log::terminal_size()));
  if (tty && live) log::show_area({log::link_progress_line(status, log::terminal_size().width)});
  // The plain line: every 10 s of the copy, every 30 s of the link; on stderr too without a terminal.
  if (now - s.progress_written < std::chrono::seconds(copying ? 10 : 30)) return;
  s.progress_written = now;
  const std::string line = copying ? log::copy_progress_plain(*status.copy_progress, elapsed)
                                   : log::link_progress_line(status, std::string::npos);
  log::write(log::Level::kInfo, "progress", line, tty ? log::Destination::kFile : log::Destination::kBoth);
}

void summarize_copy(Self self, std::function<void(std::optional<CopySummary>)> next) {
  auto& s = self->state;
  if (!s.reporter) return next(std::nullopt);
  self->request(s.reporter, caf::infinite, finish_atom::value)
      .then(
          [=](const CopySummary& summary) {
            auto& s = self->state;
            s.copy_summary = summary;
            s.reporter = nullptr;
            // The reporter sent its last counts before this answer: the table has every row.
            const TaskStatus status = task_status(self);
            log::clear_area();
            std::string table;
            for (const auto& line : log::copy_summary_lines(*status.copy_progress, summary,
                                                            log::terminal_is_tty() ? log::terminal_size().width : 100))
              table += line + "\n";
            log::result("copy", table);
            next(summary);
          },
          [=](caf::error&) {
            self->state.reporter = nullptr;
            next(std::nullopt);
          });
}

void write_status(Self self, bool force) {
  auto& s = self->state;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - s.last_status_write < std::chrono::seconds(1)) return;
  s.last_status_write = now;
  (void)write_file_atomically(s.directory->path() + "/status.json", task_status_text(task_status(self), 2) + "\n");
}

// Verifies the target against the source and then calls `next` with the exit code the outcome
// deserves (0 clean, 3 different, 4 unsettled, 1 failed). While a live link applies changes,
// differing rows are settled against it; with the link paused, or after a copy with no link,
// nothing applies changes and rows are compared as they stand. `automatic`: the verification
// the script's VERIFY asks for after the copy / catch-up (a failure to run it fails the task);
// otherwise one requested through the control endpoint.
void start_verification(Self self, bool automatic, VerifyAsk ask, std::function<void(int)> next) {
  auto& s = self->state;
  s.verifying = true;
  s.verify_progress.reset();
  // The link exists from the start of replay; paused, it applies nothing.
  const bool link = s.replayer && s.task.phase == Phase::kIncremental;
  // After a copy without a link, verification is the run's last phase; beside a link it is not one.
  if (automatic && !link) begin_phase(self, "verify");
  verify::VerificationContext context;
  context.link = !link ? verify::LinkState::kNone : s.paused ? verify::LinkState::kPaused : verify::LinkState::kLive;
  context.task_id = task_id_of(*s.directory);
  // Beside a link, the task's tables are what it made of them by the position replay has applied
  // (tables joined, renamed, dropped or altered by replicated DDL), not the script's start set:
  // else a table that joined would go unverified and one renamed would fail to read.
  std::shared_ptr<const Plan> plan = s.plan;
  if (link && !s.sync.applied.empty()) {
    auto at = task_plan_at(*s.plan, s.directory->path(), s.sync.applied);
    if (!at) {
      s.verifying = false;
      const std::string why = "the task's tables at " + s.sync.applied.str() + ": " + at.status().message();
      if (automatic) return fail_task(self, why);
      log::error("verify") << "verification " << s.verify_id + 1 << ": " << why;
      return next(1);
    }
    plan = std::make_shared<const Plan>(std::move(at).value());
  }
  verify::Verification built = verify::build_verification(*plan, ask, context);
  // While a link exists, repairs go through its apply queue (below), never straight to the target.
  const bool repair_through_queue = built.repair_held;
  VerificationRequest request;
  static_cast<verify::VerificationSpec&>(request) = std::move(built.spec);
  request.id = ++s.verify_id;
  request.progress_listener = verify_listener_actor{self};
  const uint64_t id = request.id;
  auto on_report = [=](Result<verify::VerifyReport> report) {
    auto& s = self->state;
    s.verifying = false;
    s.verify_progress.reset();
    if (!report) {
      if (automatic) return fail_task(self, report.status().message());
      log::error("verify") << "verification " << id << ": " << report.status().message();
      s.last_verification = VerificationOutcome{id, "failed", 1, std::nullopt, std::nullopt, report.status().message()};
      write_status(self, true);
      return next(1);
    }
    if (repair_through_queue) {
      for (const auto& table : report->tables) {
        if (table.differences.empty()) continue;
        report->repair_queued = true;
        for (uint32_t index = 0; index < plan->tables.size(); ++index)  // the replayer finds it by name
          if (plan->tables[index].source == table.source)
            self->send(s.replayer, repair_atom::value, RepairRows{table_ref(*plan, index), table.differences});
      }
    }
    const std::string text = report->to_text();
    log::result("verify", text);
    const std::string json_file = s.directory->path() + "/verify-report.json";
    const std::string text_file = s.directory->path() + "/verify-report.txt";
    (void)write_file_atomically(text_file, text);
    (void)write_file_atomically(json_file, report->to_json() + "\n");
    const int code = verify::outcome_exit_code(report->outcome());
    s.last_verification =
        VerificationOutcome{id, verify::outcome_name(report->outcome()), code, json_file, text_file, std::nullopt};
    uint64_t differences = 0;
    std::map<std::string, TableVerification> tables;
    for (const auto& table : report->tables) {
      differences += table.difference_count();
      const char* outcome = !table.error.empty()          ? "failed"
                            : table.difference_count() > 0 ? "different"
                            : !table.unsettled.empty()     ? "unsettled"
                                                           : "clean";
      tables[table.source.str()] = TableVerification{outcome, table.difference_count()};
    }
    s.last_verification->differences = differences;
    s.table_verification = std::move(tables);
    write_status(self, true);
    next(code);
    // The link caught up while this (requested) verification ran: the script's own runs now.
    auto& after = self->state;
    if (!automatic && after.auto_verify_pending && !after.verifying && !after.failed) {
      after.auto_verify_pending = false;
      after.verified = true;
      start_verification(self, true, {}, after.after_auto_verify);
    }
  };
  s.verification = spawn_verification(self->system(), plan, std::move(request));
  s.children.watch(self, s.verification, "verification " + std::to_string(id));
  self->request(s.verification, caf::infinite, run_atom::value)
      .then(
          [=](VerificationResult& result) {
            self->state.verification = nullptr;
            if (!result.error.empty()) return on_report(Status::io_error(result.error));
            on_report(std::move(result.report));
          },
          [=](caf::error& e) {
            self->state.verification = nullptr;
            on_report(Status::io_error("verification " + std::to_string(id) + ": " + describe_exit(e)));
          });
}

// A verification asked for through the control endpoint: refused while the copy runs (the
// target is partial, and the script's own verification follows the copy) or while one runs.
std::string request_verification(Self self, const std::string& body) {
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

std::string answer_control(Self self, const ControlRequest& request) {
  auto& s = self->state;
  const std::string& command = request.command;
  const std::string& body = request.body;
  auto broadcast = [&](auto atom) {
    for (auto& r : s.readers) self->send(r, atom);
    if (s.replayer) self->send(s.replayer, atom);
  };
  if (command == "pause" || command == "resume") {
    // The answer says whether anything changed, so `omsrun pause` can say "already paused".
    const bool wanted = command == "pause";
    const bool changed = s.paused != wanted;
    s.paused = wanted;
    if (s.paused) broadcast(pause_atom::value);
    else broadcast(resume_atom::value);
    write_status(self, true);
    nlohmann::json answer = to_json(task_status(self));
    answer["changed"] = changed;
    return answer.dump();
  } else if (command == "stop") {
    log::info("control") << "stopping on request (control endpoint): the task is resumable, run the same command to "
                 "resume (state in "
              << s.directory->path() << ")";
    self->delayed_send(self, std::chrono::milliseconds(50), stop_atom::value);
  } else if (command == "verify") {
    return request_verification(self, body);
  } else if (command != "status") {
    return nlohmann::json{{"error", "unknown command " + command}}.dump();
  }
  return task_status_text(task_status(self));
}

}  // namespace omsql::actors::coordination
