#include "src/engine/mysql/copy/chunk_cursor.hpp"

#include <algorithm>

#include "src/copy/columns.hpp"
#include "src/sql/key_range.hpp"
#include "src/sql/quote.hpp"

namespace omsql::copy {

std::string insert_values_head(const TableJob& job, const std::vector<CopyColumn>& columns) {
  std::string out = "REPLACE INTO " + sql::quote_name(job.target) + " (";
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + sql::quote_identifier(columns[i].target_name);
  return out + ") VALUES ";
}

Result<std::string> chunk_select_sql(const TableJob& job, const ChunkRange& range) {
  auto columns = copy_columns(job);
  if (!columns) return columns.status();
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns->size(); ++i) sql += (i ? ", " : "") + (*columns)[i].select_expression;
  sql += " FROM " + sql::quote_name(job.source);

  std::vector<std::string> conditions;
  bool keyed = job.key.kind != RowKey::Kind::kNone && !job.key.columns.empty();
  if (keyed) {
    auto key = key_columns(job);
    if (!key) return key.status();
    sql += " FORCE INDEX (" + sql::quote_identifier(job.key.index_name) + ")";
    if (range.bounded()) conditions.push_back(sql::key_range_condition(key_parts(*key), range));
  }
  if (job.filter && !job.filter->empty()) conditions.push_back("(" + *job.filter + ")");
  for (size_t i = 0; i < conditions.size(); ++i) sql += (i ? " AND " : " WHERE ") + conditions[i];
  if (keyed) sql += " ORDER BY " + sql::quote_identifier_list(job.key.columns);
  return sql;
}

Result<std::unique_ptr<ChunkCursor>> ChunkCursor::open(Connection& source, const TableJob& job,
                                                       const ChunkRange& range, BatchLimits limits,
                                                       WireFormat format) {
  auto columns = copy_columns(job);
  if (!columns) return columns.status();
  auto sql = chunk_select_sql(job, range);
  if (!sql) return sql.status();

  std::unique_ptr<ChunkCursor> cursor(new ChunkCursor());
  cursor->source_table_ = job.source;
  cursor->chunk_id_ = range.id;
  cursor->chunk_description_ = range.describe(job);
  cursor->limits_.max_rows = std::max<int64_t>(1, limits.max_rows);
  cursor->limits_.max_bytes = std::max<int64_t>(1, limits.max_bytes);
  std::vector<ValueKind> kinds;
  std::vector<std::string> insert_charsets;
  for (const auto& c : *columns) {
    kinds.push_back(c.kind);
    insert_charsets.push_back(c.insert_charset);
  }
  cursor->encoder_.emplace(std::move(kinds), format,
                           format == WireFormat::kInsertValues ? insert_values_head(job, *columns) : std::string(),
                           std::move(insert_charsets));
  cursor->sql_ = std::move(*sql);
  if (format == WireFormat::kLoadDataIgnore && job.key.kind != RowKey::Kind::kNone) {
    for (const auto& name : job.key.columns) {
      auto it = std::find_if(columns->begin(), columns->end(), [&](const CopyColumn& c) { return c.source_name == name; });
      if (it == columns->end()) {
        cursor->key_positions_.clear();  // a generated key column: the batch carries no keys
        break;
      }
      cursor->key_positions_.push_back(static_cast<size_t>(it - columns->begin()));
    }
  }

  auto stream = source.stream(cursor->sql_);
  if (!stream) return stream.status().with_context("reading " + cursor->chunk_description_);
  if (stream->field_count() != columns->size())
    return Status::corruption("reading " + cursor->chunk_description_ + ": expected " +
                              std::to_string(columns->size()) + " columns, the source sent " +
                              std::to_string(stream->field_count()));
  cursor->stream_.emplace(std::move(stream.value()));
  return cursor;
}

Result<RowBatch> ChunkCursor::next_batch() {
  if (finished_) return Status::invalid_argument("reading " + chunk_description_ + ": the chunk has ended");
  RowBatch batch;
  batch.source_table = source_table_;
  batch.chunk_id = chunk_id_;
  batch.format = encoder_->format();
  batch.chunk = chunk_description_;
  // One allocation per batch: a row that crosses max_bytes closes the batch, so most batches fit.
  batch.data.reserve(static_cast<size_t>(limits_.max_bytes) + (64 << 10));

  const uint64_t max_rows = static_cast<uint64_t>(limits_.max_rows);
  const size_t max_bytes = static_cast<size_t>(limits_.max_bytes);
  unsigned long* lengths = nullptr;
  while (batch.rows < max_rows && batch.data.size() < max_bytes) {
    MYSQL_ROW row = stream_->next(&lengths);
    if (!row) {
      Status status = stream_->status();
      stream_.reset();  // frees the result: the connection is usable again
      finished_ = true;
      if (!status) return status.with_context("reading " + chunk_description_);
      batch.last_of_chunk = true;
      return batch;
    }
    encoder_->append_row(row, lengths, batch.rows == 0, batch.data);
    if (!key_positions_.empty()) {
      KeyTuple& key = batch.keys.emplace_back();
      for (size_t at : key_positions_) key.emplace_back(row[at] ? row[at] : "", row[at] ? lengths[at] : 0);
    }
    ++batch.rows;
  }
  return batch;
}

}  // namespace omsql::copy
