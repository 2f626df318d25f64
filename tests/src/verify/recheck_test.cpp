// Re-checking differences during live sync (src/verify/recheck.hpp) against the sandboxes:
// differences an applier has since put right are cleared, those that hold are kept and classified
// afresh, rows that changed on both sides in between are cleared, and thousands of keys are
// looked up in a few statements.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include "src/verify/recheck.hpp"
#include "tests/src/verify/verify_test_support.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

// The same generator on both servers: a row's values are a function of its id, so "the source
// row's values" can be written to the target by running the generator for that id, as an
// applier replaying the source's row image would.
const char* kTable =
    "CREATE TABLE %s (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) COLLATE utf8mb4_general_ci NOT NULL,"
    " amount DECIMAL(12,3), note VARCHAR(40) NULL, payload BLOB, at DATETIME(3)) DEFAULT CHARSET=utf8mb4";
const char* kRows =
    "SELECT seq, CONCAT('name-', seq), seq * 1.125, IF(seq % 10 = 0, NULL, CONCAT('note ', seq)),"
    " UNHEX(SHA2(seq, 256)), '2024-01-01 00:00:00' + INTERVAL seq * 1001 SECOND_MICROSECOND FROM mysql.seq_1_to_%d";

std::string table_sql(const QualifiedName& table) {
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer, kTable, sql::quote_name(table).c_str());
  return buffer;
}

std::string rows_sql(int rows) {
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer, kRows, rows);
  return buffer;
}

void make_identical(const QualifiedName& table, int rows) {
  auto source = connect_source();
  auto target = connect_target();
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS " + sql::quote_identifier(table.schema));
    must(*c, "CREATE DATABASE " + sql::quote_identifier(table.schema));
    must(*c, table_sql(table));
    must(*c, "INSERT INTO " + sql::quote_name(table) + " " + rows_sql(rows));
  }
}

// Writes the source's generated values of rows `where` (a predicate on seq) among the first
// `rows` to the target.
void apply_source_rows(Connection& target, const QualifiedName& table, int rows, const std::string& where) {
  must(target, "REPLACE INTO " + sql::quote_name(table) + " " + rows_sql(rows) + " WHERE " + where);
}

verify::TableReport with_differences(const verify::TableReport& first, std::vector<verify::RowDifference> differences) {
  verify::TableReport report = first;
  report.differences = std::move(differences);
  return report;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("recheck_rows: differences an applier has put right are cleared, the others kept and classified") {
  QualifiedName t{"omsql_test_verify_recheck_half", "t"};
  make_identical(t, 3000);
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  const std::string name = sql::quote_name(t);
  // 20 missing, 20 extra, 40 different (two kinds of cell), spread over the key space.
  must(*target, "DELETE FROM " + name + " WHERE id % 150 = 7");
  must(*target, "INSERT INTO " + name + " (id, name) SELECT 5000 + seq * 3, 'extra' FROM mysql.seq_1_to_20");
  must(*target, "UPDATE " + name + " SET amount = amount + 1 WHERE id % 150 = 20");
  must(*target, "UPDATE " + name + " SET note = 'changed', payload = NULL WHERE id % 150 = 90");

  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto first = run_verify(job, 256, 8);
  REQUIRE(first.error.empty());
  REQUIRE(first.missing == 20);
  REQUIRE(first.extra == 20);
  REQUIRE(first.different == 40);
  for (const auto& d : first.differences) {
    REQUIRE(d.key_values.has_value());
    CHECK(d.key == "(id) = ('" + d.key_values->at(0) + "')");  // the key tuple is the row's raw key
  }

  // The applier catches up on half of them: the even ones of each kind.
  apply_source_rows(*target, t, 3000, "seq % 150 = 7 AND seq % 300 = 7");      // 10 missing rows written
  must(*target, "DELETE FROM " + name + " WHERE id > 5000 AND (id - 5000) % 6 = 0");  // 10 extras deleted
  apply_source_rows(*target, t, 3000, "seq % 150 = 20 AND seq % 300 = 20");    // 10 amounts put back
  apply_source_rows(*target, t, 3000, "seq % 150 = 90 AND seq % 300 = 90");    // 10 notes put back

  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);
  auto still = verify::recheck_rows(*source, *target, *spec, first.differences);
  REQUIRE_MESSAGE(still, still.status().message());
  verify::TableReport rechecked = with_differences(first, *still);
  auto fresh = run_verify(job, 256, 8);  // what a full verification sees now
  CHECK(rechecked.differences.size() == 40);
  CHECK(difference_set(rechecked) == difference_set(fresh));
  std::multiset<std::string> kinds;
  for (const auto& d : rechecked.differences) {
    int id = std::stoi(d.key_values->at(0));
    switch (d.kind) {
      case verify::DifferenceKind::kMissingOnTarget: CHECK(id % 300 == 157); break;
      case verify::DifferenceKind::kExtraOnTarget: CHECK((id > 5000 && (id - 5000) % 6 == 3)); break;
      case verify::DifferenceKind::kDifferent:
        if (id % 150 == 20) CHECK(d.columns == std::vector<std::string>{"amount"});
        else CHECK(d.columns == std::vector<std::string>{"note", "payload"});
        CHECK(id % 300 >= 150);
        break;
    }
    kinds.insert(verify::difference_kind_name(d.kind));
  }
  CHECK(kinds.count("missing") == 10);
  CHECK(kinds.count("extra") == 10);
  CHECK(kinds.count("different") == 20);

  // The fresh repair statements put the rest right.
  apply_repair_with_client(rechecked, scratch_path("repair_recheck_half.sql"));
  auto clean = verify::recheck_rows(*source, *target, *spec, first.differences);
  REQUIRE(clean);
  CHECK(clean->empty());
  CHECK(run_verify(job, 256, 8).difference_count() == 0);
  CHECK(checksum(*source, t) == checksum(*target, t));
}

