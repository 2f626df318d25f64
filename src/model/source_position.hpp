#pragma once
// A point in a source engine's change log, opaque to everything above the engine seam. The task
// state, the actor messages and the spool carry a SourcePosition; they order, compare, print and
// store it without knowing what is inside. Only the engine that made it reads it back (the MySQL
// family: src/engine/mysql/binlog/position.hpp, to_binlog_position).
//
//   engine   which engine defined it ("mysql"); empty = no position (nothing read yet)
//   order    the engine's order key, compared lexicographically (MySQL: {binlog file sequence,
//            offset}; a PostgreSQL LSN would be {lsn})
//   payload  the engine's own text, enough to rebuild its position and what people read (MySQL:
//            "mariadb-bin.000003:1234 gtid 0-1-42", as BinlogPosition::str() prints it)
//
// Order and equality use `engine` and `order` only: the payload may carry informational parts
// (MySQL's GTID) that do not take part, so an engine puts into `order` everything that tells two
// of its positions apart. No position is ordered against one of another engine: that comparison
// is a bug (one task reads one source) and throws std::logic_error rather than answer at random.
// The empty position orders before every other one, of any engine.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "src/common/status.hpp"

namespace omsql {

struct SourcePosition {
  std::string engine;
  std::vector<uint64_t> order;
  std::string payload;

  bool empty() const { return engine.empty(); }
  // For messages and status: the payload ("" for the empty position).
  const std::string& str() const { return payload; }

  friend bool operator==(const SourcePosition& a, const SourcePosition& b);
  // REQUIRES: same_engine(a, b); throws std::logic_error naming both positions otherwise.
  friend std::strong_ordering operator<=>(const SourcePosition& a, const SourcePosition& b);
};

// Whether `a` and `b` may be ordered: of one engine, or either is empty.
bool same_engine(const SourcePosition& a, const SourcePosition& b);

// JSON: {"engine": "mysql", "order": [3, 1234], "payload": "..."}; the empty position is null.
nlohmann::json source_position_json(const SourcePosition& position);
// Reads source_position_json's form back; InvalidArgument naming what is missing or wrong.
Result<SourcePosition> source_position_from_json(const nlohmann::json& j);

// Binary (for records such as the spool's): engine, order count, each order value, payload, as
// little-endian base-128 varints and varint-length-prefixed strings. The empty position takes 3 bytes.
void append_source_position(const SourcePosition& position, std::string* out);
// Reads one position written by append_source_position from `data` at `*at`, advancing `*at`;
// Corruption when it is cut short or malformed (a count larger than the bytes left).
Result<SourcePosition> read_source_position(std::string_view data, size_t* at);

}  // namespace omsql
