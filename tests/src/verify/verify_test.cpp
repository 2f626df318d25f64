// The verification engine against the sandboxes: identical copies verify clean; every kind of
// injected difference is reported exactly (none invented); the repair script, run with the mariadb
// client, makes the target equal (verify clean again, CHECKSUM TABLE agrees).
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "src/copy/chunk_planner.hpp"
#include "src/engine/mysql/copy/key_at_offset.hpp"
#include "tests/src/verify/verify_test_support.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

const char* kWideTable =
    "CREATE TABLE %s ("
    " id INT NOT NULL PRIMARY KEY,"
    " name VARCHAR(40) COLLATE utf8mb4_general_ci NOT NULL,"
    " code VARCHAR(20) COLLATE utf8mb4_bin NOT NULL,"
    " note VARCHAR(40) NULL,"
    " payload BLOB,"
    " d DECIMAL(12,3),"
    " f FLOAT,"
    " g DOUBLE,"
    " ts TIMESTAMP(6) NULL DEFAULT NULL,"
    " dt DATETIME(3),"
    " dd DATE,"
    " tm TIME,"
    " flags BIT(8),"
    " e ENUM('red','green','blue'),"
    " s SET('x','y','z'),"
    " c CHAR(10),"
    " j JSON,"
    " gen INT AS (id * 2) VIRTUAL"
    ") DEFAULT CHARSET=utf8mb4";

const char* kWideRows =
    "INSERT INTO %s (id, name, code, note, payload, d, f, g, ts, dt, dd, tm, flags, e, s, c, j) "
    "SELECT seq, CONCAT('name-', LPAD(seq, 6, '0')), CONCAT('code', CHAR(97 + seq % 26)),"
    " IF(seq % 10 = 0, NULL, CONCAT('note ', seq)), UNHEX(SHA2(seq, 256)), seq * 1.125, seq / 7, seq / 3,"
    " FROM_UNIXTIME(1700000000 + seq * 37), '2024-01-01 00:00:00' + INTERVAL seq * 1001 SECOND_MICROSECOND,"
    " '2020-02-29' + INTERVAL seq DAY, SEC_TO_TIME(seq * 7), seq % 256, ELT(1 + seq % 3, 'red', 'green', 'blue'),"
    " IF(seq % 4 = 0, '', 'x,z'), IF(seq % 5 = 0, 'pad  ', CHAR(65 + seq % 26)), JSON_OBJECT('n', seq) "
    "FROM mysql.seq_1_to_%d";

std::string format(const char* pattern, const std::string& a, int n = 0) {
  char buffer[2048];
  std::snprintf(buffer, sizeof buffer, pattern, a.c_str(), n);
  return buffer;
}

void make_identical(const QualifiedName& table, int rows) {
  auto source = connect_source();
  auto target = connect_target();
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS " + sql::quote_identifier(table.schema));
    must(*c, "CREATE DATABASE " + sql::quote_identifier(table.schema));
    must(*c, format(kWideTable, sql::quote_name(table)));
    must(*c, format(kWideRows, sql::quote_name(table), rows));
  }
}

}  // namespace

TEST_CASE("identical tables verify clean, in chunks, with every column type") {
  QualifiedName t{"omsql_test_verify_clean", "wide"};
  make_identical(t, 1000);
  auto source = connect_source();
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto report = run_verify(job, 128);
  CHECK(report.error.empty());
  CHECK(report.keyed);
  CHECK(report.source_rows == 1000);
  CHECK(report.target_rows == 1000);
  CHECK(report.chunks == 8);
  CHECK(report.difference_count() == 0);
  CHECK(report.differences.empty());
}

