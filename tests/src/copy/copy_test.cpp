// Server tests of the copy engine: exact round trip of every MariaDB column type and its edge
// values, chunk coverage for composite/string/sparse keys, idempotent re-writes, and error
// messages for values the target rejects. Rows are compared with each server's own SQL.
#include <doctest/doctest.h>

#include "tests/src/copy/copy_test_support.hpp"

using namespace omsql;
using namespace omsql::testing;
using copy::WireFormat;

namespace {

struct Servers {
  std::unique_ptr<Connection> source = connect_source();
  std::unique_ptr<Connection> target = connect_target();
  Servers() {
    auto s = copy::prepare_source_session(*source);
    if (!s) throw std::runtime_error(s.message());
    s = copy::prepare_target_session(*target);
    if (!s) throw std::runtime_error(s.message());
  }
};

void reset_database(Connection& c, const std::string& db) {
  must(c, "DROP DATABASE IF EXISTS " + sql::quote_identifier(db));
  must(c, "CREATE DATABASE " + sql::quote_identifier(db) + " CHARACTER SET utf8mb4");
}

std::string all_bytes_hex(bool reversed) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (int i = 0; i < 256; ++i) {
    int b = reversed ? 255 - i : i;
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

const char* kTypesTable = R"(CREATE TABLE `omsql_test_copy_types`.`all types` (
  `id` int NOT NULL,
  `ti` tinyint, `tiu` tinyint unsigned, `si` smallint, `siu` smallint unsigned,
  `mi` mediumint, `miu` mediumint unsigned, `i` int, `iu` int unsigned, `bi` bigint, `biu` bigint unsigned,
  `bool` boolean, `dec` decimal(65,30), `dec0` decimal(20,0) unsigned, `f` float, `f73` float(7,3), `d` double,
  `b1` bit(1), `b13` bit(13), `b64` bit(64), `y` year,
  `dt` date, `dtm` datetime(6), `dtm0` datetime, `ts` timestamp(6) NULL DEFAULT NULL, `tm` time(6), `tm0` time,
  `c` char(10), `vc` varchar(255), `vcb` varbinary(300), `bn` binary(4),
  `tt` tinytext, `tx` text, `mt` mediumtext, `lt` longtext,
  `tb` tinyblob, `bl` blob, `mb` mediumblob, `lb` longblob,
  `e` enum('a','b','c d','NULL'), `st` set('x','y','z'),
  `j` json, `g` geometry, `pt` point, `u` uuid, `ip6` inet6, `ip4` inet4,
  `latin` varchar(20) CHARACTER SET latin1, `bin_coll` varchar(20) COLLATE utf8mb4_bin,
  `u16` varchar(10) CHARACTER SET utf16, `ucs` char(5) CHARACTER SET ucs2, `sjis` varchar(10) CHARACTER SET sjis,
  `gen_v` varchar(300) AS (concat(`vc`, '!')) VIRTUAL, `gen_s` bigint AS (`bi` DIV 2) STORED,
  `select` int, `with space` int, `back``tick` varchar(5), `Ünï` varchar(5),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4)";

void fill_types_table(Connection& c) {
  const std::string bytes = "UNHEX('" + all_bytes_hex(false) + "')";
  const std::string bytes_rev = "UNHEX('" + all_bytes_hex(true) + "')";
  must(c, "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");  // zero dates allowed
  const std::string others =
      "UPDATE `omsql_test_copy_types`.`all types` SET `u16` = CONCAT('😀', id, 'é'), `ucs` = 'ü\\t', "
      "`sjis` = CONVERT('日本語' USING sjis) WHERE id > 2";
  const std::string cols =
      "INSERT INTO `omsql_test_copy_types`.`all types` (`id`, `ti`, `tiu`, `si`, `siu`, `mi`, `miu`, `i`, `iu`, `bi`, "
      "`biu`, `bool`, `dec`, `dec0`, `f`, `f73`, `d`, `b1`, `b13`, `b64`, `y`, `dt`, `dtm`, `dtm0`, `ts`, `tm`, `tm0`, "
      "`c`, `vc`, `vcb`, `bn`, `tt`, `tx`, `mt`, `lt`, `tb`, `bl`, `mb`, `lb`, `e`, `st`, `j`, `g`, `pt`, `u`, "
      "`ip6`, `ip4`, `latin`, `bin_coll`, `select`, `with space`, `back``tick`, `Ünï`) VALUES ";
  // 1: NULL everywhere.
  must(c, "INSERT INTO `omsql_test_copy_types`.`all types` (`id`) VALUES (1)");
  // 2: empty strings, zeros, zero dates.
  must(c, cols + "(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b'0', b'0', b'0', 0, '0000-00-00', "
           "'0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '00:00:00', '00:00:00', "
           "'', '', '', '', '', '', '', '', '', '', '', '', 'a', '', '[]', NULL, NULL, "
           "'00000000-0000-0000-0000-000000000000', '::', '0.0.0.0', '', '', 0, 0, '', '')");
  // 3: maxima; the word NULL as text.
  must(c, cols + "(3, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, "
           "18446744073709551615, 1, '99999999999999999999999999999999999.999999999999999999999999999999', "
           "99999999999999999999, 3.4028234663852886e38, 9999.999, 1.7976931348623157e308, b'1', b'1111111111111', "
           "b'1111111111111111111111111111111111111111111111111111111111111111', 2155, '9999-12-31', "
           "'9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999999', '838:59:59.000000', "
           "'838:59:59', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', "
           "'NULL', 'NULL', 'x,y,z', '{\"a\": [1, 2.5, \"\\u00fc\"], \"b\": null, \"c\": 1e300}', "
           "ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'), ST_GeomFromText('POINT(1.5 -2.25)'), "
           "'ffffffff-ffff-ffff-ffff-ffffffffffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '255.255.255.255', "
           "'NULL', 'NULL', 2147483647, -1, 'NULL', 'NULL')");
  // 4: minima; backslash-N, separators, quotes.
  must(c, cols + "(4, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 0, "
           "'-99999999999999999999999999999999999.999999999999999999999999999999', 0, -3.4028234663852886e38, "
           "-9999.999, -1.7976931348623157e308, b'0', b'0', b'0', 1901, '1000-01-01', "
           "'1000-01-01 00:00:00.000000', '1000-01-01 00:00:00', '1970-01-01 00:00:01.000000', '-838:59:59.000000', "
           "'-838:59:59', '\\\\N', '\\\\N', '\\\\N', '\\\\N', 'tab\\there', 'nl\\nhere\\r\\n', "
           "'quote\\'s \"dq\" \\\\ bs', '\\\\', '\\\\N', '\\t\\n', '\\0', '\\\\', 'b', 'x', 'null', NULL, NULL, "
           "NULL, '::1', '127.0.0.1', '\\\\N', ' trailing  ', -2147483648, NULL, '`', 'ü')");
  // 5: every byte value, 4-byte characters, tiny floats, fractions.
  must(c, cols + "(5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, '0.000000000000000000000000000001', 1, 1.401298464324817e-45, "
           "0.001, 4.9406564584124654e-324, b'1', b'1010101010101', x'0123456789ABCDEF', 2000, '2024-02-29', "
           "'2024-02-29 12:34:56.000001', '2024-02-29 12:34:56', '2024-02-29 12:34:56.123456', '-00:00:00.000001', "
           "'-00:00:01', 'é😀', '😀𝄞 ünï 漢字', " + bytes + ", x'00FF0A09', '😀', 'x😀y', '𝄞', '😀', " +
           bytes_rev + ", " + bytes + ", " + bytes_rev + ", " + bytes + ", 'c d', 'x,z', "
           "'{\"emoji\": \"😀\", \"nested\": {\"k\": [true, false, null]}}', "
           "ST_GeomFromText('LINESTRING(0 0,1 1,2 3)'), ST_GeomFromText('POINT(0 0)'), "
           "'01234567-89ab-cdef-0123-456789abcdef', '2001:db8::ff00:42:8329', '10.0.0.1', 'é', 'CaSe', 1, 2, 'a`b', 'x')");
  // 6: ordinary fractions and a negative zero-ish time.
  must(c, cols + "(6, -1, 128, -1, 32768, -1, 8388608, -1, 2147483648, -1, 9223372036854775808, 1, "
           "'-0.100000000000000000000000000001', 12345678901234567890, 0.1, 1.5, 0.1, b'0', b'1000000000000', "
           "b'1000000000000000000000000000000000000000000000000000000000000000', 1970, '1970-01-01', "
           "'1970-01-01 00:00:00.5', '1970-01-01 00:00:00', '0000-00-00 00:00:00.000000', '-01:00:00.5', '12:00:00', "
           "'a', 'a b', x'00', x'00', 'a', 'b', 'c', 'd', x'00', x'FF', x'0A', x'5C', 'NULL', '', '\"string\"', "
           "NULL, NULL, NULL, NULL, NULL, 'abc', 'abc', NULL, NULL, NULL, NULL)");
  must(c, others);
  must(c, "UPDATE `omsql_test_copy_types`.`all types` SET `u16` = '', `ucs` = '', `sjis` = '' WHERE id = 2");
}

}  // namespace

