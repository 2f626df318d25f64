#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/engine/mysql/binlog/stream.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/sql/quote.hpp"
#include "tests/support/binlog_positions.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

const char* kDatabase = "omsql_test_binlog";

// Every MariaDB column type, nullable, so a row of NULLs is possible.
const char* kColumns =
    "id INT NOT NULL PRIMARY KEY,"
    "ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,"
    "i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,"
    "f FLOAT, d DOUBLE, dec1 DECIMAL(65,30), dec2 DECIMAL(10,2), dec3 DECIMAL(5,0),"
    "dt DATE, t0 TIME, t3 TIME(3), t6 TIME(6), dt0 DATETIME, dt2 DATETIME(2), dt6 DATETIME(6),"
    "ts0 TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL, y YEAR,"
    "b1 BIT(1), b10 BIT(10), b64 BIT(64), e ENUM('a','b','c'), s SET('x','y','z'),"
    "c10 CHAR(10), c255 CHAR(255), vc VARCHAR(20), vcl VARCHAR(1000), bin BINARY(4), vbin VARBINARY(300),"
    "tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,"
    "j JSON, g GEOMETRY NULL";

std::string all_bytes_hex() {
  std::string hex;
  char b[3];
  for (int i = 0; i < 256; ++i) {
    std::snprintf(b, sizeof b, "%02X", i);
    hex += b;
  }
  return hex;
}

// Rows with edge values: all NULL, minima and empties, maxima, then odd cases.
std::vector<std::string> edge_rows() {
  const std::string all = "UNHEX('" + all_bytes_hex() + "')";
  return {
      "(1" + [] {
        std::string nulls;
        for (int i = 0; i < 46; ++i) nulls += ",NULL";
        return nulls;
      }() + ")",
      "(2,-128,0,-32768,0,-8388608,0,-2147483648,0,-9223372036854775808,0,"
      "-3.40282e38,-1.7976931348623157e308,-99999999999999999999999999999999999.999999999999999999999999999999,"
      "-99999999.99,-99999,'1000-01-01','-838:59:59','-00:00:00.001','-838:59:59.000000','1000-01-01 00:00:00',"
      "'1000-01-01 00:00:00.01','1000-01-01 00:00:00.000000','1970-01-01 00:00:01','1970-01-01 00:00:01.000001',1901,"
      "0,0,0,'a','','','','','',X'00','','','','','','','','','','[]',ST_GeomFromText('POINT(0 0)'))",
      "(3,127,255,32767,65535,8388607,16777215,2147483647,4294967295,9223372036854775807,18446744073709551615,"
      "3.40282e38,1.7976931348623157e308,99999999999999999999999999999999999.999999999999999999999999999999,"
      "99999999.99,99999,'9999-12-31','838:59:59','-12:34:56.789','838:59:59.999999','9999-12-31 23:59:59',"
      "'9999-12-31 23:59:59.99','9999-12-31 23:59:59.999999','2038-01-19 03:14:07','2038-01-19 03:14:07.999999',2155,"
      "1,1023,18446744073709551615,'c','x,y,z','abcdefghij',REPEAT('\xC3\xA9',255),'\xF0\x9F\x98\x80\xF0\x9F\x98\x80',"
      "REPEAT('ab',500),X'DEADBEEF'," + all + ",'x',REPEAT('t',1000),REPEAT('m',70000),'\xF0\x9F\x98\x80',X'00FF'," + all +
      ",X''," + "REPEAT(" + all + ",300)" +
      ",'{\"a\":[1,2,{\"b\":null}],\"\xC3\xBC\":\"\xF0\x9F\x98\x80\"}',ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'))",
      "(4,0,1,0,1,0,1,0,1,0,1,1.17549435e-38,4.9e-324,0.000000000000000000000000000001,-0.01,0,'2024-02-29',"
      "'00:00:00','-00:00:00.500','-00:00:00.000001','2024-02-29 12:00:00','2024-02-29 12:00:00.50',"
      "'2024-02-29 12:00:00.000001','2024-02-29 12:00:00','2024-02-29 12:00:00.5',0,1,512,9223372036854775808,'b','y',"
      "'a  ','   ','a  ',' ',X'41',X'00',' ','NULL','\\\\','''',X'0A0D',X'00',X'FF',X'5C27','null',"
      "ST_GeomFromText('LINESTRING(1 1,2 2)'))",
      "(5,1,2,3,4,5,6,7,8,9,10,0.1,0.1,1.5,1.5,1,'2000-01-01','01:02:03','01:02:03.004','01:02:03.000005',"
      "'2000-01-01 01:02:03','2000-01-01 01:02:03.04','2000-01-01 01:02:03.000005','2000-01-01 01:02:03',"
      "'2000-01-01 01:02:03.000005',2000,0,1,1,'a','x,z','x','y','z','w','v',X'01','u','t','s','r',X'02',X'03',X'04',"
      "X'05','{}',NULL)",
  };
}

