#pragma once
// What a statement from a binlog QUERY event does, far enough to know its kind and every object it
// creates, changes, drops, renames or reads: the classifier behind the live link's DDL decision
// (ddl_decision.hpp) and the seam for replicating DDL later (issue 12). Pure: text and the event's
// default database in, a ClassifiedStatement out; never throws, whatever the text.
//
// Names: back-quoted (doubled back-quotes undone), bare, or "double-quoted" where only a name can
// stand (the QUERY event's sql_mode is not decoded, so ANSI_QUOTES is unknown; a double-quoted
// string is not valid in a name's place, so it is read as a name there and as a string elsewhere).
// An unqualified table name takes the event's default database. Names keep their spelling; callers
// compare them case-insensitively (same_name), erring on the side of "touches".
//
// A statement the parser does not fully understand (an unknown verb, a name it cannot read, text
// after a top-level `;`) comes back as kUnknown with `unparsed` saying why: callers must then fall
// back to scanning for names (ddl_touches_table), never ignore it. Text holding several statements
// says where the second begins (`next_statement`), so a caller can judge each one.
#include <string>
#include <string_view>
#include <vector>

#include "src/catalog/table_def.hpp"
#include "src/model/statement_kind.hpp"  // StatementKind: the model's DDL policy names the kinds too

namespace omsql {


enum class ObjectType { kDatabase, kTable, kColumn, kIndex, kConstraint, kPartition, kView, kTrigger, kProcedure,
                        kFunction, kEvent, kSequence, kUser };
enum class ObjectRole { kCreated, kChanged, kDropped, kRenamedFrom, kRenamedTo, kRead };

std::string_view object_type_name(ObjectType type);
std::string_view object_role_name(ObjectRole role);

// One object a statement touches. `name` is {database, ""} for a database, {database, object}
// for tables, views, routines, triggers, events and sequences, {database, table} of the owning
// table for columns, indexes, constraints and partitions (whose own name is `part`; "" for an
// unnamed index or the PRIMARY KEY: "PRIMARY"), {"", account} for users and roles.
struct DdlObject {
  ObjectType type;
  QualifiedName name;
  std::string part;
  ObjectRole role;
  friend bool operator==(const DdlObject&, const DdlObject&) = default;
};

// One clause of an ALTER TABLE's list, in order.
enum class AlterAction {
  kAddColumn, kDropColumn, kModifyColumn, kChangeColumn, kRenameColumn, kAlterColumn,  // ALTER COLUMN SET/DROP DEFAULT, [IN]VISIBLE
  kAddIndex, kDropIndex, kRenameIndex, kAlterIndex,  // KEY/INDEX/UNIQUE/FULLTEXT/SPATIAL
  kAddPrimaryKey, kDropPrimaryKey, kAddForeignKey, kDropForeignKey, kAddCheck, kDropConstraint,
  kRenameTable,
  kTableOptions,       // ENGINE=, COMMENT=, AUTO_INCREMENT=, ROW_FORMAT=, [DEFAULT] CHARSET/COLLATE, ...
  kConvertCharset,     // CONVERT TO CHARACTER SET: every text column changes
  kAlgorithmLock,      // ALGORITHM=, LOCK=: how, not what
  kRebuild,            // FORCE, ENABLE/DISABLE KEYS, ORDER BY: rows and definition stay
  kPartitionMaintenance,  // ANALYZE/CHECK/OPTIMIZE/REBUILD/REPAIR PARTITION: rows and definition stay
  kPartitionChange,    // PARTITION BY, ADD/DROP/TRUNCATE/COALESCE/REORGANIZE/EXCHANGE/CONVERT PARTITION, REMOVE PARTITIONING
  kOther,              // anything else (tablespace, system versioning, periods, ...)
};
std::string_view alter_action_name(AlterAction action);

struct AlterClause {
  AlterAction action;
  std::string name;  // the column, index, constraint or partition named first ("" when none)
  friend bool operator==(const AlterClause&, const AlterClause&) = default;
};

struct ClassifiedStatement {
  StatementKind kind = StatementKind::kUnknown;
  std::vector<DdlObject> objects;     // in statement order
  std::vector<AlterClause> alter;     // kAlterTable only
  bool or_replace = false;            // CREATE OR REPLACE: drops what exists first
  bool if_exists = false;
  bool if_not_exists = false;
  bool temporary = false;             // CREATE/DROP TEMPORARY TABLE or SEQUENCE
  bool create_like = false;           // CREATE TABLE ... LIKE
  bool create_select = false;         // CREATE TABLE ... [AS] SELECT
  std::string unparsed;               // kUnknown: why (with the byte offset)
  size_t next_statement = 0;          // kUnknown: byte offset of a second statement after a top-level `;`
};

// Classifies `statement` run with `default_database` as the current database ("" when none).
ClassifiedStatement classify_statement(std::string_view statement, std::string_view default_database);

}  // namespace omsql