TEST_CASE("every column type and edge value round-trips exactly (LOAD DATA and INSERT)") {
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  reset_database(source, "omsql_test_copy_types");
  must(source, kTypesTable);
  fill_types_table(source);
  auto setup = copy::prepare_source_session(source);  // fill_types_table changed sql_mode only
  REQUIRE(setup);

  QualifiedName table{"omsql_test_copy_types", "all types"};
  TableJob job = make_job(source, table, table);
  REQUIRE(job.key.kind == RowKey::Kind::kPrimary);
  auto expected = row_fingerprints(source, table);
  REQUIRE(expected.size() == 6);
  std::string expected_checksum = checksum(source, table);

  for (WireFormat format : {WireFormat::kLoadData, WireFormat::kInsertValues, WireFormat::kLoadDataIgnore}) {
    CAPTURE(copy::wire_format_name(format));
    reset_database(target, "omsql_test_copy_types");
    clone_table(source, target, table, table);
    // Small chunks and batches: several chunks, batches that end mid-chunk.
    auto stats = copy_table(source, target, job, 2, copy::BatchLimits{1, 1 << 20}, format);
    CHECK(stats.rows == 6);
    auto actual = row_fingerprints(target, table);
    REQUIRE(actual.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(i);
      CHECK(actual[i] == expected[i]);
    }
    CHECK(checksum(target, table) == expected_checksum);
    if (format == WireFormat::kLoadDataIgnore) {
      // Written again: every row is skipped as a duplicate, deleted by its key and loaded again.
      copy_table(source, target, job, 2, copy::BatchLimits{1, 1 << 20}, format);
      CHECK(row_fingerprints(target, table) == expected);
    }
  }
}

