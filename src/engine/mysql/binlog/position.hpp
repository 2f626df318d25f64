#pragma once
// Where a task is in the source's binary log. file:offset names the byte after the last event
// taken; gtid is MariaDB's @@gtid_binlog_pos text ("0-1-42,1-7-3") for the same point, so a
// resume can use either. Positions compare by (file sequence, offset): see compare_binlog_files.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/common/status.hpp"
#include "src/model/source_position.hpp"

namespace omsql {

class Connection;

// Binlog files of one server are BASE.NNNNNN; the suffix has at least six digits and grows a
// seventh after 999999, so a plain text order would put mariadb-bin.1000000 before .999999. Files
// compare by base (the text before the last dot), then a numeric suffix by its value (numeric
// before any other suffix), other suffixes by text: a total order.
inline std::strong_ordering compare_binlog_files(const std::string& a, const std::string& b) {
  size_t dot_a = a.rfind('.'), dot_b = b.rfind('.');
  std::string_view base_a = std::string_view(a).substr(0, dot_a), base_b = std::string_view(b).substr(0, dot_b);
  if (auto c = base_a <=> base_b; c != 0) return c;
  std::string_view suffix_a = dot_a == std::string::npos ? std::string_view() : std::string_view(a).substr(dot_a + 1);
  std::string_view suffix_b = dot_b == std::string::npos ? std::string_view() : std::string_view(b).substr(dot_b + 1);
  auto numeric = [](std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == s.npos; };
  bool numeric_a = numeric(suffix_a), numeric_b = numeric(suffix_b);
  if (numeric_a != numeric_b) return numeric_a ? std::strong_ordering::less : std::strong_ordering::greater;
  if (!numeric_a) return suffix_a <=> suffix_b;
  auto digits = [](std::string_view s) {  // without leading zeros
    size_t first = s.find_first_not_of('0');
    return first == s.npos ? std::string_view() : s.substr(first);
  };
  std::string_view value_a = digits(suffix_a), value_b = digits(suffix_b);
  if (value_a.size() != value_b.size()) return value_a.size() <=> value_b.size();
  if (auto c = value_a <=> value_b; c != 0) return c;
  return suffix_a.size() <=> suffix_b.size();  // one value, more leading zeros last
}

struct BinlogPosition {
  std::string file;     // "mariadb-bin.000003"
  uint64_t offset = 0;  // byte offset in `file` where the next event starts
  std::string gtid;     // @@gtid_binlog_pos at this point; may be empty when unknown

  bool empty() const { return file.empty(); }
  // "mariadb-bin.000003:1234 gtid 0-1-42" (gtid part left out when empty): for messages and status.
  std::string str() const;

  // Order by (file sequence, offset); gtid is informational and does not take part.
  friend bool operator==(const BinlogPosition& a, const BinlogPosition& b) {
    return a.file == b.file && a.offset == b.offset;
  }
  friend std::strong_ordering operator<=>(const BinlogPosition& a, const BinlogPosition& b) {
    if (auto c = compare_binlog_files(a.file, b.file); c != 0) return c;
    return a.offset <=> b.offset;
  }
};

// The engine name of the MySQL family's SourcePositions (MySQL, MariaDB, OceanBase: one binlog).
inline constexpr std::string_view kMysqlPositionEngine = "mysql";

// The opaque form (src/model/source_position.hpp): order {file sequence, offset}, payload str().
// The sequence is the file's numeric suffix: a server names its binlog files BASE.NNNNNN and one
// source keeps one BASE, so (sequence, offset) orders its positions as BinlogPosition does. The
// empty position (no file) becomes the empty SourcePosition.
// REQUIRES: `position` is empty or its file ends in ".DIGITS" (every server-written name does);
// throws std::invalid_argument naming the file otherwise.
SourcePosition to_source_position(const BinlogPosition& position);
// Back from to_source_position's form. InvalidArgument for a position of another engine, and
// Corruption for a payload that is no binlog position or disagrees with the order key.
Result<BinlogPosition> to_binlog_position(const SourcePosition& position);
// Whether `file` has the numeric suffix to_source_position needs.
bool has_binlog_sequence(const std::string& file);
// to_source_position for a position read from outside (a file, a target row, a server, the
// user), where a file name without the suffix is an error to report, not a bug:
// InvalidArgument "binlog file name 'F' has no numeric suffix (BASE.NNNNNN)" for it.
Result<SourcePosition> checked_source_position(const BinlogPosition& position);

// Parses BinlogPosition::str() output back ("file:offset" with optional " gtid G").
Result<BinlogPosition> parse_binlog_position(const std::string& text);

// The source's current position: SHOW MASTER STATUS for file:offset, and BINLOG_GTID_POS(file,
// offset) for the GTID state at that same point. Fails with a clear message when the binary log
// is off or binlog_format is not ROW or binlog_row_image is not FULL.
Result<BinlogPosition> current_position(Connection& source);
// current_position as the seam's opaque position; Unsupported naming the server for a binlog file
// name that cannot be ordered.
Result<SourcePosition> current_source_position(Connection& source);

// Checks that the source still holds `position.file` (SHOW BINARY LOGS). NotFound with
// "binlog X needed by the task was purged (oldest on the server is Y)" when it does not.
Status check_position_available(Connection& source, const BinlogPosition& position);

}  // namespace omsql
