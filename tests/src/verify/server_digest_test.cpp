// Server-side chunk digests against the sandboxes: equal data gives equal digests on the two
// servers; each kind of difference a weak checksum misses changes them; a table the two servers
// cannot digest alike (a converted charset) is hashed by the client, and the report says so.
#include <doctest/doctest.h>

#include <functional>

#include "tests/src/verify/verify_test_support.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

const QualifiedName kKeyed{"omsql_test_verify_server_digest", "t"};

void load_keyed(Connection& c) {
  must(c, "DROP DATABASE IF EXISTS omsql_test_verify_server_digest");
  must(c, "CREATE DATABASE omsql_test_verify_server_digest");
  // a: a PAD SPACE collation ('x' = 'x ' for the server), b: nullable text, d: exact numbers.
  must(c, "CREATE TABLE omsql_test_verify_server_digest.t (id INT NOT NULL PRIMARY KEY,"
          " a VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL, b VARCHAR(20) NULL, d DECIMAL(10,2)) DEFAULT CHARSET=utf8mb4");
  must(c, "INSERT INTO omsql_test_verify_server_digest.t SELECT seq, CONCAT('a', seq), IF(seq % 7 = 0, NULL, CONCAT('b', seq)),"
          " seq / 4 FROM mysql.seq_1_to_100");
}

verify::ChunkDigest digest_of(Connection& c, verify::Side side, const verify::TableSpec& spec,
                              const verify::KeyRange& range = {}) {
  auto d = verify::server_digest(c, side, spec, range);
  REQUIRE_MESSAGE(d, d.status().message());
  REQUIRE(d->has_value());
  return **d;
}

}  // namespace

TEST_CASE("server_digest: equal for equal data; one byte, NULL vs '', a swap, a trailing space each change it") {
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  load_keyed(*source);
  load_keyed(*target);
  TableJob job = make_job(*source, JobSpec{kKeyed, kKeyed, {}, {}, {}});
  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);
  auto obstacle = verify::server_digest_obstacle(*source, *target, *spec);
  REQUIRE(obstacle);
  CHECK(*obstacle == "");

  const verify::KeyRange chunk{verify::KeyTuple{"0"}, verify::KeyTuple{"50"}};
  const verify::ChunkDigest equal = digest_of(*source, verify::Side::kSource, *spec, chunk);
  CHECK(equal.rows == 50);
  CHECK(digest_of(*target, verify::Side::kTarget, *spec, chunk) == equal);
  CHECK(digest_of(*source, verify::Side::kSource, *spec) == digest_of(*target, verify::Side::kTarget, *spec));

  struct Change {
    const char* what;
    std::vector<std::string> statements;  // on the target
  };
  const std::vector<Change> changes = {
      {"one changed byte", {"UPDATE omsql_test_verify_server_digest.t SET b = 'b11' WHERE id = 12"}},
      {"NULL vs ''", {"UPDATE omsql_test_verify_server_digest.t SET b = '' WHERE id = 14"}},
      {"NULL vs 'NULL'", {"UPDATE omsql_test_verify_server_digest.t SET b = 'NULL' WHERE id = 14"}},
      {"'' vs 'NULL'",
       {"UPDATE omsql_test_verify_server_digest.t SET b = '' WHERE id = 14"}},  // against a source 'NULL', below
      {"a swapped pair of values across two rows",
       {"UPDATE omsql_test_verify_server_digest.t SET b = IF(id = 22, 'b23', 'b22') WHERE id IN (22, 23)"}},
      {"a trailing space under a PAD SPACE collation",
       {"UPDATE omsql_test_verify_server_digest.t SET a = 'a30 ' WHERE id = 30"}},
  };
  for (const Change& change : changes) {
    CAPTURE(change.what);
    load_keyed(*target);
    if (std::string(change.what) == "'' vs 'NULL'") {
      must(*source, "UPDATE omsql_test_verify_server_digest.t SET b = 'NULL' WHERE id = 14");
    }
    for (const auto& statement : change.statements) must(*target, statement);
    const verify::ChunkDigest source_digest = digest_of(*source, verify::Side::kSource, *spec, chunk);
    const verify::ChunkDigest target_digest = digest_of(*target, verify::Side::kTarget, *spec, chunk);
    CHECK(source_digest.rows == target_digest.rows);
    CHECK(source_digest.digest != target_digest.digest);
    // The range outside the change still agrees (the digest is per range, not per table).
    const verify::KeyRange rest{verify::KeyTuple{"50"}, std::nullopt};
    CHECK(digest_of(*source, verify::Side::kSource, *spec, rest) == digest_of(*target, verify::Side::kTarget, *spec, rest));
    // And the verification finds exactly the changed rows, through the server-side digests.
    verify::TableReport report = run_verify(job, 25, 4, true);
    CHECK(report.server_digests);
    CHECK(report.chunks == 5);
    CHECK(report.chunks_mismatched == 1);
    CHECK(report.different == (std::string(change.what).find("swap") != std::string::npos ? 2u : 1u));
    CHECK(report.missing + report.extra == 0);
    load_keyed(*source);
  }
}