namespace {

// Tables with hard keys: composite string key in two collations, sparse and extreme integers,
// a unique NOT NULL varbinary key with every byte value, no key at all (with duplicate rows).
void make_key_tables(Connection& c) {
  reset_database(c, "omsql_test_copy_keys");
  must(c, "CREATE TABLE omsql_test_copy_keys.composite (region varchar(20) COLLATE utf8mb4_general_ci NOT NULL, "
          "name varchar(40) COLLATE utf8mb4_unicode_ci NOT NULL, n int, PRIMARY KEY (region, name))");
  must(c, "INSERT INTO omsql_test_copy_keys.composite SELECT r.region, CONCAT(p.prefix, s.seq), s.seq "
          "FROM (SELECT 'north' AS region UNION ALL SELECT 'South' UNION ALL SELECT 'Ést' UNION ALL "
          "SELECT 'west 😀' UNION ALL SELECT '' UNION ALL SELECT 'z\\'q') r, "
          "(SELECT 'Ab' AS prefix UNION ALL SELECT 'aC' UNION ALL SELECT 'ä' UNION ALL SELECT '𝄞') p, "
          "mysql.seq_1_to_40 s");
  must(c, "CREATE TABLE omsql_test_copy_keys.sparse (id bigint NOT NULL PRIMARY KEY, v varchar(10))");
  must(c, "INSERT INTO omsql_test_copy_keys.sparse SELECT CAST(seq AS SIGNED) * CAST(seq AS SIGNED) * 7919 - 50000000, seq FROM mysql.seq_1_to_700");
  must(c, "INSERT INTO omsql_test_copy_keys.sparse VALUES (-9223372036854775808, 'min'), (9223372036854775807, 'max'), "
          "(0, 'zero')");
  must(c, "CREATE TABLE omsql_test_copy_keys.binary_unique (k varbinary(8) NOT NULL, v int, other int NULL, "
          "UNIQUE KEY uk (k), KEY other (other))");
  must(c, "INSERT INTO omsql_test_copy_keys.binary_unique SELECT UNHEX(LPAD(HEX(seq), 2, '0')), seq, NULL "
          "FROM mysql.seq_0_to_255");
  must(c, "INSERT INTO omsql_test_copy_keys.binary_unique VALUES (x'', -1, NULL), (x'00FF00', -2, 1), (x'FFFF', -3, 2)");
  // ENUM orders by number, FLOAT bounds need 17 digits, BIT compares as an integer.
  must(c, "CREATE TABLE omsql_test_copy_keys.odd_types (e enum('z','a','m') NOT NULL, f float NOT NULL, "
          "b bit(10) NOT NULL, v int, PRIMARY KEY (e, f, b))");
  must(c, "INSERT INTO omsql_test_copy_keys.odd_types SELECT ELT(seq % 3 + 1, 'z', 'a', 'm'), seq / 7, seq % 1000, seq "
          "FROM mysql.seq_1_to_300");
  must(c, "CREATE TABLE omsql_test_copy_keys.no_key (a int, b varchar(10))");
  must(c, "INSERT INTO omsql_test_copy_keys.no_key SELECT seq % 7, IF(seq % 3 = 0, NULL, 'dup') FROM mysql.seq_1_to_100");
}

uint64_t count_rows(Connection& c, const QualifiedName& t) {
  auto v = c.query_value("SELECT COUNT(*) FROM " + sql::quote_name(t));
  if (!v || !v->has_value()) throw std::runtime_error("count failed");
  return std::stoull(**v);
}

}  // namespace

