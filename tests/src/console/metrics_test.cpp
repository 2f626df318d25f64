#include "src/console/metrics.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/common/retry_counters.hpp"

using namespace omsql;
using namespace omsql::console;

TEST_CASE("label values escape backslash, double quote and newline, as the exposition format says") {
  CHECK(escape_label_value("plain.table") == "plain.table");
  CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(escape_label_value("") == "");
}

TEST_CASE("a copying task: the phase gauge, per-table counters with escaped names, RSS") {
  TaskStatus status;
  status.phase = "full";
  TableCopyStatus odd;
  odd.source = "shop.we\"ird\\na\nme";
  odd.target = "copy.t";
  odd.rows = 1500;
  odd.bytes = 120000;
  odd.estimated_rows = 3000;
  odd.chunks_done = 3;
  odd.seconds = 2.5;
  status.copy_progress = std::vector<TableCopyStatus>{odd};
  status.max_rows_per_sec = 0;
  status.max_events_per_sec = 500;
  const std::string expected =
      "# HELP omsql_phase The task's phase: 1 for the phase it is in, 0 for the others.\n"
      "# TYPE omsql_phase gauge\n"
      "omsql_phase{phase=\"new\"} 0\n"
      "omsql_phase{phase=\"schema\"} 0\n"
      "omsql_phase{phase=\"full\"} 1\n"
      "omsql_phase{phase=\"indexes\"} 0\n"
      "omsql_phase{phase=\"incremental\"} 0\n"
      "omsql_phase{phase=\"done\"} 0\n"
      "omsql_phase{phase=\"recopy\"} 0\n"
      "# HELP omsql_paused 1 while the task is paused (omsrun pause).\n"
      "# TYPE omsql_paused gauge\n"
      "omsql_paused 0\n"
      "# HELP omsql_copy_rows_total Rows copied by this process, per table.\n"
      "# TYPE omsql_copy_rows_total counter\n"
      "omsql_copy_rows_total{source_table=\"shop.we\\\"ird\\\\na\\nme\",target_table=\"copy.t\"} 1500\n"
      "# HELP omsql_copy_bytes_total Bytes of row data copied by this process, per table.\n"
      "# TYPE omsql_copy_bytes_total counter\n"
      "omsql_copy_bytes_total{source_table=\"shop.we\\\"ird\\\\na\\nme\",target_table=\"copy.t\"} 120000\n"
      "# HELP omsql_copy_chunks_total Chunks committed on the target by this process, per table.\n"
      "# TYPE omsql_copy_chunks_total counter\n"
      "omsql_copy_chunks_total{source_table=\"shop.we\\\"ird\\\\na\\nme\",target_table=\"copy.t\"} 3\n"
      "# HELP omsql_copy_estimated_rows The source's row estimate when the plan was made, per table.\n"
      "# TYPE omsql_copy_estimated_rows gauge\n"
      "omsql_copy_estimated_rows{source_table=\"shop.we\\\"ird\\\\na\\nme\",target_table=\"copy.t\"} 3000\n"
      "# HELP omsql_copy_table_done 1 once the table's copy is complete (this run or an earlier one).\n"
      "# TYPE omsql_copy_table_done gauge\n"
      "omsql_copy_table_done{source_table=\"shop.we\\\"ird\\\\na\\nme\",target_table=\"copy.t\"} 0\n"
      "# HELP omsql_throttle_rows_per_second The copy's row limit in force (0: unlimited).\n"
      "# TYPE omsql_throttle_rows_per_second gauge\n"
      "omsql_throttle_rows_per_second 0\n"
      "# HELP omsql_throttle_events_per_second The replay's row change limit in force (0: unlimited).\n"
      "# TYPE omsql_throttle_events_per_second gauge\n"
      "omsql_throttle_events_per_second 500\n"
      "# HELP omsql_process_resident_memory_bytes Resident memory of the omsrun process.\n"
      "# TYPE omsql_process_resident_memory_bytes gauge\n"
      "omsql_process_resident_memory_bytes 4096000\n";
  CHECK(render_metrics(status, ProcessFacts{4096000}) == expected);
}

