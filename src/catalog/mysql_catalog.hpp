#pragma once
// The Catalog over a live MySQL/MariaDB server: reads information_schema (TABLES, COLUMNS,
// STATISTICS, KEY_COLUMN_USAGE + REFERENTIAL_CONSTRAINTS, CHECK_CONSTRAINTS) with one query per kind
// for the whole set of tables asked for, so describing a schema of 1,000 tables costs five round
// trips, not five thousand. Base tables only; system schemas (mysql, information_schema,
// performance_schema, sys, omsql_meta) are never listed.
//
// Column defaults keep MariaDB's convention: literals quoted ('abc', 'NULL' is the string NULL),
// numbers and expressions unquoted (0, current_timestamp()). A MySQL server prints literals
// unquoted and flags expressions with DEFAULT_GENERATED; its answers are normalised to the same
// convention so the DDL translator can paste a default back verbatim.
#include <string>
#include <vector>

#include "src/catalog/catalog.hpp"
#include "src/mysql/connection.hpp"

namespace omsql {

class MysqlCatalog final : public Catalog {
 public:
  // `connection` must outlive the catalog; calls use it one at a time (not thread-safe).
  explicit MysqlCatalog(Connection& connection) : connection_(&connection) {}

  Result<std::vector<QualifiedName>> list_tables() const override;
  Result<TableDef> describe(const QualifiedName& table) const override;
  // Every table of `tables`, in the order given, with one query per information_schema view.
  // NotFound names the first table that does not exist (or is not a base table).
  Result<std::vector<TableDef>> describe_tables(const std::vector<QualifiedName>& tables) const;

 private:
  Connection* connection_;
};

}  // namespace omsql
