#include "src/catalog/catalog.hpp"

#include "src/catalog/shadow_names.hpp"
#include "src/common/strings.hpp"

namespace omsql {

bool is_shadow_schema(std::string_view schema) {
  return schema.size() > kShadowSchemaPrefix.size() && iequals(schema.substr(0, kShadowSchemaPrefix.size()), kShadowSchemaPrefix);
}

bool is_system_schema(std::string_view schema) {
  for (auto system : kSystemSchemas)
    if (iequals(schema, system)) return true;
  return is_shadow_schema(schema);
}

size_t TableDef::column_index(const std::string& column) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column) return i;
  return columns.size();
}

const ColumnDef* TableDef::find_column(const std::string& column) const {
  for (const auto& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

const IndexDef* TableDef::primary_key() const {
  for (const auto& i : indexes)
    if (i.is_primary()) return &i;
  return nullptr;
}

bool TableDef::partitioned() const {
  std::string options = " " + to_lower(create_options) + " ";
  return options.find(" partitioned ") != std::string::npos;
}

size_t TableDef::long_unique_hash_columns() const {
  // MEMORY's HASH indexes are real hash indexes: no hidden column.
  if (engine == "MEMORY" || engine == "HEAP") return 0;
  size_t count = 0;
  for (const auto& index : indexes)
    if (index.unique && !index.is_primary() && index.kind == "HASH") ++count;
  return count;
}

void MemoryCatalog::add(TableDef table) {
  auto name = table.name;
  tables_[name] = std::move(table);
}

Result<std::vector<QualifiedName>> MemoryCatalog::list_tables() const {
  std::vector<QualifiedName> names;
  for (const auto& [name, table] : tables_) names.push_back(name);
  return names;
}

Result<TableDef> MemoryCatalog::describe(const QualifiedName& table) const {
  auto it = tables_.find(table);
  if (it == tables_.end()) return Status::not_found("table " + table.str() + " does not exist");
  return it->second;
}

RowKey choose_row_key(const TableDef& table) {
  auto usable = [&](const IndexDef& index) {
    for (const auto& part : index.parts) {
      const ColumnDef* column = table.find_column(part.column);
      // A prefix part does not identify a row; a nullable column admits duplicates of NULL.
      if (!column || column->nullable || part.prefix_length) return false;
    }
    return !index.parts.empty();
  };
  RowKey key;
  for (const auto& index : table.indexes) {
    if (index.is_primary() && usable(index)) {
      key.kind = RowKey::Kind::kPrimary;
    } else if (index.unique && index.kind == "BTREE" && usable(index) && key.kind == RowKey::Kind::kNone) {
      key.kind = RowKey::Kind::kUniqueNotNull;
    } else {
      continue;
    }
    key.index_name = index.name;
    key.columns.clear();
    for (const auto& part : index.parts) key.columns.push_back(part.column);
    if (key.kind == RowKey::Kind::kPrimary) break;
  }
  return key;
}

}  // namespace omsql
