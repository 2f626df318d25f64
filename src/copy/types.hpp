#pragma once
// The values that cross between the copy engine's stages (chunker → reader → applier): key tuples,
// key-range chunks, batch limits and encoded row batches. Plain data; the batch buffer is moved,
// never copied.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/sql/key_range.hpp"

namespace omsql::copy {

// Key tuples and ranges are the SQL builder's (src/sql/key_range.hpp), shared with verify and replay.
using sql::KeyTuple;

// One range of a table's key (lower_exclusive < key <= upper_inclusive; nullopt = unbounded) with
// its chunk number. A table without a usable key has one chunk, unbounded on both sides.
struct ChunkRange : sql::KeyRange {
  ChunkRange() = default;
  ChunkRange(uint64_t chunk_id, std::optional<KeyTuple> lower, std::optional<KeyTuple> upper)
      : sql::KeyRange{std::move(lower), std::move(upper)}, id(chunk_id) {}
  uint64_t id = 0;
  // "shop.orders (id) in (100, 2000]": for progress and error messages.
  std::string describe(const TableJob& job) const;
};

// A batch is closed when it reaches max_rows rows or max_bytes encoded bytes, whichever comes first.
struct BatchLimits {
  int64_t max_rows = 10000;
  int64_t max_bytes = 4 << 20;
};

// How a batch's rows are encoded. The reader and the writer of one table must agree; RowBatch
// carries the format so a mismatch is an error, not garbage on the target.
enum class WireFormat : uint8_t {
  // LOAD DATA text: fields separated by TAB, rows ended by LF, '\' escapes, \N = NULL.
  kLoadData,
  // A complete "REPLACE INTO t (...) VALUES (...),(...)" statement.
  kInsertValues,
  // The LOAD DATA text, loaded with IGNORE: OceanBase 4.2.2+ adds IGNORE to every LOAD DATA LOCAL.
  // The writer keeps REPLACE's outcome and strict mode's refusals by itself: a batch that had rows
  // skipped as duplicates has its keys deleted and is loaded again (RowBatch::keys), and any other
  // warning fails the batch.
  kLoadDataIgnore,
};
// The format the applier uses unless told otherwise: the faster one on the sandbox measurement
// (docs/performance.md, "Applier: LOAD DATA vs INSERT").
inline constexpr WireFormat kDefaultWireFormat = WireFormat::kLoadData;
const char* wire_format_name(WireFormat format);
// True for the formats whose batches are LOAD DATA text.
inline bool is_load_data(WireFormat format) { return format != WireFormat::kInsertValues; }
// The format the copy uses for `target`: LOAD DATA LOCAL for MariaDB/MySQL. OceanBase has no LOAD
// DATA LOCAL before 4.2.2 and adds IGNORE to it from 4.2.2: kLoadDataIgnore when every version known
// (the declared VERSION, the one VERSION() reported at pre-flight) is 4.2.2 or later, INSERT when
// one is older or none is known.
WireFormat wire_format_for(const Endpoint& target);
// The same choice from its inputs (pure; wire_format_for passes the endpoint's).
WireFormat wire_format_for(Dialect dialect, const std::optional<TargetVersion>& declared,
                           const std::optional<TargetVersion>& reported);

// Rows of one chunk, already encoded for the target: one contiguous buffer, moved between actors.
struct RowBatch {
  QualifiedName source_table;
  uint64_t chunk_id = 0;
  std::string data;
  uint64_t rows = 0;
  bool last_of_chunk = false;
  WireFormat format = kDefaultWireFormat;
  std::string chunk;  // ChunkRange::describe() of the chunk, so a writer's errors can name it
  // kLoadDataIgnore only: each row's key values as sent (the key columns' bytes, in key order), so
  // the writer can delete rows an IGNORE load skipped as duplicates and load the batch again. Empty
  // for a table without a row key.
  std::vector<KeyTuple> keys;
};

}  // namespace omsql::copy
