#include "src/task/run_report.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "src/log/log.hpp"
#include "src/log/progress_view.hpp"
#include "src/log/text_width.hpp"
#include "src/task/task_state.hpp"

namespace omsql {

namespace {

using nlohmann::json;

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

double seconds_between(int64_t from_ms, int64_t to_ms) { return to_ms > from_ms ? (to_ms - from_ms) / 1000.0 : 0.0; }

// "2026-12-02T03:04:05.678Z"
std::string utc_text(int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[80];  // room for any int the compiler imagines in the fields
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(epoch_ms % 1000));
  return text;
}

// "03:04:05": the summary's start column.
std::string clock_text(int64_t epoch_ms) { return utc_text(epoch_ms).substr(11, 8); }

json table_json(const TableRunReport& t) {
  json j = {{"source", t.source},
            {"target", t.target},
            {"rows", t.rows},
            {"rows_this_run", t.rows_this_run},
            {"rows_before_resume", t.rows_before_resume},
            {"bytes", t.bytes},
            {"bytes_this_run", t.bytes_this_run},
            {"seconds", t.seconds}};
  if (!t.target.empty()) j["done"] = t.done;
  if (t.verification) j["verification"] = *t.verification;
  if (t.differences) j["differences"] = *t.differences;
  return j;
}

}  // namespace

std::optional<std::string> run_phase_name(Phase phase) {
  switch (phase) {
    case Phase::kSchema: return "schema";
    case Phase::kFull: return "copy";
    case Phase::kIndexes: return "indexes";
    case Phase::kIncremental: return "catch-up";
    default: return std::nullopt;
  }
}

RunReport build_run_report(const TaskStatus& status, const RunFacts& facts, const RunEnd& end) {
  RunReport report;
  report.end = end;
  report.seconds = seconds_between(end.started_at_ms, end.ended_at_ms);
  if (end.error) report.outcome = "failed";
  else if (status.ended) report.outcome = *status.ended;
  else report.outcome = end.exit_code == 0 ? "done" : "failed";
  for (const PhaseSpan& span : facts.phases) {
    PhaseReport phase;
    phase.name = span.name;
    phase.started_at_ms = span.started_at_ms;
    phase.ended_at_ms = span.ended_at_ms.value_or(std::max(end.ended_at_ms, span.started_at_ms));
    phase.seconds = seconds_between(phase.started_at_ms, phase.ended_at_ms);
    report.phases.push_back(std::move(phase));
  }
  report.total.source = "total";
  report.total.done = true;
  const VerificationOutcome* verification = status.verification && status.verification->last
                                                ? &*status.verification->last
                                                : nullptr;
  if (status.copy_progress)
    for (const TableCopyStatus& t : *status.copy_progress) {
      TableRunReport table;
      table.source = t.source;
      table.target = t.target;
      table.rows_this_run = t.rows;
      table.rows_before_resume = t.rows_before_resume;
      table.rows = t.rows + t.rows_before_resume;
      table.bytes_this_run = t.bytes;
      table.bytes = t.bytes + t.bytes_before_resume;
      table.seconds = t.seconds;
      table.done = t.done;
      if (verification) {
        auto it = facts.verification.find(t.source);
        if (it != facts.verification.end()) {
          table.verification = it->second.outcome;
          table.differences = it->second.differences;
        }
      }
      report.total.rows += table.rows;
      report.total.rows_this_run += table.rows_this_run;
      report.total.rows_before_resume += table.rows_before_resume;
      report.total.bytes += table.bytes;
      report.total.bytes_this_run += table.bytes_this_run;
      report.total.done = report.total.done && table.done;
      report.tables.push_back(std::move(table));
    }
  for (const PhaseReport& phase : report.phases)
    if (phase.name == "copy") report.total.seconds += phase.seconds;
  if (verification) {
    report.verification = *verification;
    report.total.verification = verification->outcome;
    report.total.differences = verification->differences;
  }
  if (status.retries) report.retries = *status.retries;
  for (const auto& [kind, count] : report.retries) report.retries_total += count;
  report.link = status.link;
  if (end.error) report.last_error = end.error;
  else if (status.last_error) report.last_error = status.last_error->message;
  return report;
}