TEST_CASE("every kind of injected difference is reported exactly, and the repair script fixes them") {
  QualifiedName t{"omsql_test_verify_inject", "wide"};
  make_identical(t, 2000);
  auto source = connect_source();
  auto target = connect_target();
  const std::string name = sql::quote_name(t);
  must(*target, "DELETE FROM " + name + " WHERE id = 10");                                     // missing
  must(*target, "INSERT INTO " + name + " (id, name, code) VALUES (100000, 'extra', 'x')");    // extra past the end
  must(*target, "INSERT INTO " + name + " (id, name, code) VALUES (0, 'extra', 'x')");         // extra before the start
  must(*target, "UPDATE " + name + " SET d = d + 0.001 WHERE id = 20");                       // changed cell
  must(*target, "UPDATE " + name + " SET note = '' WHERE id = 30");                           // NULL -> ''
  must(*target, "UPDATE " + name + " SET note = NULL WHERE id = 31");                         // '' <- NULL (was 'note 31')
  must(*target, "UPDATE " + name + " SET note = '' WHERE id = 1030");                         // NULL -> '' elsewhere
  must(*target, "UPDATE " + name +
                    " SET payload = INSERT(payload, 4, 1, CHAR(ASCII(SUBSTRING(payload, 4, 1)) ^ 1)) WHERE id = 40");
  must(*target, "UPDATE " + name + " SET code = UPPER(code) WHERE id = 50");                  // case, _bin column
  must(*target, "UPDATE " + name + " SET name = 'name-000061' WHERE id = 60");                // swapped values
  must(*target, "UPDATE " + name + " SET name = 'name-000060' WHERE id = 61");
  must(*target, "UPDATE " + name + " SET f = 10.000001 WHERE id = 70");  // was 10: differs beyond 6 digits
  must(*target, "UPDATE " + name + " SET ts = ts + INTERVAL 1 MICROSECOND WHERE id = 80");
  must(*target, "UPDATE " + name + " SET c = 'pad' WHERE id = 85");                           // 'pad  ' == 'pad' in CHAR
  must(*target, "UPDATE " + name + " SET name = 'NAME-000090' WHERE id = 90");                // case, _ci column

  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto report = run_verify(job, 128, 8);
  REQUIRE(report.error.empty());
  std::multiset<std::string> expected = {
      "missing (id) = ('10')",
      "extra (id) = ('100000')",
      "extra (id) = ('0')",
      "different (id) = ('20') d",
      "different (id) = ('30') note",
      "different (id) = ('31') note",
      "different (id) = ('1030') note",
      "different (id) = ('40') payload",
      "different (id) = ('50') code",
      "different (id) = ('60') name",
      "different (id) = ('61') name",
      "different (id) = ('70') f",
      "different (id) = ('80') ts",
      "different (id) = ('90') name",
  };
  CHECK(difference_set(report) == expected);
  CHECK(report.missing == 1);
  CHECK(report.extra == 2);
  CHECK(report.different == 11);
  CHECK(report.source_rows == 2000);
  CHECK(report.target_rows == 2001);

  CHECK_FALSE(pt_table_sync_print(t).empty());  // the independent tool sees differences too
  apply_repair_with_client(report, scratch_path("repair_inject.sql"));
  auto again = run_verify(job, 128, 8);
  CHECK(again.difference_count() == 0);
  CHECK(checksum(*source, t) == checksum(*target, t));
  CHECK(pt_table_sync_print(t) == "");
}

TEST_CASE("many differences across chunks: counts exact with narrowing at several depths") {
  QualifiedName t{"omsql_test_verify_many", "wide"};
  make_identical(t, 5000);
  auto source = connect_source();
  auto target = connect_target();
  const std::string name = sql::quote_name(t);
  must(*target, "DELETE FROM " + name + " WHERE id % 97 = 0");                        // 51 missing
  must(*target, "UPDATE " + name + " SET g = g * 2 WHERE id % 89 = 1");               // 57 different
  must(*target, "INSERT INTO " + name + " (id, name, code) SELECT 5000 + seq, 'x', 'y' FROM mysql.seq_1_to_300");
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto report = run_verify(job, 1000, 64);
  CHECK(report.missing == 51);
  CHECK(report.different == 57);
  CHECK(report.extra == 300);
  CHECK(report.ranges_rehashed > 0);
  apply_repair_with_client(report, scratch_path("repair_many.sql"));
  CHECK(run_verify(job, 1000, 64).difference_count() == 0);
  CHECK(checksum(*source, t) == checksum(*target, t));
}

