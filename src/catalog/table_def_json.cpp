#include "src/catalog/table_def_json.hpp"

#include <cstdio>

namespace omsql {
namespace {

using nlohmann::json;

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): what
// nlohmann's dump accepts.
bool valid_utf8(const std::string& s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = byte(i);
    size_t extra;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (c < 0x80) extra = 0;
    else if (c >= 0xC2 && c <= 0xDF) extra = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else return false;
    if (i + extra >= s.size() + (extra == 0)) return false;
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char next = byte(i + k);
      if (k == 1 ? (next < low || next > high) : (next >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

json text(const std::string& s) {
  if (valid_utf8(s)) return s;
  std::string hex;
  char buf[3];
  for (unsigned char c : s) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    hex += buf;
  }
  return json{{"hex", hex}};
}

template <typename T>
json optional(const std::optional<T>& v) {
  if (!v) return nullptr;
  if constexpr (std::is_same_v<T, std::string>) return text(*v);
  else return *v;
}

// Readers throw json exceptions (and std::invalid_argument for bad hex); the entry point turns
// them into a Corruption naming the member.
std::string text_of(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  const std::string hex = j.at("hex").get<std::string>();
  if (hex.size() % 2) throw std::invalid_argument("odd hex length");
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

std::string text_at(const json& j, const char* key) { return text_of(j.at(key)); }

template <typename T>
std::optional<T> optional_at(const json& j, const char* key) {
  const json& v = j.at(key);
  if (v.is_null()) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) return text_of(v);
  else return v.get<T>();
}

json strings(const std::vector<std::string>& v) {
  json out = json::array();
  for (const auto& s : v) out.push_back(text(s));
  return out;
}

std::vector<std::string> strings_at(const json& j, const char* key) {
  std::vector<std::string> out;
  for (const auto& s : j.at(key)) out.push_back(text_of(s));
  return out;
}

QualifiedName name_of(const json& j) {
  if (!j.is_array() || j.size() != 2) throw std::invalid_argument("a name is [schema, table]");
  return QualifiedName{text_of(j.at(0)), text_of(j.at(1))};
}

json column_json(const ColumnDef& c) {
  return json{{"name", text(c.name)},
              {"ordinal", c.ordinal},
              {"data_type", text(c.data_type)},
              {"column_type", text(c.column_type)},
              {"nullable", c.nullable},
              {"is_unsigned", c.is_unsigned},
              {"default_value", optional(c.default_value)},
              {"extra", text(c.extra)},
              {"charset", optional(c.charset)},
              {"collation", optional(c.collation)},
              {"comment", text(c.comment)},
              {"is_generated", c.is_generated},
              {"generation_expression", text(c.generation_expression)},
              {"generated_stored", c.generated_stored},
              {"char_max_length", optional(c.char_max_length)},
              {"numeric_precision", optional(c.numeric_precision)},
              {"numeric_scale", optional(c.numeric_scale)},
              {"datetime_precision", optional(c.datetime_precision)},
              {"srid", optional(c.srid)},
              {"srid_enforced", c.srid_enforced}};
}

ColumnDef column_of(const json& j) {
  ColumnDef c;
  c.name = text_at(j, "name");
  c.ordinal = j.at("ordinal").get<int>();
  c.data_type = text_at(j, "data_type");
  c.column_type = text_at(j, "column_type");
  c.nullable = j.at("nullable").get<bool>();
  c.is_unsigned = j.at("is_unsigned").get<bool>();
  c.default_value = optional_at<std::string>(j, "default_value");
  c.extra = text_at(j, "extra");
  c.charset = optional_at<std::string>(j, "charset");
  c.collation = optional_at<std::string>(j, "collation");
  c.comment = text_at(j, "comment");
  c.is_generated = j.at("is_generated").get<bool>();
  c.generation_expression = text_at(j, "generation_expression");
  c.generated_stored = j.at("generated_stored").get<bool>();
  c.char_max_length = optional_at<int64_t>(j, "char_max_length");
  c.numeric_precision = optional_at<int>(j, "numeric_precision");
  c.numeric_scale = optional_at<int>(j, "numeric_scale");
  c.datetime_precision = optional_at<int>(j, "datetime_precision");
  // Absent in records written before the SRID was read.
  if (j.contains("srid")) c.srid = optional_at<uint32_t>(j, "srid");
  if (j.contains("srid_enforced")) c.srid_enforced = j.at("srid_enforced").get<bool>();
  return c;
}

json index_json(const IndexDef& index) {
  json parts = json::array();
  for (const auto& p : index.parts)
    parts.push_back(json{{"column", text(p.column)}, {"prefix_length", optional(p.prefix_length)},
                         {"descending", p.descending}});
  return json{{"name", text(index.name)}, {"unique", index.unique}, {"kind", text(index.kind)},
              {"parts", parts}, {"comment", text(index.comment)}, {"algorithm", optional(index.algorithm)},
              {"hidden_as", text(index.hidden_as)}};
}

IndexDef index_of(const json& j) {
  IndexDef index;
  index.name = text_at(j, "name");
  index.unique = j.at("unique").get<bool>();
  index.kind = text_at(j, "kind");
  for (const auto& p : j.at("parts"))
    index.parts.push_back(
        IndexPart{text_at(p, "column"), optional_at<int64_t>(p, "prefix_length"), p.at("descending").get<bool>()});
  index.comment = text_at(j, "comment");
  // Absent in records written before the USING clause was read: not read, as then.
  if (j.contains("algorithm")) index.algorithm = optional_at<std::string>(j, "algorithm");
  if (j.contains("hidden_as")) index.hidden_as = text_at(j, "hidden_as");  // absent in older records
  return index;
}

json foreign_key_json(const ForeignKeyDef& fk) {
  return json{{"name", text(fk.name)},
              {"columns", strings(fk.columns)},
              {"referenced", to_json(fk.referenced)},
              {"referenced_columns", strings(fk.referenced_columns)},
              {"on_update", text(fk.on_update)},
              {"on_delete", text(fk.on_delete)}};
}

ForeignKeyDef foreign_key_of(const json& j) {
  ForeignKeyDef fk;
  fk.name = text_at(j, "name");
  fk.columns = strings_at(j, "columns");
  fk.referenced = name_of(j.at("referenced"));
  fk.referenced_columns = strings_at(j, "referenced_columns");
  fk.on_update = text_at(j, "on_update");
  fk.on_delete = text_at(j, "on_delete");
  return fk;
}

json method_json(const PartitionMethod& m) {
  return json{{"kind", text(m.kind)},           {"algorithm", optional(m.algorithm)},
              {"expression", text(m.expression)}, {"columns", strings(m.columns)},
              {"parameters", text(m.parameters)}, {"count", optional(m.count)}};
}

PartitionMethod method_of(const json& j) {
  PartitionMethod m;
  m.kind = text_at(j, "kind");
  m.algorithm = optional_at<int>(j, "algorithm");
  m.expression = text_at(j, "expression");
  m.columns = strings_at(j, "columns");
  m.parameters = text_at(j, "parameters");
  m.count = optional_at<uint64_t>(j, "count");
  return m;
}

json partition_json(const PartitionDef& p) {
  json options = json::array(), subpartitions = json::array();
  for (const auto& o : p.options) options.push_back(json{{"name", text(o.name)}, {"value", text(o.value)}});
  for (const auto& sub : p.subpartitions) subpartitions.push_back(partition_json(sub));
  return json{{"name", text(p.name)}, {"bound", text(p.bound)}, {"options", options}, {"subpartitions", subpartitions}};
}

PartitionDef partition_of(const json& j) {
  PartitionDef p;
  p.name = text_at(j, "name");
  p.bound = text_at(j, "bound");
  for (const auto& o : j.at("options")) p.options.push_back(PartitionOption{text_at(o, "name"), text_at(o, "value")});
  for (const auto& sub : j.at("subpartitions")) p.subpartitions.push_back(partition_of(sub));
  return p;
}

json partitioning_json(const std::optional<PartitioningDef>& p) {
  if (!p) return nullptr;
  json partitions = json::array();
  for (const auto& part : p->partitions) partitions.push_back(partition_json(part));
  return json{{"method", method_json(p->method)},
              {"sub", p->sub ? method_json(*p->sub) : json(nullptr)},
              {"partitions", partitions},
              {"unreadable", text(p->unreadable)}};
}

std::optional<PartitioningDef> partitioning_of(const json& j) {
  if (j.is_null()) return std::nullopt;
  PartitioningDef p;
  p.method = method_of(j.at("method"));
  if (!j.at("sub").is_null()) p.sub = method_of(j.at("sub"));
  for (const auto& part : j.at("partitions")) p.partitions.push_back(partition_of(part));
  p.unreadable = text_at(j, "unreadable");
  return p;
}

}  // namespace

json text_json(const std::string& s) { return text(s); }
std::string text_from_json(const json& j) { return text_of(j); }

json to_json(const QualifiedName& name) { return json::array({text(name.schema), text(name.table)}); }

json to_json(const TableDef& t) {
  json columns = json::array(), indexes = json::array(), foreign_keys = json::array(), checks = json::array();
  for (const auto& c : t.columns) columns.push_back(column_json(c));
  for (const auto& i : t.indexes) indexes.push_back(index_json(i));
  for (const auto& fk : t.foreign_keys) foreign_keys.push_back(foreign_key_json(fk));
  for (const auto& c : t.checks)
    checks.push_back(json{{"name", text(c.name)}, {"clause", text(c.clause)}, {"column_level", c.column_level}});
  return json{{"name", to_json(t.name)},
              {"columns", columns},
              {"indexes", indexes},
              {"foreign_keys", foreign_keys},
              {"engine", text(t.engine)},
              {"charset", optional(t.charset)},
              {"collation", optional(t.collation)},
              {"comment", text(t.comment)},
              {"schema_charset", optional(t.schema_charset)},
              {"schema_collation", optional(t.schema_collation)},
              {"auto_increment", optional(t.auto_increment)},
              {"check_constraints_sql", optional(t.check_constraints_sql)},
              {"checks", checks},
              {"create_options", text(t.create_options)},
              {"partitioning", partitioning_json(t.partitioning)},
              {"estimated_rows", t.estimated_rows},
              {"estimated_bytes", t.estimated_bytes}};
}

Result<QualifiedName> qualified_name_from_json(const json& j) {
  try {
    return name_of(j);
  } catch (const std::exception& e) {
    return Status::corruption(std::string("damaged table name in JSON: ") + e.what());
  }
}

Result<TableDef> table_def_from_json(const json& j) {
  try {
    TableDef t;
    t.name = name_of(j.at("name"));
    for (const auto& c : j.at("columns")) t.columns.push_back(column_of(c));
    for (const auto& i : j.at("indexes")) t.indexes.push_back(index_of(i));
    for (const auto& fk : j.at("foreign_keys")) t.foreign_keys.push_back(foreign_key_of(fk));
    t.engine = text_at(j, "engine");
    t.charset = optional_at<std::string>(j, "charset");
    t.collation = optional_at<std::string>(j, "collation");
    t.comment = text_at(j, "comment");
    t.schema_charset = optional_at<std::string>(j, "schema_charset");
    t.schema_collation = optional_at<std::string>(j, "schema_collation");
    t.auto_increment = optional_at<uint64_t>(j, "auto_increment");
    t.check_constraints_sql = optional_at<std::string>(j, "check_constraints_sql");
    for (const auto& c : j.at("checks"))
      t.checks.push_back(CheckConstraintDef{text_at(c, "name"), text_at(c, "clause"), c.at("column_level").get<bool>()});
    t.create_options = text_at(j, "create_options");
    t.partitioning = partitioning_of(j.at("partitioning"));
    t.estimated_rows = j.at("estimated_rows").get<uint64_t>();
    t.estimated_bytes = j.at("estimated_bytes").get<uint64_t>();
    return t;
  } catch (const std::exception& e) {
    return Status::corruption(std::string("damaged table definition in JSON: ") + e.what());
  }
}

}  // namespace omsql