// One round of a settled re-check, with `between` run where the link would be applying changes
// (after the source position is taken, before the target is read).
Status settle_round(verify::SettledRecheck& recheck, Connection& source, Connection& target,
                    const std::function<void()>& between = {}) {
  auto position = recheck.read_source(source);
  if (!position) return position.status();
  CHECK_FALSE(position->empty());
  if (between) between();
  return recheck.compare(source, target);
}

TEST_CASE("SettledRecheck: changes the link applies are proven equal, lasting ones proven different, moving "
          "ones unsettled") {
  QualifiedName t{"omsql_test_verify_settle", "t"};
  make_identical(t, 500);
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  const std::string name = sql::quote_name(t);
  // In flight when the check runs: an update, an insert and a delete the target has not had yet,
  // and one real difference.
  must(*source, "UPDATE " + name + " SET note = 'new on source' WHERE id = 5");
  must(*source, "INSERT INTO " + name + " (id, name, amount) VALUES (9001, 'inserted', 1)");
  must(*source, "DELETE FROM " + name + " WHERE id = 300");
  must(*target, "UPDATE " + name + " SET amount = -1 WHERE id = 400");  // lasting
  auto apply_in_flight = [&] {
    auto c = connect_target();
    must(*c, "UPDATE " + name + " SET note = 'new on source' WHERE id = 5");
    must(*c, "INSERT INTO " + name + " (id, name, amount) VALUES (9001, 'inserted', 1)");
    must(*c, "DELETE FROM " + name + " WHERE id = 300");
  };

  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto first = run_verify(job, 64, 8);
  REQUIRE(first.difference_count() == 4);
  VerifyOptions options;

  SUBCASE("the link applies the changes in flight: they clear, the lasting one is confirmed in a second round") {
    auto recheck = verify::SettledRecheck::begin(job, options, first);
    REQUIRE_MESSAGE(recheck, recheck.status().message());
    REQUIRE(settle_round(*recheck, *source, *target, apply_in_flight));
    CHECK(recheck->pending() == 1);  // id 400 seen different once: not proven yet
    CHECK_FALSE(recheck->done());
    REQUIRE(settle_round(*recheck, *source, *target));
    CHECK(recheck->done());
    verify::TableReport report = recheck->finish();
    CHECK(report.rechecks == 2);
    CHECK(report.cleared_by_recheck == 3);
    CHECK(report.unsettled.empty());
    REQUIRE(report.differences.size() == 1);
    CHECK(report.different == 1);
    CHECK(report.differences[0].key == "(id) = ('400')");
    CHECK(report.differences[0].columns == std::vector<std::string>{"amount"});
    verify::VerifyReport whole;
    whole.tables.push_back(report);
    CHECK(whole.outcome() == verify::Outcome::kDifferent);
    CHECK(whole.to_text().find("re-checked 2 times: 3 cleared") != std::string::npos);
    CHECK(whole.to_json().find("\"cleared_by_recheck\": 3") != std::string::npos);
  }

  SUBCASE("the link never gets there: every row is unsettled, none is equal or different") {
    auto recheck = verify::SettledRecheck::begin(job, options, first);
    REQUIRE(recheck);
    auto position = recheck->read_source(*source);
    REQUIRE(position);
    recheck->give_up("the link did not apply " + position->str() + " within 2 s");
    CHECK(recheck->done());
    verify::TableReport report = recheck->finish();
    CHECK(report.difference_count() == 0);
    CHECK(report.differences.empty());
    CHECK(report.unsettled.size() == 4);
    CHECK(report.cleared_by_recheck == 0);
    CHECK(report.unsettled_reason.find("within 2 s") != std::string::npos);
    verify::VerifyReport whole;
    whole.tables.push_back(report);
    CHECK(whole.outcome() == verify::Outcome::kUnsettled);
    CHECK_FALSE(whole.clean());
    const std::string text = whole.to_text();
    CHECK(text.find("could not settle 4 row(s): the link did not apply") != std::string::npos);
    CHECK(text.find("unsettled missing (id) = ('9001')") != std::string::npos);
    CHECK(text.find("UNSETTLED: 0 differences in 1 tables, 4 row(s) could not be settled") != std::string::npos);
    CHECK(whole.to_json().find("\"outcome\": \"unsettled\"") != std::string::npos);
  }

  SUBCASE("a row the source keeps changing is unsettled after the last round; the others settle") {
    auto recheck = verify::SettledRecheck::begin(job, options, first);
    REQUIRE(recheck);
    apply_in_flight();
    int round = 0;
    while (!recheck->done()) {
      REQUIRE(round < verify::kMaxSettleRounds);
      ++round;
      // Written on the source between the two reads of every round (and applied to the target).
      REQUIRE(settle_round(*recheck, *source, *target, [&] {
        for (Connection* c : {source.get(), target.get()})
          must(*c, "UPDATE " + name + " SET amount = " + std::to_string(round) + " WHERE id = 400");
      }));
    }
    CHECK(round == verify::kMaxSettleRounds);
    verify::TableReport report = recheck->finish();
    CHECK(report.differences.empty());
    REQUIRE(report.unsettled.size() == 1);
    CHECK(report.unsettled[0].key == "(id) = ('400')");
    CHECK(report.unsettled_reason.find("kept changing on the source") != std::string::npos);
    CHECK(report.cleared_by_recheck == 3);
  }
}

