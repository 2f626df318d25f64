#include "src/verify/repair.hpp"

#include "src/sql/quote.hpp"
#include "src/task/task_state.hpp"

namespace omsql::verify {
namespace {

std::string column_list(const TableSpec& spec) {
  std::string out;
  for (size_t i = 0; i < spec.columns().size(); ++i) {
    if (i) out += ", ";
    out += sql::quote_identifier(spec.columns()[i].target_name);
  }
  return out;
}

std::string values_list(const TableSpec& spec, const RowValues& row) {
  std::string out;
  for (size_t i = 0; i < spec.columns().size(); ++i) {
    if (i) out += ", ";
    out += spec.value_literal(i, row[i]);
  }
  return out;
}

// The expression a row-identity comparison uses for column `index` on the target: the read
// expression's value, compared as bytes for strings so that 'a' and 'A ' do not match 'a'.
std::string exact_equal(const TableSpec& spec, size_t index, const std::optional<std::string>& value) {
  const VerifyColumn& c = spec.columns()[index];
  const std::string name = sql::quote_identifier(c.target_name);
  switch (c.value_class) {
    case ValueClass::kFloat:
    case ValueClass::kDouble:
      return "CAST(" + name + " AS DOUBLE) <=> " + spec.value_literal(index, value);
    case ValueClass::kExactNumber:
      if (c.data_type == "bit") return "CAST(" + name + " AS UNSIGNED) <=> " + spec.value_literal(index, value);
      return name + " <=> " + spec.value_literal(index, value);
    case ValueClass::kTemporal:
      return name + " <=> " + spec.value_literal(index, value);
    case ValueClass::kBytes:
    case ValueClass::kCharPadded:
      break;
  }
  std::string read = c.convert_to_utf8mb4 ? "CONVERT(" + name + " USING utf8mb4)" : name;
  if (!value) return name + " IS NULL";
  return "CAST(" + read + " AS BINARY) = " + (value->empty() ? std::string("X''") : sql::hex_literal(*value));
}

}  // namespace

std::string replace_statement(const TableSpec& spec, const RowValues& source_row) {
  return "REPLACE INTO " + spec.table_sql(Side::kTarget) + " (" + column_list(spec) + ") VALUES (" +
         values_list(spec, source_row) + ")";
}

std::string insert_statement(const TableSpec& spec, const RowValues& source_row, uint64_t copies) {
  std::string out = "INSERT INTO " + spec.table_sql(Side::kTarget) + " (" + column_list(spec) + ") VALUES ";
  const std::string values = values_list(spec, source_row);
  for (uint64_t i = 0; i < copies; ++i) {
    out += i ? ", (" : "(";
    out += values;
    out += ')';
  }
  return out;
}

std::string delete_by_key_statement(const TableSpec& spec, const RowValues& target_row) {
  std::string where;
  for (size_t part : spec.key()) {
    if (!where.empty()) where += " AND ";
    where += sql::quote_identifier(spec.columns()[part].target_name) + " = " +
             spec.value_literal(part, target_row[part]);
  }
  return "DELETE FROM " + spec.table_sql(Side::kTarget) + " WHERE " + where;
}

std::string delete_row_statement(const TableSpec& spec, const RowValues& target_row, uint64_t copies) {
  std::string where;
  for (size_t i = 0; i < spec.columns().size(); ++i) {
    if (i) where += " AND ";
    where += exact_equal(spec, i, target_row[i]);
  }
  return "DELETE FROM " + spec.table_sql(Side::kTarget) + " WHERE " + where + " LIMIT " + std::to_string(copies);
}

std::string repair_preamble() {
  return "-- omsql verify repair script: apply to the target, e.g. mariadb -h HOST -P PORT < FILE\n"
         "SET SESSION time_zone = '+00:00';\n"
         "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO');\n"
         "SET SESSION foreign_key_checks = 0;\n";
}

Status write_repair_file(const std::string& path, const std::vector<std::string>& statements) {
  // The statements carry whole rows: the file is private (0600) like everything in a task directory.
  std::string contents = repair_preamble();
  for (const auto& statement : statements) contents += statement + ";\n";
  contents += "SET SESSION foreign_key_checks = 1;\n";
  return write_file_atomically(path, contents).with_context("repair file " + path);
}

Status apply_repair_statements(Connection& target, const std::vector<std::string>& statements) {
  OMSQL_RETURN_IF_ERROR(target.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')"));
  OMSQL_RETURN_IF_ERROR(target.execute("SET SESSION foreign_key_checks = 0"));
  for (const auto& statement : statements) OMSQL_RETURN_IF_ERROR(target.execute(statement));
  return target.execute("SET SESSION foreign_key_checks = 1");
}

}  // namespace omsql::verify
