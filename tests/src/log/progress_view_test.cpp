#include "src/log/progress_view.hpp"

#include <doctest/doctest.h>

#include "src/log/text_width.hpp"

using namespace omsql;
using namespace omsql::log;

namespace {

// source, target, rows this run, bytes this run, estimate, seconds, done, rows before the resume
TableCopyStatus table(std::string source, std::string target, uint64_t rows, uint64_t bytes, uint64_t estimate,
                      double seconds, bool done, uint64_t before = 0) {
  TableCopyStatus t;
  t.source = std::move(source);
  t.target = std::move(target);
  t.rows = rows;
  t.bytes = bytes;
  t.estimated_rows = estimate;
  t.seconds = seconds;
  t.done = done;
  t.rows_before_resume = before;
  t.bytes_before_resume = before * 80;
  return t;
}

// A resumed table being copied, one done with a long name, one waiting.
std::vector<TableCopyStatus> three_tables() {
  return {table("shop.orders", "copy.orders", 1200, 96000, 3000, 2.0, false, 800),
          table("shop.order_items_archive", "copy.order_items_archive", 5000, 400000, 4000, 4.0, true),
          table("shop.empty", "copy.empty", 0, 0, 0, 0, false)};
}

void all_fit(const std::vector<std::string>& lines, size_t width) {
  for (const auto& line : lines) {
    INFO(line);
    CHECK(display_width(line) <= width);
  }
}

}  // namespace

TEST_CASE("durations: tenths under 10 s, then seconds, minutes, hours, days") {
  CHECK(duration_text(0.44) == "0.4s");
  CHECK(duration_text(12.4) == "12s");
  CHECK(duration_text(245) == "4m05s");
  CHECK(duration_text(7380) == "2h03m");
  CHECK(duration_text(3 * 86400 + 4 * 3600) == "3d04h");
}

TEST_CASE("the copy's table at 120 columns: every column, names in full") {
  auto lines = copy_progress_lines(three_tables(), 5.0, {120, 24});
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "table                                                                        rows      %   rows/s   MB/s    time     ETA");
  CHECK(lines[1] == "shop.orders -> copy.orders                                                   2000  66.7%      600    0.0    2.0s    1.7s");
  CHECK(lines[2] == "shop.order_items_archive -> copy.order_items_archive                         5000 100.0%     1250    0.1    4.0s    done");
  CHECK(lines[3] == "shop.empty -> copy.empty                                                        0      -        -      -       - waiting");
  CHECK(lines[4] == "total                                                                        7000  87.5%     1240    0.1    5.0s    0.8s");
  all_fit(lines, 120);
}

TEST_CASE("the copy's table at 80 columns") {
  auto lines = copy_progress_lines(three_tables(), 5.0, {80, 24});
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "table                                rows      %   rows/s   MB/s    time     ETA");
  CHECK(lines[1] == "shop.orders -> copy.orders           2000  66.7%      600    0.0    2.0s    1.7s");
  CHECK(lines[2] == "shop.order_items_archive             5000 100.0%     1250    0.1    4.0s    done");
  CHECK(lines[3] == "shop.empty -> copy.empty                0      -        -      -       - waiting");
  CHECK(lines[4] == "total                                7000  87.5%     1240    0.1    5.0s    0.8s");
  all_fit(lines, 80);
}

TEST_CASE("the copy's table at 40 columns: MB/s, ETA and rows/s left out, names shortened") {
  auto lines = copy_progress_lines(three_tables(), 5.0, {40, 24});
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "table                rows      %    time");
  CHECK(lines[1] == "shop.orders          2000  66.7%    2.0s");
  CHECK(lines[2] == "…tems_archive        5000 100.0%    4.0s");
  CHECK(lines[3] == "shop.empty              0      -       -");
  CHECK(lines[4] == "total                7000  87.5%    5.0s");
  all_fit(lines, 40);
}

