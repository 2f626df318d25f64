#include "src/checkpoint/checkpoint.hpp"

#include "src/sql/quote.hpp"


namespace omsql::checkpoint {

Status ensure_table(Connection& target) {
  return target.execute(
      "CREATE DATABASE IF NOT EXISTS omsql_meta;"
      "CREATE TABLE IF NOT EXISTS omsql_meta.checkpoint ("
      " task VARCHAR(191) NOT NULL PRIMARY KEY,"
      " binlog_file VARCHAR(255) NOT NULL,"
      " binlog_offset BIGINT UNSIGNED NOT NULL,"
      " gtid TEXT NOT NULL,"
      " source_timestamp INT UNSIGNED NOT NULL DEFAULT 0,"
      " updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)"
      ") ENGINE=InnoDB COMMENT='omsql: applied binlog position per task'");
}

Result<std::optional<BinlogPosition>> read(Connection& target, const std::string& task_id) {
  auto result = target.query("SELECT binlog_file, binlog_offset, gtid FROM omsql_meta.checkpoint WHERE task = " +
                             sql::text_literal(task_id));
  if (!result) return result.status();
  if (result->rows.empty()) return std::optional<BinlogPosition>();
  const auto& row = result->rows[0];
  BinlogPosition position;
  position.file = row[0].value_or("");
  position.offset = std::stoull(row[1].value_or("0"));
  position.gtid = row[2].value_or("");
  return std::optional<BinlogPosition>(position);
}

std::string upsert_sql(const std::string& task_id, const BinlogPosition& position, uint32_t source_timestamp) {
  return "INSERT INTO omsql_meta.checkpoint (task, binlog_file, binlog_offset, gtid, source_timestamp) VALUES (" +
         sql::text_literal(task_id) + ", " + sql::text_literal(position.file) + ", " +
         std::to_string(position.offset) + ", " + sql::text_literal(position.gtid) + ", " +
         std::to_string(source_timestamp) +
         ") ON DUPLICATE KEY UPDATE binlog_file = VALUES(binlog_file), binlog_offset = VALUES(binlog_offset), "
         "gtid = VALUES(gtid), source_timestamp = VALUES(source_timestamp)";
}

std::string lane_task_id(const std::string& task_id, size_t lane) { return task_id + "#" + std::to_string(lane); }

Result<BinlogPosition> applied_position(Connection& target, const std::string& task_id, size_t lanes) {
  std::optional<BinlogPosition> slowest;
  for (size_t lane = 0; lane < lanes; ++lane) {
    auto committed = read(target, lane_task_id(task_id, lane));
    if (!committed) return committed.status();
    if (!*committed) return BinlogPosition{};
    if (!slowest || **committed < *slowest) slowest = **committed;
  }
  return slowest.value_or(BinlogPosition{});
}

Status erase(Connection& target, const std::string& task_id) {
  auto exists = target.query_value(
      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'omsql_meta' AND TABLE_NAME = 'checkpoint'");
  if (!exists) return exists.status();
  if (!exists->has_value() || **exists == "0") return Status::ok();
  // The lanes' rows are "<task_id>#<lane>": compared by prefix, not LIKE, since a path may hold '_'.
  return target.execute("DELETE FROM omsql_meta.checkpoint WHERE task = " + sql::text_literal(task_id) +
                        " OR LEFT(task, CHAR_LENGTH(" + sql::text_literal(task_id + "#") +
                        ")) = " + sql::text_literal(task_id + "#"));
}

}  // namespace omsql::checkpoint
