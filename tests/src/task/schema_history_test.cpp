// SchemaHistory: the per-task definition history on disk, without a server.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/task/schema_history.hpp"
#include "tests/support/temp_folder.hpp"

using namespace omsql;

namespace {

TableDef definition(const std::string& table, std::vector<std::string> columns) {
  TableDef t;
  t.name = {"shop", table};
  int ordinal = 0;
  for (auto& name : columns) {
    ColumnDef c;
    c.name = name;
    c.ordinal = ++ordinal;
    c.data_type = "int";
    c.column_type = "int(11)";
    t.columns.push_back(c);
  }
  return t;
}

SourcePosition pos(const std::string& file, uint64_t offset) { return to_source_position(BinlogPosition{file, offset, ""}); }

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void append_raw(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << bytes;
}

const QualifiedName kOrders{"shop", "orders"};
const QualifiedName kItems{"shop", "items"};

}  // namespace

// The history orders its entries as SourcePositions: for one binlog base (one source) that is
// BinlogPosition's order, which this checks; another base is another source's log, which a
// task never reads.
TEST_CASE("binlog positions order by file sequence, then offset") {
  const auto bpos = [](const std::string& file, uint64_t offset) { return BinlogPosition{file, offset, ""}; };
  CHECK(bpos("mariadb-bin.000002", 4) > bpos("mariadb-bin.000001", 900));
  CHECK(bpos("mariadb-bin.000002", 4) < bpos("mariadb-bin.000002", 5));
  CHECK(bpos("mariadb-bin.000002", 4) == bpos("mariadb-bin.000002", 4));
  // Past .999999 the suffix grows a digit: plain text order would put it first.
  CHECK(bpos("mariadb-bin.1000000", 4) > bpos("mariadb-bin.999999", 4));
  CHECK(bpos("mariadb-bin.0001", 4) > bpos("mariadb-bin.001", 4));  // one value, a total order still
  CHECK(bpos("mariadb-bin.000010", 4) < bpos("mariadb-bin.000010a", 4));  // numeric before other suffixes
  CHECK(bpos("a-bin.000009", 4) < bpos("b-bin.000001", 4));  // another base: by its text
  CHECK(compare_binlog_files("x.10", "x.9") > 0);
  CHECK(compare_binlog_files("x.9", "x.1z") < 0);
  CHECK(compare_binlog_files("x.10", "x.1z") < 0);  // transitive where text and number disagree
  CHECK(pos("mariadb-bin.1000000", 4) > pos("mariadb-bin.999999", 4));
  CHECK(pos("mariadb-bin.000002", 4) > pos("mariadb-bin.000001", 900));
}