TEST_CASE("chunks cover every row exactly once for composite, string, sparse, binary and missing keys") {
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  make_key_tables(source);
  reset_database(target, "omsql_test_copy_keys");

  struct Case {
    const char* table;
    RowKey::Kind kind;
    int64_t chunk_rows;
  };
  for (Case tc : {Case{"composite", RowKey::Kind::kPrimary, 7}, Case{"composite", RowKey::Kind::kPrimary, 1},
                  Case{"sparse", RowKey::Kind::kPrimary, 13}, Case{"odd_types", RowKey::Kind::kPrimary, 11}, Case{"binary_unique", RowKey::Kind::kUniqueNotNull, 5},
                  Case{"no_key", RowKey::Kind::kNone, 10}}) {
    CAPTURE(tc.table);
    CAPTURE(tc.chunk_rows);
    QualifiedName table{"omsql_test_copy_keys", tc.table};
    TableJob job = make_job(source, table, table);
    REQUIRE(job.key.kind == tc.kind);
    clone_table(source, target, table, table);
    uint64_t total = count_rows(source, table);
    auto stats = copy_table(source, target, job, tc.chunk_rows, copy::BatchLimits{3, 1 << 20});
    // Every row at least once (the target matches) and the counts add up: so exactly once.
    CHECK(stats.rows == total);
    CHECK(row_fingerprints(target, table) == row_fingerprints(source, table));
    if (tc.kind == RowKey::Kind::kNone) {
      CHECK(stats.chunks == 1);
    } else {
      CHECK(stats.chunks == static_cast<int>(total / tc.chunk_rows) + 1);
      for (size_t i = 0; i + 1 < stats.rows_per_chunk.size(); ++i)
        CHECK(stats.rows_per_chunk[i] == static_cast<uint64_t>(tc.chunk_rows));
    }
  }
}

TEST_CASE("planner sees a string key in its collation's order and bounds it with collation-aware literals") {
  Servers servers;
  Connection& source = *servers.source;
  make_key_tables(source);
  QualifiedName table{"omsql_test_copy_keys", "composite"};
  TableJob job = make_job(source, table, table);
  copy::ChunkPlanner planner(job, 50);
  auto first = copy::next_chunk(planner, source);
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK(!(*first)->lower_exclusive);
  REQUIRE((*first)->upper_inclusive);
  // '' sorts first; 40 rows per prefix: the 50th row is in region '' under the second prefix.
  CHECK((*first)->upper_inclusive->at(0) == "");
  auto sql = copy::chunk_select_sql(job, **first);
  REQUIRE(sql);
  CHECK(sql->find("_utf8mb4 X'") != std::string::npos);
  CHECK(sql->find("COLLATE utf8mb4_unicode_ci") != std::string::npos);
  CHECK((*first)->describe(job).find("omsql_test_copy_keys.composite (region, name) in (-inf, ('', ") == 0);
}

