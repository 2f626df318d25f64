#pragma once
// Writes row batches into the target table: one statement per batch, REPLACE semantics, so a chunk
// written twice (after a crash or a retry) leaves the same rows. The only code that writes copied
// rows to the target. Errors name the target host, table, chunk and, where the server says, the
// column (with its source name when MAP COLUMN renamed it).
#include <memory>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/copy/columns.hpp"
#include "src/copy/types.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::copy {

class BatchWriter {
 public:
  // `target` must have had prepare_target_session() and must outlive the writer; so must `job`.
  static Result<std::unique_ptr<BatchWriter>> open(Connection& target, const TableJob& job,
                                                   WireFormat format = kDefaultWireFormat);

  // Writes one batch (a batch of 0 rows writes nothing). Checks that the server took every row and
  // raised no warning: a warning means a value changed, which the copy never accepts.
  // Transient failures (lost connection, deadlock) come back as Status::transient; the batch may
  // then be written again.
  Status write(const RowBatch& batch);

  // Call before writing a chunk again after a failure part-way through it. With a key, REPLACE makes
  // the re-write idempotent and this does nothing. Without a key (one chunk: the whole table) rows
  // cannot be matched, so this deletes every row of the target table.
  Status restart_chunk(const ChunkRange& range);
  // Deletes every row of the target table: before a whole-table copy from a snapshot.
  Status empty_table();

  // The LOAD DATA statement (kLoadData only), for logs and tests.
  const std::string& load_sql() const { return load_sql_; }

 private:
  BatchWriter(Connection& target, const TableJob& job, WireFormat format) : target_(target), job_(job), format_(format) {}
  Status fail(const RowBatch& batch, std::string_view doing);
  Status check_outcome(const RowBatch& batch);

  Connection& target_;
  const TableJob& job_;
  WireFormat format_;
  std::vector<CopyColumn> columns_;
  std::string load_sql_;
};

// The LOAD DATA LOCAL statement for `job`'s target table (BIT columns through user variables).
Result<std::string> load_data_sql(const TableJob& job);

}  // namespace omsql::copy
