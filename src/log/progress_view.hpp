#pragma once
// What the terminal shows of a running task (issue 14 §4). Pure: a task's status, the elapsed time
// and the terminal's size in; lines out, none wider than the width (a wider line wraps, and the
// redraw, which moves the cursor up by lines, then overwrites the wrong ones). Unit-tested to the
// character in tests/src/log/progress_view_test.cpp; the coordinator decides when to draw.
//
// The copy's table, per table and in total: rows so far (those an earlier run copied included),
// % of the source's estimate, rows/s and MB/s over the table's own copy time in this run, that
// time, and the ETA. Columns that do not fit are left out, the least telling first (MB/s, then
// ETA, then rows/s), and the table's name is shortened to the room left: "source -> target",
// else the source, else the source's end after "…".
#include <cstddef>
#include <string>
#include <vector>

#include "src/log/text_width.hpp"
#include "src/task/task_status.hpp"

namespace omsql::log {

// The copy's status area: a header, the tables, a total line. When the tables do not fit the
// height (less 4 lines: the area must not scroll), those being copied come first, then those
// waiting, then those done, and one line counts the ones left out. `elapsed_seconds`: the run's
// copy time so far (the total's rates divide by it).
std::vector<std::string> copy_progress_lines(const std::vector<TableCopyStatus>& tables, double elapsed_seconds,
                                             TerminalSize size);

// The copy's final table (pgloader's summary): every table, with its time instead of an ETA, the
// total, and "copied N rows (X MB) in S s" (N: this run's rows; the tests and bench read it).
std::vector<std::string> copy_summary_lines(const std::vector<TableCopyStatus>& tables, const CopySummary& summary,
                                            size_t width);

// One plain line for a log that is no terminal (written every 10 s during the copy):
// "progress: 1200 of ~3000 rows (40.0%), 600 rows/s, 2.0 s elapsed, ETA 3s".
std::string copy_progress_plain(const std::vector<TableCopyStatus>& tables, double elapsed_seconds);

// The live link's line: "live: <state>, lag 0.4 s, 1200 events/s, applied <position>", cut to
// `width`. The state says what matters most first: stopped at a DDL, paused, waiting for spool
// space, copying a table again, retrying a server call, catching up, caught up.
std::string link_progress_line(const TaskStatus& status, size_t width);

// Durations as the table shows them: "0.4s", "12s", "4m05s", "2h03m", "3d04h".
std::string duration_text(double seconds);

}  // namespace omsql::log