TEST_CASE("filters and MAP COLUMN renames apply; re-writing a chunk is harmless") {
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  make_key_tables(source);
  reset_database(target, "omsql_test_copy_renamed");
  must(target, "CREATE TABLE omsql_test_copy_renamed.sparse2 (id bigint NOT NULL PRIMARY KEY, `value text` varchar(10))");
  QualifiedName from{"omsql_test_copy_keys", "sparse"};
  QualifiedName to{"omsql_test_copy_renamed", "sparse2"};
  TableJob job = make_job(source, from, to);
  job.columns[1].target = "value text";
  job.filter = "id % 2 = 0";

  for (WireFormat format : {WireFormat::kLoadData, WireFormat::kInsertValues, WireFormat::kLoadDataIgnore}) {
    CAPTURE(copy::wire_format_name(format));
    must(target, "TRUNCATE TABLE omsql_test_copy_renamed.sparse2");
    copy_table(source, target, job, 100, copy::BatchLimits{}, format);
    auto expected = source.query_value("SELECT COUNT(*) FROM omsql_test_copy_keys.sparse WHERE id % 2 = 0");
    auto actual = target.query_value("SELECT COUNT(*) FROM omsql_test_copy_renamed.sparse2");
    REQUIRE(expected);
    REQUIRE(actual);
    CHECK(**actual == **expected);

    // Damage the target, then copy everything again: same rows, none doubled, damage repaired.
    must(target, "UPDATE omsql_test_copy_renamed.sparse2 SET `value text` = 'damaged' WHERE id = 0");
    copy_table(source, target, job, 100, copy::BatchLimits{}, format);
    auto again = target.query_value("SELECT COUNT(*) FROM omsql_test_copy_renamed.sparse2");
    REQUIRE(again);
    CHECK(**again == **expected);
    auto repaired = target.query_value("SELECT `value text` FROM omsql_test_copy_renamed.sparse2 WHERE id = 0");
    REQUIRE(repaired);
    CHECK(**repaired == "zero");
  }
}

TEST_CASE("ucs2, utf16le and utf32 text stored as utf8mb4 is converted, not copied as bytes (LOAD DATA and INSERT)") {
  // What the oceanbase dialect does with these charsets (docs/dialects.md), here with the columns'
  // target types written as CASTs: the copy must convert the characters, whatever the wire format.
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  reset_database(source, "omsql_test_copy_charsets");
  must(source, "CREATE TABLE omsql_test_copy_charsets.t (id int NOT NULL PRIMARY KEY, "
               "u2 varchar(10) CHARACTER SET ucs2, u16le varchar(10) CHARACTER SET utf16le, "
               "u32 varchar(10) CHARACTER SET utf32)");
  must(source, "INSERT INTO omsql_test_copy_charsets.t VALUES (1, 'abc', 'x''y\\\\z', 'caf\xc3\xa9'), "
               "(2, '', NULL, '\xf0\x9f\x98\x80 ok')");
  QualifiedName table{"omsql_test_copy_charsets", "t"};
  TableJob job = make_job(source, table, table);
  for (size_t i = 1; i < job.columns.size(); ++i) job.columns[i].cast_to = "varchar(10) CHARACTER SET utf8mb4";
  for (WireFormat format : {WireFormat::kLoadData, WireFormat::kInsertValues, WireFormat::kLoadDataIgnore}) {
    CAPTURE(copy::wire_format_name(format));
    reset_database(target, "omsql_test_copy_charsets");
    must(target, "CREATE TABLE omsql_test_copy_charsets.t (id int NOT NULL PRIMARY KEY, u2 varchar(10), "
                 "u16le varchar(10), u32 varchar(10)) DEFAULT CHARSET=utf8mb4");
    copy_table(source, target, job, 100, copy::BatchLimits{}, format);
    auto rows = target.query("SELECT HEX(u2), HEX(u16le), HEX(u32) FROM omsql_test_copy_charsets.t ORDER BY id");
    REQUIRE(rows);
    REQUIRE(rows->rows.size() == 2);
    CHECK(rows->rows[0][0].value_or("?") == "616263");
    CHECK(rows->rows[0][1].value_or("?") == "7827795C7A");
    CHECK(rows->rows[0][2].value_or("?") == "636166C3A9");
    CHECK(rows->rows[1][0].value_or("?") == "");
    CHECK_FALSE(rows->rows[1][1].has_value());
    CHECK(rows->rows[1][2].value_or("?") == "F09F9880206F6B");
  }
}

