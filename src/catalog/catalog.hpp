#pragma once
// The catalog interface: what the binder asks of a server, and nothing else. One implementation reads
// information_schema (src/engine/mysql/mysql_catalog.hpp); MemoryCatalog serves tests with no server.
#include <map>
#include <string_view>
#include <vector>

#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"

namespace omsql {

// The schemas omsql never migrates from nor writes into (except omsql_meta, which only omsql itself
// writes: its checkpoints). Compared without regard to case: on a case-insensitive server
// `MySQL` is `mysql`. is_system_schema also takes the shadow databases (shadow_names.hpp).
inline constexpr std::string_view kSystemSchemas[] = {"mysql", "information_schema", "performance_schema", "sys",
                                                      "omsql_meta"};
bool is_system_schema(std::string_view schema);

class Catalog {
 public:
  virtual ~Catalog() = default;
  // Every base table (no views) of every user database, system schemas excluded
  // (mysql, information_schema, performance_schema, sys, omsql_meta, omsql_shadow_*), sorted by name.
  virtual Result<std::vector<QualifiedName>> list_tables() const = 0;
  // The full definition of one table, or NotFound.
  virtual Result<TableDef> describe(const QualifiedName& table) const = 0;
  // Tables that are not base tables and are not migrated as tables, with their TABLE_TYPE
  // ("SYSTEM VERSIONED", "SEQUENCE"): a rule naming one is told why it matches nothing.
  virtual Result<std::map<QualifiedName, std::string>> list_other_tables() const {
    return std::map<QualifiedName, std::string>{};
  }
};

class MemoryCatalog final : public Catalog {
 public:
  void add(TableDef table);
  Result<std::vector<QualifiedName>> list_tables() const override;
  Result<TableDef> describe(const QualifiedName& table) const override;

 private:
  std::map<QualifiedName, TableDef> tables_;
};

// The key a chunker and an applier identify rows by: the primary key if there is one, else the
// first UNIQUE index whose columns are all NOT NULL, else none (whole-row identity, single chunk).
struct RowKey {
  enum class Kind { kPrimary, kUniqueNotNull, kNone };
  Kind kind = Kind::kNone;
  std::string index_name;
  std::vector<std::string> columns;
  friend bool operator==(const RowKey&, const RowKey&) = default;
};
RowKey choose_row_key(const TableDef& table);

}  // namespace omsql