TEST_CASE("renamed database, table and column, excluded column and FILTER verify clean") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_verify_src");
  must(*source, "CREATE DATABASE omsql_test_verify_src");
  must(*source, "CREATE TABLE omsql_test_verify_src.people (id BIGINT PRIMARY KEY, full_name VARCHAR(50), "
                "secret VARCHAR(20), age INT, price DECIMAL(10,2), born DATETIME, city VARCHAR(20) CHARACTER SET latin1)");
  must(*source, "INSERT INTO omsql_test_verify_src.people SELECT seq, CONCAT('person ', seq), 'pw', seq % 60, "
                "seq / 4, '2000-01-01' + INTERVAL seq HOUR, CONCAT('K', CHAR(0xF6 USING latin1), 'ln') FROM mysql.seq_1_to_500");
  must(*target, "DROP DATABASE IF EXISTS omsql_test_verify_dst");
  must(*target, "CREATE DATABASE omsql_test_verify_dst");
  // Widened types on the target: DECIMAL(10,2) -> DECIMAL(14,4), DATETIME -> DATETIME(6), latin1 -> utf8mb4.
  must(*target, "CREATE TABLE omsql_test_verify_dst.clients (id BIGINT PRIMARY KEY, name VARCHAR(50), age INT, "
                "price DECIMAL(14,4), born DATETIME(6), city VARCHAR(20) CHARACTER SET utf8mb4)");
  must(*target, "INSERT INTO omsql_test_verify_dst.clients SELECT seq, CONCAT('person ', seq), seq % 60, seq / 4, "
                "'2000-01-01' + INTERVAL seq HOUR, CONCAT('K', _utf8mb4 X'C3B6', 'ln') FROM mysql.seq_1_to_500 "
                "WHERE seq % 60 >= 18");
  TableJob job = make_job(*source, {{"omsql_test_verify_src", "people"},
                                    {"omsql_test_verify_dst", "clients"},
                                    {{"full_name", "name"}},
                                    {"secret"},
                                    std::string("age >= 18")});
  auto report = run_verify(job, 50);
  CHECK(report.error.empty());
  CHECK(report.difference_count() == 0);
  CHECK(report.source_rows == report.target_rows);
  CHECK(report.source_rows > 300);

  // A row the FILTER excludes is extra on the target; a changed renamed column is named by its target name.
  must(*target, "INSERT INTO omsql_test_verify_dst.clients VALUES (3, 'child', 3, 0.75, '2000-01-01 03:00:00', 'x')");
  must(*target, "UPDATE omsql_test_verify_dst.clients SET name = 'someone' WHERE id = 100");
  must(*target, "UPDATE omsql_test_verify_dst.clients SET city = 'Koln' WHERE id = 101");
  report = run_verify(job, 50);
  CHECK(difference_set(report) == std::multiset<std::string>{"extra (id) = ('3')", "different (id) = ('100') name",
                                                             "different (id) = ('101') city"});
  apply_repair_with_client(report, scratch_path("repair_renamed.sql"));
  CHECK(run_verify(job, 50).difference_count() == 0);
}

