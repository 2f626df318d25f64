// Names of the classifier's kinds, roles and clauses, as messages and tests print them.
#include "src/engine/mysql/binlog/ddl_parse.hpp"

namespace omsql {

std::string_view alter_action_name(AlterAction action) {
  switch (action) {
    case AlterAction::kAddColumn: return "ADD COLUMN";
    case AlterAction::kDropColumn: return "DROP COLUMN";
    case AlterAction::kModifyColumn: return "MODIFY COLUMN";
    case AlterAction::kChangeColumn: return "CHANGE COLUMN";
    case AlterAction::kRenameColumn: return "RENAME COLUMN";
    case AlterAction::kAlterColumn: return "ALTER COLUMN";
    case AlterAction::kAddIndex: return "ADD INDEX";
    case AlterAction::kDropIndex: return "DROP INDEX";
    case AlterAction::kRenameIndex: return "RENAME INDEX";
    case AlterAction::kAlterIndex: return "ALTER INDEX";
    case AlterAction::kAddPrimaryKey: return "ADD PRIMARY KEY";
    case AlterAction::kDropPrimaryKey: return "DROP PRIMARY KEY";
    case AlterAction::kAddForeignKey: return "ADD FOREIGN KEY";
    case AlterAction::kDropForeignKey: return "DROP FOREIGN KEY";
    case AlterAction::kAddCheck: return "ADD CHECK";
    case AlterAction::kDropConstraint: return "DROP CONSTRAINT";
    case AlterAction::kRenameTable: return "RENAME TO";
    case AlterAction::kTableOptions: return "table options";
    case AlterAction::kConvertCharset: return "CONVERT TO CHARACTER SET";
    case AlterAction::kAlgorithmLock: return "ALGORITHM/LOCK";
    case AlterAction::kRebuild: return "rebuild";
    case AlterAction::kPartitionMaintenance: return "partition maintenance";
    case AlterAction::kPartitionChange: return "partitioning change";
    case AlterAction::kOther: return "other change";
  }
  return "change";
}

std::string_view object_type_name(ObjectType type) {
  switch (type) {
    case ObjectType::kDatabase: return "database";
    case ObjectType::kTable: return "table";
    case ObjectType::kColumn: return "column";
    case ObjectType::kIndex: return "index";
    case ObjectType::kConstraint: return "constraint";
    case ObjectType::kPartition: return "partition";
    case ObjectType::kView: return "view";
    case ObjectType::kTrigger: return "trigger";
    case ObjectType::kProcedure: return "procedure";
    case ObjectType::kFunction: return "function";
    case ObjectType::kEvent: return "event";
    case ObjectType::kSequence: return "sequence";
    case ObjectType::kUser: return "user";
  }
  return "object";
}

std::string_view object_role_name(ObjectRole role) {
  switch (role) {
    case ObjectRole::kCreated: return "created";
    case ObjectRole::kChanged: return "changed";
    case ObjectRole::kDropped: return "dropped";
    case ObjectRole::kRenamedFrom: return "renamed-from";
    case ObjectRole::kRenamedTo: return "renamed-to";
    case ObjectRole::kRead: return "read";
  }
  return "touched";
}

}  // namespace omsql
