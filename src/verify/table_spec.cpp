#include "src/verify/table_spec.hpp"

#include "src/sql/quote.hpp"

namespace omsql::verify {
namespace {

bool is_enum_or_set(const std::string& data_type) { return data_type == "enum" || data_type == "set"; }

std::string printable(const std::string& bytes) {
  constexpr size_t kMax = 40;
  std::string out;
  bool plain = true;
  for (unsigned char c : bytes)
    if (c < 0x20 || c > 0x7e) plain = false;
  if (plain) {
    out += '\'';
    out.append(bytes, 0, kMax);
    out += bytes.size() > kMax ? "...'" : "'";
  } else {
    out = sql::hex_literal(bytes.substr(0, kMax / 2));
    if (bytes.size() > kMax / 2) out += "...";
  }
  return out;
}

}  // namespace

const char* side_name(Side side) { return side == Side::kSource ? "source" : "target"; }

Result<TableSpec> TableSpec::make(const TableJob& job) {
  TableSpec spec;
  spec.job_ = &job;
  for (const ColumnMapping& mapping : job.columns) {
    const ColumnDef* def = job.source_def.find_column(mapping.source);
    if (mapping.generated || (def && def->is_generated)) continue;  // recomputed on the target, never copied
    VerifyColumn column;
    column.source_name = mapping.source;
    column.target_name = mapping.target;
    if (def) {
      column.value_class = value_class_of(*def);
      column.data_type = def->data_type;
      column.cast_to_double = column.value_class == ValueClass::kFloat ||
                              (column.value_class == ValueClass::kDouble &&
                               def->column_type.find('(') != std::string::npos);
      if (def->charset && *def->charset != "binary" &&
          (column.value_class == ValueClass::kBytes || column.value_class == ValueClass::kCharPadded)) {
        column.convert_to_utf8mb4 = *def->charset != "utf8mb4";
        column.read_charset = "utf8mb4";
        const std::string collation = def->collation.value_or("");
        column.collated = true;
        // MariaDB's NO PAD collations say so in their name; every other collation pads with spaces.
        column.pad_space = collation.find("nopad") == std::string::npos;
      }
    }
    spec.columns_.push_back(std::move(column));
  }
  if (spec.columns_.empty())
    return Status::invalid_argument("verify " + job.source.str() + ": no column to compare");
  // Key parts must be compared columns; a key partly excluded from the copy cannot identify rows
  // on the target, so such a table is compared as a multiset like a table without a key.
  if (job.key.kind != RowKey::Kind::kNone) {
    std::vector<size_t> key;
    for (const std::string& name : job.key.columns) {
      size_t found = spec.columns_.size();
      for (size_t i = 0; i < spec.columns_.size(); ++i)
        if (spec.columns_[i].source_name == name) found = i;
      if (found == spec.columns_.size()) {
        key.clear();
        break;
      }
      key.push_back(found);
    }
    spec.key_ = std::move(key);
  }
  for (size_t part : spec.key_)
    if (spec.columns_[part].collated) ++spec.match_columns_;
  return spec;
}

const std::string& TableSpec::column_name(Side side, size_t index) const {
  return side == Side::kSource ? columns_[index].source_name : columns_[index].target_name;
}

std::string TableSpec::table_sql(Side side) const {
  return sql::quote_name(side == Side::kSource ? job_->source : job_->target);
}

std::string TableSpec::read_expression(Side side, size_t index) const {
  const VerifyColumn& c = columns_[index];
  const std::string name = sql::quote_identifier(column_name(side, index));
  if (c.cast_to_double) return "CAST(" + name + " AS DOUBLE)";
  if (c.data_type == "bit") return "CAST(" + name + " AS UNSIGNED)";
  if (c.convert_to_utf8mb4) return "CONVERT(" + name + " USING utf8mb4)";
  return name;
}

std::string TableSpec::key_compare_expression(Side side, size_t index) const {
  const std::string name = sql::quote_identifier(column_name(side, index));
  // ENUM and SET sort by their number in an index but compare with a string by label: compare by
  // number so that ranges follow the walk's order.
  if (is_enum_or_set(columns_[index].data_type)) return "(" + name + "+0)";
  return name;
}

std::string TableSpec::key_read_expression(Side side, size_t index) const {
  if (is_enum_or_set(columns_[index].data_type)) return key_compare_expression(side, index);
  return read_expression(side, index);
}

sql::KeyPart TableSpec::literal_part(Side side, size_t index, bool key_read) const {
  const VerifyColumn& c = columns_[index];
  sql::KeyPart part;
  part.lhs = key_compare_expression(side, index);
  // ENUM/SET key values are read as their numbers (key_read_expression), other values by label.
  if (key_read && is_enum_or_set(c.data_type)) {
    part.form = sql::LiteralForm::kNumber;
    return part;
  }
  switch (c.value_class) {
    case ValueClass::kExactNumber:
    case ValueClass::kFloat:
    case ValueClass::kDouble:
      part.form = sql::LiteralForm::kNumber;
      return part;
    case ValueClass::kTemporal:
      part.form = sql::LiteralForm::kText;
      return part;
    case ValueClass::kBytes:
    case ValueClass::kCharPadded:
      break;
  }
  if (!c.read_charset.empty()) {
    // Read in read_charset; no COLLATE: the column's own collation compares (the literal is coercible).
    part.form = sql::LiteralForm::kString;
    part.charset = c.read_charset;
  } else if (!c.data_type.empty() && c.data_type != "binary" && c.data_type != "varbinary" &&
             c.data_type.find("blob") == std::string::npos && c.data_type != "geometry") {
    part.form = sql::LiteralForm::kText;  // types printed as text with no charset (INET6, UUID, ...)
  } else {
    part.form = sql::LiteralForm::kBinary;
  }
  return part;
}

std::vector<sql::KeyPart> TableSpec::key_parts(Side side) const {
  std::vector<sql::KeyPart> out;
  for (size_t index : key_) out.push_back(literal_part(side, index, true));
  return out;
}

std::string TableSpec::value_literal(size_t index, const std::optional<std::string>& value) const {
  if (!value) return "NULL";
  return sql::key_literal(literal_part(Side::kSource, index, false), *value);
}

std::string TableSpec::key_literal(size_t part, const std::string& value) const {
  return sql::key_literal(literal_part(Side::kSource, key_[part], true), value);
}

std::string TableSpec::range_predicate(Side side, const KeyRange& range) const {
  if (!keyed()) return "1";
  std::string out = sql::key_range_condition(key_parts(side), range);
  return out.empty() ? "1" : out;
}

std::string TableSpec::filtered(Side side, const std::string& predicate) const {
  if (side == Side::kSource && job_->filter) return "(" + predicate + ") AND (" + *job_->filter + ")";
  return predicate;
}

std::string TableSpec::where_clause(Side side, const KeyRange& range, bool with_filter) const {
  std::string where = range_predicate(side, range);
  return " WHERE " + (with_filter ? filtered(side, where) : where);
}

std::string TableSpec::order_by(Side side) const {
  if (!keyed()) return "";
  return " ORDER BY " + sql::key_order(key_parts(side));
}

std::string TableSpec::select_rows_sql(Side side, const KeyRange& range) const {
  std::string out = "SELECT ";
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i) out += ", ";
    out += read_expression(side, i);
  }
  return out + " FROM " + table_sql(side) + where_clause(side, range, true) + order_by(side);
}