TEST_CASE("more tables than lines: those being copied first, one line counts the rest") {
  std::vector<TableCopyStatus> tables;
  for (int i = 0; i < 6; ++i) tables.push_back(table("s.done" + std::to_string(i), "t.done" + std::to_string(i), 10, 800, 10, 1, true));
  tables.push_back(table("s.waiting", "t.waiting", 0, 0, 100, 0, false));
  tables.push_back(table("s.busy", "t.busy", 50, 4000, 100, 1, false));
  auto lines = copy_progress_lines(tables, 3.0, {60, 8});  // room for 4: 3 tables and the count
  REQUIRE(lines.size() == 6);
  CHECK(lines[1] == "s.busy -> t.busy          50  50.0%       50    1.0s    1.0s");
  CHECK(lines[2] == "s.waiting                  0   0.0%        -       - waiting");
  CHECK(lines[3] == "s.done0                   10 100.0%       10    1.0s    done");
  CHECK(lines[4] == "… 5 more: 0 copying, 0 waiting, 5 done");
  CHECK(lines[5] == "total                    110  42.3%       37    3.0s    4.1s");
  all_fit(lines, 60);
}

TEST_CASE("wide characters in a name count two columns") {
  auto lines = copy_progress_lines({table("店.订单表的名字很长很长很长", "店.订单表的名字很长很长很长", 1, 80, 2, 1, false)}, 1.0, {40, 24});
  CHECK(lines[1] == "…很长很长很长           1  50.0%    1.0s");
  all_fit(lines, 40);
}

TEST_CASE("the final summary: rows, MB, rows/s, time, and the line tests and bench read") {
  CopySummary summary{6200, 496000, 5.5};
  auto lines = copy_summary_lines(three_tables(), summary, 80);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "table                                            rows        MB   rows/s    time");
  CHECK(lines[1] == "shop.orders -> copy.orders                       2000       0.2      600    2.0s");
  CHECK(lines[4] == "total                                            7000       0.6     1127    5.5s");
  CHECK(lines[5] == "copied 6200 rows (0.5 MB) in 5.50 s");
  all_fit(lines, 80);
  all_fit(copy_summary_lines(three_tables(), summary, 40), 40);
}

TEST_CASE("the plain line for a log that is no terminal") {
  CHECK(copy_progress_plain(three_tables(), 5.0) == "progress: 7000 of ~8000 rows (87.5%), 1240 rows/s, 5.0s elapsed, ETA 0.8s");
  CHECK(copy_progress_plain({table("s.a", "t.a", 10, 800, 10, 1, true)}, 2.0) == "progress: 10 of ~10 rows (100.0%), 5 rows/s, 2.0s elapsed, done");
}

TEST_CASE("the live link's line: the state first, cut to the width") {
  TaskStatus status;
  LinkStatus link;
  link.applied_position = "mysql-bin.000003:123456";
  link.lag_seconds = 0.42;
  link.events_per_second = 1234;
  link.events_applied = 98765;
  link.caught_up = true;
  status.link = link;
  CHECK(link_progress_line(status, 120) == "live: caught up, lag 0.4 s, 1234 events/s, 98765 applied, at mysql-bin.000003:123456");
  CHECK(link_progress_line(status, 80) == "live: caught up, lag 0.4 s, 1234 events/s, 98765 applied, at mysql-bin.000003:1…");
  CHECK(link_progress_line(status, 40) == "live: caught up, lag 0.4 s, 1234 events…");
  status.paused = true;
  CHECK(link_progress_line(status, 80) == "live: paused, lag 0.4 s, 1234 events/s, 98765 applied, at mysql-bin.000003:1234…");
  status.paused = false;
  status.link->caught_up = false;
  status.link->capture_paused = "the spool's disk is full";
  CHECK(link_progress_line(status, 80) == "live: waiting for spool space, lag 0.4 s, 1234 events/s, 98765 applied, at mysq…");
  status.link->capture_paused.reset();
  status.last_retry = RetryNote{"writing a batch", "lost connection", 3};
  CHECK(link_progress_line(status, 80) == "live: retrying a server, lag 0.4 s, 1234 events/s, 98765 applied, at mysql-bin.…");
  status.last_retry->seconds_ago = 60;
  CHECK(link_progress_line(status, 80) == "live: catching up, lag 0.4 s, 1234 events/s, 98765 applied, at mysql-bin.000003…");
  DdlStopStatus stop;
  stop.statement = "ALTER TABLE t ADD c INT";
  status.ddl_stop = stop;
  CHECK(link_progress_line(status, 80) == "live: stopped at a DDL (omsrun ddl), lag 0.4 s, 1234 events/s, 98765 applied, a…");
}
