#include "src/task/run_report.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace omsql;

namespace {

constexpr int64_t kStart = 1764644400000;  // 2025-12-02T03:00:00.000Z

TableCopyStatus table(std::string source, uint64_t rows, uint64_t bytes, double seconds, bool done, uint64_t before) {
  TableCopyStatus t;
  t.source = source;
  t.target = "copy." + source.substr(source.find('.') + 1);
  t.rows = rows;
  t.bytes = bytes;
  t.seconds = seconds;
  t.done = done;
  t.rows_before_resume = before;
  t.bytes_before_resume = before * 10;
  return t;
}

// A resumed run that copied the rest of orders and all of items, verified them, and ended done.
TaskStatus finished_status() {
  TaskStatus status;
  status.ended = "done";
  status.copy_progress = std::vector<TableCopyStatus>{table("shop.orders", 600, 6000, 3.0, true, 400),
                                                      table("shop.items", 50, 500, 0.5, true, 0)};
  VerificationOutcome last;
  last.id = 1;
  last.outcome = "different";
  last.exit_code = 3;
  last.differences = 2;
  VerificationStatus verification;
  verification.last = last;
  status.verification = verification;
  status.retries = std::map<std::string, uint64_t>{{"copy_write", 2}, {"binlog", 0}};
  return status;
}

RunFacts facts() {
  RunFacts f;
  f.phases = {{"schema", kStart, kStart + 400},
              {"copy", kStart + 400, kStart + 4400},
              {"indexes", kStart + 4400, kStart + 5000},
              {"verify", kStart + 5000, std::nullopt}};
  f.verification = {{"shop.orders", {"clean", 0}}, {"shop.items", {"different", 2}}};
  return f;
}

RunEnd end_of(int exit_code, int64_t ended_ms) {
  RunEnd end;
  end.task_dir = "/tasks/shop";
  end.script = "shop.omsql";
  end.exit_code = exit_code;
  end.started_at_ms = kStart - 100;
  end.ended_at_ms = ended_ms;
  return end;
}

}  // namespace

TEST_CASE("a report counts each table's rows with those copied before the resume, and closes open phases") {
  RunReport report = build_run_report(finished_status(), facts(), end_of(3, kStart + 6000));
  CHECK(report.outcome == "done");
  CHECK(report.seconds == doctest::Approx(6.1));
  REQUIRE(report.phases.size() == 4);
  CHECK(report.phases[1].name == "copy");
  CHECK(report.phases[1].seconds == doctest::Approx(4.0));
  CHECK(report.phases[3].ended_at_ms == kStart + 6000);  // verify was open when the run ended
  REQUIRE(report.tables.size() == 2);
  const TableRunReport& orders = report.tables[0];
  CHECK(orders.rows == 1000);
  CHECK(orders.rows_this_run == 600);
  CHECK(orders.rows_before_resume == 400);
  CHECK(orders.bytes == 10000);
  CHECK(orders.verification == std::optional<std::string>("clean"));
  CHECK(report.tables[1].verification == std::optional<std::string>("different"));
  CHECK(report.tables[1].differences == std::optional<uint64_t>(2));
  CHECK(report.total.rows == 1050);
  CHECK(report.total.rows_before_resume == 400);
  CHECK(report.retries_total == 2);
  CHECK(report.total.seconds == doctest::Approx(4.0));  // the copy phase's
  CHECK(report.total.verification == std::optional<std::string>("different"));
}

TEST_CASE("the report's JSON: the outcome, the phases, the tables, the totals") {
  auto j = nlohmann::json::parse(run_report_json(build_run_report(finished_status(), facts(), end_of(3, kStart + 6000))));
  CHECK(j["outcome"] == "done");
  CHECK(j["exit_code"] == 3);
  CHECK(j["started_at"] == "2025-12-02T02:59:59.900Z");
  CHECK(j["phases"].size() == 4);
  CHECK(j["phases"][0] == nlohmann::json{{"name", "schema"},
                                         {"started_at_ms", kStart},
                                         {"started_at", "2025-12-02T03:00:00.000Z"},
                                         {"ended_at_ms", kStart + 400},
                                         {"ended_at", "2025-12-02T03:00:00.400Z"},
                                         {"seconds", 0.4}});
  CHECK(j["tables"][0]["rows"] == 1000);
  CHECK(j["tables"][0]["rows_before_resume"] == 400);
  CHECK(j["tables"][0]["verification"] == "clean");
  CHECK(j["tables"][1]["differences"] == 2);
  CHECK(j["total"]["rows"] == 1050);
  CHECK(j["total"]["tables"] == 2);
  CHECK_FALSE(j["total"].contains("source"));
  CHECK(j["retries"]["copy_write"] == 2);
  CHECK(j["total"]["retries"] == 2);
  CHECK(j["verification"]["outcome"] == "different");
  CHECK_FALSE(j.contains("error"));
}

TEST_CASE("a run that failed before the actors started: outcome failed, the error, no phase") {
  RunEnd end = end_of(1, kStart + 50);
  end.error = "target: Access denied for user 'u'@'localhost'";
  RunReport report = build_run_report(TaskStatus{}, RunFacts{}, end);
  CHECK(report.outcome == "failed");
  CHECK(report.phases.empty());
  CHECK(report.tables.empty());
  auto j = nlohmann::json::parse(run_report_json(report));
  CHECK(j["error"] == "target: Access denied for user 'u'@'localhost'");
  CHECK(j["total"]["rows"] == 0);
}

TEST_CASE("a stopped task says how it was stopped; a non-zero exit without a word is a failure") {
  TaskStatus stopped;
  stopped.ended = "interrupted by SIGTERM";
  CHECK(build_run_report(stopped, RunFacts{}, end_of(143, kStart)).outcome == "interrupted by SIGTERM");
  CHECK(build_run_report(TaskStatus{}, RunFacts{}, end_of(1, kStart)).outcome == "failed");
}

TEST_CASE("the summary table, pgloader-like") {
  auto lines = run_summary_lines(build_run_report(finished_status(), facts(), end_of(3, kStart + 6000)), 100);
  REQUIRE(lines.size() == 13);
  CHECK(lines[0] == "phase                                                    start   seconds");
  CHECK(lines[1] == "schema                                                03:00:00       0.4");
  CHECK(lines[6] == "table                                                     rows        MB   rows/s    time   verified");
  CHECK(lines[7] == "shop.orders -> copy.orders                                1000       0.0      200    3.0s      clean");
  CHECK(lines[9] == "total                                                     1050       0.0      162    4.0s  different");
  CHECK(lines[10] == "400 of the rows were copied before the resume");
  CHECK(lines[11] == "2 server call(s) retried: copy_write 2");
  CHECK(lines[12] == "outcome: done (exit 3) after 6.1s");
}
