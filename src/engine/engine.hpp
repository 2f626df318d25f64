#pragma once
// The engine seam: what the copy pipeline needs from a source server and a target server, as
// interfaces, so the actors never name a client library, a SQL dialect or a binlog. An engine
// (src/engine/mysql/ for MySQL, MariaDB and OceanBase in MySQL mode) implements them and is listed
// in src/engine/registry.cpp under the Dialects it serves. Actors receive the engines they use when
// they are spawned, so tests drive the real actors with fakes (tests/actors/).
//
// Sessions are single-threaded (one actor owns one) and may fail with Status::transient when the
// server goes away: the caller drops the session and opens a new one after a backoff.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "src/engine/mysql/binlog/event.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/engine/mysql/binlog/stream.hpp"
#include "src/common/status.hpp"
#include "src/copy/types.hpp"
#include "src/model/plan.hpp"

namespace omsql::engine {

// The rows of one chunk, in key order, batch by batch; at most one batch in memory.
class RowStream {
 public:
  virtual ~RowStream() = default;
  // The batch with last_of_chunk=true ends the chunk (it may hold no row).
  virtual Result<copy::RowBatch> next_batch() = 0;
};

// One connection to the source, prepared for copying.
class SourceSession {
 public:
  virtual ~SourceSession() = default;
  // Chunk planning (copy::ChunkPlanner keeps the walk's state, so it survives a new session): the
  // key `offset` rows after `lower` (exclusive; nullopt = from the start) in `job`'s key order, or
  // nullopt when fewer rows remain. Comparisons are the server's (collation-aware).
  virtual Result<std::optional<copy::KeyTuple>> key_at_offset(const TableJob& job,
                                                              const std::optional<copy::KeyTuple>& lower,
                                                              int64_t offset) = 0;
  // Streams `range` of `job`. The session is busy until the stream is destroyed.
  virtual Result<std::unique_ptr<RowStream>> read_rows(const TableJob& job, const copy::ChunkRange& range,
                                                       copy::BatchLimits limits, copy::WireFormat format) = 0;
  // Starts a consistent snapshot on this session (every later read sees one moment) and returns
  // the source position of that moment: replay of a table read in it starts there.
  virtual Result<SourcePosition> begin_snapshot() = 0;
  // Ends the snapshot begun by begin_snapshot (reads see the present again).
  virtual Status end_snapshot() = 0;
  // Where the source's change log is now: the start position of a task, the catch-up target.
  virtual Result<SourcePosition> current_position() = 0;
  // Gives the connection up without reading the rest of a stream (a read cut off for a retry);
  // destroy the session right after.
  virtual void abandon() = 0;
};

// The source's changes from a position on, decoded: transactions, row images, DDL statements,
// heartbeats (src/engine/mysql/binlog/event.hpp). One stream is one connection; Transient on a lost one.
class ChangeStream {
 public:
  virtual ~ChangeStream() = default;
  // Blocks until the next event; nullopt once stop() was called. NotFound: `from` is gone (purged).
  virtual Result<std::optional<Event>> next() = 0;
  // From any thread: ends a blocked next().
  virtual void stop() = 0;
};

// Writes copied rows into one target table with REPLACE semantics (src/engine/mysql/copy/batch_writer.hpp).
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  virtual Status write(const copy::RowBatch& batch) = 0;
  // Before a chunk is written again after a failure part-way through it (keyless: empties the table).
  virtual Status restart_chunk(const copy::ChunkRange& range) = 0;
  // Deletes every row of the target table: before a whole-table copy from a snapshot.
  virtual Status empty_table() = 0;
};

// One connection to the target, prepared for copying.
class TargetSession {
 public:
  virtual ~TargetSession() = default;
  // REQUIRES: `job` and this session outlive the sink.
  virtual Result<std::unique_ptr<BatchSink>> open_sink(const TableJob& job, copy::WireFormat format) = 0;
};

// An engine: opens sessions on the endpoints it serves. `role` names the side in messages ("source").
class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;
  virtual Result<std::unique_ptr<SourceSession>> open_source(const Endpoint& endpoint) const = 0;
  virtual Result<std::unique_ptr<TargetSession>> open_target(const Endpoint& endpoint) const = 0;
  // The changes after `from` (a transaction boundary), decoded for the tables `decoder` selects.
  virtual Result<std::unique_ptr<ChangeStream>> open_changes(const Endpoint& endpoint, const BinlogPosition& from,
                                                             BinlogDecoderOptions decoder,
                                                             BinlogStreamOptions options) const = 0;
};

// The engine that serves `dialect` (src/engine/registry.cpp). Engines are stateless and live for the
// whole process.
const Engine& engine_for(Dialect dialect);

// `given`, or the engine that serves `dialect` when it is null: actors take an optional engine so
// tests can pass fakes (tests/actors/fake_engine.hpp).
const Engine& engine_or_default(const Engine* given, Dialect dialect);

// The engines of one task's two sides, as the actors receive them (null: engine_or_default).
struct Engines {
  const Engine* source = nullptr;
  const Engine* target = nullptr;
};

}  // namespace omsql::engine