// The TableDef lookup the decoder uses for signedness and BINARY padding.
struct Definitions {
  std::vector<TableDef> tables;
  const TableDef* find(const QualifiedName& name) const {
    for (const auto& t : tables)
      if (t.name == name) return &t;
    return nullptr;
  }
};

// Reads events until `count` TransactionCommit events were seen (or a DDL), collecting row changes.
std::vector<RowChange> collect(BinlogStream& stream, int commits, std::vector<Event>* events = nullptr) {
  std::vector<RowChange> rows;
  int seen = 0;
  while (seen < commits) {
    auto event = stream.next();
    REQUIRE_MESSAGE(event, event.status().message());
    REQUIRE(event->has_value());
    if (events) events->push_back(**event);
    if (auto* r = std::get_if<RowsEvent>(&**event))
      for (auto& row : r->rows) rows.push_back(row);
    if (std::holds_alternative<TransactionCommit>(**event) || std::holds_alternative<DdlStatement>(**event)) ++seen;
  }
  return rows;
}

std::string literal_list(const std::vector<Cell>& cells) {
  std::string out;
  for (const auto& cell : cells) {
    if (!out.empty()) out += ',';
    out += cell.to_sql_literal();
  }
  return out;
}

// "`c` <=> literal AND ...": FLOAT compares as FLOAT (the literal is a double), the rest directly.
std::string row_match(const TableDef& table, const std::vector<Cell>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string column = sql::quote_identifier(table.columns[i].name);
    std::string literal = cells[i].to_sql_literal();
    if (cells[i].kind() == Cell::Kind::kFloat) literal = "CAST(" + literal + " AS FLOAT)";
    if (!out.empty()) out += " AND ";
    out += column + " <=> " + literal;
  }
  return out;
}

}  // namespace

TEST_CASE("current_position and the purge check") {
  auto c = connect_source();
  // A fresh server has an empty GTID position until its first transaction: make one.
  must(*c, "CREATE DATABASE IF NOT EXISTS omsql_test_binlog_position");
  auto position = current_position(*c);
  REQUIRE_MESSAGE(position, position.status().message());
  CHECK(position->file.find("mariadb-bin.") == 0);
  CHECK(position->offset >= 4);
  CHECK(!position->gtid.empty());
  CHECK(check_position_available(*c, *position));
  auto parsed = parse_binlog_position(position->str());
  REQUIRE(parsed);
  CHECK(*parsed == *position);
  CHECK(parsed->gtid == position->gtid);

  BinlogPosition purged{"mariadb-bin.000000", 4, ""};
  auto status = check_position_available(*c, purged);
  CHECK(status.code() == Status::Code::kNotFound);
  CHECK(status.message().find("binlog mariadb-bin.000000 needed by the task was purged") != std::string::npos);

  // A position past the end of an existing file is refused too.
  BinlogPosition beyond = *position;
  beyond.offset += 1u << 30;
  auto past = check_position_available(*c, beyond);
  CHECK(!past);
  CHECK(past.message().find("beyond the end") != std::string::npos);

  // A server without a binary log (the target sandbox) is refused with a message that says so.
  auto target = connect_target();
  auto off = current_position(*target);
  REQUIRE(!off);
  CHECK(off.status().message().find("the binary log is off") != std::string::npos);
  CHECK(off.status().message().find("target root@127.0.0.1") == 0);

  // Streaming from a purged file fails clearly too.
  auto stream = BinlogStream::open(source_endpoint(), purged, {});
  if (stream) {
    auto event = (*stream)->next();
    REQUIRE(!event);
    CHECK(event.status().message().find("mariadb-bin.000000") != std::string::npos);
  }
}

