#include "src/engine/mysql/checkpoint.hpp"

#include "src/sql/quote.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

namespace omsql::checkpoint {

namespace {

Result<bool> has_position_column(Connection& target) {
  auto count = target.query_value(
      "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'omsql_meta' AND TABLE_NAME = 'checkpoint' "
      "AND COLUMN_NAME = 'source_position'");
  if (!count) return count.status();
  return count->has_value() && **count != "0";
}

constexpr const char* kPositionColumn =
    "source_position TEXT NULL COMMENT 'a position of a source outside the MySQL family (JSON); NULL: the binlog "
    "columns'";

}  // namespace

Status ensure_table(Connection& target) {
  OMSQL_RETURN_IF_ERROR(target.execute(std::string(
      "CREATE DATABASE IF NOT EXISTS omsql_meta;"
      "CREATE TABLE IF NOT EXISTS omsql_meta.checkpoint ("
      " task VARCHAR(191) NOT NULL PRIMARY KEY,"
      " binlog_file VARCHAR(255) NOT NULL,"
      " binlog_offset BIGINT UNSIGNED NOT NULL,"
      " gtid TEXT NOT NULL, ") + kPositionColumn + ","
      " source_timestamp INT UNSIGNED NOT NULL DEFAULT 0,"
      " updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)"
      ") ENGINE=InnoDB COMMENT='omsql: applied binlog position per task'"));
  // A table an older omsql made: the column is added once (no IF NOT EXISTS: MySQL 8 has none).
  // Lanes opening together may race to add it; the one that loses finds it there.
  auto present = has_position_column(target);
  if (!present) return present.status();
  if (*present) return Status::ok();
  Status added = target.execute(std::string("ALTER TABLE omsql_meta.checkpoint ADD COLUMN ") + kPositionColumn + " AFTER gtid");
  if (added) return Status::ok();
  present = has_position_column(target);
  if (present && *present) return Status::ok();
  return added.with_context("adding omsql_meta.checkpoint.source_position");
}

namespace {

// A row's position: its source_position (JSON) when set, a source outside the MySQL family's;
// else (binlog_file, binlog_offset, gtid). Corruption when it cannot be read back (no omsql writes
// such a row, but the row is the target's to change).
Result<SourcePosition> row_position(const std::optional<std::string>& file, const std::optional<std::string>& offset,
                                    const std::optional<std::string>& gtid, const std::optional<std::string>& opaque,
                                    const std::string& task) {
  auto corrupt = [&](const std::string& why) {
    return Status::corruption("omsql_meta.checkpoint row '" + task + "': " + why);
  };
  if (opaque) {
    nlohmann::json parsed = nlohmann::json::parse(*opaque, nullptr, false);
    if (parsed.is_discarded()) return corrupt("source_position is not JSON");
    auto position = source_position_from_json(parsed);
    if (!position) return corrupt(position.status().message());
    return position;
  }
  uint64_t number = 0;
  const std::string digits = offset.value_or("0");
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size())
    return corrupt("binlog_offset '" + digits + "' is no number");
  auto position = checked_source_position(BinlogPosition{file.value_or(""), number, gtid.value_or("")});
  if (!position) return corrupt(position.status().message());
  return position;
}

}  // namespace

Result<std::optional<SourcePosition>> read(Connection& target, const std::string& task_id) {
  auto result = target.query(
      "SELECT binlog_file, binlog_offset, gtid, source_position FROM omsql_meta.checkpoint WHERE task = " +
      sql::text_literal(task_id));
  if (!result) return result.status();
  if (result->rows.empty()) return std::optional<SourcePosition>();
  const auto& row = result->rows[0];
  auto position = row_position(row[0], row[1], row[2], row[3], task_id);
  if (!position) return position.status();
  return std::optional<SourcePosition>(std::move(position).value());
}

Result<std::string> upsert_sql(const std::string& task_id, const SourcePosition& source_position,
                               uint32_t source_timestamp) {
  // A MySQL-family position fills the binlog columns (what people and an older omsql read);
  // another engine's goes whole into source_position, the binlog columns left empty.
  std::string file, gtid, opaque = "NULL";
  uint64_t offset = 0;
  if (source_position.engine == kMysqlPositionEngine) {
    auto binlog = to_binlog_position(source_position);
    if (!binlog) return binlog.status().with_context("checkpoint of " + task_id);
    file = binlog->file;
    offset = binlog->offset;
    gtid = binlog->gtid;
  } else if (!source_position.empty()) {
    opaque = sql::text_literal(source_position_json(source_position).dump());
  }
  return "INSERT INTO omsql_meta.checkpoint (task, binlog_file, binlog_offset, gtid, source_position, source_timestamp) "
         "VALUES (" +
         sql::text_literal(task_id) + ", " + sql::text_literal(file) + ", " + std::to_string(offset) + ", " +
         sql::text_literal(gtid) + ", " + opaque + ", " + std::to_string(source_timestamp) +
         ") ON DUPLICATE KEY UPDATE binlog_file = VALUES(binlog_file), binlog_offset = VALUES(binlog_offset), "
         "gtid = VALUES(gtid), source_position = VALUES(source_position), source_timestamp = VALUES(source_timestamp)";
}

std::string lane_rows_pattern(const std::string& task_id) {
  std::string pattern;
  for (char c : task_id) {
    if (c == '!' || c == '%' || c == '_') pattern += '!';
    pattern += c;
  }
  return pattern + "#%";
}

Result<std::vector<SourcePosition>> read_lanes(Connection& target, const std::string& task_id) {
  auto result = target.query("SELECT task, binlog_file, binlog_offset, gtid, source_position FROM omsql_meta.checkpoint "
                             "WHERE task LIKE " +
                             sql::text_literal(lane_rows_pattern(task_id)) + " ESCAPE '!'");
  if (!result) return result.status();
  std::vector<SourcePosition> lanes;
  for (const auto& row : result->rows) {
    auto number = lane_of_row(row[0].value_or(""), task_id);
    if (!number) continue;
    size_t lane = *number;
    if (lanes.size() <= lane) lanes.resize(lane + 1);
    auto position = row_position(row[1], row[2], row[3], row[4], row[0].value_or(""));
    if (!position) return position.status();
    lanes[lane] = std::move(position).value();
  }
  return lanes;
}

Status set_lanes(Connection& target, const std::string& task_id, size_t lanes, const SourcePosition& position) {
  // Every row's statement first: a position this target cannot store fails before anything runs.
  std::vector<std::string> upserts;
  for (size_t lane = 0; lane < lanes; ++lane) {
    auto upsert = upsert_sql(lane_task_id(task_id, lane), position, 0);
    if (!upsert) return upsert.status();
    upserts.push_back(std::move(upsert).value());
  }
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
  for (const auto& upsert : upserts)
    if (auto st = target.execute(upsert); !st) return rollback(st);
  if (auto st = target.execute("COMMIT"); !st) return rollback(st);
  return Status::ok();
}

Result<SourcePosition> applied_position(Connection& target, const std::string& task_id) {
  auto lanes = read_lanes(target, task_id);
  if (!lanes) return lanes.status();
  if (lanes->empty()) return SourcePosition{};
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
