#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/spool/record.hpp"
#include "src/spool/spool.hpp"
#include "tests/support/binlog_positions.hpp"

using namespace omsql;

namespace {

// A fresh directory per test under the build tree's temporary area.
std::string fresh_directory(const std::string& name) {
  std::string dir = std::filesystem::temp_directory_path().string() + "/omsql-spool-test-" + std::to_string(getpid()) + "-" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

SourcePosition at(uint64_t offset) { return to_source_position(BinlogPosition{"mariadb-bin.000007", offset, "0-1-" + std::to_string(offset)}); }

RowsEvent rows_event(uint64_t offset, int64_t id, std::string payload) {
  RowsEvent e;
  e.position = at(offset);
  RowChange row;
  row.kind = RowChange::kUpdate;
  row.table = {"shop", "orders"};
  row.position = e.position;
  row.gtid = "0-1-9";
  row.before = {Cell::signed_integer(id), Cell::null(), Cell::bytes(payload)};
  row.after = {Cell::signed_integer(id), Cell::decimal("-12.50"), Cell::bytes(payload + "x"), Cell::double_value(0.1),
               Cell::float_value(1.5f), Cell::temporal("2024-01-02 03:04:05.123456"), Cell::bit(5), Cell::enum_index(2),
               Cell::set_mask(6), Cell::unsigned_integer(UINT64_MAX)};
  e.rows.push_back(row);
  return e;
}

// Appends a transaction: begin, one rows event, commit at offset + 2.
void append_transaction(SpoolWriter& writer, uint64_t offset, const std::string& payload = "abc") {
  REQUIRE(writer.append(TransactionBegin{"0-1-" + std::to_string(offset), false, at(offset)}));
  REQUIRE(writer.append(rows_event(offset + 1, static_cast<int64_t>(offset), payload)));
  REQUIRE(writer.append(TransactionCommit{"0-1-" + std::to_string(offset), offset, at(offset + 2)}));
}

std::vector<SpoolRecord> read_all(const std::string& dir, SpoolPosition from = {}) {
  auto reader = SpoolReader::open(dir, from);
  REQUIRE(reader);
  std::vector<SpoolRecord> out;
  while (true) {
    auto record = (*reader)->next();
    REQUIRE_MESSAGE(record, record.status().message());
    if (!record->has_value()) break;
    out.push_back(std::move(**record));
  }
  return out;
}

uint64_t file_size(const std::string& path) { return std::filesystem::file_size(path); }

void append_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
}

}  // namespace

TEST_CASE("record encoding round-trips every event kind and cell kind") {
  std::vector<Event> events = {TransactionBegin{"0-1-5", true, at(10)}, TransactionCommit{"0-1-5", 77, at(20)},
                               rows_event(30, -5, std::string("\0\xff\n'", 4)), DdlStatement{"shop", "ALTER TABLE t ADD c INT", "0-1-6", at(40)},
                               Heartbeat{at(50)}};
  for (const Event& event : events) {
    std::string bytes;
    spool::encode_event(event, &bytes);
    auto back = spool::decode_event(bytes);
    REQUIRE(back);
    CHECK(back->index() == event.index());
    CHECK(event_position(*back) == event_position(event));
    CHECK(test::gtid_of(event_position(*back)) == test::gtid_of(event_position(event)));
    if (auto* rows = std::get_if<RowsEvent>(&event)) {
      const auto& got = std::get<RowsEvent>(*back);
      REQUIRE(got.rows.size() == 1);
      CHECK(got.rows[0].before == rows->rows[0].before);
      CHECK(got.rows[0].after == rows->rows[0].after);
      CHECK(got.rows[0].table == rows->rows[0].table);
      CHECK(got.rows[0].kind == RowChange::kUpdate);
      CHECK(got.rows[0].gtid == "0-1-9");
    }
    if (auto* ddl = std::get_if<DdlStatement>(&event)) CHECK(std::get<DdlStatement>(*back).statement == ddl->statement);
    // Every strict prefix is rejected, never misread.
    for (size_t cut = 0; cut < bytes.size(); ++cut) CHECK(!spool::decode_event(std::string_view(bytes).substr(0, cut)));
  }
}