TEST_CASE("every column type streams and decodes to exactly what the server stored") {
  auto c = connect_source();
  must(*c, std::string("DROP DATABASE IF EXISTS ") + kDatabase);
  must(*c, std::string("CREATE DATABASE ") + kDatabase);
  must(*c, std::string("CREATE TABLE ") + kDatabase + ".t (" + kColumns + ")");
  must(*c, std::string("CREATE TABLE ") + kDatabase + ".copy LIKE " + kDatabase + ".t");
  must(*c, std::string("CREATE TABLE ") + kDatabase + ".ignored (id INT PRIMARY KEY)");
  MysqlCatalog catalog(*c);
  Definitions definitions;
  auto described = catalog.describe({kDatabase, "t"});
  REQUIRE_MESSAGE(described, described.status().message());
  definitions.tables.push_back(*described);
  const TableDef& table = definitions.tables[0];
  REQUIRE(table.columns.size() == 47);

  auto start = current_position(*c);
  REQUIRE(start);
  const std::string t = std::string(kDatabase) + ".t";
  int transactions = 0;
  for (const auto& row : edge_rows()) {
    must(*c, "INSERT INTO " + t + " VALUES " + row);
    ++transactions;
  }
  // A transaction on an unwanted table is not reported (at most a Heartbeat moves the position).
  must(*c, "INSERT INTO " + std::string(kDatabase) + ".ignored VALUES (1)");
  must(*c, "UPDATE " + t + " SET f = -f, d = d / 3, dec1 = -dec1, t6 = '-01:00:00.5', ts6 = '2001-02-03 04:05:06.7', "
                            "e = 'c', s = 'x,y', vc = '', tx = NULL, lb = X'00', j = '[1]' WHERE id IN (2, 3, 4)");
  ++transactions;
  must(*c, "UPDATE " + t + " SET id = 6 WHERE id = 5");
  ++transactions;
  must(*c, "DELETE FROM " + t + " WHERE id IN (1, 4)");
  ++transactions;

  BinlogDecoderOptions options;
  options.wanted = [](const QualifiedName& name) { return name.schema == kDatabase && name.table != "ignored"; };
  options.table_definition = [&definitions](const QualifiedName& name) { return definitions.find(name); };
  auto stream = BinlogStream::open(source_endpoint(), *start, options);
  REQUIRE_MESSAGE(stream, stream.status().message());
  std::vector<Event> events;
  std::vector<RowChange> rows = collect(**stream, transactions, &events);
  REQUIRE(rows.size() == 5 + 3 + 1 + 2);
  for (const auto& row : rows) CHECK(row.table == QualifiedName{kDatabase, "t"});

  // Transaction structure: begin, rows, commit per statement; the commit carries the GTID state.
  CHECK(std::holds_alternative<TransactionBegin>(events.front()));
  int begins = 0;
  for (const auto& e : events) begins += std::holds_alternative<TransactionBegin>(e) ? 1 : 0;
  CHECK(begins == transactions);
  const auto& last_commit = std::get<TransactionCommit>(events.back());
  auto now = current_position(*c);
  REQUIRE(now);
  CHECK(last_commit.position == to_source_position(*now));
  CHECK(test::gtid_of(last_commit.position) == now->gtid);

  // Replay the changes into `copy` with the literals, checking each before-image matches exactly
  // one row of the copy (whole-row identity), then compare the tables column by column.
  const std::string copy = std::string(kDatabase) + ".copy";
  for (const auto& row : rows) {
    CAPTURE(literal_list(row.kind == RowChange::kInsert ? row.after : row.before));
    if (row.kind != RowChange::kInsert) {
      must(*c, "DELETE FROM " + copy + " WHERE " + row_match(table, row.before));
      auto affected = c->query_value("SELECT ROW_COUNT()");
      REQUIRE(affected);
      CHECK(affected->value_or("") == "1");
    }
    if (row.kind != RowChange::kDelete) must(*c, "INSERT INTO " + copy + " VALUES (" + literal_list(row.after) + ")");
  }
  auto counts = c->query("SELECT (SELECT COUNT(*) FROM " + t + "), (SELECT COUNT(*) FROM " + copy + ")");
  REQUIRE(counts);
  CHECK(counts->rows[0][0] == counts->rows[0][1]);
  CHECK(counts->rows[0][0].value_or("") == "3");
  for (const auto& column : table.columns) {
    CAPTURE(column.name);
    std::string q = sql::quote_identifier(column.name);
    auto differing = c->query_value("SELECT COUNT(*) FROM " + t + " a JOIN " + copy + " b USING (id) WHERE NOT (a." + q +
                                    " <=> b." + q + " AND CAST(a." + q + " AS BINARY) <=> CAST(b." + q + " AS BINARY))");
    REQUIRE_MESSAGE(differing, differing.status().message());
    CHECK(differing->value_or("") == "0");
  }
  // Every current value also equals its literal on the server (SELECT literal = column).
  auto final_rows = c->query("SELECT id FROM " + t);
  REQUIRE(final_rows);
  must(*c, std::string("DROP DATABASE ") + kDatabase);
}

