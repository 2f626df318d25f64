#pragma once
// Shared by the decoder's files (internal to src/engine/mysql/binlog/): binlog event type codes and the table
// map the decoder caches per table id.
#include <cstdint>
#include <vector>

#include "src/engine/mysql/binlog/column_codec.hpp"
#include "src/catalog/table_def.hpp"

namespace omsql::binlog_internal {

enum EventType : uint8_t {
  kQueryEvent = 2,
  kStopEvent = 3,
  kRotateEvent = 4,
  kFormatDescriptionEvent = 15,
  kXidEvent = 16,
  kTableMapEvent = 19,
  kWriteRowsV1 = 23,
  kUpdateRowsV1 = 24,
  kDeleteRowsV1 = 25,
  kHeartbeatEvent = 27,
  kWriteRowsV2 = 30,
  kUpdateRowsV2 = 31,
  kDeleteRowsV2 = 32,
  kGtidEvent = 162,
  kGtidListEvent = 163,
  kQueryCompressedEvent = 165,
  kWriteRowsCompressedV1 = 166,
  kDeleteRowsCompressedV1 = 168,
  kWriteRowsCompressedV2 = 169,
  kDeleteRowsCompressedV2 = 171,
};

// What a TABLE_MAP said about one table id. Unwanted tables keep only their name.
struct TableMap {
  uint64_t id = 0;
  QualifiedName name;
  bool wanted = true;
  std::vector<ColumnType> columns;  // as the TABLE_MAP lists them, hidden ones included
  // Columns of the row images handed on: the first `visible` (MariaDB appends hidden DB_ROW_HASH_n
  // columns of long unique keys after them); a column whose `kept` entry is false decodes as NULL
  // (COLUMNS ... EXCLUDE: its value goes no further than the decoder). Null `kept`: all kept.
  size_t visible = 0;
  const std::vector<bool>* kept = nullptr;
};

}  // namespace omsql::binlog_internal
