#include "src/engine/mysql/checkpoint.hpp"

#include "src/sql/quote.hpp"

#include <algorithm>

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

std::string lane_rows_pattern(const std::string& task_id) {
  std::string pattern;
  for (char c : task_id) {
    if (c == '!' || c == '%' || c == '_') pattern += '!';
    pattern += c;
  }
  return pattern + "#%";
}

std::optional<size_t> lane_of_row(const std::string& task, const std::string& task_id) {
  const std::string prefix = task_id + "#";
  if (task.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string number = task.substr(prefix.size());
  if (number.empty() || number.size() > 6 || number.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return static_cast<size_t>(std::stoul(number));
}

Result<std::vector<BinlogPosition>> read_lanes(Connection& target, const std::string& task_id) {
  auto result = target.query("SELECT task, binlog_file, binlog_offset, gtid FROM omsql_meta.checkpoint WHERE task LIKE " +
                             sql::text_literal(lane_rows_pattern(task_id)) + " ESCAPE '!'");
  if (!result) return result.status();
  std::vector<BinlogPosition> lanes;
  for (const auto& row : result->rows) {
    auto number = lane_of_row(row[0].value_or(""), task_id);
    if (!number) continue;
    size_t lane = *number;
    if (lanes.size() <= lane) lanes.resize(lane + 1);
    lanes[lane].file = row[1].value_or("");
    lanes[lane].offset = std::stoull(row[2].value_or("0"));
    lanes[lane].gtid = row[3].value_or("");
  }
  return lanes;
}

Status set_lanes(Connection& target, const std::string& task_id, size_t lanes, const BinlogPosition& position) {
  OMSQL_RETURN_IF_ERROR(target.execute("START TRANSACTION"));
  auto rollback = [&](Status st) {
    (void)target.execute("ROLLBACK");
    return st;
  };
  auto existing = read_lanes(target, task_id);
  if (!existing) return rollback(existing.status());
  for (size_t lane = lanes; lane < existing->size(); ++lane)
    if (auto st = target.execute("DELETE FROM omsql_meta.checkpoint WHERE task = " +
                                 sql::text_literal(lane_task_id(task_id, lane)));
        !st)
      return rollback(st);
  for (size_t lane = 0; lane < lanes; ++lane)
    if (auto st = target.execute(upsert_sql(lane_task_id(task_id, lane), position, 0)); !st) return rollback(st);
  if (auto st = target.execute("COMMIT"); !st) return rollback(st);
  return Status::ok();
}

Result<BinlogPosition> applied_position(Connection& target, const std::string& task_id) {
  auto lanes = read_lanes(target, task_id);
  if (!lanes) return lanes.status();
  if (lanes->empty()) return BinlogPosition{};
  return *std::min_element(lanes->begin(), lanes->end());
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