TEST_CASE("optional metadata (binlog_row_metadata=FULL) gives signedness without a table definition") {
  auto c = connect_source();
  const std::string db = "omsql_test_binlog_metadata";
  must(*c, "DROP DATABASE IF EXISTS " + db);
  must(*c, "CREATE DATABASE " + db);
  must(*c, "CREATE TABLE " + db + ".t (a INT UNSIGNED, y YEAR, b BIGINT, bt BIT(3), c TINYINT UNSIGNED, e ENUM('p','q'), "
           "d DECIMAL(5,2) UNSIGNED, f DOUBLE, m MEDIUMINT UNSIGNED, ts TIMESTAMP NULL, s SMALLINT UNSIGNED)");
  must(*c, "SET GLOBAL binlog_row_metadata = FULL");
  auto start = current_position(*c);
  REQUIRE(start);
  // A new connection picks up the global setting.
  auto writer = connect_source();
  must(*writer, "INSERT INTO " + db + ".t VALUES (4294967295, 2024, -1, 5, 255, 'q', 1.5, -2.5, 16777215, NULL, 65535)");
  must(*c, "SET GLOBAL binlog_row_metadata = NO_LOG");
  auto stream = BinlogStream::open(source_endpoint(), *start, {});
  REQUIRE(stream);
  auto rows = collect(**stream, 1);
  REQUIRE(rows.size() == 1);
  CHECK(literal_list(rows[0].after) == "4294967295,2024,-1,5,255,2,1.50,-2.5e0,16777215,NULL,65535");
  must(*c, "DROP DATABASE " + db);
}