TEST_CASE("a table without a key is compared as a multiset of rows") {
  auto source = connect_source();
  auto target = connect_target();
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS omsql_test_verify_nokey");
    must(*c, "CREATE DATABASE omsql_test_verify_nokey");
    must(*c, "CREATE TABLE omsql_test_verify_nokey.log (at INT, msg VARCHAR(20), v DOUBLE, b VARBINARY(8))");
    // Every row twice, and 'dup' three times.
    must(*c, "INSERT INTO omsql_test_verify_nokey.log SELECT seq % 50, CONCAT('m', seq % 50), seq % 50 / 3, "
             "UNHEX(HEX(seq % 50)) FROM mysql.seq_1_to_100");
    must(*c, "INSERT INTO omsql_test_verify_nokey.log VALUES (7, 'dup', NULL, NULL), (7, 'dup', NULL, NULL), "
             "(7, 'dup', NULL, NULL)");
  }
  QualifiedName t{"omsql_test_verify_nokey", "log"};
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  REQUIRE(job.key.kind == RowKey::Kind::kNone);
  CHECK(run_verify(job).difference_count() == 0);

  must(*target, "DELETE FROM omsql_test_verify_nokey.log WHERE msg = 'dup' LIMIT 2");         // 2 copies missing
  must(*target, "DELETE FROM omsql_test_verify_nokey.log WHERE at = 5 LIMIT 1");              // 1 copy missing
  must(*target, "INSERT INTO omsql_test_verify_nokey.log VALUES (99, 'new', 1.5, X'00'), (99, 'new', 1.5, X'00')");
  must(*target, "INSERT INTO omsql_test_verify_nokey.log VALUES (7, 'dup', NULL, '')");       // '' is not NULL
  auto report = run_verify(job);
  CHECK_FALSE(report.keyed);
  CHECK(report.missing == 3);
  CHECK(report.extra == 3);
  CHECK(report.differences.size() == 4);
  apply_repair_with_client(report, scratch_path("repair_nokey.sql"));
  CHECK(run_verify(job).difference_count() == 0);
  CHECK(checksum(*source, t) == checksum(*target, t));
}

TEST_CASE("composite string key: collation-equal keys are the same row, chunks split inside the key") {
  auto source = connect_source();
  auto target = connect_target();
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS omsql_test_verify_strkey");
    must(*c, "CREATE DATABASE omsql_test_verify_strkey");
    must(*c, "CREATE TABLE omsql_test_verify_strkey.t (region VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL, "
             "code VARBINARY(10) NOT NULL, n INT, label VARCHAR(30), PRIMARY KEY (region, code))");
    must(*c, "INSERT INTO omsql_test_verify_strkey.t SELECT CONCAT('region-', CHAR(97 + seq % 7), ' é'), "
             "UNHEX(LPAD(HEX(seq), 6, '0')), seq, CONCAT('label ', seq) FROM mysql.seq_1_to_700");
  }
  QualifiedName t{"omsql_test_verify_strkey", "t"};
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  REQUIRE(job.key.columns.size() == 2);
  CHECK(run_verify(job, 37, 4).difference_count() == 0);

  // Upper-casing a _ci key part keeps the row's identity: one different row, not missing + extra.
  must(*target, "UPDATE omsql_test_verify_strkey.t SET region = UPPER(region) WHERE n = 100");
  must(*target, "UPDATE omsql_test_verify_strkey.t SET label = 'changed' WHERE n = 200");
  must(*target, "DELETE FROM omsql_test_verify_strkey.t WHERE n = 300");
  must(*target, "INSERT INTO omsql_test_verify_strkey.t VALUES ('region-zz', X'00', 1, 'extra')");
  auto report = run_verify(job, 37, 4);
  CHECK(report.different == 2);
  CHECK(report.missing == 1);
  CHECK(report.extra == 1);
  bool region_reported = false;
  for (const auto& d : report.differences)
    if (d.kind == verify::DifferenceKind::kDifferent && d.columns == std::vector<std::string>{"region"})
      region_reported = true;
  CHECK(region_reported);
  apply_repair_with_client(report, scratch_path("repair_strkey.sql"));
  CHECK(run_verify(job, 37, 4).difference_count() == 0);
  CHECK(checksum(*source, t) == checksum(*target, t));
  CHECK(pt_table_sync_print(t) == "");
}