TEST_CASE("SettledRecheck: a table without a key is verified again once the link has applied the position") {
  QualifiedName t{"omsql_test_verify_settle_keyless", "log"};
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  const std::string name = sql::quote_name(t);
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS omsql_test_verify_settle_keyless");
    must(*c, "CREATE DATABASE omsql_test_verify_settle_keyless");
    must(*c, "CREATE TABLE " + name + " (at INT, msg VARCHAR(20))");
    must(*c, "INSERT INTO " + name + " SELECT seq, CONCAT('m', seq) FROM mysql.seq_1_to_300");
  }
  must(*source, "INSERT INTO " + name + " VALUES (1000, 'in flight')");
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto first = run_verify(job);
  REQUIRE(first.difference_count() == 1);
  VerifyOptions options;

  SUBCASE("applied by then: proven equal") {
    auto recheck = verify::SettledRecheck::begin(job, options, first);
    REQUIRE(recheck);
    REQUIRE(settle_round(*recheck, *source, *target,
                         [&] { must(*target, "INSERT INTO " + name + " VALUES (1000, 'in flight')"); }));
    CHECK(recheck->done());
    verify::TableReport report = recheck->finish();
    CHECK(report.difference_count() == 0);
    CHECK(report.unsettled.empty());
    CHECK(report.cleared_by_recheck == 1);
  }
  SUBCASE("still differing: unsettled, not a difference and not equal") {
    auto recheck = verify::SettledRecheck::begin(job, options, first);
    REQUIRE(recheck);
    REQUIRE(settle_round(*recheck, *source, *target));
    verify::TableReport report = recheck->finish();
    CHECK(report.difference_count() == 0);
    REQUIRE(report.unsettled.size() == 1);
    CHECK(report.unsettled[0].kind == verify::DifferenceKind::kMissingOnTarget);
    CHECK(report.unsettled_reason.find("without a key") != std::string::npos);
  }
}