TEST_CASE("long unique keys: the hidden DB_ROW_HASH columns never reach the images") {
  auto c = connect_source();
  const std::string db = "omsql_test_binlog_long_unique";
  must(*c, "DROP DATABASE IF EXISTS " + db);
  must(*c, "CREATE DATABASE " + db);
  // Two long unique keys (TEXT, and USING HASH over a VARCHAR and a BLOB) after an INVISIBLE column,
  // and a MEMORY table whose HASH index is a real one.
  must(*c, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, body TEXT, tag VARCHAR(100), b BLOB, inv INT INVISIBLE DEFAULT 7,"
           " UNIQUE KEY ub (body), UNIQUE KEY ut (tag, b) USING HASH)");
  must(*c, "CREATE TABLE " + db + ".m (id INT PRIMARY KEY, a VARCHAR(20), UNIQUE KEY (a) USING HASH) ENGINE=MEMORY");
  MysqlCatalog catalog(*c);
  Definitions definitions;
  for (const char* name : {"t", "m"}) {
    auto described = catalog.describe({db, name});
    REQUIRE_MESSAGE(described, described.status().message());
    definitions.tables.push_back(*described);
  }
  CHECK(definitions.tables[0].long_unique_hash_columns() == 2);
  CHECK(definitions.tables[1].long_unique_hash_columns() == 0);
  auto start = current_position(*c);
  REQUIRE(start);
  must(*c, "INSERT INTO " + db + ".t (id, body, tag, b) VALUES (1, 'hello', 'x', X'00FF'), (2, NULL, NULL, NULL)");
  must(*c, "UPDATE " + db + ".t SET body = 'world', inv = 8 WHERE id = 1");
  must(*c, "DELETE FROM " + db + ".t WHERE id = 2");
  must(*c, "INSERT INTO " + db + ".m VALUES (1, 'q')");
  // The same changes with binlog_row_metadata=FULL, decoded without table definitions.
  must(*c, "SET GLOBAL binlog_row_metadata = FULL");
  auto writer = connect_source();
  must(*writer, "INSERT INTO " + db + ".t (id, body, tag, b) VALUES (3, 'three', 'y', X'01')");
  must(*c, "SET GLOBAL binlog_row_metadata = NO_LOG");

  BinlogDecoderOptions options;
  options.wanted = [&](const QualifiedName& name) { return name.schema == db; };
  options.table_definition = [&definitions](const QualifiedName& name) { return definitions.find(name); };
  auto stream = BinlogStream::open(source_endpoint(), *start, options);
  REQUIRE_MESSAGE(stream, stream.status().message());
  auto rows = collect(**stream, 5);
  REQUIRE(rows.size() == 2 + 1 + 1 + 1 + 1);
  CHECK(literal_list(rows[0].after) == "1,X'68656C6C6F',X'78',X'00FF',7");
  CHECK(literal_list(rows[1].after) == "2,NULL,NULL,NULL,7");
  CHECK(literal_list(rows[2].before) == "1,X'68656C6C6F',X'78',X'00FF',7");
  CHECK(literal_list(rows[2].after) == "1,X'776F726C64',X'78',X'00FF',8");
  CHECK(literal_list(rows[3].before) == "2,NULL,NULL,NULL,7");
  CHECK(literal_list(rows[4].after) == "1,X'71'");
  CHECK(literal_list(rows[5].after) == "3,X'7468726565',X'79',X'01',7");

  BinlogDecoderOptions bare_options;
  bare_options.wanted = options.wanted;
  auto bare = BinlogStream::open(source_endpoint(), *start, bare_options);
  REQUIRE(bare);
  auto unnamed = collect(**bare, 5);
  REQUIRE(unnamed.size() == 6);
  // NO_LOG and no definition: nothing says the last column is hidden, so it stays.
  CHECK(unnamed[0].after.size() == 7);
  // FULL names it DB_ROW_HASH_n.
  CHECK(literal_list(unnamed[5].after) == "3,X'7468726565',X'79',X'01',7");
  must(*c, "DROP DATABASE " + db);
}