TEST_CASE("a value the target rejects names the target, table, chunk and column") {
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  make_key_tables(source);
  reset_database(target, "omsql_test_copy_narrow");
  must(target, "CREATE TABLE omsql_test_copy_narrow.sparse (id bigint NOT NULL PRIMARY KEY, narrow varchar(2))");
  QualifiedName from{"omsql_test_copy_keys", "sparse"};
  QualifiedName to{"omsql_test_copy_narrow", "sparse"};
  TableJob job = make_job(source, from, to);
  job.columns[1].target = "narrow";

  for (WireFormat format : {WireFormat::kLoadData, WireFormat::kInsertValues, WireFormat::kLoadDataIgnore}) {
    CAPTURE(copy::wire_format_name(format));
    copy::ChunkPlanner planner(job, 200);
    auto range = copy::next_chunk(planner, source);
    REQUIRE(range);
    REQUIRE(range->has_value());
    auto cursor = copy::ChunkCursor::open(source, job, **range, copy::BatchLimits{}, format);
    REQUIRE(cursor);
    auto writer = copy::BatchWriter::open(target, job, format);
    REQUIRE(writer);
    Status status;
    while (status) {
      auto batch = (*cursor)->next_batch();
      REQUIRE(batch);
      status = (*writer)->write(*batch);
      if (batch->last_of_chunk) break;
    }
    REQUIRE(!status);
    CHECK(!status.is_transient());
    const std::string& m = status.message();
    CAPTURE(m);
    CHECK(m.find("target root@127.0.0.1:") != std::string::npos);
    CHECK(m.find("omsql_test_copy_narrow") != std::string::npos);
    CHECK(m.find("omsql_test_copy_keys.sparse (id) in (-inf, ") != std::string::npos);
    CHECK(m.find("'narrow'") != std::string::npos);
    CHECK(m.find("source column omsql_test_copy_keys.sparse.v") != std::string::npos);
  }
}

TEST_CASE("a lost target connection is a transient error (the actors retry those)") {
  Servers servers;
  Connection& source = *servers.source;
  make_key_tables(source);
  auto target = connect_target();
  REQUIRE(copy::prepare_target_session(*target));
  reset_database(*target, "omsql_test_copy_lost");
  QualifiedName table{"omsql_test_copy_keys", "sparse"};
  QualifiedName to{"omsql_test_copy_lost", "sparse"};
  clone_table(source, *target, table, to);
  TableJob job = make_job(source, table, to);
  auto id = target->query_value("SELECT CONNECTION_ID()");
  REQUIRE(id);
  must(*servers.target, "KILL CONNECTION " + **id);

  copy::ChunkPlanner planner(job, 10);
  auto range = copy::next_chunk(planner, source);
  REQUIRE(range);
  auto cursor = copy::ChunkCursor::open(source, job, **range, copy::BatchLimits{});
  REQUIRE(cursor);
  auto batch = (*cursor)->next_batch();
  REQUIRE(batch);
  auto writer = copy::BatchWriter::open(*target, job);
  REQUIRE(writer);
  Status lost = (*writer)->write(*batch);
  CHECK(!lost);
  CHECK(lost.is_transient());
}

TEST_CASE("a target session that is not strict still cannot truncate silently: warnings fail the write") {
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  make_key_tables(source);
  reset_database(target, "omsql_test_copy_loose");
  must(target, "CREATE TABLE omsql_test_copy_loose.sparse (id bigint NOT NULL PRIMARY KEY, v varchar(2))");
  must(target, "SET SESSION sql_mode = ''");
  QualifiedName from{"omsql_test_copy_keys", "sparse"};
  TableJob job = make_job(source, from, QualifiedName{"omsql_test_copy_loose", "sparse"});
  for (WireFormat format : {WireFormat::kLoadData, WireFormat::kInsertValues, WireFormat::kLoadDataIgnore}) {
    CAPTURE(copy::wire_format_name(format));
    copy::ChunkPlanner planner(job, 50);
    auto range = copy::next_chunk(planner, source);
    REQUIRE(range);
    auto cursor = copy::ChunkCursor::open(source, job, **range, copy::BatchLimits{}, format);
    REQUIRE(cursor);
    auto batch = (*cursor)->next_batch();
    REQUIRE(batch);
    auto writer = copy::BatchWriter::open(target, job, format);
    REQUIRE(writer);
    Status status = (*writer)->write(*batch);
    REQUIRE(!status);
    CAPTURE(status.message());
    CHECK(status.message().find("the target changed values") != std::string::npos);
    CHECK(status.message().find("'v'") != std::string::npos);
  }
}

