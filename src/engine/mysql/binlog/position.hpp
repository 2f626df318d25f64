#pragma once
// Where a task is in the source's binary log. file:offset names the byte after the last event
// taken; gtid is MariaDB's @@gtid_binlog_pos text ("0-1-42,1-7-3") for the same point, so a
// resume can use either. Positions compare by (file, offset): binlog file names sort in order
// because their numeric suffix has a fixed width.
#include <compare>
#include <cstdint>
#include <string>

#include "src/common/status.hpp"

namespace omsql {

class Connection;

struct BinlogPosition {
  std::string file;     // "mariadb-bin.000003"
  uint64_t offset = 0;  // byte offset in `file` where the next event starts
  std::string gtid;     // @@gtid_binlog_pos at this point; may be empty when unknown

  bool empty() const { return file.empty(); }
  // "mariadb-bin.000003:1234 gtid 0-1-42" (gtid part left out when empty): for messages and status.
  std::string str() const;

  // Order by (file, offset); gtid is informational and does not take part.
  friend bool operator==(const BinlogPosition& a, const BinlogPosition& b) {
    return a.file == b.file && a.offset == b.offset;
  }
  friend std::strong_ordering operator<=>(const BinlogPosition& a, const BinlogPosition& b) {
    if (auto c = a.file <=> b.file; c != 0) return c;
    return a.offset <=> b.offset;
  }
};

// Parses BinlogPosition::str() output back ("file:offset" with optional " gtid G").
Result<BinlogPosition> parse_binlog_position(const std::string& text);

// The source's current position: SHOW MASTER STATUS for file:offset, and BINLOG_GTID_POS(file,
// offset) for the GTID state at that same point. Fails with a clear message when the binary log
// is off or binlog_format is not ROW or binlog_row_image is not FULL.
Result<BinlogPosition> current_position(Connection& source);

// Checks that the source still holds `position.file` (SHOW BINARY LOGS). NotFound with
// "binlog X needed by the task was purged (oldest on the server is Y)" when it does not.
Status check_position_available(Connection& source, const BinlogPosition& position);

}  // namespace omsql
