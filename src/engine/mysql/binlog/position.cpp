#include "src/engine/mysql/binlog/position.hpp"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <stdexcept>

#include "src/engine/mysql/connection.hpp"
#include "src/sql/quote.hpp"

namespace omsql {

std::string BinlogPosition::str() const {
  // Built in place: every spool record and message makes one (to_source_position).
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, offset).ptr;
  std::string out;
  out.reserve(file.size() + 1 + static_cast<size_t>(end - digits) + (gtid.empty() ? 0 : 6 + gtid.size()));
  out.append(file).append(1, ':').append(digits, end);
  if (!gtid.empty()) out.append(" gtid ").append(gtid);
  return out;
}

Result<BinlogPosition> parse_binlog_position(const std::string& text) {
  BinlogPosition position;
  std::string head = text;
  if (auto g = text.find(" gtid "); g != std::string::npos) {
    position.gtid = text.substr(g + 6);
    head = text.substr(0, g);
  }
  auto colon = head.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == head.size())
    return Status::invalid_argument("not a binlog position (expected file:offset): '" + text + "'");
  position.file = head.substr(0, colon);
  char* end = nullptr;
  position.offset = std::strtoull(head.c_str() + colon + 1, &end, 10);
  if (*end != '\0') return Status::invalid_argument("not a binlog position (bad offset): '" + text + "'");
  return position;
}

