#include "src/console/history.hpp"

#include <doctest/doctest.h>

using namespace omsql;
using namespace omsql::console;

TEST_CASE("the history keeps one sample a second, the newest `capacity` of them") {
  History history(3);
  history.add({10, 0.5, 100, 1000, 0});
  history.add({10, 9.0, 1, 1, 1});  // the same second again: not kept
  history.add({11, 1.5, 200, 1200, 0});
  history.add({12, 2.5, 300, 1500, 0});
  history.add({13, 0, 0, 1500, 7});
  CHECK(history.size() == 3);
  CHECK(history.json() == R"({"samples":[[11,1.5,200.0,1200,0],[12,2.5,300.0,1500,0],[13,0.0,0.0,1500,7]]})");
}

TEST_CASE("a status gives a sample: lag and rate of the link, rows of every table") {
  TaskStatus status;
  CHECK(!sample_of(status));
  status.updated_at = 100;
  LinkStatus link;
  link.lag_seconds = 2;
  link.events_per_second = 50;
  link.events_applied = 9;
  status.link = link;
  status.copy_progress = std::vector<TableCopyStatus>{{"a.t", "b.t", 5, 0, 0, 0, 0, true}, {"a.u", "b.u", 7, 0, 0, 0, 0, false}};
  auto sample = sample_of(status);
  REQUIRE(sample);
  CHECK(sample->at == 100);
  CHECK(sample->lag_seconds == 2);
  CHECK(sample->events_per_second == 50);
  CHECK(sample->events_applied == 9);
  CHECK(sample->rows_copied == 12);
}
