#pragma once
// Fixtures of the schema evolution tests. A hand-made binder: the TableJob the MIGRATE rules make of one table
// definition (MAP of the table, MAP COLUMN, COLUMNS EXCLUDE, CAST by column and FROM type, FILTER
// columns), so the tests need not depend on dsl/ or src/model/table_binding.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "src/engine/mysql/binlog/ddl_parse.hpp"
#include "src/model/plan.hpp"
#include "src/schema/evolution.hpp"

// Statement lists print one per line when a CHECK fails.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& lines) {
    std::string out = "\n";
    for (const auto& line : lines) out += "  [" + line + "]\n";
    return out.c_str();
  }
};
}  // namespace doctest

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

inline ColumnDef column(std::string name, std::string type, bool nullable = true) {
  ColumnDef c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.nullable = nullable;
  if (nullable) c.default_value = "NULL";
  return c;
}
inline ColumnDef text(std::string name, std::string type, bool nullable = true) {
  ColumnDef c = column(std::move(name), std::move(type), nullable);
  c.charset = "utf8mb4";
  c.collation = "utf8mb4_general_ci";
  return c;
}

inline void renumber(TableDef& t) {
  for (size_t i = 0; i < t.columns.size(); ++i) t.columns[i].ordinal = static_cast<int>(i + 1);
}

// shop.orders (id PK auto_increment, customer, note, amount, flag), KEY ix_customer (customer).
inline TableDef orders() {
  TableDef t;
  t.name = {"shop", "orders"};
  auto id = column("id", "int(11)", false);
  id.extra = "auto_increment";
  auto amount = column("amount", "decimal(10,2)", false);
  amount.default_value = "0.00";
  auto flag = column("flag", "tinyint(1)", false);
  flag.default_value = "0";
  t.columns = {id, text("customer", "varchar(50)", false), text("note", "varchar(200)"), amount, flag};
  renumber(t);
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""},
               {"ix_customer", false, "BTREE", {{"customer", {}, false}}, ""}};
  t.charset = "utf8mb4";
  t.collation = "utf8mb4_general_ci";
  t.schema_charset = "utf8mb4";
  t.schema_collation = "utf8mb4_general_ci";
  return t;
}

inline ClassifiedStatement classify(const std::string& sql) { return classify_statement(sql, "shop"); }

// The statements for `sql` taking `before` to `after` under `rules`, or the error message.
inline std::vector<std::string> evolve(const TableDef& before, const TableDef& after, const std::string& sql,
                                const Rules& rules = {}, Dialect dialect = Dialect::kMysql,
                                const Rules* after_rules = nullptr) {
  TableJob b = rules.bind(before);
  TableJob a = (after_rules ? *after_rules : rules).bind(after);
  auto out = evolve_statements(&b, &a, classify(sql), dialect);
  if (!out) return {"error: " + out.status().message()};
  return *out;
}

using Lines = std::vector<std::string>;
inline const char* kOrders = "ALTER TABLE `shop`.`orders` ";

}  // namespace omsql::testing