std::string run_report_json(const RunReport& r) {
  json j;
  j["task_dir"] = r.end.task_dir;
  j["script"] = r.end.script;
  j["outcome"] = r.outcome;
  j["exit_code"] = r.end.exit_code;
  j["started_at_ms"] = r.end.started_at_ms;
  j["started_at"] = utc_text(r.end.started_at_ms);
  j["ended_at_ms"] = r.end.ended_at_ms;
  j["ended_at"] = utc_text(r.end.ended_at_ms);
  j["seconds"] = r.seconds;
  if (r.last_error) j["error"] = *r.last_error;
  json phases = json::array();
  for (const PhaseReport& p : r.phases)
    phases.push_back({{"name", p.name},
                      {"started_at_ms", p.started_at_ms},
                      {"started_at", utc_text(p.started_at_ms)},
                      {"ended_at_ms", p.ended_at_ms},
                      {"ended_at", utc_text(p.ended_at_ms)},
                      {"seconds", p.seconds}});
  j["phases"] = std::move(phases);
  json tables = json::array();
  for (const TableRunReport& t : r.tables) tables.push_back(table_json(t));
  j["tables"] = std::move(tables);
  json total = table_json(r.total);
  total.erase("source");
  total.erase("target");
  total["tables"] = r.tables.size();
  j["total"] = std::move(total);
  j["retries"] = r.retries;
  j["total"]["retries"] = r.retries_total;
  if (r.verification) {
    json v = {{"id", r.verification->id}, {"outcome", r.verification->outcome}, {"exit_code", r.verification->exit_code}};
    if (r.verification->differences) v["differences"] = *r.verification->differences;
    if (r.verification->report) v["report"] = *r.verification->report;
    if (r.verification->error) v["error"] = *r.verification->error;
    j["verification"] = std::move(v);
  }
  if (r.link) {
    json link = {{"source_position", r.link->source_position},
                 {"applied_position", r.link->applied_position},
                 {"events_applied", r.link->events_applied},
                 {"caught_up", r.link->caught_up}};
    if (r.link->lag_seconds) link["lag_seconds"] = *r.link->lag_seconds;
    j["link"] = std::move(link);
  }
  return j.dump(2) + "\n";
}

std::vector<std::string> run_summary_lines(const RunReport& r, size_t width) {
  std::vector<std::string> lines;
  auto add = [&](const std::string& line) { lines.push_back(log::cut_to_width(line, width)); };
  // Tables: the name takes what the figures leave, as in the progress table.
  const size_t figures = 12 + 10 + 9 + 8 + 11;
  const size_t name_width = width > figures + 14 ? width - figures : 14;
  auto row = [&](const std::string& name, const std::vector<std::string>& cells) {
    static const size_t widths[] = {12, 10, 9, 8, 11};
    std::string line = log::fit_to_width(name, name_width);
    for (size_t i = 0; i < cells.size(); ++i) line += log::fit_to_width(cells[i], widths[i], true);
    add(line);
  };
  row("phase", {"start", "seconds"});
  for (const PhaseReport& p : r.phases) row(p.name, {clock_text(p.started_at_ms), fixed(p.seconds, 1)});
  lines.push_back("");
  auto table_row = [&](const TableRunReport& t, const std::string& name) {
    const double rate = t.seconds > 0 ? t.rows_this_run / t.seconds : 0;
    row(name, {std::to_string(t.rows), fixed(t.bytes / 1e6, 1), t.seconds > 0 ? fixed(rate, 0) : "-",
               log::duration_text(t.seconds), t.verification.value_or("-")});
  };
  row("table", {"rows", "MB", "rows/s", "time", "verified"});
  for (const TableRunReport& t : r.tables) table_row(t, t.source + " -> " + t.target);
  table_row(r.total, "total");
  if (r.total.rows_before_resume > 0)
    add(std::to_string(r.total.rows_before_resume) + " of the rows were copied before the resume");
  if (r.retries_total > 0) {
    std::string kinds;
    for (const auto& [kind, count] : r.retries)
      if (count > 0) kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(count);
    add(std::to_string(r.retries_total) + " server call(s) retried: " + kinds);
  }
  add("outcome: " + r.outcome + " (exit " + std::to_string(r.end.exit_code) + ") after " + log::duration_text(r.seconds));
  if (r.last_error) add("error: " + *r.last_error);
  return lines;
}

Status write_run_report(const std::string& path, const RunReport& report) {
  std::string summary;
  for (const auto& line : run_summary_lines(report, log::terminal_is_tty() ? log::terminal_size().width : 100))
    summary += line + "\n";
  log::result("report", summary);
  if (auto written = write_file_atomically(path, run_report_json(report)); !written)
    return written.with_context("writing the run report " + path);
  return Status::ok();
}

}  // namespace omsql
