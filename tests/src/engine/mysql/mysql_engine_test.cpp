// Server tests of the MySQL-family engine behind the engine seam: a table copied through the
// interfaces only (chunks, row streams, sinks) arrives exactly; a snapshot session sees one moment
// and names its binlog position; a resumed chunk source continues after the bound it is given; the
// lane checkpoints keep another engine's opaque position, and a checkpoint table an older omsql
// made gets the column for it. Runs alone: it takes that column away from the shared table.
#include <doctest/doctest.h>

#include "src/copy/chunk_planner.hpp"
#include "src/engine/mysql/checkpoint.hpp"
#include "src/engine/engine.hpp"
#include "tests/src/copy/copy_test_support.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

template <class T>
T must_ok(Result<T> r) {
  if (!r) throw std::runtime_error(r.status().message());
  return std::move(r).value();
}
void must_ok(const Status& s) {
  if (!s) throw std::runtime_error(s.message());
}

struct Fixture {
  std::unique_ptr<Connection> source = connect_source();
  std::unique_ptr<Connection> target = connect_target();
  const engine::Engine& engine = engine::engine_for(Dialect::kMysql);
  Fixture() {
    for (Connection* c : {source.get(), target.get()}) {
      must(*c, "DROP DATABASE IF EXISTS engine_t");
      must(*c, "CREATE DATABASE engine_t CHARACTER SET utf8mb4");
    }
    must(*source, "CREATE TABLE engine_t.items (region VARCHAR(20) COLLATE utf8mb4_general_ci, n INT, "
                  "payload VARBINARY(16), note TEXT, PRIMARY KEY (region, n))");
    must(*source, "INSERT INTO engine_t.items SELECT CONCAT(CHAR(65 + seq % 5), 'x'), seq, UNHEX(LPAD(HEX(seq), 8, '0')), "
                  "IF(seq % 7 = 0, NULL, IF(seq % 11 = 0, '', CONCAT('n\xc3\xa9 ', seq))) FROM engine_t.seq_1_to_2500");
    clone_table(*source, *target, {"engine_t", "items"}, {"engine_t", "items"});
  }
  ~Fixture() {
    for (Connection* c : {source.get(), target.get()}) (void)c->execute("DROP DATABASE IF EXISTS engine_t");
  }
};

}  // namespace

TEST_CASE("a table copied through the engine seam arrives exactly") {
  Fixture f;
  TableJob job = make_job(*f.source, {"engine_t", "items"}, {"engine_t", "items"});
  auto planning = must_ok(f.engine.open_source(source_endpoint()));
  auto reading = must_ok(f.engine.open_source(source_endpoint()));
  auto writing = must_ok(f.engine.open_target(target_endpoint()));
  copy::ChunkPlanner chunks(job, 300);
  auto key_at = [&](const std::optional<copy::KeyTuple>& lower, int64_t offset) {
    return planning->key_at_offset(job, lower, offset);
  };
  auto sink = must_ok(writing->open_sink(job, copy::WireFormat::kLoadData));
  int count = 0;
  uint64_t rows = 0;
  while (true) {
    auto range = must_ok(chunks.next(key_at));
    if (!range) break;
    ++count;
    auto stream = must_ok(reading->read_rows(job, *range, copy::BatchLimits{128, 1 << 20}, copy::WireFormat::kLoadData));
    while (true) {
      copy::RowBatch batch = must_ok(stream->next_batch());
      rows += batch.rows;
      must_ok(sink->write(batch));
      if (batch.last_of_chunk) break;
    }
  }
  CHECK(count == 9);  // 2500 rows in chunks of 300: 8 bounded + the open-ended last
  CHECK(rows == 2500);
  CHECK(row_fingerprints(*f.target, {"engine_t", "items"}) == row_fingerprints(*f.source, {"engine_t", "items"}));
}

