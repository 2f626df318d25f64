#include "src/apply/lane_names.hpp"

namespace omsql::apply {

std::string lane_task_id(const std::string& task_id, size_t lane) { return task_id + "#" + std::to_string(lane); }

std::optional<size_t> lane_of_row(const std::string& row, const std::string& task_id) {
  const std::string prefix = task_id + "#";
  if (row.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string number = row.substr(prefix.size());
  if (number.empty() || number.size() > 6 || number.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return static_cast<size_t>(std::stoul(number));
}

}  // namespace omsql::apply