TEST_CASE("a DDL record keeps the statement's time and zone; one written before them reads them as unknown") {
  DdlStatement ddl{"shop", "ALTER TABLE t ADD c TIMESTAMP DEFAULT CURRENT_TIMESTAMP", "0-1-6", at(40)};
  ddl.timestamp_us = 1796181345921422;
  ddl.time_zone = "+03:00";
  std::string payload;
  spool::encode_event(ddl, &payload);
  auto back = spool::decode_event(payload);
  REQUIRE(back);
  const auto& read = std::get<DdlStatement>(*back);
  CHECK(read.timestamp_us == ddl.timestamp_us);
  CHECK(read.time_zone == "+03:00");
  CHECK(read.statement == ddl.statement);

  // Literally what the versions before wrote: version, kind 3 (DDL), the position as binlog
  // file, offset and gtid, then schema, statement, gtid, and (version 2) time and zone.
  const std::string old_head = std::string("\x12" "mariadb-bin.000007" "\x28" "\x06" "0-1-40") +
                               "\x04" "shop" "\x17" "ALTER TABLE t ADD c INT" "\x05" "0-1-6";
  std::string v2 = std::string("\x02\x03") + old_head + std::string("\x8e\xd3\xcd\xf8\xe0\xb3\x98\x03", 8) + "\x06" "+03:00";
  auto v2_back = spool::decode_event(v2);
  REQUIRE_MESSAGE(v2_back, v2_back.status().message());
  const auto& v2_ddl = std::get<DdlStatement>(*v2_back);
  CHECK(v2_ddl.position == at(40));
  CHECK(test::gtid_of(v2_ddl.position) == "0-1-40");
  CHECK(v2_ddl.statement == "ALTER TABLE t ADD c INT");
  CHECK(v2_ddl.timestamp_us == 1796181345921422);
  CHECK(v2_ddl.time_zone == "+03:00");
  std::string v2_short = std::string("\x02\x03") + old_head;
  CHECK(!spool::decode_event(v2_short));  // a version-2 record cut short is malformed...
  std::string v1 = std::string("\x01\x03") + old_head;  // ... a version-1 record ends there
  auto old_back = spool::decode_event(v1);
  REQUIRE_MESSAGE(old_back, old_back.status().message());
  CHECK(std::get<DdlStatement>(*old_back).timestamp_us == 0);
  CHECK(std::get<DdlStatement>(*old_back).time_zone.empty());
  CHECK(std::get<DdlStatement>(*old_back).gtid == "0-1-6");
  CHECK(std::get<DdlStatement>(*old_back).position == at(40));
}

TEST_CASE("records are written in version 3, the position as a SourcePosition; versions 1 and 2 still read") {
  std::string bytes;
  spool::encode_event(Heartbeat{at(50)}, &bytes);
  std::string want = "\x03\x04";  // version 3, kind 4 (heartbeat)
  append_source_position(at(50), &want);
  CHECK(bytes == want);
  CHECK(bytes.find("mariadb-bin.000007:50 gtid 0-1-50") != std::string::npos);
  // A version-2 heartbeat and a version-1 commit, literally.
  auto v2 = spool::decode_event(std::string("\x02\x04" "\x12" "mariadb-bin.000007" "\x32" "\x06" "0-1-50"));
  REQUIRE_MESSAGE(v2, v2.status().message());
  CHECK(std::get<Heartbeat>(*v2).position == at(50));
  CHECK(test::gtid_of(std::get<Heartbeat>(*v2).position) == "0-1-50");
  auto v1 = spool::decode_event(std::string("\x01\x01" "\x12" "mariadb-bin.000007" "\x14" "\x06" "0-1-20" "\x05" "0-1-5" "\x4d"));
  REQUIRE_MESSAGE(v1, v1.status().message());
  const auto& commit = std::get<TransactionCommit>(*v1);
  CHECK(commit.position == at(20));
  CHECK(commit.gtid == "0-1-5");
  CHECK(commit.xid == 77);
  // The records are the engines' own: a version-3 record keeps another engine's position as it is.
  const SourcePosition lsn{"postgres", {0x16B3748}, "0/16B3748"};
  std::string other;
  spool::encode_event(Heartbeat{lsn}, &other);
  auto kept = spool::decode_event(other);
  REQUIRE_MESSAGE(kept, kept.status().message());
  CHECK(std::get<Heartbeat>(*kept).position == lsn);
  CHECK(std::get<Heartbeat>(*kept).position.payload == "0/16B3748");
  // A version-1 record whose file name cannot be ordered is refused, saying so.
  auto unordered = spool::decode_event(std::string("\x01\x04" "\x0b" "mariadb-bin" "\x32" "\x00", 16));
  REQUIRE_FALSE(unordered);
  CHECK(unordered.status().code() == Status::Code::kCorruption);
  CHECK_MESSAGE(unordered.status().message().find("no numeric suffix") != std::string::npos, unordered.status().message());
}

