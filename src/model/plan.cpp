#include "src/model/plan.hpp"

#include <algorithm>

namespace omsql {

const char* dialect_name(Dialect d) {
  switch (d) {
    case Dialect::kMysql: return "mysql";
    case Dialect::kOceanBase: return "oceanbase";
  }
  return "?";
}

std::vector<bool> TableJob::replayed_columns() const {
  std::vector<bool> out;
  auto listed = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const auto& column : source_def.columns)
    out.push_back(find_column(column.name) || listed(key.columns, column.name) || listed(filter_columns, column.name));
  return out;
}

}  // namespace omsql