TEST_CASE("LOAD DATA IGNORE (OceanBase 4.2.2+): a batch written again replaces its rows by key, for every hard key") {
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  make_key_tables(source);
  reset_database(target, "omsql_test_copy_ignore");
  for (const char* name : {"composite", "sparse", "binary_unique", "odd_types"}) {
    CAPTURE(name);
    QualifiedName from{"omsql_test_copy_keys", name};
    QualifiedName to{"omsql_test_copy_ignore", name};
    clone_table(source, target, from, to);
    TableJob job = make_job(source, from, to);
    REQUIRE(job.key.kind != RowKey::Kind::kNone);
    auto writer = copy::BatchWriter::open(target, job, WireFormat::kLoadDataIgnore);
    REQUIRE(writer);
    CHECK((*writer)->load_sql().rfind("LOAD DATA LOCAL INFILE 'omsql-batch' IGNORE INTO TABLE `omsql_test_copy_ignore`.", 0) == 0);
    copy_table(source, target, job, 97, copy::BatchLimits{40, 1 << 20}, WireFormat::kLoadDataIgnore);
    // Damage every row's non-key value, then write everything again with other batch limits.
    const std::string value = std::string(name) == "binary_unique" || std::string(name) == "odd_types" ? "v" : "n";
    const std::string column = std::string(name) == "sparse" ? "v" : value;
    must(target, "UPDATE " + sql::quote_name(to) + " SET `" + column + "` = NULL");
    copy_table(source, target, job, 1000, copy::BatchLimits{64, 1 << 20}, WireFormat::kLoadDataIgnore);
    CHECK(row_fingerprints(target, to) == row_fingerprints(source, from));
  }
}

TEST_CASE("LOAD DATA IGNORE: a value strict mode would refuse, a clash on another unique key, a keyless duplicate fail") {
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  make_key_tables(source);
  reset_database(target, "omsql_test_copy_ignore_fail");
  QualifiedName from{"omsql_test_copy_keys", "sparse"};
  auto first_batch_written = [&](const TableJob& job) {
    copy::ChunkPlanner planner(job, 50);
    auto range = copy::next_chunk(planner, source);
    REQUIRE(range);
    auto cursor = copy::ChunkCursor::open(source, job, **range, copy::BatchLimits{}, WireFormat::kLoadDataIgnore);
    REQUIRE(cursor);
    auto batch = (*cursor)->next_batch();
    REQUIRE(batch);
    CHECK(batch->keys.size() == (job.key.kind == RowKey::Kind::kNone ? 0 : batch->rows));
    auto writer = copy::BatchWriter::open(target, job, WireFormat::kLoadDataIgnore);
    REQUIRE(writer);
    return (*writer)->write(*batch);
  };

  // IGNORE stores a too-long value cut, with a warning: the batch fails, naming the column.
  must(target, "CREATE TABLE omsql_test_copy_ignore_fail.narrow (id bigint NOT NULL PRIMARY KEY, v varchar(2))");
  Status narrow = first_batch_written(make_job(source, from, {"omsql_test_copy_ignore_fail", "narrow"}));
  REQUIRE(!narrow);
  CAPTURE(narrow.message());
  CHECK(narrow.message().find("the target changed values") != std::string::npos);
  CHECK(narrow.message().find("'v'") != std::string::npos);

  // A target row holding a batch row's unique value under another key: deleting the batch's keys
  // does not free it, and the second load skips the row again.
  must(target, "CREATE TABLE omsql_test_copy_ignore_fail.clash (id bigint NOT NULL PRIMARY KEY, v varchar(10), UNIQUE KEY uv (v))");
  must(target, "INSERT INTO omsql_test_copy_ignore_fail.clash VALUES (12345, 'min')");  // 'min': the first row
  Status clash = first_batch_written(make_job(source, from, {"omsql_test_copy_ignore_fail", "clash"}));
  REQUIRE(!clash);
  CAPTURE(clash.message());
  CHECK(clash.message().find("the target skipped 1 rows as duplicates after their row keys were deleted: they collide "
                             "on another unique key") != std::string::npos);

  // No row key (a UNIQUE key over a nullable column): duplicates cannot be replaced, so they fail.
  must(source, "CREATE TABLE omsql_test_copy_keys.nullable_unique (a int NULL, b int, UNIQUE KEY ua (a))");
  must(source, "INSERT INTO omsql_test_copy_keys.nullable_unique VALUES (1, 1), (2, 2), (NULL, 3)");
  must(target, "CREATE TABLE omsql_test_copy_ignore_fail.nullable_unique (a int NULL, b int, UNIQUE KEY ua (a))");
  must(target, "INSERT INTO omsql_test_copy_ignore_fail.nullable_unique VALUES (1, 0)");
  TableJob keyless = make_job(source, {"omsql_test_copy_keys", "nullable_unique"}, {"omsql_test_copy_ignore_fail", "nullable_unique"});
  REQUIRE(keyless.key.kind == RowKey::Kind::kNone);
  Status duplicate = first_batch_written(keyless);
  REQUIRE(!duplicate);
  CAPTURE(duplicate.message());
  CHECK(duplicate.message().find("the table has no copied row key to replace them by") != std::string::npos);
}

