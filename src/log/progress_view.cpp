#include "src/log/progress_view.hpp"

#include <algorithm>
#include <cstdio>

#include "src/log/text_width.hpp"

namespace omsql::log {

namespace {

// The name column is never narrower than this while a column can still be left out for it.
constexpr size_t kMinNameWidth = 14;
// A retry this recent counts as "retrying now" (the backoff between attempts caps at 10 s).
constexpr double kRetryingWithinSeconds = 15.0;

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

enum class Col { kRows, kPercent, kRate, kMegabytes, kMegabytesPerSecond, kTime, kEta };

struct Column {
  Col id;
  const char* title;
  size_t width;  // including the one space that separates it from the column before
};

// The columns that fit `width` (in display order), from `all`, leaving out those named in
// `drop_order` one by one until the name has kMinNameWidth; and the name's width.
std::pair<std::vector<Column>, size_t> fit_columns(std::vector<Column> all, const std::vector<Col>& drop_order,
                                                   size_t width) {
  auto used = [&] {
    size_t sum = 0;
    for (const Column& c : all) sum += c.width;
    return sum;
  };
  for (Col drop : drop_order) {
    if (used() + kMinNameWidth <= width) break;
    all.erase(std::remove_if(all.begin(), all.end(), [&](const Column& c) { return c.id == drop; }), all.end());
  }
  const size_t name = width > used() ? width - used() : 0;
  return {all, name};
}

// "db.t -> db2.t" when it fits, else the source, else the source's end after "…" (the table's
// name is at the end, and says more than the schema's).
std::string table_name(const std::string& source, const std::string& target, size_t width) {
  const std::string both = source + " -> " + target;
  if (display_width(both) <= width) return both;
  if (display_width(source) <= width) return source;
  if (width <= 1) return cut_to_width(source, width);
  // The longest suffix of whole code points that fits in width - 1 columns.
  size_t start = source.size();
  while (start > 0) {
    size_t previous = start - 1;
    while (previous > 0 && (static_cast<unsigned char>(source[previous]) & 0xC0) == 0x80) --previous;
    if (display_width(std::string_view(source).substr(previous)) > width - 1) break;
    start = previous;
  }
  return "…" + source.substr(start);
}

struct Figures {
  std::string name;
  uint64_t rows = 0;            // so far, earlier runs included
  uint64_t rows_this_run = 0;
  uint64_t bytes = 0;           // so far
  uint64_t bytes_this_run = 0;
  uint64_t estimate = 0;        // 0: unknown
  double seconds = 0;           // this run's time over which rows_this_run were copied
  bool done = false;
  bool started = false;
};

Figures figures_of(const TableCopyStatus& t, const std::string& name) {
  Figures f;
  f.name = name;
  f.rows = t.rows_before_resume + t.rows;
  f.rows_this_run = t.rows;
  f.bytes = t.bytes_before_resume + t.bytes;
  f.bytes_this_run = t.bytes;
  f.estimate = t.estimated_rows;
  f.seconds = t.seconds;
  f.done = t.done;
  f.started = f.rows > 0;
  return f;
}

std::string percent_text(const Figures& f) {
  if (f.done) return "100.0%";
  if (f.estimate == 0) return "-";
  double percent = 100.0 * static_cast<double>(f.rows) / static_cast<double>(f.estimate);
  // The estimate is the source's guess: a table not done is never shown complete.
  percent = std::min(percent, 99.9);
  return fixed(percent, 1) + "%";
}

double rate_of(const Figures& f) { return f.seconds > 0 ? static_cast<double>(f.rows_this_run) / f.seconds : 0; }

std::string eta_text(const Figures& f) {
  if (f.done) return "done";
  const double rate = rate_of(f);
  if (!f.started) return "waiting";
  if (f.estimate <= f.rows || rate <= 0) return "-";
  return duration_text(static_cast<double>(f.estimate - f.rows) / rate);
}

std::string cell(const Figures& f, Col col) {
  switch (col) {
    case Col::kRows: return std::to_string(f.rows);
    case Col::kPercent: return percent_text(f);
    case Col::kRate: return f.seconds > 0 ? fixed(rate_of(f), 0) : "-";
    case Col::kMegabytes: return fixed(static_cast<double>(f.bytes) / 1e6, 1);
    case Col::kMegabytesPerSecond:
      return f.seconds > 0 ? fixed(static_cast<double>(f.bytes_this_run) / f.seconds / 1e6, 1) : "-";
    case Col::kTime: return f.seconds > 0 || f.done ? duration_text(f.seconds) : "-";
    case Col::kEta: return eta_text(f);
  }
  return "";
}

std::string row_line(const std::string& name, const std::vector<std::string>& cells, const std::vector<Column>& columns,
                     size_t name_width, size_t width) {
  std::string line = fit_to_width(name, name_width);
  for (size_t i = 0; i < columns.size(); ++i) line += fit_to_width(cells[i], columns[i].width, true);
  // A cell wider than its column (a count of 12 digits) widens the line: the width still holds.
  return cut_to_width(line, width);
}

std::string header_line(const std::vector<Column>& columns, size_t name_width, size_t width) {
  std::vector<std::string> titles;
  for (const Column& c : columns) titles.push_back(c.title);
  return row_line("table", titles, columns, name_width, width);
}

std::string figures_line(const Figures& f, const std::vector<Column>& columns, size_t name_width, size_t width) {
  std::vector<std::string> cells;
  for (const Column& c : columns) cells.push_back(cell(f, c.id));
  return row_line(f.name, cells, columns, name_width, width);
}

Figures total_of(const std::vector<TableCopyStatus>& tables, double elapsed_seconds) {
  Figures total;
  total.name = "total";
  total.done = !tables.empty();
  for (const TableCopyStatus& t : tables) {
    const Figures f = figures_of(t, "");
    total.rows += f.rows;
    total.rows_this_run += f.rows_this_run;
    total.bytes += f.bytes;
    total.bytes_this_run += f.bytes_this_run;
    total.estimate += f.done ? f.rows : std::max(f.estimate, f.rows);
    total.done = total.done && f.done;
  }
  total.started = total.rows > 0;
  total.seconds = elapsed_seconds;
  return total;
}

int display_rank(const TableCopyStatus& t) {
  if (t.done) return 2;
  return t.rows_before_resume + t.rows > 0 ? 0 : 1;  // being copied first, then waiting
}

}  // namespace

std::string duration_text(double seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 9.95) return fixed(seconds, 1) + "s";
  if (seconds < 59.5) return fixed(seconds, 0) + "s";
  const auto whole = static_cast<uint64_t>(seconds + 0.5);
  char text[64];
  if (whole < 3600)
    std::snprintf(text, sizeof text, "%llum%02llus", static_cast<unsigned long long>(whole / 60),
                  static_cast<unsigned long long>(whole % 60));
  else if (whole < 86400)
    std::snprintf(text, sizeof text, "%lluh%02llum", static_cast<unsigned long long>(whole / 3600),
                  static_cast<unsigned long long>(whole % 3600 / 60));
  else
    std::snprintf(text, sizeof text, "%llud%02lluh", static_cast<unsigned long long>(whole / 86400),
                  static_cast<unsigned long long>(whole % 86400 / 3600));
  return text;
}

