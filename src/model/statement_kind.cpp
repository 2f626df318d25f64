// Names of the statement kinds, as messages, tests and the DDL policy print them.
#include "src/model/statement_kind.hpp"

namespace omsql {

bool is_dml_kind(StatementKind kind) {
  switch (kind) {
    case StatementKind::kInsert:
    case StatementKind::kReplace:
    case StatementKind::kUpdate:
    case StatementKind::kDelete:
    case StatementKind::kLoadData:
      return true;
    default:
      return false;
  }
}

std::string_view statement_kind_name(StatementKind kind) {
  switch (kind) {
    case StatementKind::kUnknown: return "statement";
    case StatementKind::kCreateDatabase: return "CREATE DATABASE";
    case StatementKind::kAlterDatabase: return "ALTER DATABASE";
    case StatementKind::kDropDatabase: return "DROP DATABASE";
    case StatementKind::kCreateTable: return "CREATE TABLE";
    case StatementKind::kDropTable: return "DROP TABLE";
    case StatementKind::kTruncateTable: return "TRUNCATE TABLE";
    case StatementKind::kRenameTable: return "RENAME TABLE";
    case StatementKind::kAlterTable: return "ALTER TABLE";
    case StatementKind::kCreateIndex: return "CREATE INDEX";
    case StatementKind::kDropIndex: return "DROP INDEX";
    case StatementKind::kCreateView: return "CREATE VIEW";
    case StatementKind::kAlterView: return "ALTER VIEW";
    case StatementKind::kDropView: return "DROP VIEW";
    case StatementKind::kCreateTrigger: return "CREATE TRIGGER";
    case StatementKind::kDropTrigger: return "DROP TRIGGER";
    case StatementKind::kCreateProcedure: return "CREATE PROCEDURE";
    case StatementKind::kAlterProcedure: return "ALTER PROCEDURE";
    case StatementKind::kDropProcedure: return "DROP PROCEDURE";
    case StatementKind::kCreateFunction: return "CREATE FUNCTION";
    case StatementKind::kAlterFunction: return "ALTER FUNCTION";
    case StatementKind::kDropFunction: return "DROP FUNCTION";
    case StatementKind::kCreateEvent: return "CREATE EVENT";
    case StatementKind::kAlterEvent: return "ALTER EVENT";
    case StatementKind::kDropEvent: return "DROP EVENT";
    case StatementKind::kCreateSequence: return "CREATE SEQUENCE";
    case StatementKind::kAlterSequence: return "ALTER SEQUENCE";
    case StatementKind::kDropSequence: return "DROP SEQUENCE";
    case StatementKind::kTableMaintenance: return "table maintenance";
    case StatementKind::kFlush: return "FLUSH";
    case StatementKind::kGrant: return "GRANT";
    case StatementKind::kRevoke: return "REVOKE";
    case StatementKind::kAccount: return "account statement";
    case StatementKind::kInsert: return "INSERT";
    case StatementKind::kReplace: return "REPLACE";
    case StatementKind::kUpdate: return "UPDATE";
    case StatementKind::kDelete: return "DELETE";
    case StatementKind::kLoadData: return "LOAD DATA";
  }
  return "statement";
}

}  // namespace omsql