TEST_CASE("server_digest: a keyless table's duplicated rows do not cancel (XOR of row checksums would)") {
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  const QualifiedName t{"omsql_test_verify_server_digest_nokey", "log"};
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS omsql_test_verify_server_digest_nokey");
    must(*c, "CREATE DATABASE omsql_test_verify_server_digest_nokey");
    must(*c, "CREATE TABLE omsql_test_verify_server_digest_nokey.log (at INT, msg VARCHAR(20))");
  }
  // Source {a, a, b}, target {b, c, c}: the same row count, and a XOR of row checksums is b's on both.
  must(*source, "INSERT INTO omsql_test_verify_server_digest_nokey.log VALUES (1, 'a'), (1, 'a'), (2, 'b')");
  must(*target, "INSERT INTO omsql_test_verify_server_digest_nokey.log VALUES (2, 'b'), (3, 'c'), (3, 'c')");
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);
  REQUIRE_FALSE(spec->keyed());
  const verify::ChunkDigest s = digest_of(*source, verify::Side::kSource, *spec);
  const verify::ChunkDigest d = digest_of(*target, verify::Side::kTarget, *spec);
  CHECK(s.rows == 3);
  CHECK(d.rows == 3);
  CHECK(s.digest != d.digest);
  // Row order does not matter without a key: the same multiset inserted in another order is equal.
  must(*target, "TRUNCATE omsql_test_verify_server_digest_nokey.log");
  must(*target, "INSERT INTO omsql_test_verify_server_digest_nokey.log VALUES (2, 'b'), (1, 'a'), (1, 'a')");
  CHECK(digest_of(*target, verify::Side::kTarget, *spec) == s);
  verify::TableReport clean = run_verify(job, 100, 8, true);
  CHECK(clean.server_digests);
  CHECK(clean.difference_count() == 0);
  CHECK(clean.source_rows == 3);
  // One copy of a duplicated row missing: 2 rows against 3, found and counted by the multiset pass.
  must(*target, "DELETE FROM omsql_test_verify_server_digest_nokey.log WHERE msg = 'a' LIMIT 1");
  verify::TableReport report = run_verify(job, 100, 8, true);
  CHECK(report.server_digests);
  CHECK(report.missing == 1);
  CHECK(report.extra == 0);
}

TEST_CASE("server_digest: a converted charset is hashed by the client, and the report says so") {
  auto source = verify_connection(true);
  auto target = verify_connection(false);
  const QualifiedName t{"omsql_test_verify_server_digest_charset", "t"};
  for (Connection* c : {source.get(), target.get()}) {
    must(*c, "DROP DATABASE IF EXISTS omsql_test_verify_server_digest_charset");
    must(*c, "CREATE DATABASE omsql_test_verify_server_digest_charset");
  }
  must(*source, "CREATE TABLE omsql_test_verify_server_digest_charset.t (id INT PRIMARY KEY, name VARCHAR(20))"
                " DEFAULT CHARSET=latin1");
  must(*target, "CREATE TABLE omsql_test_verify_server_digest_charset.t (id INT PRIMARY KEY, name VARCHAR(20))"
                " DEFAULT CHARSET=utf8mb4");
  for (Connection* c : {source.get(), target.get()})
    must(*c, "INSERT INTO omsql_test_verify_server_digest_charset.t VALUES (1, _utf8mb4 'caf\xc3\xa9'), (2, 'plain')");
  TableJob job = make_job(*source, JobSpec{t, t, {}, {}, {}});
  auto spec = verify::TableSpec::make(job);
  REQUIRE(spec);
  auto obstacle = verify::server_digest_obstacle(*source, *target, *spec);
  REQUIRE(obstacle);
  CHECK(*obstacle == "column name is converted from latin1 to utf8mb4");
  verify::TableReport report = run_verify(job, 100, 8, true);
  CHECK_FALSE(report.server_digests);
  CHECK(report.client_digests_reason == *obstacle);
  CHECK(report.difference_count() == 0);  // the client compares characters: equal
  verify::VerifyReport all;
  all.tables.push_back(report);
  CHECK(all.to_text().find("  client-side digests (every row read): column name is converted from latin1 to utf8mb4\n") !=
        std::string::npos);
  CHECK(all.to_json().find("\"client_digests_reason\"") != std::string::npos);
  // A real difference is still found on the client path.
  must(*target, "UPDATE omsql_test_verify_server_digest_charset.t SET name = 'caf' WHERE id = 1");
  CHECK(run_verify(job, 100, 8, true).different == 1);
}