std::vector<std::string> copy_progress_lines(const std::vector<TableCopyStatus>& tables, double elapsed_seconds,
                                             TerminalSize size) {
  auto [columns, name_width] = fit_columns({{Col::kRows, "rows", 12},
                                            {Col::kPercent, "%", 7},
                                            {Col::kRate, "rows/s", 9},
                                            {Col::kMegabytesPerSecond, "MB/s", 7},
                                            {Col::kTime, "time", 8},
                                            {Col::kEta, "ETA", 8}},
                                           {Col::kMegabytesPerSecond, Col::kEta, Col::kRate}, size.width);
  std::vector<std::string> lines{header_line(columns, name_width, size.width)};
  // Header, total, the line counting what is left out, and the cursor's line below the area.
  const size_t room = size.height > 5 ? size.height - 4 : 1;
  std::vector<size_t> order(tables.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (tables.size() > room)
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return display_rank(tables[a]) < display_rank(tables[b]); });
  const size_t shown = tables.size() > room ? room - (room > 1 ? 1 : 0) : tables.size();
  for (size_t k = 0; k < shown; ++k) {
    const TableCopyStatus& t = tables[order[k]];
    lines.push_back(figures_line(figures_of(t, table_name(t.source, t.target, name_width)), columns, name_width,
                                 size.width));
  }
  if (shown < tables.size()) {
    size_t copying = 0, waiting = 0, done = 0;
    for (size_t k = shown; k < tables.size(); ++k) {
      const int rank = display_rank(tables[order[k]]);
      (rank == 0 ? copying : rank == 1 ? waiting : done)++;
    }
    lines.push_back(cut_to_width("… " + std::to_string(tables.size() - shown) + " more: " + std::to_string(copying) +
                                     " copying, " + std::to_string(waiting) + " waiting, " + std::to_string(done) +
                                     " done",
                                 size.width));
  }
  lines.push_back(figures_line(total_of(tables, elapsed_seconds), columns, name_width, size.width));
  return lines;
}

