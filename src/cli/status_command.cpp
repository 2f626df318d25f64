// `omsrun status --task DIR`: what a task is doing, or what it last did (src/runner/status.hpp
// gathers it as a TaskStatus; this file prints it).
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/cli/commands.hpp"
#include "src/cli/script_loader.hpp"
#include "src/runner/status.hpp"
#include "src/runner/status_text.hpp"
#include "src/log/log.hpp"

namespace omsql::cli {

namespace {

std::string clock_text(int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return text;
}

}  // namespace

// "1000 rows/s, unlimited events/s": the limits a status shows.
std::string limits_text(const TaskStatus& status) {
  auto limit = [&](const std::optional<int64_t>& field, const char* unit) {
    int64_t value = field.value_or(0);
    return (value == 0 ? std::string("unlimited") : std::to_string(value)) + " " + unit;
  };
  return limit(status.max_rows_per_sec, "rows/s (copy)") + ", " + limit(status.max_events_per_sec, "events/s (replay)");
}

int show_status(const std::string& task_dir, bool json) {
  auto observed = runner::observe_task(task_dir);
  if (!observed) {
    log::error("status") << observed.status().message();
    return kExitFailure;
  }
  const TaskStatus& status = observed->status;
  // The table-set changes the live link made (table-set.json): read here, not sent by the task,
  // since they are durable before the statement is even spooled.
  std::optional<TableSet> set;
  if (auto loaded = load_table_set(task_dir); loaded && loaded->has_value()) set = std::move(**loaded);
  if (json) {
    nlohmann::json out = nlohmann::json::parse(task_status_text(status, 2));
    if (set) {
      nlohmann::json changes = nlohmann::json::array();
      for (const std::string& line : runner::table_set_lines(*set)) changes.push_back(line);
      out["table_set_changes"] = std::move(changes);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  const bool running = status.running.value_or(false);
  std::cout << "task       " << task_dir;
  if (running)
    std::cout << " (running, pid " << status.pid.value_or(0) << ")\n";
  else
    std::cout << " (not running: " << status.ended.value_or("not running") << ")\n";
  std::cout << "phase      " << status.phase.value_or("?") << (status.paused ? " (paused)" : "") << "\n";
  if (running)
    for (const std::string& wait : runner::waiting_for(status)) std::cout << "waiting    for " << wait << "\n";
  if (status.copies_redone)
    for (const auto& [table, where] : *status.copies_redone)
      std::cout << "recopy     " << table << ": a DDL changed it during its copy; the live link copies it again "
                << where << "\n";
  if (status.max_rows_per_sec) std::cout << "throttle   " << limits_text(status) << "\n";
  if (status.link) {
    const LinkStatus& link = *status.link;
    std::cout << "source     " << link.source_position << "\n"
              << "applied    " << link.applied_position << "\n";
    if (running && link.capture_paused) std::cout << "capture    paused: " << *link.capture_paused << "\n";
    if (running)
      std::cout << "lag        " << link.lag_seconds.value_or(0.0) << " s\n"
                << "rate       " << link.events_per_second.value_or(0.0) << " events/s\n";
    else
      std::cout << "lag        unknown: not running (" << link.last_lag_seconds.value_or(0.0)
                << " s when last written, " << clock_text(status.updated_at.value_or(0)) << ")\n";
    std::cout << "applied    " << link.events_applied << " change(s) by "
              << (running ? "this process" : "the last process") << "\n"
              << "caught up  " << (link.caught_up ? "yes" : "no") << "\n";
  }
  if (running && status.link && status.link->spool_bytes)
    std::cout << "spool      " << *status.link->spool_bytes / 1000 << " kB on disk\n";
  if (observed->tables_copied)
    std::cout << "copy       " << observed->tables_copied->first << "/" << observed->tables_copied->second
              << " table(s) copied\n";
  if (status.copy_progress && !status.copy_progress->empty()) {
    std::cout << "tables     rows copied by " << (running ? "this process" : "the last process") << "\n";
    for (const std::string& line : runner::table_progress_lines(*status.copy_progress))
      std::cout << "  " << line << "\n";
  }
  if (set)
    for (const std::string& line : runner::table_set_lines(*set)) std::cout << "table set  " << line << "\n";
  if (status.retries) {
    std::string counts;
    for (const auto& [kind, count] : *status.retries)
      if (count > 0) counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(count);
    if (!counts.empty()) std::cout << "retries    " << counts << "\n";
  }
  if (running && status.last_retry)
    std::cout << "last retry " << status.last_retry->seconds_ago << " s ago: " << status.last_retry->what << ": "
              << status.last_retry->error << "\n";
  if (status.verification) {
    const VerificationStatus& v = *status.verification;
    if (v.running) {
      std::cout << "verify     " << v.id << " running";
      if (v.progress)
        std::cout << ": " << v.progress->tables_done << "/" << v.progress->tables << " table(s), " << v.progress->rows
                  << " rows";
      std::cout << "\n";
    }
    if (v.last)
      std::cout << "verified   " << v.last->id << ": " << v.last->outcome
                << (v.last->differences ? ", " + std::to_string(*v.last->differences) + " differing row(s)" : "")
                << " (exit " << v.last->exit_code << ")" << (v.last->report ? ", report " + *v.last->report : "")
                << "\n";
  }
  if (status.ddl_stop) {
    const DdlStopStatus& stop = *status.ddl_stop;
    std::cout << "ddl stop   at " << stop.position << ": \"" << stop.statement << "\"\n"
              << "           why: " << stop.reason << "\n";
    if (stop.resolution) {
      std::cout << "           resolution " << *stop.resolution << ": " << stop.next_run.value_or("") << "\n";
    } else {
      std::cout << "waiting    for a DDL decision; then run the task again:\n";
      for (const std::string& command : stop.commands) std::cout << "           " << command << "\n";
    }
  }
  if (status.last_error) {
    const LastError& e = *status.last_error;
    const bool earlier = running && e.pid != status.pid.value_or(0);
    std::cout << "last error " << (earlier ? "(an earlier run, " : "(") << "pid " << e.pid << ", " << clock_text(e.at)
              << ") " << e.message << "\n";
  }
  return 0;
}

}  // namespace omsql::cli