TEST_CASE("a live link: lag, apply, spool, retries by kind and the last verification's differences") {
  TaskStatus status;
  status.phase = "incremental";
  status.paused = true;
  LinkStatus link;
  link.lag_seconds = 1.25;
  link.events_per_second = 812.5;
  link.events_applied = 40000;
  link.apply_lanes = 4;
  link.spool_bytes = 65536;
  status.link = link;
  status.retries = std::map<std::string, uint64_t>{{"apply", 2}, {"binlog", 0}};
  VerificationStatus verification;
  verification.id = 2;
  VerificationOutcome last;
  last.id = 2;
  last.outcome = "different";
  last.differences = 7;
  verification.last = last;
  status.verification = verification;
  const std::string text = render_metrics(status, ProcessFacts{});
  const std::string expected_tail =
      "# HELP omsql_paused 1 while the task is paused (omsrun pause).\n"
      "# TYPE omsql_paused gauge\n"
      "omsql_paused 1\n"
      "# HELP omsql_apply_events_total Row changes applied to the target by this process.\n"
      "# TYPE omsql_apply_events_total counter\n"
      "omsql_apply_events_total 40000\n"
      "# HELP omsql_apply_events_per_second Row changes applied per second, recently.\n"
      "# TYPE omsql_apply_events_per_second gauge\n"
      "omsql_apply_events_per_second 812.5\n"
      "# HELP omsql_lag_seconds Age of the oldest change stored in the spool but not applied yet (0: all applied).\n"
      "# TYPE omsql_lag_seconds gauge\n"
      "omsql_lag_seconds 1.25\n"
      "# HELP omsql_caught_up 1 while the link is caught up with the source.\n"
      "# TYPE omsql_caught_up gauge\n"
      "omsql_caught_up 0\n"
      "# HELP omsql_apply_lanes Apply lanes of the link.\n"
      "# TYPE omsql_apply_lanes gauge\n"
      "omsql_apply_lanes 4\n"
      "# HELP omsql_capture_paused 1 while binlog capture waits for spool space.\n"
      "# TYPE omsql_capture_paused gauge\n"
      "omsql_capture_paused 0\n"
      "# HELP omsql_spool_bytes Bytes of the spool's segment files on disk.\n"
      "# TYPE omsql_spool_bytes gauge\n"
      "omsql_spool_bytes 65536\n"
      "# HELP omsql_retries_total Retries of server calls after transient errors, by kind of step.\n"
      "# TYPE omsql_retries_total counter\n"
      "omsql_retries_total{kind=\"apply\"} 2\n"
      "omsql_retries_total{kind=\"binlog\"} 0\n"
      "# HELP omsql_verifications_started_total Verifications started by this process.\n"
      "# TYPE omsql_verifications_started_total counter\n"
      "omsql_verifications_started_total 2\n"
      "# HELP omsql_verification_running 1 while a verification runs.\n"
      "# TYPE omsql_verification_running gauge\n"
      "omsql_verification_running 0\n"
      "# HELP omsql_verification_differences Rows the last finished verification found different (missing, extra or "
      "changed).\n"
      "# TYPE omsql_verification_differences gauge\n"
      "omsql_verification_differences 7\n";
  REQUIRE(text.size() > expected_tail.size());
  CHECK(text.substr(text.find("# HELP omsql_paused")) == expected_tail);
  CHECK(text.find("omsql_phase{phase=\"incremental\"} 1\n") != std::string::npos);
  CHECK(text.find("omsql_copy_") == std::string::npos);  // no copy counts in the status: no family
}

TEST_CASE("RSS comes from the second field of /proc/self/statm, in pages") {
  CHECK(resident_bytes_from_statm("2000 300 100 1 0 500 0\n", 4096) == 300u * 4096u);
  CHECK(!resident_bytes_from_statm("", 4096));
  CHECK(!resident_bytes_from_statm("x y", 4096));
  auto own = process_resident_bytes();
  REQUIRE(own);
  CHECK(*own > 0);
}

TEST_CASE("directory_bytes sums the regular files below a folder, 0 when there is none") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("omsql-metrics-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  CHECK(directory_bytes(dir.string()) == 0);
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "a") << std::string(100, 'a');
  std::ofstream(dir / "sub" / "b") << std::string(23, 'b');
  CHECK(directory_bytes(dir.string()) == 123);
  fs::remove_all(dir);
}

TEST_CASE("retry kinds from the steps' descriptions; counts list every kind") {
  CHECK(retry_kind_of("reading the source binlog from mysql-bin.000003:4") == "binlog");
  CHECK(retry_kind_of("computing the next chunk") == "chunking");
  CHECK(retry_kind_of("writing a batch of shop.orders") == "copy_write");
  CHECK(retry_kind_of("applying changes up to f:9 (apply lane 0)") == "apply");
  CHECK(retry_kind_of("applying the DDL at f:9 (apply lane 0)") == "apply");
  CHECK(retry_kind_of("reading the apply checkpoints to start replay") == "apply");
  CHECK(retry_kind_of("reading chunk shop.orders (id) in (1, 2]") == "copy_read");
  CHECK(retry_kind_of("creating table shop.orders") == "schema");
  const uint64_t before = retry_counts().at("copy_write");
  count_retry("writing a batch of t", "lost connection");
  auto counts = retry_counts();
  CHECK(counts.size() == retry_kinds().size());
  CHECK(counts.at("copy_write") == before + 1);
  CHECK(counts.at("binlog") == 0);
  REQUIRE(last_retry());
  CHECK(last_retry()->what == "writing a batch of t");
  CHECK(last_retry()->error == "lost connection");
}