TEST_CASE("a row's foreign_key_checks=0 flag survives the spool, and records without it read as on") {
  RowsEvent event = rows_event(30, 7, "x");
  event.rows[0].foreign_key_checks = false;
  RowsEvent plain = rows_event(31, 8, "y");
  for (const auto& [e, want] : {std::pair{event, false}, std::pair{plain, true}}) {
    std::string bytes;
    spool::encode_event(Event{e}, &bytes);
    auto back = spool::decode_event(bytes);
    REQUIRE(back);
    const auto& got = std::get<RowsEvent>(*back);
    CHECK(got.rows[0].foreign_key_checks == want);
    CHECK(got.rows[0].kind == RowChange::kUpdate);
  }
}

TEST_CASE("spool round trip, reopen and read from a stored position") {
  std::string dir = fresh_directory("roundtrip");
  SpoolPosition second;
  {
    auto writer = SpoolWriter::open(dir);
    REQUIRE(writer);
    CHECK((*writer)->resume_position().empty());
    append_transaction(**writer, 100);
    second = (*writer)->end();
    append_transaction(**writer, 200);
    CHECK((*writer)->synced_end() < (*writer)->end());
    REQUIRE((*writer)->sync());
    CHECK((*writer)->synced_end() == (*writer)->end());
    CHECK((*writer)->resume_position() == at(202));
  }
  auto all = read_all(dir);
  REQUIRE(all.size() == 6);
  CHECK(std::holds_alternative<TransactionBegin>(all[0].event));
  CHECK(std::get<RowsEvent>(all[1].event).rows[0].after[2].text() == "abcx");
  CHECK(all[3].position == second);
  auto tail = read_all(dir, second);
  REQUIRE(tail.size() == 3);
  CHECK(event_position(tail[2].event) == at(202));

  // Reopen appends after what is there.
  auto writer = SpoolWriter::open(dir);
  REQUIRE(writer);
  CHECK((*writer)->resume_position() == at(202));
  append_transaction(**writer, 300);
  REQUIRE((*writer)->sync());
  CHECK(read_all(dir).size() == 9);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a torn tail is cut on open, and so is an unfinished transaction") {
  std::string dir = fresh_directory("torn");
  {
    auto writer = SpoolWriter::open(dir);
    REQUIRE(writer);
    append_transaction(**writer, 100);
    REQUIRE((*writer)->sync());
  }
  const std::string segment = spool_segment_path(dir, 1);
  const uint64_t good = file_size(segment);

  SUBCASE("half a record header") { append_bytes(segment, std::string("\x30\x00", 2)); }
  SUBCASE("a header whose payload never arrived") { append_bytes(segment, std::string("\x30\x00\x00\x00" "12345678abc", 15)); }
  SUBCASE("zeros (preallocated blocks)") { append_bytes(segment, std::string(4096, '\0')); }
  SUBCASE("an unfinished transaction and a torn record") {
    auto writer = SpoolWriter::open(dir);
    REQUIRE(writer);
    REQUIRE((*writer)->append(TransactionBegin{"0-1-300", false, at(300)}));
    REQUIRE((*writer)->append(rows_event(301, 1, "x")));
    REQUIRE((*writer)->sync());
    writer->reset();
    append_bytes(segment, "garbage");
  }
  SUBCASE("a last record with a bad checksum") {
    auto writer = SpoolWriter::open(dir);
    REQUIRE(writer);
    append_transaction(**writer, 300);
    REQUIRE((*writer)->sync());
    writer->reset();
    std::fstream f(segment, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(file_size(segment) - 1));
    f.put('\x7f');
  }

  auto writer = SpoolWriter::open(dir);
  REQUIRE_MESSAGE(writer, writer.status().message());
  CHECK(file_size(segment) == good);
  CHECK((*writer)->resume_position() == at(102));
  append_transaction(**writer, 400);
  REQUIRE((*writer)->sync());
  auto all = read_all(dir);
  REQUIRE(all.size() == 6);
  CHECK(event_position(all[5].event) == at(402));
  std::filesystem::remove_all(dir);
}

