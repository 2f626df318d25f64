#include "src/runner/status_text.hpp"

#include <doctest/doctest.h>

using namespace omsql;
using namespace omsql::runner;

TEST_CASE("pause and resume say what changed, and when nothing did") {
  CHECK(control_sentence("pause", true, "/t") ==
        "paused task /t: chunk reading and change applying hold, binlog capture goes on (omsrun resume --task /t "
        "to go on)");
  CHECK(control_sentence("pause", false, "/t") == "task /t was already paused: nothing changed");
  CHECK(control_sentence("resume", true, "/t") == "resumed task /t: copy and apply go on");
  CHECK(control_sentence("resume", false, "/t") == "task /t was not paused: nothing changed");
}

TEST_CASE("per-table progress: rows of the estimate, percent, the table's own rate, state") {
  TableCopyStatus copying{"shop.orders", "copy.orders", 1200, 96000, 3000, 2, 2.0, false};
  TableCopyStatus done{"shop.items", "copy.items", 5000, 1, 4000, 5, 4.0, true};
  TableCopyStatus waiting{"shop.empty", "copy.empty", 0, 0, 0, 0, 0, false};
  auto lines = table_progress_lines({copying, done, waiting});
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "shop.orders -> copy.orders  1200 of ~3000 rows (40.0%), 600 rows/s, copying");
  // An estimate below the rows copied (InnoDB's TABLE_ROWS) never shows more than 100%.
  CHECK(lines[1] == "shop.items -> copy.items  5000 of ~4000 rows (100.0%), 1250 rows/s, done");
  CHECK(lines[2] == "shop.empty -> copy.empty  0 rows, waiting");
}

TEST_CASE("a resumed table counts the rows earlier runs copied; its rate is this run's own") {
  TableCopyStatus resumed{"shop.orders", "copy.orders", 400, 40000, 3000, 1, 2.0, false};
  resumed.rows_before_resume = 1600;
  auto lines = table_progress_lines({resumed});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "shop.orders -> copy.orders  2000 of ~3000 rows (66.7%), 200 rows/s (1600 before the resume), copying");
}

TEST_CASE("what a task waits for: spool space, a server being retried, a resume") {
  TaskStatus status;
  CHECK(waiting_for(status).empty());
  status.paused = true;
  LinkStatus link;
  link.capture_paused = "spool /t/spool is out of space (3 MB free)";
  status.link = link;
  status.last_retry = RetryNote{"writing a batch of copy.orders", "target 127.0.0.1:3307: lost connection", 2.5};
  auto waits = waiting_for(status);
  REQUIRE(waits.size() == 3);
  CHECK(waits[0] == "spool space: spool /t/spool is out of space (3 MB free); binlog capture resumes by itself");
  CHECK(waits[1] ==
        "a server: retrying writing a batch of copy.orders (target 127.0.0.1:3307: lost connection; last attempt "
        "2.5 s ago)");
  CHECK(waits[2] == "omsrun resume: the task is paused");
  // A retry long ago is history, not a wait.
  status.last_retry->seconds_ago = 60;
  status.paused = false;
  status.link->capture_paused.reset();
  CHECK(waiting_for(status).empty());
}
