#include "src/engine/mysql/copy/session.hpp"

#include <charconv>

namespace omsql::copy {

Status prepare_source_session(Connection& source) {
  OMSQL_RETURN_IF_ERROR(source.execute(
      "SET SESSION character_set_results = binary, net_write_timeout = 31536000, net_read_timeout = 31536000, "
      "time_zone = '+00:00'"));
  OMSQL_RETURN_IF_ERROR(source.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
  // MariaDB's statement time limit; MySQL calls it max_execution_time. Neither may cut a chunk.
  if (!source.execute("SET SESSION max_statement_time = 0"))
    (void)source.execute("SET SESSION max_execution_time = 0");
  return Status::ok();
}

Status prepare_target_session(Connection& target) {
  OMSQL_RETURN_IF_ERROR(target.execute(
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', "
      "foreign_key_checks = 0, unique_checks = 1, time_zone = '+00:00', autocommit = 1, "
      "net_read_timeout = 3600, net_write_timeout = 3600"));
  // MariaDB only; elsewhere the variable does not exist and CHECK constraints stay as they are.
  (void)target.execute("SET SESSION check_constraint_checks = 0");
  return Status::ok();
}

Result<BinlogPosition> open_consistent_snapshot(Connection& source) {
  OMSQL_RETURN_IF_ERROR(source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  OMSQL_RETURN_IF_ERROR(source.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
  auto status = source.query("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'");
  if (!status) return status.status();
  return snapshot_position_from_status(*status);
}

Status end_consistent_snapshot(Connection& source) { return source.execute("COMMIT"); }

Result<BinlogPosition> snapshot_position_from_status(const QueryResult& status) {
  std::optional<std::string> file;
  std::optional<std::string> offset;
  for (const auto& row : status.rows) {
    if (row.size() < 2) continue;
    if (row[0].value_or("") == "Binlog_snapshot_file") file = row[1].value_or("");
    if (row[0].value_or("") == "Binlog_snapshot_position") offset = row[1].value_or("");
  }
  BinlogPosition position;
  // No binary log on the source: no position (a copy without INCREMENTAL needs none).
  if (!file || file->empty()) return position;
  if (!offset) return Status::corruption("source: Binlog_snapshot_file without Binlog_snapshot_position");
  position.file = *file;
  const char* end = offset->data() + offset->size();
  auto [stop, error] = std::from_chars(offset->data(), end, position.offset);
  if (error != std::errc() || stop != end || offset->empty())
    return Status::corruption("source: Binlog_snapshot_position is not a number: '" + *offset + "'");
  return position;
}

}  // namespace omsql::copy
