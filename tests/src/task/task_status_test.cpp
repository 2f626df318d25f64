#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "src/task/task_status.hpp"

using namespace omsql;
using nlohmann::json;

namespace {

TaskStatus live_status() {
  TaskStatus s;
  s.phase = "incremental";
  s.pid = 4242;
  s.updated_at = 1764590000;
  LinkStatus link;
  link.source_position = "mysql-bin.000003:1200 (0-1-77)";
  link.applied_position = "mysql-bin.000003:900 (0-1-75)";
  link.lag_seconds = 1.5;
  link.events_per_second = 250.0;
  link.events_applied = 9000;
  link.caught_up = false;
  link.apply_lanes = 4;
  link.capture_paused = "spool disk full";
  s.link = link;
  s.tables = std::map<std::string, bool>{{"shop.a", true}, {"shop.b", false}};
  s.paused = true;
  s.verifying = true;
  VerificationStatus v;
  v.id = 3;
  v.running = true;
  v.progress = VerifyProgressStatus{1, 2, 5000, 1000.5, 5.0, "3 row(s) of shop.a"};
  v.last = VerificationOutcome{2, "different", 3, "/t/verify-report.json", "/t/verify-report.txt", std::nullopt};
  s.verification = v;
  s.ended = std::nullopt;
  s.max_rows_per_sec = 1000;
  s.max_events_per_sec = 0;
  s.copy = CopySummary{20000, 1234567, 2.5};
  return s;
}

}  // namespace

TEST_CASE("task status: the JSON keys status.json has always had") {
  json j = to_json(live_status());
  CHECK(j["phase"] == "incremental");
  CHECK(j["pid"] == 4242);
  CHECK(j["source_position"] == "mysql-bin.000003:1200 (0-1-77)");
  CHECK(j["applied_position"] == "mysql-bin.000003:900 (0-1-75)");
  CHECK(j["lag_seconds"] == 1.5);
  CHECK(j["events_per_second"] == 250.0);
  CHECK(j["events_applied"] == 9000);
  CHECK(j["caught_up"] == false);
  CHECK(j["apply_lanes"] == 4);
  CHECK(j["capture_paused"] == "spool disk full");
  CHECK(j["tables"] == json{{"shop.a", {{"copy_done", true}}}, {"shop.b", {{"copy_done", false}}}});
  CHECK(j["paused"] == true);
  CHECK(j["verification"]["id"] == 3);
  CHECK(j["verification"]["progress"]["tables_done"] == 1);
  CHECK(j["verification"]["progress"]["settling"] == "3 row(s) of shop.a");
  CHECK(j["verification"]["last"] == json{{"id", 2},
                                          {"outcome", "different"},
                                          {"exit_code", 3},
                                          {"report", "/t/verify-report.json"},
                                          {"report_text", "/t/verify-report.txt"}});
  CHECK(j["max_rows_per_sec"] == 1000);
  CHECK(j["max_events_per_sec"] == 0);
  CHECK(j["copy"] == json{{"rows", 20000}, {"bytes", 1234567}, {"seconds", 2.5}});
  CHECK_FALSE(j.contains("ended"));
  CHECK_FALSE(j.contains("running"));
  CHECK_FALSE(j.contains("last_lag_seconds"));
}

TEST_CASE("task status: written and read back, every field survives") {
  TaskStatus s = live_status();
  s.running = true;
  s.last_error = LastError{"source DDL on migrated table shop.a", 1764580000, 4000, "incremental"};
  auto back = parse_task_status(task_status_text(s, 2));
  REQUIRE(back);
  // The same JSON again: nothing lost, nothing added.
  CHECK(to_json(*back) == to_json(s));
  CHECK(back->link->apply_lanes == 4u);
  CHECK(back->copy->rows == 20000);
  CHECK(back->verification->last->report_text == "/t/verify-report.txt");
  CHECK(back->last_error->message == "source DDL on migrated table shop.a");
}

TEST_CASE("task status: what a file does not say stays unsaid; mistyped keys are ignored") {
  auto empty = parse_task_status("{}");
  REQUIRE(empty);
  CHECK_FALSE(empty->phase);
  CHECK_FALSE(empty->link);
  CHECK_FALSE(empty->tables);
  CHECK_FALSE(empty->verification);
  CHECK_FALSE(empty->copy);
  CHECK(to_json(*empty) == json{{"paused", false}, {"verifying", false}});
  auto odd = parse_task_status(R"({"phase": 3, "paused": "yes", "pid": "x", "copy": [1],
                                   "applied_position": "f:1", "caught_up": 1})");
  REQUIRE(odd);
  CHECK_FALSE(odd->phase);
  CHECK_FALSE(odd->paused);
  CHECK_FALSE(odd->pid);
  CHECK_FALSE(odd->copy);
  REQUIRE(odd->link);
  CHECK_FALSE(odd->link->caught_up);
  CHECK_FALSE(parse_task_status("[1, 2]"));
  CHECK_FALSE(parse_task_status("not json"));
}

TEST_CASE("task status: a task no process runs claims nothing about a live link") {
  TaskStatus left = as_not_running(live_status());
  CHECK_FALSE(left.link->caught_up);
  CHECK_FALSE(left.link->lag_seconds);
  CHECK(left.link->last_lag_seconds == 1.5);
  CHECK_FALSE(left.link->events_per_second);
  CHECK_FALSE(left.link->capture_paused);
  CHECK(left.link->events_applied == 9000);  // what that process did stays
  CHECK_FALSE(left.paused);
  CHECK_FALSE(left.verifying);
  CHECK_FALSE(left.verification->running);
  CHECK_FALSE(left.verification->progress);
  CHECK(left.verification->last->id == 2);
  CHECK(left.ended == "process 4242 ended without a clean stop (killed or crashed)");
  TaskStatus stopped = live_status();
  stopped.ended = "stopped on request";
  CHECK(as_not_running(stopped).ended == "stopped on request");
  CHECK(as_not_running(TaskStatus{}).ended == "not running");
}
