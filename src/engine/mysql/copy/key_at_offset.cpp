#include "src/engine/mysql/copy/key_at_offset.hpp"

#include "src/copy/columns.hpp"
#include "src/sql/key_range.hpp"
#include "src/sql/quote.hpp"

namespace omsql::copy {

Result<std::optional<KeyTuple>> key_at_offset(Connection& source, const TableJob& job,
                                              const std::optional<KeyTuple>& lower, int64_t offset) {
  auto key = key_columns(job);
  if (!key) return key.status();
  std::string sql = "SELECT ";
  for (size_t i = 0; i < key->size(); ++i) sql += (i ? ", " : "") + (*key)[i].select_expression;
  sql += " FROM " + sql::quote_name(job.source) + " FORCE INDEX (" + sql::quote_identifier(job.key.index_name) + ")";
  if (lower) sql += " WHERE " + sql::key_after(key_parts(*key), *lower);
  sql += " ORDER BY " + sql::quote_identifier_list(job.key.columns) + " LIMIT 1 OFFSET " + std::to_string(offset);
  auto result = source.query(sql);
  if (!result) return result.status();
  if (result->rows.empty()) return std::optional<KeyTuple>();
  KeyTuple tuple;
  for (auto& value : result->rows[0]) {
    if (!value)
      return Status::corruption("table " + job.source.str() + ": key " + job.key.index_name +
                                " returned NULL while planning chunks");
    tuple.push_back(std::move(*value));
  }
  return std::optional<KeyTuple>(std::move(tuple));
}

}  // namespace omsql::copy