TEST_CASE("DDL surfaces as a statement; stop() ends a blocked next(); heartbeats arrive when idle") {
  auto c = connect_source();
  const std::string db = "omsql_test_binlog_ddl";
  must(*c, "DROP DATABASE IF EXISTS " + db);
  must(*c, "CREATE DATABASE " + db);
  must(*c, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
  auto start = current_position(*c);
  REQUIRE(start);
  must(*c, "ALTER TABLE " + db + ".t ADD COLUMN v INT");

  BinlogStreamOptions options;
  options.heartbeat_period = std::chrono::milliseconds(300);
  auto stream = BinlogStream::open(source_endpoint(), *start, {}, options);
  REQUIRE(stream);
  std::vector<Event> events;
  collect(**stream, 1, &events);
  const auto* ddl = std::get_if<DdlStatement>(&events.back());
  REQUIRE(ddl);
  CHECK(ddl->statement.find("ALTER TABLE") != std::string::npos);
  CHECK(ddl->statement.find(db + ".t") != std::string::npos);

  auto heartbeat = (*stream)->next();
  REQUIRE_MESSAGE(heartbeat, heartbeat.status().message());
  REQUIRE(heartbeat->has_value());
  CHECK(std::holds_alternative<Heartbeat>(**heartbeat));
  CHECK(std::get<Heartbeat>(**heartbeat).position == ddl->position);

  options.heartbeat_period = std::chrono::seconds(30);
  auto quiet = BinlogStream::open(source_endpoint(), test::binlog_of(ddl->position), {}, options);
  REQUIRE(quiet);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (*quiet)->stop();
  });
  auto begin = std::chrono::steady_clock::now();
  auto ended = (*quiet)->next();
  stopper.join();
  REQUIRE(ended);
  CHECK(!ended->has_value());
  CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(10));
  must(*c, "DROP DATABASE " + db);
}

TEST_CASE("a source restart surfaces as a transient status and the stream resumes from the last commit") {
  const char* dir = std::getenv("OMSQL_SANDBOX_DIR");
  if (!dir || !std::getenv("OMSQL_TEST_RESTART_SOURCE")) {
    MESSAGE("set OMSQL_TEST_RESTART_SOURCE=1 (and OMSQL_SANDBOX_DIR) to run the restart test");
    return;
  }
  auto c = connect_source();
  const std::string db = "omsql_test_binlog_restart";
  must(*c, "DROP DATABASE IF EXISTS " + db);
  must(*c, "CREATE DATABASE " + db);
  must(*c, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
  auto start = current_position(*c);
  REQUIRE(start);
  must(*c, "INSERT INTO " + db + ".t VALUES (1)");
  auto stream = BinlogStream::open(source_endpoint(), *start, {});
  REQUIRE(stream);
  std::vector<Event> events;
  collect(**stream, 1, &events);
  const BinlogPosition stored = test::binlog_of(std::get<TransactionCommit>(events.back()).position);
  c.reset();

  std::string command = std::string("bash ") + std::getenv("OMSQL_SOURCE_ROOT") + "/scripts/sandbox.sh restart-source " + dir +
                        " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  Result<std::optional<Event>> failed = std::optional<Event>();
  // Events written at shutdown (STOP) may come first; the failure must come.
  for (int i = 0; i < 10; ++i) {
    failed = (*stream)->next();
    if (!failed) break;
  }
  REQUIRE(!failed);
  CHECK(failed.status().is_transient());

  auto again = connect_source();
  must(*again, "INSERT INTO " + db + ".t VALUES (2)");
  auto resumed = BinlogStream::open(source_endpoint(), stored, {});
  REQUIRE_MESSAGE(resumed, resumed.status().message());
  auto rows = collect(**resumed, 1);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].after[0].to_sql_literal() == "2");
  must(*again, "DROP DATABASE " + db);
}