TEST_CASE("a snapshot session sees one moment and names its position; key lookups walk the key order") {
  Fixture f;
  TableJob job = make_job(*f.source, {"engine_t", "items"}, {"engine_t", "items"});
  auto session = must_ok(f.engine.open_source(source_endpoint()));
  SourcePosition at = must_ok(session->begin_snapshot());
  CHECK_FALSE(at.empty());
  must(*f.source, "DELETE FROM engine_t.items WHERE n <= 1000");
  {
    auto stream = must_ok(session->read_rows(job, copy::ChunkRange{}, copy::BatchLimits{100000, 64 << 20},
                                              copy::WireFormat::kInsertValues));
    copy::RowBatch batch = must_ok(stream->next_batch());
    uint64_t rows = batch.rows;
    while (!batch.last_of_chunk) rows += (batch = must_ok(stream->next_batch())).rows;
    CHECK(rows == 2500);  // the delete came after the snapshot
  }
  must_ok(session->end_snapshot());
  CHECK(to_source_position(must_ok(current_position(*f.source))) > at);

  // Keys are (region, n) with region = CHAR(65 + n % 5) + 'x': after ('Ex', 2000) come the 'Ex'
  // rows with n > 2000 (n % 5 == 4: 2004, 2009, ...), so the 10th key after it is ('Ex', 2049).
  auto key = must_ok(session->key_at_offset(job, copy::KeyTuple{"Ex", "2000"}, 9));
  REQUIRE(key.has_value());
  CHECK(*key == copy::KeyTuple{"Ex", "2049"});
  CHECK_FALSE(must_ok(session->key_at_offset(job, copy::KeyTuple{"Ex", "2499"}, 0)).has_value());
}

TEST_CASE("checkpoints keep a position of another engine whole; an older checkpoint table gets its column") {
  auto target = connect_target();
  must_ok(checkpoint::ensure_table(*target));
  const std::string task = "/tmp/engine_t/opaque-task";
  must_ok(checkpoint::erase(*target, task));
  // A PostgreSQL-like LSN: an order key and a payload this engine does not read.
  const SourcePosition lsn{"pg", {0x16B3748}, "0/16B3748"};
  must_ok(checkpoint::set_lanes(*target, task, 2, lsn));
  auto lanes = must_ok(checkpoint::read_lanes(*target, task));
  REQUIRE(lanes.size() == 2);
  CHECK(lanes[0] == lsn);
  CHECK(lanes[1].payload == "0/16B3748");
  CHECK(must_ok(checkpoint::applied_position(*target, task)) == lsn);
  // The binlog columns stay empty for it; a MySQL position still fills them.
  CHECK(must_ok(target->query_value("SELECT CONCAT(binlog_file, '|', binlog_offset, '|', gtid) FROM "
                                    "omsql_meta.checkpoint WHERE task = '" + task + "#0'")) == std::string("|0|"));
  const SourcePosition binlog = to_source_position(BinlogPosition{"mariadb-bin.000003", 1234, "0-1-42"});
  must_ok(checkpoint::set_lanes(*target, task, 1, binlog));
  CHECK(must_ok(checkpoint::read_lanes(*target, task)) == std::vector<SourcePosition>{binlog});
  CHECK(must_ok(target->query_value("SELECT CONCAT(binlog_file, '|', binlog_offset, '|', gtid, '|', "
                                    "source_position IS NULL) FROM omsql_meta.checkpoint WHERE task = '" + task +
                                    "#0'")) == std::string("mariadb-bin.000003|1234|0-1-42|1"));

  // A table without the column (an omsql before it) and a row it wrote: the column is added, the
  // row reads as before.
  must(*target, "ALTER TABLE omsql_meta.checkpoint DROP COLUMN source_position");
  must(*target, "INSERT INTO omsql_meta.checkpoint (task, binlog_file, binlog_offset, gtid) VALUES ('" + task +
                    "#0', 'mariadb-bin.000007', 4242, '0-1-9') ON DUPLICATE KEY UPDATE binlog_file = 'mariadb-bin.000007', "
                    "binlog_offset = 4242, gtid = '0-1-9'");
  must_ok(checkpoint::ensure_table(*target));
  must_ok(checkpoint::ensure_table(*target));  // once there, nothing more is done
  CHECK(must_ok(checkpoint::read_lanes(*target, task)) ==
        std::vector<SourcePosition>{to_source_position(BinlogPosition{"mariadb-bin.000007", 4242, "0-1-9"})});
  must_ok(checkpoint::erase(*target, task));
}