std::string TableSpec::fetch_columns(Side side) const {
  std::string out;
  for (size_t part : key_) {
    const VerifyColumn& c = columns_[part];
    if (!c.collated) continue;
    std::string name = sql::quote_identifier(column_name(side, part));
    out += "WEIGHT_STRING(" + (c.pad_space ? "RTRIM(" + name + ")" : name) + "), ";
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i) out += ", ";
    out += read_expression(side, i);
  }
  // The key as chunk bounds hold it (ENUM/SET by number), for RowDifference::key_values.
  for (size_t part : key_)
    if (key_read_expression(side, part) != read_expression(side, part)) out += ", " + key_read_expression(side, part);
  return out;
}

std::string TableSpec::fetch_rows_sql(Side side, const KeyRange& range) const {
  return "SELECT " + fetch_columns(side) + " FROM " + table_sql(side) + where_clause(side, range, true) +
         order_by(side);
}

std::string TableSpec::fetch_keys_sql(Side side, const std::vector<KeyTuple>& keys) const {
  return "SELECT " + fetch_columns(side) + " FROM " + table_sql(side) + " WHERE " +
         filtered(side, sql::key_equals_any(key_parts(side), keys)) + order_by(side);
}

std::string TableSpec::key_at_offset_sql(Side side, const KeyRange& range, int64_t offset, bool with_filter) const {
  std::string out = "SELECT ";
  for (size_t i = 0; i < key_.size(); ++i) {
    if (i) out += ", ";
    out += key_read_expression(side, key_[i]);
  }
  return out + " FROM " + table_sql(side) + where_clause(side, range, with_filter) + order_by(side) + " LIMIT 1 OFFSET " +
         std::to_string(offset);
}