TEST_CASE("compressed binlog events (log_bin_compress=ON) decode like plain ones") {
  auto c = connect_source();
  const std::string db = "omsql_test_binlog_compress";
  must(*c, "DROP DATABASE IF EXISTS " + db);
  must(*c, "CREATE DATABASE " + db);
  must(*c, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v LONGTEXT, n BIGINT UNSIGNED)");
  must(*c, "SET GLOBAL log_bin_compress = ON, GLOBAL log_bin_compress_min_len = 10");
  auto start = current_position(*c);
  REQUIRE(start);
  auto writer = connect_source();
  must(*writer, "INSERT INTO " + db + ".t VALUES (1, REPEAT('compress me ', 500), 7), (2, '', NULL)");
  must(*writer, "UPDATE " + db + ".t SET v = REPEAT('z', 3000) WHERE id = 1");
  must(*writer, "ALTER TABLE " + db + ".t COMMENT 'a comment long enough to be compressed by the server'");
  must(*c, "SET GLOBAL log_bin_compress = OFF, GLOBAL log_bin_compress_min_len = 256");
  auto stream = BinlogStream::open(source_endpoint(), *start, {});
  REQUIRE(stream);
  std::vector<Event> events;
  auto rows = collect(**stream, 3, &events);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].after[1].text() == [] {
    std::string s;
    for (int i = 0; i < 500; ++i) s += "compress me ";
    return s;
  }());
  CHECK(rows[1].after[1].to_sql_literal() == "''");
  CHECK(rows[1].after[2].is_null());
  CHECK(rows[2].kind == RowChange::kUpdate);
  CHECK(rows[2].after[1].text() == std::string(3000, 'z'));
  const auto* ddl = std::get_if<DdlStatement>(&events.back());
  REQUIRE(ddl);
  CHECK(ddl->statement.find("a comment long enough") != std::string::npos);
  must(*c, "DROP DATABASE " + db);
}

TEST_CASE("the stream follows binlog rotation and loses nothing under concurrent writers") {
  auto c = connect_source();
  const std::string db = "omsql_test_binlog_load";
  must(*c, "DROP DATABASE IF EXISTS " + db);
  must(*c, "CREATE DATABASE " + db);
  must(*c, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, writer INT, pad VARCHAR(100))");
  auto start = current_position(*c);
  REQUIRE(start);

  constexpr int kWriters = 4, kStatements = 200, kRowsPerStatement = 5;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto conn = connect_source();
      for (int s = 0; s < kStatements; ++s) {
        std::string sql = "INSERT INTO " + db + ".t VALUES ";
        for (int r = 0; r < kRowsPerStatement; ++r) {
          int id = (w * kStatements + s) * kRowsPerStatement + r;
          if (r) sql += ',';
          sql += '(';
          sql += std::to_string(id) + "," + std::to_string(w) + ",REPEAT('p', " + std::to_string(id % 100) + "))";
        }
        if (!conn->execute(sql)) ++failures;
        if (w == 0 && s == kStatements / 2) {
          if (!conn->execute("FLUSH BINARY LOGS")) ++failures;  // a rotation in the middle of the load
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  REQUIRE(failures.load() == 0);
  auto end = current_position(*c);
  REQUIRE(end);
  CHECK(end->file != start->file);

  auto stream = BinlogStream::open(source_endpoint(), *start, {});
  REQUIRE(stream);
  std::vector<bool> seen(kWriters * kStatements * kRowsPerStatement, false);
  size_t rows = 0;
  BinlogPosition last;
  while (last < *end) {
    auto event = (*stream)->next();
    REQUIRE_MESSAGE(event, event.status().message());
    REQUIRE(event->has_value());
    if (auto* r = std::get_if<RowsEvent>(&**event)) {
      for (const auto& row : r->rows) {
        int64_t id = row.after.at(0).as_signed();
        REQUIRE(id >= 0);
        REQUIRE(id < static_cast<int64_t>(seen.size()));
        CHECK(!seen[id]);
        seen[id] = true;
        ++rows;
        CHECK(row.after.at(2).text() == std::string(id % 100, 'p'));
      }
    }
    if (auto* commit = std::get_if<TransactionCommit>(&**event)) last = test::binlog_of(commit->position);
  }
  CHECK(rows == seen.size());
  CHECK(last == *end);
  CHECK(last.gtid == end->gtid);
  must(*c, "DROP DATABASE " + db);
}
