#pragma once
// The Catalog over a live MySQL/MariaDB server: reads information_schema (TABLES, COLUMNS,
// STATISTICS, KEY_COLUMN_USAGE + REFERENTIAL_CONSTRAINTS, CHECK_CONSTRAINTS) with one query per kind
// for the whole set of tables asked for, so describing a schema of 1,000 tables costs five round
// trips, not five thousand; plus one SHOW CREATE TABLE per table, for what only it says exactly: the
// USING clause of each index (mysql_catalog_indexes.hpp) and the PARTITION BY clause
// (partition_clause.hpp). Base tables only; system schemas (mysql, information_schema,
// performance_schema, sys, omsql_meta) are never listed.
//
// Column defaults keep MariaDB's convention: literals quoted ('abc', 'NULL' is the string NULL),
// numbers and expressions unquoted (0, current_timestamp()). A MySQL server prints literals
// unquoted and flags expressions with DEFAULT_GENERATED; its answers are normalised to the same
// convention so the DDL translator can paste a default back verbatim.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/catalog/catalog.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql {

class MysqlCatalog final : public Catalog {
 public:
  // `connection` must outlive the catalog; calls use it one at a time (not thread-safe).
  explicit MysqlCatalog(Connection& connection) : connection_(&connection) {}

  Result<std::vector<QualifiedName>> list_tables() const override;
  Result<TableDef> describe(const QualifiedName& table) const override;
  Result<std::map<QualifiedName, std::string>> list_other_tables() const override;
  // Every table of `tables`, in the order given, with one query per information_schema view.
  // NotFound names the first table that does not exist (or is not a base table).
  Result<std::vector<TableDef>> describe_tables(const std::vector<QualifiedName>& tables) const;

 private:
  Connection* connection_;
};

// The parsing of one information_schema row each, pure and exception-free: a malformed or
// out-of-range number (AUTO_INCREMENT past INT64_MAX is legal on BIGINT UNSIGNED) is a Status
// naming the table, column or index and the view's column, never a throw. Columns as the
// queries of describe_tables select them.
namespace catalog_rows {
using Row = std::vector<std::optional<std::string>>;
// nullopt for NULL or empty; an error for anything but a decimal integer in range.
Result<std::optional<int64_t>> signed_value(const std::optional<std::string>& value, const std::string& what);
Result<std::optional<uint64_t>> unsigned_value(const std::optional<std::string>& value, const std::string& what);
// TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, AUTO_INCREMENT, TABLE_ROWS,
// DATA_LENGTH, CREATE_OPTIONS.
Result<TableDef> table_from_row(const Row& row);
// TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE,
// CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION,
// CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_TYPE, EXTRA, COLUMN_COMMENT, GENERATION_EXPRESSION.
Result<ColumnDef> column_from_row(const Row& row, bool mysql_server);
// TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART,
// COLLATION, INDEX_TYPE, INDEX_COMMENT and optionally the index's hidden word ('IGNORED',
// 'INVISIBLE' or ''; describe_tables selects it from IGNORED or IS_VISIBLE where the server has
// one): the index (without parts) and this row's part.
struct StatisticsRow {
  QualifiedName table;
  IndexDef index;
  int64_t seq = 0;
  IndexPart part;
};
Result<StatisticsRow> statistics_from_row(const Row& row);
// TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, SRS_ID (MySQL 8's COLUMNS view): sets `column`'s enforced
// SRID. An SRS_ID that is not an unsigned 32-bit number is an error naming the column.
Status apply_srs_id(const Row& row, ColumnDef& column);
}  // namespace catalog_rows

}  // namespace omsql