TEST_CASE("hash_chunk: the two sides of a range can be hashed on two threads; a swap changes the digest") {
  QualifiedName t{"omsql_test_verify_digest", "wide"};
  make_identical(t, 300);
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);
  verify::KeyRange range{verify::KeyTuple{"100"}, verify::KeyTuple{"200"}};
  auto both = verify::hash_both_sides(*source, *target, *spec, range, true);
  REQUIRE(both);
  CHECK(both->first == both->second);
  CHECK(both->first.rows == 100);
  // Swap two equal-length values between rows: same multiset of cells, different digest.
  must(*target, "UPDATE " + sql::quote_name(t) + " SET name = 'name-000151' WHERE id = 150");
  must(*target, "UPDATE " + sql::quote_name(t) + " SET name = 'name-000150' WHERE id = 151");
  auto after = verify::hash_chunk(*target, verify::Side::kTarget, job, range);
  REQUIRE(after);
  CHECK(after->rows == 100);
  CHECK(after->digest != both->first.digest);

  // The copy's chunk walk (copy::ChunkPlanner, ranges up front) and the verifier's one-statement
  // source walk find the same ranges: one meaning of "chunk of n rows after k" for both stages.
  copy::ChunkPlanner walk(job, 100);
  std::optional<verify::KeyTuple> lower;
  for (int i = 0; i < 4; ++i) {
    auto walked = copy::next_chunk(walk, *source);
    REQUIRE(walked);
    REQUIRE(walked->has_value());
    auto chunk = verify::hash_next_source_chunk(*source, *spec, lower, 100);
    REQUIRE(chunk);
    CHECK((*walked)->lower_exclusive == chunk->range.lower_exclusive);
    CHECK((*walked)->upper_inclusive == chunk->range.upper_inclusive);
    CHECK(chunk->last == (i == 3));
    lower = chunk->range.upper_inclusive;
  }
  auto end = copy::next_chunk(walk, *source);
  REQUIRE(end);
  CHECK_FALSE(end->has_value());
}

TEST_CASE("the binary and the text protocol encode every column type to the same cells") {
  QualifiedName t{"omsql_test_verify_protocols", "wide"};
  make_identical(t, 500);
  auto source = verify_connection(true);
  must(*source, "INSERT INTO " + sql::quote_name(t) + " (id, name, code, f, g, ts, dt, dd, tm, flags, d) VALUES "
                "(1000, '', '', -0.0, -1.7976931348623157e308, '1970-01-01 00:00:01', '0000-00-00 00:00:00', "
                "'0000-00-00', '-838:59:59', 255, -0.001), (1001, 'x', 'y', 3.4e38, 4.9e-324, NULL, "
                "'9999-12-31 23:59:59.999', '9999-12-31', '838:59:59', 0, 999999999.999)");
  // Values longer than the binary reader's first buffer, then short ones again (rebinding).
  must(*source, "INSERT INTO " + sql::quote_name(t) + " (id, name, code, payload, j) VALUES "
                "(1002, REPEAT('n', 40), 'c', REPEAT(X'AB', 60000), JSON_OBJECT('big', REPEAT('y', 300000))), "
                "(1003, 'short', 'c', X'01', '{}'), (1004, 'big again', 'c', REPEAT(X'CD', 1000), NULL)");
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);
  for (const verify::KeyRange& range : {verify::KeyRange{}, verify::KeyRange{verify::KeyTuple{"10"}, verify::KeyTuple{"20"}}}) {
    auto binary = verify::hash_chunk(*source, verify::Side::kSource, *spec, range, verify::RowProtocol::kBinary);
    auto text = verify::hash_chunk(*source, verify::Side::kSource, *spec, range, verify::RowProtocol::kText);
    REQUIRE(binary);
    REQUIRE(text);
    CHECK(binary->rows > 0);
    CHECK(*binary == *text);
  }
  // One byte inside the 60,000-byte BLOB changes the digest.
  verify::KeyRange big{verify::KeyTuple{"1001"}, verify::KeyTuple{"1004"}};
  auto before = verify::hash_chunk(*source, verify::Side::kSource, *spec, big);
  must(*source, "UPDATE " + sql::quote_name(t) + " SET payload = INSERT(payload, 50000, 1, X'AC') WHERE id = 1002");
  auto after = verify::hash_chunk(*source, verify::Side::kSource, *spec, big);
  REQUIRE(before);
  REQUIRE(after);
  CHECK(before->rows == 3);
  CHECK(before->digest != after->digest);
}

