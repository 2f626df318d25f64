#pragma once
// Streams one chunk from the source (mysql_use_result), in key order, restricted to the chunk's
// range and the table's FILTER, and hands it out batch by batch so a reader can stop between
// batches while it waits for credits. Holds at most one batch in memory.
#include <memory>
#include <optional>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/copy/columns.hpp"
#include "src/copy/row_encoder.hpp"
#include "src/copy/types.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::copy {

class ChunkCursor {
 public:
  // Starts the chunk's query. `source` must have had prepare_source_session() and stays busy
  // (owned by this cursor's stream) until the cursor is destroyed; `job` must outlive the cursor.
  static Result<std::unique_ptr<ChunkCursor>> open(Connection& source, const TableJob& job, const ChunkRange& range,
                                                   BatchLimits limits, WireFormat format = kDefaultWireFormat);

  // The next batch. The batch with last_of_chunk=true ends the chunk (it may hold 0 rows); after it,
  // next_batch() fails. A lost connection comes back as a transient Status naming the chunk: the
  // caller re-reads the whole chunk (writes are idempotent).
  Result<RowBatch> next_batch();

  // The SELECT this cursor streams (for logs and tests).
  const std::string& sql() const { return sql_; }

 private:
  ChunkCursor() = default;

  QualifiedName source_table_;
  uint64_t chunk_id_ = 0;
  std::string chunk_description_;
  BatchLimits limits_;
  std::optional<RowEncoder> encoder_;
  std::optional<StreamingResult> stream_;
  std::string sql_;
  bool finished_ = false;
  // kLoadDataIgnore: the positions of the key columns among the selected ones, in key order (empty:
  // no key, or a key column that is not copied), whose values each batch carries in RowBatch::keys.
  std::vector<size_t> key_positions_;
};

// REPLACE INTO `db`.`t` (`a`, `b`) VALUES : the head of every INSERT-format batch of `job`.
std::string insert_values_head(const TableJob& job, const std::vector<CopyColumn>& columns);

// The SELECT that reads `range` of `job`: selected columns as copy_columns() lists them.
Result<std::string> chunk_select_sql(const TableJob& job, const ChunkRange& range);

}  // namespace omsql::copy