TEST_CASE("recheck_rows: composite string key with an ENUM part; rows that became extra or missing") {
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  QualifiedName t{"omsql_test_verify_recheck_strkey", "t"};
  const std::string name = sql::quote_name(t);
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS omsql_test_verify_recheck_strkey");
    must(*c, "CREATE DATABASE omsql_test_verify_recheck_strkey");
    must(*c, "CREATE TABLE " + name + " (region VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL, "
             "kind ENUM('small','medium','large') NOT NULL, code VARBINARY(10) NOT NULL, n INT, label VARCHAR(30), "
             "PRIMARY KEY (region, kind, code))");
    must(*c, "INSERT INTO " + name + " SELECT CONCAT('region-', CHAR(97 + seq % 7), ' é'), 1 + seq % 3, "
             "UNHEX(LPAD(HEX(seq), 6, '0')), seq, CONCAT('label ', seq) FROM mysql.seq_1_to_900");
  }
  auto where_n = [&](int n) { return " WHERE n = " + std::to_string(n); };
  must(*target, "UPDATE " + name + " SET region = UPPER(region)" + where_n(100));  // same row (_ci key), different
  must(*target, "UPDATE " + name + " SET label = 'changed'" + where_n(200));       // different, will become extra
  must(*target, "UPDATE " + name + " SET label = 'changed'" + where_n(250));       // different, will become missing
  must(*target, "DELETE FROM " + name + where_n(300));                               // missing, cleared
  must(*target, "DELETE FROM " + name + where_n(350));                               // missing, stays
  must(*target, "INSERT INTO " + name + " VALUES ('region-zz', 'large', X'00FF', 1, 'extra')");  // extra, stays
  must(*target, "INSERT INTO " + name + " VALUES ('region-zy', 'small', X'01', 2, 'extra')");    // extra, cleared

  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  REQUIRE(job.key.columns.size() == 3);
  auto first = run_verify(job, 41, 4);
  REQUIRE(first.different == 3);
  REQUIRE(first.missing == 2);
  REQUIRE(first.extra == 2);
  // The key tuple holds raw bytes, the ENUM part by number, as chunk bounds do.
  bool found_extra = false;
  for (const auto& d : first.differences)
    if (d.key_values && d.key_values->at(0) == "region-zz") {
      found_extra = true;
      CHECK(*d.key_values == verify::KeyTuple{"region-zz", "3", std::string("\x00\xff", 2)});
    }
  CHECK(found_extra);

  // In between: the source deletes n = 200 (not applied yet: now extra), the target loses n = 250
  // (now missing), the source deletes n = 300 as the target had (cleared) and inserts the
  // target's extra region-zy row (cleared).
  must(*source, "DELETE FROM " + name + where_n(200));
  must(*target, "DELETE FROM " + name + where_n(250));
  must(*source, "DELETE FROM " + name + where_n(300));
  must(*source, "INSERT INTO " + name + " VALUES ('region-zy', 'small', X'01', 2, 'extra')");

  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);
  auto still = verify::recheck_rows(*source, *target, *spec, first.differences);
  REQUIRE_MESSAGE(still, still.status().message());
  verify::TableReport rechecked = with_differences(first, *still);
  auto fresh = run_verify(job, 41, 4);
  CHECK(difference_set(rechecked) == difference_set(fresh));
  CHECK(rechecked.differences.size() == 5);
  int different_region = 0, extra = 0, missing = 0;
  for (const auto& d : rechecked.differences) {
    if (d.kind == verify::DifferenceKind::kDifferent) {
      CHECK(d.columns == std::vector<std::string>{"region"});
      ++different_region;
    }
    if (d.kind == verify::DifferenceKind::kExtraOnTarget) ++extra;     // n = 200 and region-zz
    if (d.kind == verify::DifferenceKind::kMissingOnTarget) ++missing;  // n = 250 and n = 350
  }
  CHECK(different_region == 1);
  CHECK(extra == 2);
  CHECK(missing == 2);
  apply_repair_with_client(rechecked, scratch_path("repair_recheck_strkey.sql"));
  CHECK(run_verify(job, 41, 4).difference_count() == 0);
  CHECK(checksum(*source, t) == checksum(*target, t));
}

