#pragma once
// Helpers for the copy engine's server tests: a TableJob read straight from information_schema
// (the tests must not depend on the catalog reader being built elsewhere), a full chunked copy, and
// a row comparison done with each server's own SQL (HEX of every column), not with omsql's reader.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "src/engine/mysql/copy/batch_writer.hpp"
#include "src/engine/mysql/copy/chunk_cursor.hpp"
#include "src/engine/mysql/copy/key_at_offset.hpp"
#include "src/engine/mysql/copy/session.hpp"
#include "src/sql/quote.hpp"
#include "tests/support/sandbox.hpp"

namespace omsql::testing {

inline QueryResult must_query(Connection& c, const std::string& sql) {
  auto r = c.query(sql);
  if (!r) throw std::runtime_error(r.status().message());
  return std::move(r).value();
}

inline TableDef read_table_def(Connection& c, const QualifiedName& name) {
  TableDef def;
  def.name = name;
  std::string where = " WHERE TABLE_SCHEMA = " + sql::text_literal(name.schema) +
                      " AND TABLE_NAME = " + sql::text_literal(name.table);
  auto columns = must_query(c,
      "SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, "
      "COLLATION_NAME, EXTRA, IS_GENERATED FROM information_schema.COLUMNS" + where + " ORDER BY ORDINAL_POSITION");
  for (auto& row : columns.rows) {
    ColumnDef col;
    col.name = *row[0];
    col.ordinal = std::stoi(*row[1]);
    col.data_type = *row[2];
    col.column_type = *row[3];
    col.nullable = *row[4] == "YES";
    col.is_unsigned = col.column_type.find("unsigned") != std::string::npos;
    col.charset = row[5];
    col.collation = row[6];
    col.extra = row[7].value_or("");
    col.is_generated = row[8] && *row[8] == "ALWAYS";
    def.columns.push_back(std::move(col));
  }
  if (def.columns.empty()) throw std::runtime_error("no table " + name.str());
  auto stats = must_query(c,
      "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS" + where +
      " ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX");
  for (auto& row : stats.rows) {
    if (def.indexes.empty() || def.indexes.back().name != *row[0]) {
      IndexDef index;
      index.name = *row[0];
      index.unique = *row[1] == "0";
      index.kind = *row[4];
      def.indexes.push_back(std::move(index));
    }
    IndexPart part;
    part.column = *row[2];
    if (row[3]) part.prefix_length = std::stoll(*row[3]);
    def.indexes.back().parts.push_back(part);
  }
  return def;
}

inline TableJob make_job(Connection& source, const QualifiedName& from, const QualifiedName& to) {
  TableJob job;
  job.source = from;
  job.target = to;
  job.source_def = read_table_def(source, from);
  job.key = choose_row_key(job.source_def);
  for (const auto& col : job.source_def.columns)
    job.columns.push_back(ColumnMapping{col.name, col.name, std::nullopt, col.is_generated});
  return job;
}

struct CopyStats {
  int chunks = 0;
  uint64_t rows = 0;
  std::vector<uint64_t> rows_per_chunk;
};

// Copies every chunk of `job` with the planner, cursor and writer; throws on any error.
inline CopyStats copy_table(Connection& source, Connection& target, const TableJob& job, int64_t chunk_rows,
                            copy::BatchLimits limits, copy::WireFormat format = copy::kDefaultWireFormat) {
  CopyStats stats;
  copy::ChunkPlanner planner(job, chunk_rows);
  auto writer = copy::BatchWriter::open(target, job, format);
  if (!writer) throw std::runtime_error(writer.status().message());
  while (true) {
    auto range = copy::next_chunk(planner, source);
    if (!range) throw std::runtime_error(range.status().message());
    if (!range->has_value()) break;
    auto cursor = copy::ChunkCursor::open(source, job, **range, limits, format);
    if (!cursor) throw std::runtime_error(cursor.status().message());
    uint64_t chunk_rows_seen = 0;
    while (true) {
      auto batch = (*cursor)->next_batch();
      if (!batch) throw std::runtime_error(batch.status().message());
      chunk_rows_seen += batch->rows;
      auto s = (*writer)->write(*batch);
      if (!s) throw std::runtime_error(s.message());
      if (batch->last_of_chunk) break;
    }
    ++stats.chunks;
    stats.rows += chunk_rows_seen;
    stats.rows_per_chunk.push_back(chunk_rows_seen);
    if (planner.done()) break;
  }
  return stats;
}

// One text per row, sorted: every column (generated ones too) as the server itself renders it
// exactly: HEX() of the stored bytes or text, DOUBLE for FLOAT (17 digits), decimal text for
// DOUBLE/DECIMAL (HEX would round them to integers). NULL stays distinct from ''.
inline std::vector<std::string> row_fingerprints(Connection& c, const QualifiedName& table) {
  TableDef def = read_table_def(c, table);
  std::string sql = "SELECT CONCAT_WS('|'";
  for (const auto& col : def.columns) {
    std::string q = sql::quote_identifier(col.name);
    std::string expr;
    if (col.data_type == "float") expr = "CAST(" + q + " AS DOUBLE)";
    else if (col.data_type == "double" || col.data_type == "decimal") expr = "CONCAT(" + q + ")";
    else expr = "HEX(" + q + ")";
    sql += ", IFNULL(" + expr + ", 'NULL')";
  }
  sql += ") FROM " + sql::quote_name(table);
  auto result = must_query(c, sql);
  std::vector<std::string> out;
  for (auto& row : result.rows) out.push_back(row[0].value_or("<null>"));
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string checksum(Connection& c, const QualifiedName& table) {
  auto r = must_query(c, "CHECKSUM TABLE " + sql::quote_name(table) + " EXTENDED");
  return r.rows.at(0).at(1).value_or("NULL");
}

// Creates `table` on the target (database `to.schema`) from the source's SHOW CREATE TABLE text.
inline void clone_table(Connection& source, Connection& target, const QualifiedName& from, const QualifiedName& to) {
  auto create = must_query(source, "SHOW CREATE TABLE " + sql::quote_name(from));
  std::string ddl = *create.rows.at(0).at(1);
  std::string head = "CREATE TABLE " + sql::quote_identifier(from.table);
  if (ddl.rfind(head, 0) != 0) throw std::runtime_error("unexpected SHOW CREATE TABLE: " + ddl.substr(0, 80));
  ddl = "CREATE TABLE " + sql::quote_name(to) + ddl.substr(head.size());
  must(target, "CREATE DATABASE IF NOT EXISTS " + sql::quote_identifier(to.schema));
  must(target, "DROP TABLE IF EXISTS " + sql::quote_name(to));
  must(target, ddl);
}

}  // namespace omsql::testing
