// The protocol's payloads (actors/protocol.hpp): they survive CAF's binary serialization (what
// the middleman will send to remote workers), and a TableRef is checked against the Plan.
#include <doctest/doctest.h>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <stdexcept>

#include "actors/protocol.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "tests/actors/test_scheduler.hpp"

using namespace omsql;
using namespace omsql::actors;

namespace {

template <class T>
T round_trip(caf::actor_system& system, T value) {
  std::vector<char> buffer;
  caf::binary_serializer sink{system, buffer};
  REQUIRE(!sink(value));
  T out;
  caf::binary_deserializer source{system, buffer};
  REQUIRE(!source(out));
  return out;
}

Plan two_tables() {
  Plan plan;
  plan.tables.resize(2);
  plan.tables[0].source = {"shop", "orders"};
  plan.tables[1].source = {"shop", "items"};
  return plan;
}

}  // namespace

TEST_CASE("ChunkWork with a bounded range and a snapshot group round-trips") {
  testing::TestScheduler t;
  Plan plan = two_tables();
  ChunkWork work{true, table_ref(plan, 1), copy::ChunkRange{7, copy::KeyTuple{"10"}, copy::KeyTuple{"20"}},
                 {table_ref(plan, 1), table_ref(plan, 0)}};
  ChunkWork back = round_trip(t.system, work);
  CHECK(back.has_work);
  CHECK(back.table == work.table);
  CHECK(back.table.source.str() == "shop.items");
  CHECK(back.range.id == 7);
  REQUIRE(back.range.lower_exclusive);
  CHECK(*back.range.lower_exclusive == copy::KeyTuple{"10"});
  REQUIRE(back.range.upper_inclusive);
  CHECK(*back.range.upper_inclusive == copy::KeyTuple{"20"});
  CHECK(back.snapshot_group == work.snapshot_group);

  ChunkWork open_ended{true, table_ref(plan, 0), copy::ChunkRange{}, {}};
  ChunkWork back_open = round_trip(t.system, open_ended);
  CHECK_FALSE(back_open.range.lower_exclusive);
  CHECK_FALSE(back_open.range.upper_inclusive);
}

TEST_CASE("BatchEnvelope, ChunkDone and SyncStatus round-trip") {
  testing::TestScheduler t;
  Plan plan = two_tables();
  BatchEnvelope envelope;
  envelope.table = table_ref(plan, 0);
  envelope.batch.source_table = plan.tables[0].source;
  envelope.batch.data = std::string("a\0b", 3);
  envelope.batch.rows = 2;
  envelope.restart_chunk = true;
  envelope.generation = 3;
  BatchEnvelope back = round_trip(t.system, envelope);
  CHECK(back.table == envelope.table);
  CHECK(back.batch.source_table == plan.tables[0].source);
  CHECK(back.batch.data == envelope.batch.data);
  CHECK(back.batch.rows == 2);
  CHECK(back.restart_chunk);
  CHECK(back.generation == 3);

  ChunkDone done{table_ref(plan, 1), copy::ChunkRange{}, to_source_position(BinlogPosition{"bin.000002", 4711, "0-1-9"})};
  ChunkDone done_back = round_trip(t.system, done);
  CHECK(done_back.snapshot == done.snapshot);
  CHECK(done_back.snapshot.engine == "mysql");
  CHECK(done_back.snapshot.order == std::vector<uint64_t>{2, 4711});
  CHECK(to_binlog_position(done_back.snapshot)->gtid == "0-1-9");

  SyncStatus status;
  status.applied = to_source_position(BinlogPosition{"bin.000003", 99, ""});
  status.lanes = 4;
  status.oldest_unapplied_ms = 1764600000000;
  SyncStatus status_back = round_trip(t.system, status);
  CHECK(status_back.applied == status.applied);
  CHECK(status_back.lanes == 4);
  CHECK(status_back.oldest_unapplied_ms == 1764600000000);

  DdlStopReport stop{to_source_position(BinlogPosition{"bin.000004", 120, "0-1-5"}), "ALTER TABLE t ADD x INT", "source DDL on ...",
                     "shop"};
  DdlStopReport stop_back = round_trip(t.system, stop);
  CHECK(stop_back.position == stop.position);
  CHECK(stop_back.statement == stop.statement);
  CHECK(stop_back.reason == stop.reason);
  CHECK(stop_back.schema == "shop");
}

TEST_CASE("a SourcePosition of any engine, and the empty one, survive CAF's serialization") {
  testing::TestScheduler t;
  SpoolStored stored{SpoolPosition{3, 4096}, SourcePosition{"postgres", {UINT64_MAX, 7}, "FFFFFFFF/FFFFFFFF"}, 17};
  SpoolStored back = round_trip(t.system, stored);
  CHECK(back.spool_end == stored.spool_end);
  CHECK(back.source_position.engine == "postgres");
  CHECK(back.source_position.order == std::vector<uint64_t>{UINT64_MAX, 7});
  CHECK(back.source_position.payload == "FFFFFFFF/FFFFFFFF");
  CHECK(back.stored_at_ms == 17);
  TableCopyDone done;  // an in-link copy that read no snapshot: the empty position
  done.read_by = to_source_position(BinlogPosition{"bin.1000000", 4, "0-1-2"});
  TableCopyDone done_back = round_trip(t.system, done);
  CHECK(done_back.read_by == done.read_by);
  CHECK(done_back.read_by.payload == "bin.1000000:4 gtid 0-1-2");
  CHECK(done_back.snapshot.empty());
}

TEST_CASE("a TableRef resolves only against a Plan that holds that table at that index") {
  Plan plan = two_tables();
  CHECK(&table_of(plan, table_ref(plan, 1)) == &plan.tables[1]);
  CHECK(index_of(plan, table_ref(plan, 1)) == 1);
  TableRef moved{0, {"shop", "items"}};  // a plan with another table order
  CHECK_THROWS_AS(table_of(plan, moved), std::logic_error);
  TableRef past_end{5, {"shop", "orders"}};
  CHECK_THROWS_AS(index_of(plan, past_end), std::logic_error);
}
