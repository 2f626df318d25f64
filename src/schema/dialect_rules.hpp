#pragma once
// Per-dialect decisions the DDL translator asks about one piece of a table at a time. `mysql` keeps
// everything as read (the target is MariaDB/MySQL); `oceanbase` applies the OceanBase 4.x MySQL-mode
// rules written down, each with its reason, in docs/dialects.md. `where` names the source table and
// column or index in warnings and errors ("shop.users.name").
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"

namespace omsql::schema {

// The dialect and, for OceanBase, the declared version (TARGET ... VERSION): some rules depend on the
// minor version. Converts from a bare Dialect (version unknown: the oldest 4.x is assumed).
struct DialectTarget {
  Dialect dialect = Dialect::kMysql;
  std::optional<TargetVersion> version;

  DialectTarget(Dialect d) : dialect(d) {}  // NOLINT: implicit on purpose, a Dialect is a target of unknown version
  DialectTarget(Dialect d, std::optional<TargetVersion> v) : dialect(d), version(std::move(v)) {}
  static DialectTarget of(const Endpoint& target) { return {target.dialect, target.version}; }
  operator Dialect() const { return dialect; }  // NOLINT: the version-independent rules take a Dialect

  // OceanBase of at least this version; false when no version is declared.
  bool oceanbase_at_least(int major, int minor, int patch) const {
    return dialect == Dialect::kOceanBase && version && version->at_least(major, minor, patch);
  }
  // "OceanBase 4.2.1" or "OceanBase (version not declared)", for messages.
  std::string describe_oceanbase() const {
    return version ? "OceanBase " + version->text : "OceanBase (no VERSION declared)";
  }
};

struct CharsetChoice {
  std::optional<std::string> charset;
  std::optional<std::string> collation;
};

// The charset and collation to declare; an error when the dialect cannot store the charset.
Result<CharsetChoice> choose_charset(Dialect dialect, const std::optional<std::string>& charset,
                                     const std::optional<std::string>& collation, const std::string& where,
                                     std::vector<std::string>* warnings);

// The column type to declare (no CAST: CAST text is used as written).
std::string column_type(Dialect dialect, const ColumnDef& column, const std::string& where,
                        std::vector<std::string>* warnings);

// The DEFAULT text (without the keyword), or nullopt for no DEFAULT clause.
std::optional<std::string> column_default(Dialect dialect, const ColumnDef& column, const std::string& where,
                                          std::vector<std::string>* warnings);

// Extra column attributes the dialect keeps from EXTRA beyond AUTO_INCREMENT and generation:
// "ON UPDATE ...", "INVISIBLE".
std::string column_extra_attributes(Dialect dialect, const ColumnDef& column, const std::string& where,
                                    std::vector<std::string>* warnings);

// Whether the dialect can create `index` at all (false: dropped with a warning). FULLTEXT and
// SPATIAL depend on the OceanBase version.
bool keep_index(const DialectTarget& target, const IndexDef& index, const TableDef& table, const std::string& where,
                std::vector<std::string>* warnings);

// A generated column whose expression references (`referenced`: lower-case column names) another
// generated column of `table`: an error naming both for OceanBase, which does not support it.
Status check_generated_references(Dialect dialect, const ColumnDef& column, const std::set<std::string>& referenced,
                                  const TableDef& table, const std::string& where);

// Whether the dialect can create `fk`, whose parent table is `parent` (false: dropped with a warning).
// OceanBase requires the referenced columns to be the parent's PRIMARY KEY or a UNIQUE key (MariaDB
// accepts any index starting with them).
bool keep_foreign_key(const DialectTarget& target, const ForeignKeyDef& fk, const TableDef& parent,
                      const std::string& where, std::vector<std::string>* warnings);
// Whether an index part keeps DESC (false: ascending, warned once per index by the caller).
bool keep_descending(Dialect dialect);
// " USING BTREE", " USING HASH" ... as the source wrote it (IndexDef::algorithm), or "" (FULLTEXT and
// SPATIAL are written as the keyword instead). OceanBase: a written USING BTREE only, another
// algorithm omitted with a warning naming `what` ("shop.t: index `k`").
std::string index_using(Dialect dialect, const IndexDef& index, const std::string& what,
                        std::vector<std::string>* warnings);

// After the index's COMMENT: " IGNORED" / " INVISIBLE" as the source wrote it (IndexDef::hidden_as)
// on mysql; on OceanBase "" with a warning naming `what` and the ALTER TABLE `target` ALTER INDEX
// ... INVISIBLE that hides it again (OceanBase's CREATE TABLE and ADD INDEX take no visibility).
std::string index_visibility(Dialect dialect, const IndexDef& index, const QualifiedName& target,
                             const std::string& what, std::vector<std::string>* warnings);

// After a geometry column's type: MySQL 8's enforced SRID (ColumnDef::srid_enforced) as " SRID n"
// on both dialects (the source guarantees every row has it); MariaDB's REF_SYSTEM_ID as
// " REF_SYSTEM_ID=n" on mysql (kept as metadata) and "" on OceanBase (whose SRID attribute would
// enforce what MariaDB never did, rule 15); "" for a column without one.
std::string column_reference_system(Dialect dialect, const ColumnDef& column);

// Table options after the closing parenthesis, without COMMENT and AUTO_INCREMENT:
// "ENGINE=InnoDB ROW_FORMAT=DYNAMIC" for mysql, "" for oceanbase.
std::string table_options(Dialect dialect, const TableDef& table, const std::string& where,
                          std::vector<std::string>* warnings);

// The partitioning to create for `table`, before MAP COLUMN renames: as read for mysql; for OceanBase
// rewritten into what its MySQL mode accepts (each change warned), or nullopt when it cannot take
// the definition, or none was read (warned: the table is created unpartitioned, the rows all copied).
// nullopt without a warning for an unpartitioned table.
std::optional<PartitioningDef> target_partitioning(const DialectTarget& target, const TableDef& table,
                                                   const std::string& where, std::vector<std::string>* warnings);

// The columns a KEY () partitioning hashes: the primary key's, else those of the first UNIQUE key
// of NOT NULL columns (MariaDB's and MySQL's rule); empty when the table has neither.
std::vector<std::string> key_partitioning_columns(const TableDef& table);

// Whether the dialect keeps CHECK constraints.
bool keep_checks(Dialect dialect);

}  // namespace omsql::schema