TEST_CASE("a history is recorded, read back after a reopen, and answers by position") {
  testing::TempFolder folder("omsql-history");
  auto history = SchemaHistory::open(folder.path);
  REQUIRE(history.is_ok());
  CHECK(history->empty());
  CHECK_FALSE(std::ifstream(folder.path + "/schema-history.jsonl").good());  // nothing created yet

  const SourcePosition start = pos("mariadb-bin.000001", 300);
  REQUIRE(history->record_base(start, {definition("orders", {"id", "amt"}), definition("items", {"id"})}).is_ok());
  const SourcePosition add_note = pos("mariadb-bin.000001", 900);
  REQUIRE(history->record(add_note, kOrders, definition("orders", {"id", "amt", "note"}),
                          "ALTER TABLE orders ADD note INT").is_ok());
  const SourcePosition drop = pos("mariadb-bin.000002", 120);
  REQUIRE(history->record(drop, kItems, std::nullopt, "DROP TABLE items").is_ok());
  const SourcePosition rename = pos("mariadb-bin.000002", 500);
  REQUIRE(history->record(rename, kOrders, std::nullopt, "RENAME TABLE orders TO orders_old").is_ok());
  REQUIRE(history->record(rename, {"shop", "orders_old"}, definition("orders_old", {"id", "amt", "note"}),
                          "RENAME TABLE orders TO orders_old").is_ok());

  struct stat st;
  REQUIRE(::stat(history->path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto check = [&](const SchemaHistory& h) {
    CHECK(h.base_position() == start);
    CHECK(h.last_position() == rename);
    CHECK_FALSE(h.at(kOrders, pos("mariadb-bin.000001", 299)).has_value());  // before the start: not known
    CHECK(h.at(kOrders, start)->columns.size() == 2);
    CHECK(h.at(kOrders, pos("mariadb-bin.000001", 899))->columns.size() == 2);
    CHECK(h.at(kOrders, add_note)->columns.size() == 3);  // valid from its position on
    CHECK(h.before(kOrders, add_note)->columns.size() == 2);
    CHECK(h.at(kItems, pos("mariadb-bin.000002", 119)).has_value());
    CHECK_FALSE(h.at(kItems, drop).has_value());
    CHECK(h.before(kItems, drop).has_value());
    CHECK_FALSE(h.at(kOrders, rename).has_value());
    CHECK(h.at({"shop", "orders_old"}, rename)->name.table == "orders_old");
    CHECK_FALSE(h.at({"shop", "nope"}, rename).has_value());
    CHECK(h.knows(kItems));
    CHECK_FALSE(h.knows({"shop", "nope"}));
    auto tables = h.tables_at(pos("mariadb-bin.000002", 200));
    REQUIRE(tables.size() == 1);
    CHECK(tables[0].name == kOrders);
    CHECK(tables[0] == *h.at(kOrders, add_note));
    CHECK(h.tables_at(rename).at(0).name.table == "orders_old");
    CHECK(h.tables_at(start).size() == 2);
  };
  check(*history);
  auto reopened = SchemaHistory::open(folder.path);
  REQUIRE(reopened.is_ok());
  check(*reopened);
}

TEST_CASE("records are idempotent per (position, table), ordered, and the first base is kept") {
  testing::TempFolder folder("omsql-history");
  auto history = SchemaHistory::open(folder.path);
  REQUIRE(history.is_ok());
  const SourcePosition start = pos("mariadb-bin.000001", 300);
  REQUIRE(history->record_base(start, {definition("orders", {"id"})}).is_ok());
  REQUIRE(history->record_base(pos("mariadb-bin.000003", 4), {definition("orders", {"id", "x"})}).is_ok());  // a rerun
  const SourcePosition ddl = pos("mariadb-bin.000001", 900);
  REQUIRE(history->record(ddl, kOrders, definition("orders", {"id", "a"}), "ALTER 1").is_ok());
  const std::string after_first = read_all(history->path());
  // The tailer reads the DDL again after a reconnect: nothing is added, the first record stays.
  REQUIRE(history->record(ddl, kOrders, definition("orders", {"id", "b"}), "ALTER 1").is_ok());
  CHECK(read_all(history->path()) == after_first);
  CHECK(history->at(kOrders, ddl)->columns[1].name == "a");
  CHECK(history->base_position() == start);
  // Before the last recorded position, for a record not already there: refused.
  Status early = history->record(pos("mariadb-bin.000001", 800), kItems, std::nullopt, "DROP TABLE items");
  CHECK(early.code() == Status::Code::kInvalidArgument);
  CHECK(early.message().find("before the last recorded position") != std::string::npos);
  // Another table at the same position (RENAME of two tables) is fine.
  REQUIRE(history->record(ddl, kItems, definition("items", {"id"}), "ALTER 1").is_ok());
  auto reopened = SchemaHistory::open(folder.path);
  REQUIRE(reopened.is_ok());
  CHECK(reopened->at(kOrders, ddl)->columns[1].name == "a");
  CHECK(reopened->at(kOrders, start)->columns.size() == 1);
  CHECK(reopened->at(kItems, ddl).has_value());
}

TEST_CASE("a torn last line is ignored on open and cut off by the next record; other damage is named") {
  testing::TempFolder folder("omsql-history");
  auto history = SchemaHistory::open(folder.path);
  REQUIRE(history.is_ok());
  REQUIRE(history->record_base(pos("mariadb-bin.000001", 4), {definition("orders", {"id"})}).is_ok());
  const std::string path = history->path();
  const std::string good = read_all(path);
  append_raw(path, "{\"kind\":\"ddl\",\"at\":{\"file\":\"mariadb-bin.0000");  // a crash mid-write

  auto torn = SchemaHistory::open(folder.path);
  REQUIRE(torn.is_ok());
  CHECK(torn->at(kOrders, pos("mariadb-bin.000009", 1))->columns.size() == 1);
  CHECK(torn->last_position() == pos("mariadb-bin.000001", 4));
  REQUIRE(torn->record(pos("mariadb-bin.000001", 50), kOrders, definition("orders", {"id", "n"}), "ALTER").is_ok());
  const std::string repaired = read_all(path);
  CHECK(repaired.compare(0, good.size(), good) == 0);
  CHECK(repaired.find("mariadb-bin.0000\"") == std::string::npos);
  auto clean = SchemaHistory::open(folder.path);
  REQUIRE(clean.is_ok());
  CHECK(clean->at(kOrders, pos("mariadb-bin.000001", 50))->columns.size() == 2);

  // A reader following the writer sees only complete records.
  auto reader = SchemaHistory::open(folder.path);
  REQUIRE(reader.is_ok());
  REQUIRE(clean->record(pos("mariadb-bin.000001", 60), kOrders, std::nullopt, "DROP TABLE orders").is_ok());
  CHECK(reader->at(kOrders, pos("mariadb-bin.000001", 60)).has_value());
  REQUIRE(reader->refresh().is_ok());
  CHECK_FALSE(reader->at(kOrders, pos("mariadb-bin.000001", 60)).has_value());

  // A damaged line that is not the last one is corruption, with the file and line.
  testing::TempFolder other("omsql-history");
  append_raw(other.path + "/schema-history.jsonl", "not json\n" + good);
  auto damaged = SchemaHistory::open(other.path);
  REQUIRE_FALSE(damaged.is_ok());
  CHECK(damaged.status().code() == Status::Code::kCorruption);
  CHECK(damaged.status().message().find("schema-history.jsonl:1: damaged schema history record") != std::string::npos);
}

TEST_CASE("a history written before the opaque position reads, and records after it in the new form") {
  testing::TempFolder folder("omsql-history");
  auto history = SchemaHistory::open(folder.path);
  REQUIRE(history.is_ok());
  REQUIRE(history->record_base(pos("mariadb-bin.000001", 4), {definition("orders", {"id"})}).is_ok());
  const std::string path = history->path();
  std::string base = read_all(path);
  // The base line as an older omsql wrote it: {"file", "offset", "gtid"}, text or {"hex": ...}.
  const std::string now_form = "\"at\":" + source_position_json(pos("mariadb-bin.000001", 4)).dump();
  const size_t at = base.find(now_form);
  REQUIRE(at != std::string::npos);
  base.replace(at, now_form.size(), "\"at\":{\"file\":\"mariadb-bin.000001\",\"offset\":4,\"gtid\":\"0-1-3\"}");
  testing::TempFolder old("omsql-history");
  append_raw(old.path + "/schema-history.jsonl", base);
  auto reopened = SchemaHistory::open(old.path);
  REQUIRE_MESSAGE(reopened.is_ok(), reopened.status().message());
  CHECK(reopened->base_position() == pos("mariadb-bin.000001", 4));
  CHECK(reopened->at(kOrders, pos("mariadb-bin.000001", 4))->columns.size() == 1);
  REQUIRE(reopened->record(pos("mariadb-bin.000002", 9), kOrders, definition("orders", {"id", "n"}), "ALTER").is_ok());
  auto again = SchemaHistory::open(old.path);
  REQUIRE(again.is_ok());
  CHECK(again->at(kOrders, pos("mariadb-bin.000001", 900))->columns.size() == 1);
  CHECK(again->at(kOrders, pos("mariadb-bin.000002", 9))->columns.size() == 2);
  CHECK(read_all(old.path + "/schema-history.jsonl").find("\"engine\":\"mysql\"") != std::string::npos);
}
