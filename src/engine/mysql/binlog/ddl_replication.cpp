#include "src/engine/mysql/binlog/ddl_replication.hpp"

namespace omsql {

ReplicatedDdl replicated_ddl(const ClassifiedStatement& classified, const DdlDecision& decision) {
  if (decision.action != DdlAction::kStop || decision.scanned || decision.new_table) return ReplicatedDdl::kNone;
  if (classified.temporary) return ReplicatedDdl::kNone;
  if (classified.kind == StatementKind::kTruncateTable) return ReplicatedDdl::kTruncateTable;
  if (classified.kind == StatementKind::kDropTable) return ReplicatedDdl::kDropTable;
  return ReplicatedDdl::kNone;
}

}  // namespace omsql