std::vector<std::string> copy_summary_lines(const std::vector<TableCopyStatus>& tables, const CopySummary& summary,
                                            size_t width) {
  auto [columns, name_width] = fit_columns(
      {{Col::kRows, "rows", 12}, {Col::kMegabytes, "MB", 10}, {Col::kRate, "rows/s", 9}, {Col::kTime, "time", 8}},
      {Col::kRate, Col::kMegabytes}, width);
  std::vector<std::string> lines{header_line(columns, name_width, width)};
  for (const TableCopyStatus& t : tables)
    lines.push_back(figures_line(figures_of(t, table_name(t.source, t.target, name_width)), columns, name_width, width));
  lines.push_back(figures_line(total_of(tables, summary.seconds), columns, name_width, width));
  lines.push_back("copied " + std::to_string(summary.rows) + " rows (" + fixed(static_cast<double>(summary.bytes) / 1e6, 1) +
                  " MB) in " + fixed(summary.seconds, 2) + " s");
  return lines;
}

std::string copy_progress_plain(const std::vector<TableCopyStatus>& tables, double elapsed_seconds) {
  const Figures total = total_of(tables, elapsed_seconds);
  std::string line = "progress: " + std::to_string(total.rows);
  if (total.estimate > 0) line += " of ~" + std::to_string(total.estimate);
  line += " rows";
  if (total.estimate > 0) line += " (" + percent_text(total) + ")";
  line += ", " + fixed(rate_of(total), 0) + " rows/s, " + duration_text(elapsed_seconds) + " elapsed";
  const std::string eta = eta_text(total);
  if (eta == "done") line += ", done";
  else if (eta != "-" && eta != "waiting") line += ", ETA " + eta;
  return line;
}

std::string link_progress_line(const TaskStatus& status, size_t width) {
  if (!status.link) return cut_to_width("live: no incremental link", width);
  const LinkStatus& link = *status.link;
  std::string state;
  if (status.ddl_stop && !status.ddl_stop->resolution) state = "stopped at a DDL (omsrun ddl)";
  else if (status.paused) state = "paused";
  else if (link.capture_paused) state = "waiting for spool space";
  else if (link.table_copy) state = "copying a table again";
  else if (status.last_retry && status.last_retry->seconds_ago <= kRetryingWithinSeconds) state = "retrying a server";
  else if (link.caught_up) state = "caught up";
  else state = "catching up";
  std::string line = "live: " + state;
  if (link.lag_seconds) line += ", lag " + fixed(*link.lag_seconds, 1) + " s";
  if (link.events_per_second) line += ", " + fixed(*link.events_per_second, 0) + " events/s";
  line += ", " + std::to_string(link.events_applied) + " applied";
  if (!link.applied_position.empty()) line += ", at " + link.applied_position;
  return cut_to_width(line, width);
}

}  // namespace omsql::log