// The resumed run's replayer opens its reader while capture's writer is still recovering the
// spool: recovery cuts the unfinished transaction at the tail and the restarted stream writes
// other records there. A reader that cached the old tail before the cut would hand out stale
// bytes: a checksum mismatch at best (large_transaction_e2e saw one in CI), a record the spool
// no longer holds at worst. The reader reads nothing at or past its limit, so it sees only the
// recovered spool.
TEST_CASE("a reader opened before the writer's recovery reads the recovered spool, not the cut tail") {
  std::string dir = fresh_directory("reader-before-recovery");
  {
    auto writer = SpoolWriter::open(dir);
    REQUIRE(writer);
    append_transaction(**writer, 100);
    REQUIRE((*writer)->append(TransactionBegin{"0-1-300", false, at(300)}));
    for (int i = 0; i < 40; ++i) REQUIRE((*writer)->append(rows_event(301 + i, i, std::string(300, 'o'))));
    REQUIRE((*writer)->sync());  // killed here: the transaction's commit never came
  }
  auto reader = SpoolReader::open(dir);
  REQUIRE(reader);
  auto early = (*reader)->next(SpoolPosition{});  // no limit yet: the writer has not said what is stored
  REQUIRE(early);
  CHECK(!early->has_value());

  auto writer = SpoolWriter::open(dir);  // recovery: the unfinished transaction is cut
  REQUIRE(writer);
  CHECK((*writer)->resume_position() == at(102));
  REQUIRE((*writer)->append(TransactionBegin{"0-1-500", false, at(500)}));
  REQUIRE((*writer)->append(rows_event(501, 7, "n")));
  REQUIRE((*writer)->append(TransactionCommit{"0-1-500", 500, at(502)}));
  REQUIRE((*writer)->sync());

  std::vector<SourcePosition> seen;
  while (true) {
    auto record = (*reader)->next((*writer)->synced_end());
    REQUIRE_MESSAGE(record, record.status().message());
    if (!record->has_value()) break;
    seen.push_back(event_position((*record)->event));
  }
  CHECK(seen == std::vector<SourcePosition>{at(100), at(101), at(102), at(500), at(501), at(502)});
  CHECK((*reader)->position() == (*writer)->synced_end());
  std::filesystem::remove_all(dir);
}

