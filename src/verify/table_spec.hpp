#pragma once
// How one TableJob is read for verification, on either side: which columns, in which order, read
// with which expression, compared by which key, and how a value read back is written as a literal.
// Built once per table from the TableJob (source names, target names, FILTER, key, source types);
// all SQL text the verifier sends is built here.
#include <optional>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/sql/key_range.hpp"
#include "src/verify/row_hash.hpp"

namespace omsql::verify {

// Which side of the migration a query reads. kSource: the source table and column names, with
// the job's FILTER. kTarget: the target table and column names, no filter.
enum class Side { kSource, kTarget };
const char* side_name(Side side);

// Key tuples (the raw bytes of each key column as read with the key read expression) and ranges are
// the SQL builder's (src/sql/key_range.hpp), shared with the copy and replay. A table without a key
// is always read as the one unbounded range.
using sql::KeyRange;
using sql::KeyTuple;

// One compared column. Key columns are compared by the server; everything else by canonical bytes.
struct VerifyColumn {
  std::string source_name;
  std::string target_name;
  ValueClass value_class = ValueClass::kBytes;
  std::string data_type;
  // The character set a string value is read in: the column's, or utf8mb4 when it is converted
  // (columns in any other charset are read as CONVERT(... USING utf8mb4) on both sides, so a
  // charset change on the target verifies by characters). Empty for binary and non-string types.
  std::string read_charset;
  bool convert_to_utf8mb4 = false;
  // FLOAT (the text protocol prints 6 digits) and DOUBLE(M,D) (printed rounded to D) are read as
  // CAST(... AS DOUBLE), which prints the shortest text that round-trips. Plain DOUBLE already is.
  bool cast_to_double = false;
  // Key columns with a collation: rows are matched by the server's WEIGHT_STRING (after RTRIM
  // for PAD SPACE collations), so 'a' and 'A' in a _ci key are the same row, as the target sees it.
  bool collated = false;
  bool pad_space = false;
};

class TableSpec {
 public:
  // Fails (InvalidArgument) when the job has no compared column. REQUIRES: `job` outlives the spec.
  static Result<TableSpec> make(const TableJob& job);

  const TableJob& job() const { return *job_; }
  const std::vector<VerifyColumn>& columns() const { return columns_; }
  // Indexes into columns() of the key parts, in key order; empty for a table compared as a multiset.
  const std::vector<size_t>& key() const { return key_; }
  bool keyed() const { return !key_.empty(); }
  // How many leading result columns fetch_rows_sql() adds for matching rows (one per collated key part).
  size_t match_columns() const { return match_columns_; }

  // SELECT <read expressions> ... WHERE <range> [AND (filter)] ORDER BY <key>: one row per table row.
  std::string select_rows_sql(Side side, const KeyRange& range) const;
  // As select_rows_sql, preceded by the match columns (WEIGHT_STRING of collated key parts) and
  // followed by the key read extras (as next_chunk_sql): key part p is result column
  // match_columns() + next_chunk_key_column(p).
  std::string fetch_rows_sql(Side side, const KeyRange& range) const;
  // As fetch_rows_sql, for the rows whose key is one of `keys` (key read values, as in chunk
  // bounds) instead of a range: `k IN (...)` for one key part, an OR of per-key equalities for
  // a composite key (both are index range scans). REQUIRES: keyed(), keys not empty.
  std::string fetch_keys_sql(Side side, const std::vector<KeyTuple>& keys) const;
  // The key at `offset` (0-based) in `range` on `side`, key order; with_filter applies the FILTER
  // on the source (for halving by filtered rows); the chunk walk does not need it.
  std::string key_at_offset_sql(Side side, const KeyRange& range, int64_t offset, bool with_filter) const;
  // The source rows after `lower` (key order, FILTER applied), at most `limit`: the read
  // expressions, then one key read expression per key part whose key read differs from its value
  // read (ENUM/SET parts), so the last row read gives the chunk's upper bound.
  std::string next_chunk_sql(const std::optional<KeyTuple>& lower, int64_t limit) const;
  // For next_chunk_sql rows: the result column holding key part `part`'s key read value.
  size_t next_chunk_key_column(size_t part) const;
  // SELECT COUNT(*) of the range on `side`.
  std::string count_sql(Side side, const KeyRange& range) const;
  // The range's digest computed by the server (FILTER applied on the source): one row,
  // COUNT(*) and the exact SUM over rows of the first 64 bits of MD5(row image), where a NULL
  // image (a row longer than max_allowed_packet) adds 2^128 instead, so it cannot go unseen. The
  // row image is each read expression as `N` for NULL or `<byte length>:<bytes>` (strings as
  // BINARY): NULL, '' and 'NULL' differ, cell boundaries count. docs/verification.md.
  std::string server_digest_sql(Side side, const KeyRange& range) const;

  // A literal for a value of column `index` as read by the read expression (NULL for nullopt).
  std::string value_literal(size_t index, const std::optional<std::string>& value) const;
  // A literal for key part `part` as read by the key read expression.
  std::string key_literal(size_t part, const std::string& value) const;
  // "(id) = (5)", "(a, b) = ('x', 2)": a key for reports (printable, truncated).
  std::string describe_key(const KeyTuple& key) const;
  // "(id) in (5, 100]", for messages.
  std::string describe_range(const KeyRange& range) const;
  // "shop.orders", by side.
  std::string table_sql(Side side) const;
  const std::string& column_name(Side side, size_t index) const;

  // WHERE text for `range` on `side` (without the WHERE keyword); "1" when unbounded.
  std::string range_predicate(Side side, const KeyRange& range) const;

 private:
  std::string read_expression(Side side, size_t index) const;
  std::string key_compare_expression(Side side, size_t index) const;
  // How a value of column `index` is compared and written for the SQL builder: lhs is
  // key_compare_expression; key_read: the value was read by key_read_expression (ENUM/SET numbers).
  sql::KeyPart literal_part(Side side, size_t index, bool key_read) const;
  std::vector<sql::KeyPart> key_parts(Side side) const;
  std::string key_read_expression(Side side, size_t index) const;
  std::string where_clause(Side side, const KeyRange& range, bool with_filter) const;
  std::string filtered(Side side, const std::string& predicate) const;  // AND the FILTER on the source
  std::string fetch_columns(Side side) const;  // match columns, read expressions, key read extras
  std::string order_by(Side side) const;

  const TableJob* job_ = nullptr;
  std::vector<VerifyColumn> columns_;
  std::vector<size_t> key_;
  size_t match_columns_ = 0;
};

}  // namespace omsql::verify
