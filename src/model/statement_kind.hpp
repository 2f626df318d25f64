#pragma once
// The kinds of statement a binlog QUERY event holds, as the DDL classifier
// (src/engine/mysql/binlog/ddl_parse.hpp) tells them apart. Plain data in the model, so the
// script's DDL policy (src/model/ddl_policy.hpp) can name them without the binlog code.
#include <string_view>

namespace omsql {

enum class StatementKind {
  kUnknown,  // not understood: ClassifiedStatement::unparsed says why
  kCreateDatabase, kAlterDatabase, kDropDatabase,
  kCreateTable, kDropTable, kTruncateTable, kRenameTable, kAlterTable,
  kCreateIndex, kDropIndex,
  kCreateView, kAlterView, kDropView,
  kCreateTrigger, kDropTrigger,
  kCreateProcedure, kAlterProcedure, kDropProcedure,
  kCreateFunction, kAlterFunction, kDropFunction,
  kCreateEvent, kAlterEvent, kDropEvent,
  kCreateSequence, kAlterSequence, kDropSequence,
  kTableMaintenance,  // ANALYZE / OPTIMIZE / REPAIR / CHECK / CHECKSUM TABLE
  kFlush, kGrant, kRevoke,
  kAccount,  // CREATE / ALTER / DROP / RENAME USER or ROLE, SET PASSWORD, SET DEFAULT ROLE
  kInsert, kReplace, kUpdate, kDelete, kLoadData,  // DML logged as a statement
};

// "ALTER TABLE", "CREATE INDEX", ... ("statement" for kUnknown).
std::string_view statement_kind_name(StatementKind kind);
bool is_dml_kind(StatementKind kind);

}  // namespace omsql
