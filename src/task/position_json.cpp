#include "src/task/position_json.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "src/catalog/table_def_json.hpp"
// Only for the old form: before the opaque position, every position omsql kept was a MySQL-family
// binlog position, so the old form is read as one.
#include "src/engine/mysql/binlog/position.hpp"

namespace omsql {

using nlohmann::json;

json position_json(const SourcePosition& position) { return source_position_json(position); }

Result<SourcePosition> position_from_binlog_fields(const std::string& file, uint64_t offset, const std::string& gtid,
                                                  const std::string& where) {
  auto position = checked_source_position(BinlogPosition{file, offset, gtid});
  if (!position) return Status::corruption(where + ": " + position.status().message());
  return position;
}

Result<SourcePosition> position_from_json(const json& j, const std::string& where) {
  if (j.is_object() && j.contains("file") && !j.contains("engine")) {
    try {
      const std::string gtid = j.contains("gtid") ? text_from_json(j.at("gtid")) : std::string();
      return position_from_binlog_fields(text_from_json(j.at("file")), j.at("offset").get<uint64_t>(), gtid, where);
    } catch (const json::exception& e) {
      return Status::corruption(where + ": bad binlog position " + j.dump() + ": " + e.what());
    } catch (const std::invalid_argument& e) {
      return Status::corruption(where + ": bad binlog position " + j.dump() + ": " + e.what());
    }
  }
  auto position = source_position_from_json(j);
  if (!position) return Status::corruption(where + ": " + position.status().message());
  return position;
}

SourcePosition position_from_json_or_throw(const json& j, const std::string& where) {
  auto position = position_from_json(j, where);
  if (!position) throw std::runtime_error(position.status().message());
  return std::move(position).value();
}

}  // namespace omsql
