#include "src/engine/mysql/binlog/ddl_replication.hpp"

#include "src/engine/mysql/binlog/ddl_lexer.hpp"

namespace omsql {

namespace {

// An ALTER TABLE whose only change is its name (`ALGORITHM=`/`LOCK=` say how, not what).
bool alter_only_renames(const ClassifiedStatement& classified) {
  bool renames = false;
  for (const auto& clause : classified.alter) {
    if (clause.action == AlterAction::kRenameTable) renames = true;
    else if (clause.action != AlterAction::kAlgorithmLock) return false;
  }
  return renames;
}

const QualifiedName* find_name(const std::vector<QualifiedName>& names, const QualifiedName& name) {
  for (const auto& n : names)
    if (same_name(n.schema, name.schema) && same_name(n.table, name.table)) return &n;
  return nullptr;
}

}  // namespace

std::vector<RenamePair> rename_pairs(const ClassifiedStatement& classified, const MigratedTables& migrated) {
  std::vector<RenamePair> pairs;
  if (classified.kind != StatementKind::kRenameTable && classified.kind != StatementKind::kAlterTable) return pairs;
  std::vector<QualifiedName> task = migrated.tables();
  const DdlObject* from = nullptr;
  for (const auto& object : classified.objects) {
    if (object.type != ObjectType::kTable) continue;
    if (object.role == ObjectRole::kRenamedFrom) {
      from = &object;
      continue;
    }
    if (object.role != ObjectRole::kRenamedTo || !from) continue;
    RenamePair pair{from->name, object.name, RenamePair::Fate::kOutside};
    from = nullptr;
    const bool takes = migrated.matches_pattern(pair.to) || find_name(migrated.tables(), pair.to);
    if (const QualifiedName* own = find_name(task, pair.from)) {
      pair.from = *own;
      task.erase(task.begin() + (own - task.data()));
      pair.fate = takes ? RenamePair::Fate::kWithin : RenamePair::Fate::kOut;
      if (takes) task.push_back(pair.to);
    } else if (takes && !find_name(task, pair.to)) {
      pair.fate = RenamePair::Fate::kInto;
    }
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

ReplicatedDdl replicated_ddl(const ClassifiedStatement& classified, const DdlDecision& decision,
                             const MigratedTables& migrated) {
  if (decision.action != DdlAction::kStop || decision.scanned) return ReplicatedDdl::kNone;
  if (classified.temporary) return ReplicatedDdl::kNone;
  if (classified.kind == StatementKind::kRenameTable ||
      (classified.kind == StatementKind::kAlterTable && alter_only_renames(classified))) {
    // Every pair that moves a task table is replicated, and so is one that brings a table in: it
    // joins the task, and replay copies its current rows at the statement's barrier (its rows
    // before the statement are not in the binlog the task reads).
    const std::vector<RenamePair> pairs = rename_pairs(classified, migrated);
    bool moves = false;
    for (const auto& pair : pairs) moves = moves || pair.fate != RenamePair::Fate::kOutside;
    return moves ? ReplicatedDdl::kRenameTable : ReplicatedDdl::kNone;
  }
  // One table created (a new one the patterns take, or a task table again: IF NOT EXISTS, OR
  // REPLACE, or a rerun reading the CREATE of a table that joined): the table joins the task.
  if (classified.kind == StatementKind::kCreateTable) return ReplicatedDdl::kCreateTable;
  if (decision.new_table) return ReplicatedDdl::kNone;
  if (classified.kind == StatementKind::kTruncateTable) return ReplicatedDdl::kTruncateTable;
  if (classified.kind == StatementKind::kDropTable) return ReplicatedDdl::kDropTable;
  // DROP DATABASE (or CREATE OR REPLACE DATABASE) of a database holding task tables: each of them
  // is dropped, as by a DROP TABLE listing them.
  if (classified.kind == StatementKind::kDropDatabase ||
      (classified.kind == StatementKind::kCreateDatabase && classified.or_replace))
    return ReplicatedDdl::kDropTable;
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