TEST_CASE("a table without a key is copied again after restart_chunk, not doubled") {
  Servers servers;
  Connection& source = *servers.source;
  Connection& target = *servers.target;
  make_key_tables(source);
  reset_database(target, "omsql_test_copy_restart");
  QualifiedName from{"omsql_test_copy_keys", "no_key"};
  QualifiedName to{"omsql_test_copy_restart", "no_key"};
  clone_table(source, target, from, to);
  TableJob job = make_job(source, from, to);
  REQUIRE(job.key.kind == RowKey::Kind::kNone);
  copy::ChunkPlanner planner(job, 10);
  auto range = copy::next_chunk(planner, source);
  REQUIRE(range);
  REQUIRE(range->has_value());
  CHECK(planner.done());
  auto writer = copy::BatchWriter::open(target, job);
  REQUIRE(writer);
  for (int attempt = 0; attempt < 2; ++attempt) {
    REQUIRE((*writer)->restart_chunk(**range));
    auto cursor = copy::ChunkCursor::open(source, job, **range, copy::BatchLimits{30, 1 << 20});
    REQUIRE(cursor);
    // The first attempt "fails" after one batch; the second copies the whole chunk.
    while (true) {
      auto batch = (*cursor)->next_batch();
      REQUIRE(batch);
      REQUIRE((*writer)->write(*batch));
      if (batch->last_of_chunk || attempt == 0) break;
    }
  }
  CHECK(row_fingerprints(target, to) == row_fingerprints(source, from));
}

TEST_CASE("a source connection lost in mid-chunk is a transient error naming the chunk") {
  Servers servers;
  auto source = connect_source();
  REQUIRE(copy::prepare_source_session(*source));
  reset_database(*servers.source, "omsql_test_copy_stream");
  must(*servers.source, "CREATE TABLE omsql_test_copy_stream.wide (id int PRIMARY KEY, pad varchar(1000))");
  must(*servers.source, "INSERT INTO omsql_test_copy_stream.wide SELECT seq, REPEAT('x', 1000) FROM mysql.seq_1_to_20000");
  QualifiedName table{"omsql_test_copy_stream", "wide"};
  TableJob job = make_job(*source, table, table);
  copy::ChunkPlanner planner(job, 1000000);
  auto range = copy::next_chunk(planner, *source);
  REQUIRE(range);
  auto cursor = copy::ChunkCursor::open(*source, job, **range, copy::BatchLimits{100, 1 << 20});
  REQUIRE(cursor);
  auto first = (*cursor)->next_batch();
  REQUIRE(first);
  CHECK(first->rows == 100);
  // 20 MB cannot sit in socket buffers: the server is still sending when the connection dies.
  auto thread_id = mysql_thread_id(source->raw());
  must(*servers.source, "KILL CONNECTION " + std::to_string(thread_id));
  Status status;
  for (int i = 0; i < 1000 && status; ++i) {
    auto batch = (*cursor)->next_batch();
    if (!batch) status = batch.status();
    else if (batch->last_of_chunk) break;
  }
  REQUIRE(!status);
  CAPTURE(status.message());
  CHECK(status.is_transient());
  CHECK(status.message().find("omsql_test_copy_stream.wide (id) in (-inf, +inf)") != std::string::npos);
}
