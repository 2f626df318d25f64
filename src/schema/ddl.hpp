#pragma once
// The DDL translator: a TableJob (source definition + MAP/COLUMNS/CAST rules) in, CREATE/ALTER text
// for the target dialect out. Pure text building, no server: the migrator (migrator.hpp) runs it.
//
// A table is created in two steps so the copy writes into as few indexes as possible:
//   create_table_sql(job, d, false)  columns, CHECKs, the primary key, the key rows are identified by
//                                    (TableJob::key) and any index an AUTO_INCREMENT column needs;
//   secondary_index_sql(job, d)      every other index, as one ALTER TABLE, after the copy;
//   foreign_key_sql(job, jobs, d)    foreign keys, last, once every referenced table exists.
// create_table_sql(job, d, true) puts every index in the CREATE TABLE (for `omsrun plan` and for
// empty tables). Foreign keys are never inline: the referenced table may not exist yet.
//
// Every statement comes with warnings that name the source table (and column or index) for each
// thing dropped or changed; errors (a generated column over an excluded column, a charset the
// dialect cannot store) are a Status naming the same. docs/dialects.md lists every rule.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/schema/dialect_rules.hpp"

namespace omsql::schema {

struct Ddl {
  std::string sql;                    // one statement, no trailing ';'; empty when there is nothing to do
  std::vector<std::string> warnings;  // "shop.users: index `ix_pw` dropped: column `password_hash` is excluded"
  // Where sql's PARTITION BY clause starts (npos: none): the schema phase validates the table up front
  // without it, since InnoDB refuses partitioned TEMPORARY tables.
  size_t partitioning_at = std::string::npos;
};

// CREATE DATABASE IF NOT EXISTS `name` CHARACTER SET cs COLLATE co: the source database's defaults
// (TableDef::schema_charset/collation) through the dialect's charset rules, so tables created
// later in it without a charset, and ALTER DATABASE-free tools, see the source's defaults.
Result<std::string> create_database_sql(std::string_view database, Dialect dialect,
                                        const std::optional<std::string>& charset = std::nullopt,
                                        const std::optional<std::string>& collation = std::nullopt,
                                        std::vector<std::string>* warnings = nullptr);

// CREATE TABLE `db`.`table` (...) under the job's target name, with renamed columns, CAST types
// and the dialect's rules applied, and the source's PARTITION BY clause (renames applied to its
// expressions; an excluded partitioning column is an error naming table and column).
Result<Ddl> create_table_sql(const TableJob& job, const DialectTarget& dialect, bool with_secondary_indexes);

// ALTER TABLE ... ADD <index>, ADD <index> for the indexes create_table_sql(job, dialect, false)
// leaves out, skipping those whose names are in `existing_indexes` (compared case-insensitively),
// so a resumed task can call it again. Empty sql when nothing is left to add.
Result<Ddl> secondary_index_sql(const TableJob& job, const DialectTarget& dialect,
                                const std::set<std::string>& existing_indexes = {});

// ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ... for the job's foreign keys, skipping those in
// `existing_constraints`. A referenced table is resolved through `jobs` (its target name and
// renamed columns); a key that references a table outside the plan, or uses an excluded column,
// or that the dialect cannot create (OceanBase: referenced columns not a PRIMARY/UNIQUE key), is
// dropped with a warning.
Result<Ddl> foreign_key_sql(const TableJob& job, const std::vector<TableJob>& jobs, const DialectTarget& dialect,
                            const std::set<std::string>& existing_constraints = {});

// The pieces create_table_sql and foreign_key_sql are made of, for ALTER TABLE ... ADD / MODIFY /
// CHANGE (src/schema/evolution.hpp): the same text, rules and warnings.
//   one column: "`name` type NOT NULL DEFAULT ... COMMENT ..." (an error as create_table_sql's);
Result<std::string> column_definition_sql(const TableJob& job, const ColumnMapping& column,
                                          const DialectTarget& dialect, std::vector<std::string>* warnings);
//   one index: "UNIQUE KEY `ux` (`a`(10) DESC)", "PRIMARY KEY (`id`)"; nullopt when not created (warned);
std::optional<std::string> index_definition_sql(const TableJob& job, const IndexDef& index,
                                                const DialectTarget& dialect, std::vector<std::string>* warnings);
//   one table-level CHECK: "CONSTRAINT `c` CHECK (...)"; nullopt when not created (column-level
//   CHECKs are part of their column's definition);
std::optional<std::string> check_definition_sql(const TableJob& job, const CheckConstraintDef& check,
                                                const DialectTarget& dialect, std::vector<std::string>* warnings);
//   one foreign key whose parent table is `referenced`: "CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES
//   `d`.`p` (`id`) ON DELETE CASCADE"; nullopt when not created (warned).
std::optional<std::string> foreign_key_definition_sql(const TableJob& job, const ForeignKeyDef& fk,
                                                      const TableJob& referenced, const DialectTarget& dialect,
                                                      std::vector<std::string>* warnings);

// True when create_table_sql(job, _, false) creates `index` with the table.
bool created_with_table(const TableJob& job, const IndexDef& index);

// Rewrites back-quoted column names in a generation expression or CHECK clause: `renames` maps
// source to target names (keys lower-case; MariaDB column names are case-insensitive). Text inside
// '...' and "..." literals is left alone. Every column referenced is added (lower-case) to
// `referenced` when given.
std::string rename_columns_in_expression(std::string_view expression,
                                         const std::vector<std::pair<std::string, std::string>>& renames,
                                         std::set<std::string>* referenced = nullptr);

}  // namespace omsql::schema