TEST_CASE("corruption in the middle is reported with file and offset") {
  std::string dir = fresh_directory("corrupt");
  SpoolPosition damaged;
  {
    auto writer = SpoolWriter::open(dir);
    REQUIRE(writer);
    append_transaction(**writer, 100);
    damaged = (*writer)->end();
    append_transaction(**writer, 200);
    append_transaction(**writer, 300);
    REQUIRE((*writer)->sync());
  }
  const std::string segment = spool_segment_path(dir, 1);
  {
    std::fstream f(segment, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(damaged.offset + 20));
    f.put('\x55');
  }
  auto writer = SpoolWriter::open(dir);
  REQUIRE(!writer);
  CHECK(writer.status().code() == Status::Code::kCorruption);
  CHECK(writer.status().message().find(segment) != std::string::npos);
  CHECK(writer.status().message().find("offset " + std::to_string(damaged.offset)) != std::string::npos);

  auto reader = SpoolReader::open(dir);
  REQUIRE(reader);
  for (int i = 0; i < 3; ++i) REQUIRE((*reader)->next());
  auto bad = (*reader)->next();
  REQUIRE(!bad);
  CHECK(bad.status().message().find("offset " + std::to_string(damaged.offset)) != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("segments roll at their size, readers cross them, applied segments are removed") {
  std::string dir = fresh_directory("roll");
  SpoolOptions options;
  options.segment_bytes = 4096;
  options.buffer_bytes = 512;
  auto writer = SpoolWriter::open(dir, options);
  REQUIRE(writer);
  for (uint64_t i = 0; i < 200; ++i) append_transaction(**writer, 1000 + 10 * i, std::string(100, 'a' + i % 26));
  REQUIRE((*writer)->sync());
  const uint64_t last_segment = (*writer)->end().segment;
  CHECK(last_segment > 5);

  // A reader limited to the synced end sees everything; one limited to an earlier point stops there.
  auto all = read_all(dir);
  REQUIRE(all.size() == 600);
  for (size_t i = 0; i < all.size(); ++i)
    if (i % 3 == 2) CHECK(test::offset_of(event_position(all[i].event)) == 1000 + 10 * (i / 3) + 2);
  auto reader = SpoolReader::open(dir);
  REQUIRE(reader);
  int count = 0;
  while (true) {
    auto r = (*reader)->next(all[300].position);
    REQUIRE(r);
    if (!r->has_value()) break;
    ++count;
  }
  CHECK(count == 300);

  const SpoolPosition applied = all[450].position;
  REQUIRE((*writer)->remove_segments_before(applied));
  CHECK(!std::filesystem::exists(spool_segment_path(dir, 1)));
  CHECK(std::filesystem::exists(spool_segment_path(dir, applied.segment)));
  auto old = SpoolReader::open(dir, {1, 0});
  CHECK(!old);
  CHECK(read_all(dir, applied).size() == 150);
  writer->reset();

  // Reopen after removal: continues in the last segment.
  auto again = SpoolWriter::open(dir, options);
  REQUIRE(again);
  CHECK((*again)->end().segment == last_segment);
  CHECK((*again)->resume_position() == at(1000 + 10 * 199 + 2));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a segment created just before a crash (header torn) is dropped on open") {
  std::string dir = fresh_directory("torn-segment");
  SpoolOptions options;
  options.segment_bytes = 2048;
  uint64_t last;
  {
    auto writer = SpoolWriter::open(dir, options);
    REQUIRE(writer);
    for (uint64_t i = 0; i < 20; ++i) append_transaction(**writer, 1000 + 10 * i, std::string(200, 'q'));
    REQUIRE((*writer)->sync());
    last = (*writer)->end().segment;
  }
  append_bytes(spool_segment_path(dir, last + 1), "OMSQ");  // 4 of the 16 header bytes
  auto writer = SpoolWriter::open(dir, options);
  REQUIRE_MESSAGE(writer, writer.status().message());
  CHECK(!std::filesystem::exists(spool_segment_path(dir, last + 1)));
  CHECK((*writer)->end().segment == last);
  CHECK((*writer)->resume_position() == at(1000 + 10 * 19 + 2));
  for (uint64_t i = 20; i < 40; ++i) append_transaction(**writer, 1000 + 10 * i, std::string(200, 'q'));
  REQUIRE((*writer)->sync());
  CHECK(read_all(dir).size() == 120);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a reader follows a writer up to its synced end") {
  std::string dir = fresh_directory("follow");
  SpoolOptions options;
  options.segment_bytes = 8192;
  auto writer = SpoolWriter::open(dir, options);
  REQUIRE(writer);
  auto reader = SpoolReader::open(dir);
  REQUIRE(reader);
  size_t read = 0;
  uint64_t last_commit = 0;
  for (uint64_t batch = 0; batch < 50; ++batch) {
    for (uint64_t i = 0; i < 7; ++i) append_transaction(**writer, 100000 + batch * 100 + i * 10, std::string(50, 'f'));
    // Before sync: nothing new is visible below the synced end.
    auto early = (*reader)->next((*writer)->synced_end());
    REQUIRE(early);
    CHECK(!early->has_value());
    REQUIRE((*writer)->sync());
    while (true) {
      auto r = (*reader)->next((*writer)->synced_end());
      REQUIRE_MESSAGE(r, r.status().message());
      if (!r->has_value()) break;
      ++read;
      if (auto* commit = std::get_if<TransactionCommit>(&(*r)->event)) {
        CHECK(test::offset_of(commit->position) > last_commit);
        last_commit = test::offset_of(commit->position);
      }
    }
    CHECK((*reader)->position() == (*writer)->synced_end());
  }
  CHECK(read == 50 * 7 * 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("spool positions have a text form") {
  SpoolPosition p{12, 3456};
  auto back = parse_spool_position(p.str());
  REQUIRE(back);
  CHECK(*back == p);
  CHECK(!parse_spool_position("12"));
  CHECK(!parse_spool_position("12:34x"));
  CHECK(SpoolPosition{1, 900} < SpoolPosition{2, 16});
}

TEST_CASE("random corruption of record payloads is rejected or decoded, never a crash") {
  std::string bytes;
  spool::encode_event(rows_event(30, -5, std::string("\0\xff\n'", 4)), &bytes);
  uint64_t seed = 0x2545F4914F6CDD1Dull;
  auto random = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string b = bytes;
    for (int k = 0, n = 1 + static_cast<int>(random() % 3); k < n; ++k) b[random() % b.size()] = static_cast<char>(random());
    auto event = spool::decode_event(b);
    if (event) CHECK(std::holds_alternative<RowsEvent>(*event) == (b[1] == 2));
  }
}

TEST_CASE("a full filesystem (ENOSPC) fails append or sync; discard_unsynced returns to the last synced record") {
  std::string dir = fresh_directory("enospc");
  // The injected write(2): writes until `room` bytes are used up, then a short write, then ENOSPC.
  auto room = std::make_shared<int64_t>(INT64_MAX);
  SpoolOptions options;
  options.segment_bytes = 8192;
  options.buffer_bytes = 1024;
  options.write_file = [room](int fd, const void* data, size_t size) -> ssize_t {
    if (*room <= 0) {
      errno = ENOSPC;
      return -1;
    }
    size_t n = std::min<size_t>(size, static_cast<size_t>(*room));
    *room -= static_cast<int64_t>(n);
    return ::write(fd, data, n);
  };
  auto writer = SpoolWriter::open(dir, options);
  REQUIRE(writer);
  for (uint64_t i = 0; i < 30; ++i) append_transaction(**writer, 1000 + 10 * i, std::string(200, 'k'));
  REQUIRE((*writer)->sync());
  const SpoolPosition synced = (*writer)->synced_end();
  const SourcePosition resume = (*writer)->resume_position();
  CHECK(synced.segment > 1);  // rolled on the way

  // The disk fills up in the middle of the next records, which span a roll to a new segment.
  *room = 9000;  // more than a segment: the failure comes after a roll
  Status failed;
  for (uint64_t i = 30; i < 100 && failed; ++i) {
    auto begin = (*writer)->append(TransactionBegin{"0-1-x", false, at(1000 + 10 * i)});
    if (!begin) failed = begin.status();
    auto rows = begin ? (*writer)->append(rows_event(1000 + 10 * i + 1, 1, std::string(200, 'z'))) : begin;
    if (begin && !rows) failed = rows.status();
  }
  if (failed) failed = (*writer)->sync();
  REQUIRE(!failed);
  CHECK((*writer)->out_of_space());
  CHECK(failed.message().find("No space left on device") != std::string::npos);
  CHECK(failed.message().find(dir) != std::string::npos);
  CHECK((*writer)->synced_end() == synced);  // nothing new was acknowledged
  CHECK((*writer)->end().segment > synced.segment);

  *room = INT64_MAX;  // space is back
  REQUIRE((*writer)->discard_unsynced());
  CHECK_FALSE((*writer)->out_of_space());
  CHECK((*writer)->end() == synced);
  CHECK((*writer)->resume_position() == resume);
  CHECK(!std::filesystem::exists(spool_segment_path(dir, synced.segment + 1)));
  CHECK(file_size(spool_segment_path(dir, synced.segment)) == synced.offset);
  // Appending goes on from there, and the spool reads back whole: the 30 transactions, then the new ones.
  for (uint64_t i = 30; i < 60; ++i) append_transaction(**writer, 1000 + 10 * i, std::string(200, 'n'));
  REQUIRE((*writer)->sync());
  auto all = read_all(dir);
  REQUIRE(all.size() == 60 * 3);
  for (size_t i = 0; i < all.size(); i += 3) CHECK(test::offset_of(event_position(all[i + 2].event)) == 1000 + 10 * (i / 3) + 2);
  writer->reset();
  auto reopened = SpoolWriter::open(dir, options);
  REQUIRE(reopened);
  CHECK((*reopened)->resume_position() == at(1000 + 10 * 59 + 2));
  std::filesystem::remove_all(dir);
}

TEST_CASE("default segments are small: applied space is given back every few megabytes") {
  CHECK(SpoolOptions{}.segment_bytes == 4u << 20);
  std::string dir = fresh_directory("reclaim");
  auto writer = SpoolWriter::open(dir);
  REQUIRE(writer);
  auto reader = SpoolReader::open(dir);
  REQUIRE(reader);
  uint64_t peak = 0;
  // 40 MB through the spool, applied as it goes: it never holds more than two segments.
  for (uint64_t i = 0; i < 4000; ++i) {
    append_transaction(**writer, 1000 + 10 * i, std::string(10000, 'r'));
    if (i % 50 != 49) continue;
    REQUIRE((*writer)->sync());
    SpoolPosition applied;
    while (true) {
      auto record = (*reader)->next((*writer)->synced_end());
      REQUIRE(record);
      if (!record->has_value()) break;
      applied = (*record)->next;
    }
    REQUIRE((*writer)->remove_segments_before(applied));
    uint64_t bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) bytes += entry.file_size();
    peak = std::max(peak, bytes);
  }
  CHECK((*writer)->end().segment >= 9);
  CHECK(peak <= 2 * SpoolOptions{}.segment_bytes + (1 << 20));
  std::filesystem::remove_all(dir);
}

TEST_CASE("reclaim keeps the segment of the last synced resume point: a crash inside a long transaction resumes there") {
  std::string dir = fresh_directory("reclaim-resume");
  SpoolOptions options;
  options.segment_bytes = 4096;
  options.buffer_bytes = 512;
  auto writer = SpoolWriter::open(dir, options);
  REQUIRE(writer);
  for (uint64_t i = 0; i < 40; ++i) append_transaction(**writer, 1000 + 10 * i, std::string(100, 'c'));
  REQUIRE((*writer)->sync());
  const uint64_t commit_segment = (*writer)->end().segment;
  const SourcePosition last_commit = (*writer)->resume_position();
  // One transaction larger than several segments, not finished yet; every record is synced.
  REQUIRE((*writer)->append(TransactionBegin{"0-1-5000", false, at(5000)}));
  for (uint64_t i = 0; i < 60; ++i) REQUIRE((*writer)->append(rows_event(5001 + i, 1, std::string(200, 'l'))));
  REQUIRE((*writer)->sync());
  CHECK((*writer)->end().segment >= commit_segment + 3);
  // Everything is "applied" (a replayer could only have applied through the last commit; asking
  // for more must still keep the segment recovery restarts from).
  REQUIRE((*writer)->remove_segments_before((*writer)->synced_end()));
  CHECK(std::filesystem::exists(spool_segment_path(dir, commit_segment)));
  CHECK(!std::filesystem::exists(spool_segment_path(dir, commit_segment - 1)));
  writer->reset();  // kill -9: the unfinished transaction is cut on open, the stream restarts at the commit
  auto reopened = SpoolWriter::open(dir, options);
  REQUIRE(reopened);
  CHECK((*reopened)->resume_position() == last_commit);
  CHECK((*reopened)->end().segment == commit_segment);
  CHECK(check_spool_holds_after(dir, last_commit));
  std::filesystem::remove_all(dir);
}

TEST_CASE("check_spool_holds_after: a reclaimed spool must begin at or before the target's checkpoint") {
  std::string dir = fresh_directory("holds-after");
  SpoolOptions options;
  options.segment_bytes = 4096;
  options.buffer_bytes = 512;
  auto writer = SpoolWriter::open(dir, options);
  REQUIRE(writer);
  for (uint64_t i = 0; i < 200; ++i) append_transaction(**writer, 1000 + 10 * i, std::string(100, 'h'));
  REQUIRE((*writer)->sync());
  // Nothing given back yet: any checkpoint (or none: replay from the start) is covered.
  CHECK(check_spool_holds_after(dir, SourcePosition{}));
  CHECK(check_spool_holds_after(dir, at(1500)));
  // What a replayer reports after applying through the commit of transaction 120.
  auto all = read_all(dir);
  const SpoolRecord& commit = all[120 * 3 + 2];
  REQUIRE(std::holds_alternative<TransactionCommit>(commit.event));
  REQUIRE((*writer)->remove_segments_before(commit.next));
  CHECK(!std::filesystem::exists(spool_segment_path(dir, 1)));
  // The checkpoint on the target is at that commit or later: replay may go on.
  CHECK(check_spool_holds_after(dir, event_position(commit.event)));
  CHECK(check_spool_holds_after(dir, at(1000 + 10 * 199 + 2)));
  // A checkpoint behind what was given back, or none at all: changes would be skipped. Loud.
  Status behind = check_spool_holds_after(dir, at(1002));
  CHECK(!behind);
  CHECK(behind.message().find("at mariadb-bin.000007:1002") != std::string::npos);
  CHECK(behind.message().find("--recopy") != std::string::npos);
  CHECK(behind.message().find(dir) != std::string::npos);
  Status missing = check_spool_holds_after(dir, SourcePosition{});
  CHECK(!missing);
  CHECK(missing.message().find("missing") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a reclaim cut short leaving a gap (removals not all durable) is finished on open") {
  std::string dir = fresh_directory("reclaim-gap");
  SpoolOptions options;
  options.segment_bytes = 4096;
  uint64_t last;
  {
    auto writer = SpoolWriter::open(dir, options);
    REQUIRE(writer);
    for (uint64_t i = 0; i < 100; ++i) append_transaction(**writer, 1000 + 10 * i, std::string(100, 'g'));
    REQUIRE((*writer)->sync());
    last = (*writer)->end().segment;
  }
  REQUIRE(last >= 5);
  std::filesystem::remove(spool_segment_path(dir, 3));  // 1, 2 came back after a power loss; 3 did not
  auto writer = SpoolWriter::open(dir, options);
  REQUIRE_MESSAGE(writer, writer.status().message());
  CHECK(!std::filesystem::exists(spool_segment_path(dir, 1)));
  CHECK(!std::filesystem::exists(spool_segment_path(dir, 2)));
  CHECK(std::filesystem::exists(spool_segment_path(dir, 4)));
  CHECK((*writer)->resume_position() == at(1000 + 10 * 99 + 2));
  // A reader from the start now reads segment 4 on, through the end.
  auto records = read_all(dir);
  REQUIRE(!records.empty());
  CHECK(records.front().position.segment == 4);
  CHECK(event_position(records.back().event) == at(1000 + 10 * 99 + 2));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a spool that cannot even be opened for want of space says so") {
  std::string dir = fresh_directory("open-enospc");
  SpoolOptions options;
  options.write_file = [](int, const void*, size_t) -> ssize_t {
    errno = ENOSPC;
    return -1;
  };
  bool out_of_space = false;
  auto writer = SpoolWriter::open(dir, options, &out_of_space);
  CHECK(!writer);
  CHECK(out_of_space);
  // Another failure is not taken for a full disk.
  const std::string file = fresh_directory("open-not-dir");
  std::ofstream(file) << "x";
  out_of_space = true;
  auto not_directory = SpoolWriter::open(file, {}, &out_of_space);
  CHECK(!not_directory);
  CHECK(!out_of_space);
  std::filesystem::remove_all(dir);
  std::filesystem::remove(file);
}