namespace {

// The value of the digits after the last dot; nullopt when there are none, others follow, or
// they do not fit 64 bits.
std::optional<uint64_t> binlog_sequence(const std::string& file) {
  const size_t dot = file.rfind('.');
  if (dot == std::string::npos || dot + 1 == file.size()) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = dot + 1; i < file.size(); ++i) {
    const char c = file[i];
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

bool has_binlog_sequence(const std::string& file) { return binlog_sequence(file).has_value(); }

Result<SourcePosition> checked_source_position(const BinlogPosition& position) {
  if (!position.empty() && !has_binlog_sequence(position.file))
    return Status::invalid_argument("binlog file name '" + position.file + "' has no numeric suffix (BASE.NNNNNN)");
  return to_source_position(position);
}

SourcePosition to_source_position(const BinlogPosition& position) {
  if (position.empty()) return SourcePosition{};
  auto sequence = binlog_sequence(position.file);
  if (!sequence)
    throw std::invalid_argument("binlog file name '" + position.file +
                                "' has no numeric suffix (BASE.NNNNNN): it cannot be ordered as a source position");
  return SourcePosition{std::string(kMysqlPositionEngine), {*sequence, position.offset}, position.str()};
}

Result<BinlogPosition> to_binlog_position(const SourcePosition& position) {
  if (position.empty()) return BinlogPosition{};
  if (position.engine != kMysqlPositionEngine)
    return Status::invalid_argument("source position '" + position.payload + "' is a " + position.engine +
                                    " position, not a MySQL-family binlog position");
  // The payload is to_source_position's str(): "FILE:OFFSET" and " gtid G" when there is one.
  // Read without copies (each spool record's position comes through here).
  std::string_view text = position.payload, gtid;
  if (auto g = text.find(" gtid "); g != std::string_view::npos) {
    gtid = text.substr(g + 6);
    text = text.substr(0, g);
  }
  const size_t colon = text.rfind(':');
  uint64_t offset = 0;
  const char* digits_end = text.data() + text.size();
  const bool parsed = colon != std::string_view::npos && colon != 0 && colon + 1 < text.size() &&
                      std::from_chars(text.data() + colon + 1, digits_end, offset).ptr == digits_end;
  if (!parsed)
    return Status::corruption("MySQL source position: not a binlog position (expected file:offset): '" +
                              position.payload + "'");
  BinlogPosition binlog{std::string(text.substr(0, colon)), offset, std::string(gtid)};
  auto sequence = binlog_sequence(binlog.file);
  if (!sequence || position.order.size() != 2 || position.order[0] != *sequence || position.order[1] != offset)
    return Status::corruption("MySQL source position '" + position.payload +
                              "' disagrees with its order key (expected {file sequence, offset})");
  return binlog;
}

namespace {

Result<std::string> variable(Connection& source, const std::string& name) {
  auto value = source.query_value("SELECT @@GLOBAL." + name);
  if (!value) return value.status();
  return value->value_or("");
}

// ROW format with FULL images is what the row decoder needs: other settings lose changes.
Status check_binlog_settings(Connection& source) {
  auto log_bin = variable(source, "log_bin");
  if (!log_bin) return log_bin.status();
  if (*log_bin != "1")
    return Status::invalid_argument(source.describe() +
                                    ": the binary log is off (log_bin=OFF); incremental migration needs "
                                    "log-bin, binlog_format=ROW and binlog_row_image=FULL on the source");
  auto format = variable(source, "binlog_format");
  if (!format) return format.status();
  if (*format != "ROW")
    return Status::invalid_argument(source.describe() + ": binlog_format is " + *format +
                                    "; incremental migration needs binlog_format=ROW");
  auto image = variable(source, "binlog_row_image");
  if (!image) return image.status();
  if (*image != "FULL")
    return Status::invalid_argument(source.describe() + ": binlog_row_image is " + *image +
                                    "; incremental migration needs binlog_row_image=FULL");
  return Status::ok();
}

}  // namespace

Result<BinlogPosition> current_position(Connection& source) {
  OMSQL_RETURN_IF_ERROR(check_binlog_settings(source));
  auto status = source.query("SHOW MASTER STATUS");
  if (!status) return status.status();
  if (status->rows.empty() || status->rows[0].size() < 2 || !status->rows[0][0] || !status->rows[0][1])
    return Status::invalid_argument(source.describe() + ": SHOW MASTER STATUS returned no row: the binary log is off");
  BinlogPosition position;
  position.file = *status->rows[0][0];
  position.offset = std::strtoull(status->rows[0][1]->c_str(), nullptr, 10);
  // BINLOG_GTID_POS gives the GTID state at exactly file:offset, even if transactions committed
  // since SHOW MASTER STATUS; @@gtid_binlog_pos is the fallback (e.g. on a server without it).
  auto gtid = source.query_value("SELECT BINLOG_GTID_POS(" + sql::text_literal(position.file) + ", " +
                                 std::to_string(position.offset) + ")");
  if (!gtid || !gtid->has_value()) gtid = source.query_value("SELECT @@GLOBAL.gtid_binlog_pos");
  if (!gtid) return gtid.status();
  position.gtid = gtid->value_or("");
  return position;
}

Result<SourcePosition> current_source_position(Connection& source) {
  auto position = current_position(source);
  if (!position) return position.status();
  auto checked = checked_source_position(*position);
  if (!checked)
    return Status::unsupported(source.describe() + ": " + checked.status().message() + ": its positions cannot be ordered");
  return checked;
}

Status check_position_available(Connection& source, const BinlogPosition& position) {
  auto logs = source.query("SHOW BINARY LOGS");
  if (!logs) return logs.status();
  if (logs->rows.empty())
    return Status::invalid_argument(source.describe() + ": SHOW BINARY LOGS lists no file: the binary log is off");
  for (const auto& row : logs->rows) {
    if (!row.empty() && row[0] && *row[0] == position.file) {
      uint64_t size = row.size() > 1 && row[1] ? std::strtoull(row[1]->c_str(), nullptr, 10) : 0;
      if (position.offset > size)
        return Status::invalid_argument(source.describe() + ": binlog position " + position.str() +
                                        " lies beyond the end of " + position.file + " (" + std::to_string(size) +
                                        " bytes): the source's binary log was reset or is another server's");
      return Status::ok();
    }
  }
  const std::string oldest = logs->rows.front()[0].value_or("?");
  if (compare_binlog_files(position.file, oldest) < 0)
    return Status::not_found(source.describe() + ": binlog " + position.file + " needed by the task was purged (oldest on the server is " +
                             oldest + "); the incremental phase cannot continue: run the task again from a full copy");
  return Status::not_found(source.describe() + ": binlog " + position.file + " needed by the task is not on the server (" +
                           oldest + " .. " + logs->rows.back()[0].value_or("?") + ")");
}

}  // namespace omsql
