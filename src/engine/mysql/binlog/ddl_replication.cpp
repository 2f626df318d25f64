#include "src/engine/mysql/binlog/ddl_replication.hpp"

namespace omsql {

ReplicatedDdl replicated_ddl(const ClassifiedStatement& classified, const DdlDecision& decision) {
  if (decision.action != DdlAction::kStop || decision.scanned) return ReplicatedDdl::kNone;
  if (classified.temporary) return ReplicatedDdl::kNone;
  // One table created (a new one the patterns take, or a task table again: IF NOT EXISTS, OR
  // REPLACE, or a rerun reading the CREATE of a table that joined): the table joins the task.
  if (classified.kind == StatementKind::kCreateTable) return ReplicatedDdl::kCreateTable;
  if (decision.new_table) return ReplicatedDdl::kNone;
  if (classified.kind == StatementKind::kTruncateTable) return ReplicatedDdl::kTruncateTable;
  if (classified.kind == StatementKind::kDropTable) return ReplicatedDdl::kDropTable;
  if (classified.kind == StatementKind::kCreateIndex || classified.kind == StatementKind::kDropIndex)
    return ReplicatedDdl::kAlterTable;
  if (classified.kind == StatementKind::kAlterTable) {
    // A rename moves the table to another name (in or out of the task): not replicated yet.
    // Partition changes remove or move rows without row events (TRUNCATE/DROP/EXCHANGE PARTITION),
    // and what the classifier could not place is not understood: both stop at the barrier.
    for (const auto& clause : classified.alter)
      if (clause.action == AlterAction::kRenameTable || clause.action == AlterAction::kPartitionChange ||
          clause.action == AlterAction::kOther)
        return ReplicatedDdl::kNone;
    return ReplicatedDdl::kAlterTable;
  }
  return ReplicatedDdl::kNone;
}

}  // namespace omsql
