#pragma once
// Plans, row changes and positions for the replay unit tests (no server).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/engine/change_event.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/model/plan.hpp"

namespace omsql::replay_test {

inline SourcePosition at(uint64_t offset) { return to_source_position(BinlogPosition{"mariadb-bin.000001", offset, ""}); }

// Table s.NAME -> t.NAME with an int key `id` (none when `keyed` is false) and a text column `v`
// (collation `collation`, or binary bytes when empty); `id_collation` makes the key a text column.
inline TableJob table(const std::string& name, bool keyed = true, std::string id_collation = "") {
  TableJob job;
  job.source = {"s", name};
  job.target = {"t", name};
  job.source_def.name = job.source;
  ColumnDef id;
  id.name = "id";
  id.ordinal = 1;
  id.data_type = id_collation.empty() ? "int" : "varchar";
  id.column_type = id_collation.empty() ? "int(11)" : "varchar(20)";
  id.nullable = false;
  if (!id_collation.empty()) {
    id.charset = "utf8mb4";
    id.collation = id_collation;
  }
  ColumnDef v;
  v.name = "v";
  v.ordinal = 2;
  v.data_type = "varbinary";
  v.column_type = "varbinary(20)";
  job.source_def.columns = {id, v};
  job.columns = {ColumnMapping{"id", "id", std::nullopt, false}, ColumnMapping{"v", "v", std::nullopt, false}};
  if (keyed) {
    job.key.kind = RowKey::Kind::kPrimary;
    job.key.index_name = "PRIMARY";
    job.key.columns = {"id"};
  } else {
    job.key.kind = RowKey::Kind::kNone;
  }
  return job;
}

inline std::vector<Cell> row(int64_t id, const std::string& v) { return {Cell::signed_integer(id), Cell::bytes(v)}; }
inline std::vector<Cell> text_row(const std::string& id, const std::string& v) {
  return {Cell::bytes(id), Cell::bytes(v)};
}

inline RowChange insert(const TableJob& job, std::vector<Cell> image, uint64_t position) {
  RowChange change;
  change.table = job.source;
  change.kind = RowChange::kInsert;
  change.after = std::move(image);
  change.position = at(position);
  return change;
}

inline RowChange update(const TableJob& job, std::vector<Cell> before, std::vector<Cell> after, uint64_t position) {
  RowChange change = insert(job, std::move(after), position);
  change.kind = RowChange::kUpdate;
  change.before = std::move(before);
  return change;
}

inline RowChange remove(const TableJob& job, std::vector<Cell> image, uint64_t position) {
  RowChange change;
  change.table = job.source;
  change.kind = RowChange::kDelete;
  change.before = std::move(image);
  change.position = at(position);
  return change;
}

}  // namespace omsql::replay_test
