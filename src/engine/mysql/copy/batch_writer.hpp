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
  // kLoadDataIgnore (OceanBase 4.2.2+, where LOAD DATA LOCAL always ignores duplicates): rows the
  // load skipped as duplicates are rows of this batch already on the target (a batch written again);
  // their keys are deleted and the batch loaded once more, so the outcome is REPLACE's by row key.
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
  // `message` with "(source column db.t.c)" added when it names a target column MAP COLUMN renamed.
  std::string with_source_column(const std::string& message) const;
  // `duplicates_skipped`: nullptr, or where to say how many rows an IGNORE load skipped as
  // duplicates (then those rows' warnings are not failures).
  Status check_outcome(const RowBatch& batch, long long* duplicates_skipped = nullptr);
  Status load(const RowBatch& batch);
  Status delete_keys(const RowBatch& batch);

  Connection& target_;
  const TableJob& job_;
  WireFormat format_;
  std::vector<CopyColumn> columns_;
  std::string load_sql_;
  std::vector<sql::KeyPart> target_key_;  // kLoadDataIgnore: the row key on the target, for delete_keys
};

// The LOAD DATA LOCAL statement for `job`'s target table (BIT columns through user variables):
// REPLACE for kLoadData, IGNORE for kLoadDataIgnore (what OceanBase 4.2.2+ runs whatever is written).
Result<std::string> load_data_sql(const TableJob& job, WireFormat format = WireFormat::kLoadData);

// The row key of `job` as the target compares it: the copied key columns under their target names,
// literals of the bytes the copy sends (strings in their source charset, no COLLATE: the column's
// own collation compares, as REPLACE's would). Empty when a key column is not copied or no key.
std::vector<sql::KeyPart> target_key_parts(const TableJob& job, const std::vector<CopyColumn>& columns);

}  // namespace omsql::copy