TEST_CASE("verify_tables runs a plan, writes the repair file and reports text and JSON") {
  QualifiedName t{"omsql_test_verify_plan", "wide"};
  make_identical(t, 400);
  auto source = connect_source();
  auto target = connect_target();
  must(*target, "DELETE FROM " + sql::quote_name(t) + " WHERE id = 5");
  Plan plan;
  plan.source = source_endpoint();
  plan.target = target_endpoint();
  plan.tables.push_back(make_job(*source, JobSpec{t, t, {}, {}, {}}));
  VerifyOptions options;
  options.chunk_rows = 100;
  options.repair_file = scratch_path("repair_plan.sql");
  auto report = verify::verify_tables(plan, options);
  REQUIRE_MESSAGE(report, report.status().message());
  CHECK_FALSE(report->clean());
  CHECK(report->difference_count() == 1);
  CHECK(report->repair_statements == 1);
  CHECK(report->to_text().find("missing (id) = ('5')") != std::string::npos);
  CHECK(report->to_json().find("\"missing\": 1") != std::string::npos);
  std::ifstream repair(options.repair_file);
  std::string text((std::istreambuf_iterator<char>(repair)), std::istreambuf_iterator<char>());
  CHECK(text.find("REPLACE INTO `omsql_test_verify_plan`.`wide`") != std::string::npos);

  options.repair_apply = true;
  report = verify::verify_tables(plan, options);
  REQUIRE(report);
  CHECK(report->repair_applied);
  options.repair_apply = false;
  report = verify::verify_tables(plan, options);
  REQUIRE(report);
  CHECK(report->clean());
  CHECK(report->repair_statements == 0);
}

TEST_CASE("1,000 differences of every kind: all reported, none invented; after repair pt-table-sync prints nothing") {
  QualifiedName t{"omsql_test_verify_thousands", "wide"};
  make_identical(t, 20000);
  auto source = connect_source();
  auto target = connect_target();
  const std::string name = sql::quote_name(t);
  must(*target, "DELETE FROM " + name + " WHERE id % 20 = 1");                                   // missing
  must(*target, "INSERT INTO " + name + " (id, name, code) SELECT -seq, 'x', 'y' FROM mysql.seq_1_to_500");
  must(*target, "INSERT INTO " + name + " (id, name, code) SELECT 20000 + seq, 'x', 'y' FROM mysql.seq_1_to_500");
  must(*target, "UPDATE " + name + " SET d = d + 1 WHERE id % 20 = 2");                         // changed cell
  must(*target, "UPDATE " + name + " SET note = '' WHERE id % 20 = 10");                        // NULL -> ''
  must(*target, "UPDATE " + name +
                    " SET payload = INSERT(payload, 7, 1, CHAR(ASCII(SUBSTRING(payload, 7, 1)) ^ 4)) WHERE id % 20 = 3");
  must(*target, "UPDATE " + name + " SET code = UPPER(code) WHERE id % 20 = 4");                // case, _bin

  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto report = run_verify(job, 10000, 64);
  REQUIRE(report.error.empty());
  CHECK(report.missing == 1000);
  CHECK(report.extra == 1000);
  CHECK(report.different == 4000);
  std::map<std::string, int> by_column;
  int wrong_class = 0;
  for (const auto& d : report.differences) {
    const int id = std::stoi(d.key.substr(d.key.find("('") + 2));
    switch (d.kind) {
      case verify::DifferenceKind::kMissingOnTarget: wrong_class += id % 20 != 1; break;
      case verify::DifferenceKind::kExtraOnTarget: wrong_class += !(id < 0 || id > 20000); break;
      case verify::DifferenceKind::kDifferent:
        REQUIRE(d.columns.size() == 1);
        ++by_column[d.columns[0]];
        wrong_class += (d.columns[0] == "d" && id % 20 != 2) + (d.columns[0] == "note" && id % 20 != 10) +
                       (d.columns[0] == "payload" && id % 20 != 3) + (d.columns[0] == "code" && id % 20 != 4);
        break;
    }
  }
  CHECK(wrong_class == 0);
  CHECK(by_column == std::map<std::string, int>{{"code", 1000}, {"d", 1000}, {"note", 1000}, {"payload", 1000}});

  apply_repair_with_client(report, scratch_path("repair_thousands.sql"));
  CHECK(run_verify(job, 10000, 64).difference_count() == 0);
  CHECK(checksum(*source, t) == checksum(*target, t));
  CHECK(pt_table_sync_print(t) == "");
}
