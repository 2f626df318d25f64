#include "src/copy/columns.hpp"

#include "src/common/strings.hpp"
#include "src/sql/quote.hpp"

namespace omsql::copy {
namespace {

bool is_one_of(std::string_view value, std::initializer_list<std::string_view> set) {
  for (auto s : set)
    if (value == s) return true;
  return false;
}

bool is_integer_type(std::string_view t) {
  return is_one_of(t, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "bool", "boolean"});
}
bool is_temporal_type(std::string_view t) { return is_one_of(t, {"date", "datetime", "timestamp", "time"}); }
bool is_float_type(std::string_view t) { return t == "float"; }
bool is_exact_number_type(std::string_view t) {
  return is_integer_type(t) || is_one_of(t, {"decimal", "numeric", "double", "real", "double precision", "year"});
}
// Types whose text form (not their storage bytes) is what a literal must carry.
bool is_text_form_type(std::string_view t) { return is_one_of(t, {"uuid", "inet4", "inet6"}); }

// Text whose target column may have another charset than the source's: a CAST, or a charset a
// dialect rule replaces (ucs2/utf16/utf16le/utf32 -> utf8mb4; utf8mb3 and ascii are already valid
// utf8mb4 bytes). LOAD DATA ... CHARACTER SET binary would store the source bytes unconverted.
bool may_change_charset(const ColumnDef& def, const ColumnMapping& mapping) {
  if (!def.charset || iequals(*def.charset, "binary")) return false;
  if (mapping.cast_to) return true;
  return is_one_of(to_lower(*def.charset), {"ucs2", "utf16", "utf16le", "utf32"});
}

}  // namespace

bool is_numeric_type(std::string_view data_type) {
  std::string type = to_lower(data_type);
  return is_exact_number_type(type) || is_float_type(type) || type == "bit";
}

Result<std::vector<CopyColumn>> copy_columns(const TableJob& job) {
  std::vector<CopyColumn> out;
  for (const auto& mapping : job.columns) {
    const ColumnDef* def = job.source_def.find_column(mapping.source);
    if (!def)
      return Status::invalid_argument("table " + job.source.str() + ": column " + mapping.source +
                                      " is not in the source definition");
    if (mapping.generated || def->is_generated) continue;
    CopyColumn column;
    column.source_name = mapping.source;
    column.target_name = mapping.target.empty() ? mapping.source : mapping.target;
    std::string quoted = sql::quote_identifier(mapping.source);
    std::string type = to_lower(def->data_type);
    if (is_float_type(type)) {
      // The text protocol rounds FLOAT to 6 digits; as a DOUBLE the exact float value prints with
      // up to 17 digits, and the target's double-to-float conversion gives back the same float.
      column.select_expression = "CAST(" + quoted + " AS DOUBLE)";
      column.kind = ValueKind::kNumber;
    } else if (type == "bit") {
      column.select_expression = quoted + " + 0";
      column.kind = ValueKind::kNumber;
      column.load_expression = "CAST(@ AS UNSIGNED)";
    } else if (is_exact_number_type(type)) {
      column.select_expression = quoted;
      column.kind = ValueKind::kNumber;
    } else if (is_temporal_type(type)) {
      column.select_expression = quoted;
      column.kind = ValueKind::kText;
    } else if (is_text_form_type(type)) {
      column.select_expression = quoted;
      column.kind = ValueKind::kText;
      column.load_expression = "CONVERT(@ USING utf8mb4)";
    } else {
      column.select_expression = quoted;
      column.kind = ValueKind::kBytes;
      if (may_change_charset(*def, mapping)) {
        column.load_expression = "CAST(@ AS CHAR CHARACTER SET " + to_lower(*def->charset) + ")";
        column.insert_charset = to_lower(*def->charset);
      }
    }
    out.push_back(std::move(column));
  }
  if (out.empty()) return Status::invalid_argument("table " + job.source.str() + ": no column to copy");
  return out;
}

Result<std::vector<KeyColumn>> key_columns(const TableJob& job) {
  std::vector<KeyColumn> out;
  for (const auto& name : job.key.columns) {
    const ColumnDef* def = job.source_def.find_column(name);
    if (!def)
      return Status::invalid_argument("table " + job.source.str() + ": key column " + name +
                                      " is not in the source definition");
    KeyColumn column;
    column.quoted_name = sql::quote_identifier(name);
    column.def = def;
    std::string type = to_lower(def->data_type);
    column.part.lhs = column.quoted_name;
    if (is_float_type(type) || type == "bit" || type == "enum" || type == "set" || is_exact_number_type(type)) {
      column.part.form = sql::LiteralForm::kNumber;
    } else if (is_temporal_type(type) || is_text_form_type(type)) {
      column.part.form = sql::LiteralForm::kText;
    } else if (def->charset) {
      column.part.form = sql::LiteralForm::kString;
      column.part.charset = *def->charset;
      column.part.collation = def->collation.value_or("");
    } else {
      column.part.form = sql::LiteralForm::kBinary;
    }
    if (is_float_type(type)) {
      column.select_expression = "CAST(" + column.quoted_name + " AS DOUBLE)";
    } else if (type == "bit") {
      column.select_expression = column.quoted_name + " + 0";
    } else if (type == "enum" || type == "set") {
      // The index orders ENUM/SET by their number, but a comparison with a string compares text:
      // compare numbers. (Such keys are rare; the range is then not an index range.)
      column.select_expression = column.quoted_name + " + 0";
      column.part.lhs = column.quoted_name + " + 0";
    } else {
      column.select_expression = column.quoted_name;
    }
    out.push_back(std::move(column));
  }
  return out;
}

std::vector<sql::KeyPart> key_parts(const std::vector<KeyColumn>& key) {
  std::vector<sql::KeyPart> out;
  for (const auto& column : key) out.push_back(column.part);
  return out;
}

}  // namespace omsql::copy