std::string TableSpec::next_chunk_sql(const std::optional<KeyTuple>& lower, int64_t limit) const {
  std::string out = "SELECT ";
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i) out += ", ";
    out += read_expression(Side::kSource, i);
  }
  for (size_t part : key_)
    if (key_read_expression(Side::kSource, part) != read_expression(Side::kSource, part))
      out += ", " + key_read_expression(Side::kSource, part);
  return out + " FROM " + table_sql(Side::kSource) + where_clause(Side::kSource, KeyRange{lower, std::nullopt}, true) +
         order_by(Side::kSource) + " LIMIT " + std::to_string(limit);
}

size_t TableSpec::next_chunk_key_column(size_t part) const {
  size_t extra = columns_.size();
  for (size_t i = 0; i < key_.size(); ++i) {
    bool differs = key_read_expression(Side::kSource, key_[i]) != read_expression(Side::kSource, key_[i]);
    if (i == part) return differs ? extra : key_[i];
    if (differs) ++extra;
  }
  return key_[part];
}

std::string TableSpec::count_sql(Side side, const KeyRange& range) const {
  return "SELECT COUNT(*) FROM " + table_sql(side) + where_clause(side, range, true);
}

std::string TableSpec::server_digest_sql(Side side, const KeyRange& range) const {
  std::string image = "CONCAT(";
  for (size_t i = 0; i < columns_.size(); ++i) {
    const VerifyColumn& c = columns_[i];
    std::string e = read_expression(side, i);
    // Strings as their bytes: no collation or charset conversion inside CONCAT (a mix of charsets
    // would otherwise be converted, or refused as an illegal mix of collations).
    if (c.value_class == ValueClass::kBytes || c.value_class == ValueClass::kCharPadded) e = "CAST(" + e + " AS BINARY)";
    // IF, not IFNULL: a CONCAT that is NULL because it outgrew max_allowed_packet must make the
    // whole image NULL (counted as 2^128 below), never pass for a NULL cell.
    image += (i ? ", " : "") + ("IF(" + e + " IS NULL, 'N', CONCAT(LENGTH(" + e + "), ':', " + e + "))");
  }
  image += ")";
  return "SELECT COUNT(*), SUM(IFNULL(CAST(CONV(LEFT(MD5(" + image +
         "), 16), 16, 10) AS UNSIGNED), 340282366920938463463374607431768211456)) FROM " + table_sql(side) +
         where_clause(side, range, true);
}

std::string TableSpec::describe_key(const KeyTuple& key) const {
  std::string names, values;
  for (size_t i = 0; i < key.size() && i < key_.size(); ++i) {
    if (i) names += ", ", values += ", ";
    names += columns_[key_[i]].source_name;
    values += printable(key[i]);
  }
  return "(" + names + ") = (" + values + ")";
}

std::string TableSpec::describe_range(const KeyRange& range) const {
  auto tuple = [&](const KeyTuple& t) {
    std::string out;
    for (size_t i = 0; i < t.size(); ++i) out += (i ? ", " : "") + printable(t[i]);
    return t.size() == 1 ? out : "(" + out + ")";
  };
  std::string names;
  for (size_t i = 0; i < key_.size(); ++i) names += (i ? ", " : "") + columns_[key_[i]].source_name;
  return job_->source.str() + " (" + names + ") in (" +
         (range.lower_exclusive ? tuple(*range.lower_exclusive) : std::string("-inf")) + ", " +
         (range.upper_inclusive ? tuple(*range.upper_inclusive) + "]" : std::string("+inf)"));
}

}  // namespace omsql::verify
