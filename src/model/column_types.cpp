// Column types that CAST accepts, and how a CAST's from-type is matched against a source column.
#include "src/model/column_types.hpp"

#include <cctype>
#include <string>

namespace omsql {
namespace {

// Base type names (the word before any parenthesis or modifier) of MySQL, MariaDB and OceanBase.
constexpr std::string_view kKnownTypes[] = {
    "bit",      "bool",     "boolean",   "tinyint",    "smallint", "mediumint", "int",       "integer",
    "bigint",   "decimal",  "dec",       "numeric",    "fixed",    "float",     "double",    "real",
    "char",     "varchar",  "binary",    "varbinary",  "tinytext", "text",      "mediumtext", "longtext",
    "tinyblob", "blob",     "mediumblob", "longblob",  "date",     "time",      "datetime",  "timestamp",
    "year",     "json",     "uuid",      "inet4",      "inet6"};

std::string base_name(std::string_view normalized) {
  size_t end = 0;
  while (end < normalized.size() && (std::isalnum(static_cast<unsigned char>(normalized[end])) || normalized[end] == '_'))
    ++end;
  return std::string(normalized.substr(0, end));
}

}  // namespace

std::string normalize_type(std::string_view type) {
  std::string out;
  bool pending_space = false;
  for (char c : type) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    bool tight = c == '(' || c == ')' || c == ',' || (!out.empty() && (out.back() == '(' || out.back() == ','));
    if (pending_space && !tight) out += ' ';
    pending_space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool is_known_type(std::string_view normalized_type) {
  std::string base = base_name(normalized_type);
  for (auto known : kKnownTypes)
    if (base == known) return true;
  return false;
}

bool type_matches(std::string_view from, const ColumnDef& column) {
  std::string column_type = normalize_type(column.column_type);
  // BOOLEAN is how MySQL spells TINYINT(1); INTEGER is INT.
  std::string wanted(from);
  if (wanted == "bool" || wanted == "boolean") wanted = "tinyint(1)";
  if (base_name(wanted) == "integer") wanted = "int" + wanted.substr(7);
  if (wanted == column_type) return true;
  // No width written: "bigint unsigned" matches "bigint(20) unsigned" (the server adds the
  // display width of integer types).
  if (wanted.find('(') == std::string::npos && wanted.find(' ') != std::string::npos) {
    std::string without_width = column_type;
    size_t open = without_width.find('(');
    size_t close = without_width.find(')');
    if (open != std::string::npos && close != std::string::npos && close > open &&
        without_width.find_first_not_of("0123456789", open + 1) == close)
      without_width.erase(open, close - open + 1);
    if (wanted == without_width) return true;
  }
  // A bare name ("tinyint") matches every width and modifier; "int(11)" also matches "int(11) unsigned".
  if (wanted.find('(') == std::string::npos && wanted.find(' ') == std::string::npos)
    return wanted == normalize_type(column.data_type);
  return column_type.compare(0, wanted.size() + 1, wanted + " ") == 0;
}

}  // namespace omsql