TEST_CASE("recheck_rows: 2,000 differences are re-checked in a few statements") {
  QualifiedName t{"omsql_test_verify_recheck_many", "t"};
  make_identical(t, 20000);
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  const std::string name = sql::quote_name(t);
  must(*target, "UPDATE " + name + " SET amount = amount + 1 WHERE id % 10 = 3");  // 2,000 different
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto start = std::chrono::steady_clock::now();
  auto first = run_verify(job, 1000, 64);
  const double verify_seconds = seconds_since(start);
  REQUIRE(first.different == 2000);
  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);

  start = std::chrono::steady_clock::now();
  auto still = verify::recheck_rows(*source, *target, *spec, first.differences);
  const double lasting_seconds = seconds_since(start);
  REQUIRE_MESSAGE(still, still.status().message());
  CHECK(still->size() == 2000);

  apply_source_rows(*target, t, 20000, "seq % 10 = 3");  // the applier catches up
  start = std::chrono::steady_clock::now();
  auto cleared = verify::recheck_rows(*source, *target, *spec, first.differences);
  const double cleared_seconds = seconds_since(start);
  REQUIRE(cleared);
  CHECK(cleared->empty());
  std::printf("recheck of 2,000 differences (20,000-row table): %.3f s all still differing, %.3f s all cleared "
              "(full verify with narrowing: %.3f s)\n",
              lasting_seconds, cleared_seconds, verify_seconds);
}

TEST_CASE("recheck_rows: 2,000 differences of a composite string key are re-checked in a few statements") {
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  QualifiedName t{"omsql_test_verify_recheck_many_composite", "t"};
  const std::string name = sql::quote_name(t);
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS omsql_test_verify_recheck_many_composite");
    must(*c, "CREATE DATABASE omsql_test_verify_recheck_many_composite");
    must(*c, "CREATE TABLE " + name + " (region VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL, "
             "code VARBINARY(10) NOT NULL, n INT, label VARCHAR(30), PRIMARY KEY (region, code))");
    must(*c, "INSERT INTO " + name + " SELECT CONCAT('region-', CHAR(97 + seq % 7), ' é'), "
             "UNHEX(LPAD(HEX(seq), 6, '0')), seq, CONCAT('label ', seq) FROM mysql.seq_1_to_20000");
  }
  must(*target, "UPDATE " + name + " SET label = 'changed' WHERE n % 10 = 3");  // 2,000 different
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto first = run_verify(job, 1000, 64);
  REQUIRE(first.different == 2000);
  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);
  auto start = std::chrono::steady_clock::now();
  auto still = verify::recheck_rows(*source, *target, *spec, first.differences);
  const double lasting_seconds = seconds_since(start);
  REQUIRE_MESSAGE(still, still.status().message());
  CHECK(still->size() == 2000);
  must(*target, "UPDATE " + name + " SET label = CONCAT('label ', n) WHERE n % 10 = 3");
  start = std::chrono::steady_clock::now();
  auto cleared = verify::recheck_rows(*source, *target, *spec, first.differences);
  const double cleared_seconds = seconds_since(start);
  REQUIRE(cleared);
  CHECK(cleared->empty());
  std::printf("recheck of 2,000 differences, composite (VARCHAR _ci, VARBINARY) key: %.3f s all still differing, "
              "%.3f s all cleared\n",
              lasting_seconds, cleared_seconds);
}
