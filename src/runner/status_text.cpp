#include "src/runner/status_text.hpp"

#include <algorithm>
#include <cstdio>

namespace omsql::runner {

namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string seconds_text(double seconds) { return fixed(seconds, seconds < 10 ? 1 : 0) + " s"; }

}  // namespace

std::vector<std::string> waiting_for(const TaskStatus& status) {
  std::vector<std::string> waits;
  if (status.link && status.link->capture_paused)
    waits.push_back("spool space: " + *status.link->capture_paused + "; binlog capture resumes by itself");
  if (status.last_retry && status.last_retry->seconds_ago <= kRetryingWithinSeconds)
    waits.push_back("a server: retrying " + status.last_retry->what + " (" + status.last_retry->error +
                    "; last attempt " + seconds_text(status.last_retry->seconds_ago) + " ago)");
  if (status.link && status.link->table_copy)
    waits.push_back("the in-link copy: " + *status.link->table_copy + "; replay goes on after it");
  if (status.paused) waits.push_back("omsrun resume: the task is paused");
  if (status.ddl_stop && !status.ddl_stop->resolution)
    waits.push_back("a DDL decision: the link stops at \"" + status.ddl_stop->statement + "\" (" +
                    status.ddl_stop->position + "); omsrun ddl skip|applied|retry --task DIR");
  return waits;
}

std::vector<std::string> table_progress_lines(const std::vector<TableCopyStatus>& tables) {
  std::vector<std::string> lines;
  for (const TableCopyStatus& t : tables) {
    // Earlier runs' rows count in the total and the %, not in this run's rate.
    const uint64_t rows = t.rows_before_resume + t.rows;
    std::string line = t.source + " -> " + t.target + "  " + std::to_string(rows);
    if (t.estimated_rows > 0) {
      const double percent = std::min(100.0, 100.0 * static_cast<double>(rows) / static_cast<double>(t.estimated_rows));
      line += " of ~" + std::to_string(t.estimated_rows) + " rows (" + fixed(percent, 1) + "%)";
    } else {
      line += " rows";
    }
    if (t.seconds > 0) line += ", " + fixed(static_cast<double>(t.rows) / t.seconds, 0) + " rows/s";
    if (t.rows_before_resume > 0) line += " (" + std::to_string(t.rows_before_resume) + " before the resume)";
    line += t.done ? ", done" : rows > 0 ? ", copying" : ", waiting";
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string control_sentence(const std::string& command, bool changed, const std::string& task_dir) {
  if (command == "pause")
    return changed ? "paused task " + task_dir +
                         ": chunk reading and change applying hold, binlog capture goes on (omsrun resume --task " +
                         task_dir + " to go on)"
                   : "task " + task_dir + " was already paused: nothing changed";
  if (command == "resume")
    return changed ? "resumed task " + task_dir + ": copy and apply go on"
                   : "task " + task_dir + " was not paused: nothing changed";
  return command + ": done";
}

namespace {
std::string statement_excerpt(const std::string& statement) {
  constexpr size_t kMost = 80;
  std::string one_line;
  for (char c : statement) one_line += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return one_line.size() <= kMost ? one_line : one_line.substr(0, kMost - 3) + "...";
}
}  // namespace

std::vector<std::string> table_set_lines(const TableSet& set) {
  struct Line {
    SourcePosition at;
    std::string text;
  };
  std::vector<Line> lines;
  for (const auto& entry : set.tables) {
    if (!entry.joined) continue;
    lines.push_back({entry.joined->position, "joined  " + entry.source.str() + " (to " + entry.target.str() + ") at " +
                                                 entry.joined->position.str() + ": " +
                                                 statement_excerpt(entry.joined->statement)});
  }
  for (const auto& left : set.left) {
    std::string fate = left.renamed_to ? "renamed to " + left.renamed_to->str()
                                       : std::string("dropped, its target table with it");
    lines.push_back({left.position, "left    " + left.source.str() + " (to " + left.target.str() + ") at " +
                                        left.position.str() + ": " + fate + " (" + statement_excerpt(left.statement) + ")"});
  }
  // A RENAME within the names records the old name leaving and the new one joining at one
  // position: the leaving line first.
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    if (a.at < b.at || b.at < a.at) return a.at < b.at;
    return a.text.rfind("left", 0) == 0 && b.text.rfind("joined", 0) == 0;
  });
  std::vector<std::string> out;
  for (auto& line : lines) out.push_back(std::move(line.text));
  return out;
}

}  // namespace omsql::runner
