#pragma once
// A hand-made binder for schema evolution tests: the TableJob the MIGRATE rules make of one table
// definition (MAP of the table, MAP COLUMN, COLUMNS EXCLUDE, CAST by column and FROM type, FILTER
// columns), so the tests need not depend on dsl/ or src/model/table_binding.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "src/model/plan.hpp"

namespace omsql::testing {

struct Rules {
  QualifiedName target{"shop", "orders"};
  std::map<std::string, std::string> map_column;
  std::set<std::string> exclude;
  std::map<std::string, std::pair<std::string, std::string>> cast;  // column -> from type, to type
  std::vector<std::string> filter_columns;

  TableJob bind(const TableDef& def) const {
    TableJob job;
    job.source = def.name;
    job.target = target;
    job.source_def = def;
    for (const auto& c : def.columns) {
      if (exclude.count(c.name)) continue;
      auto m = map_column.find(c.name);
      ColumnMapping mapping{c.name, m == map_column.end() ? c.name : m->second, std::nullopt, c.is_generated};
      auto cast_rule = cast.find(c.name);
      if (cast_rule != cast.end() && cast_rule->second.first == c.column_type) mapping.cast_to = cast_rule->second.second;
      job.columns.push_back(mapping);
    }
    job.key = choose_row_key(def);
    if (!filter_columns.empty()) {
      job.filter = "flag = 0";
      job.filter_columns = filter_columns;
    }
    return job;
  }
};

}  // namespace omsql::testing
