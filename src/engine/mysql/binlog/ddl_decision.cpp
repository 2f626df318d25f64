#include "src/engine/mysql/binlog/ddl_decision.hpp"

#include "src/engine/mysql/binlog/ddl_lexer.hpp"
#include "src/engine/mysql/binlog/ddl_scan.hpp"

namespace omsql {

MigratedTables::MigratedTables(std::vector<QualifiedName> tables, std::function<bool(const QualifiedName&)> pattern)
    : tables_(std::move(tables)), pattern_(std::move(pattern)) {}

const QualifiedName* MigratedTables::find(const QualifiedName& table) const {
  for (const auto& t : tables_)
    if (same_name(t.schema, table.schema) && same_name(t.table, table.table)) return &t;
  return nullptr;
}

const QualifiedName* MigratedTables::first_in(std::string_view database) const {
  for (const auto& t : tables_)
    if (same_name(t.schema, database)) return &t;
  return nullptr;
}

namespace {

DdlDecision ignore(std::string reason) { return {DdlAction::kIgnore, {}, std::move(reason), false, false}; }

DdlDecision stop(const QualifiedName& table, std::string reason) {
  return {DdlAction::kStop, table, std::move(reason), false, false};
}

// The old rule for what the classifier cannot vouch for: any migrated table the text names stops.
DdlDecision scan(const ClassifiedStatement& classified, std::string_view statement, std::string_view default_database,
                 const MigratedTables& migrated) {
  const std::string why = classified.kind == StatementKind::kUnknown
                              ? "statement not understood (" + classified.unparsed + ") names it"
                              : std::string(statement_kind_name(classified.kind)) + " written as a statement names it";
  for (const auto& table : migrated.tables()) {
    if (!ddl_touches_table(statement, default_database, table)) continue;
    DdlDecision decision = stop(table, why);
    decision.scanned = true;
    return decision;
  }
  DdlDecision decision = ignore(classified.kind == StatementKind::kUnknown ? "statement not understood, names no migrated table"
                                                                           : "names no migrated table");
  decision.scanned = true;
  return decision;
}

// ALTER TABLE clauses that keep the table's rows and definition: a rebuild, partition
// maintenance, how (ALGORITHM/LOCK) without what.
bool alter_keeps_table(const ClassifiedStatement& classified) {
  for (const auto& clause : classified.alter)
    if (clause.action != AlterAction::kRebuild && clause.action != AlterAction::kPartitionMaintenance &&
        clause.action != AlterAction::kAlgorithmLock)
      return false;
  return true;
}

// "changes it", "drops it", ...: what the statement does to the migrated table it names.
std::string what_happens(const ClassifiedStatement& classified, ObjectRole role) {
  switch (role) {
    case ObjectRole::kCreated: return classified.or_replace ? "replaces it" : "creates it";
    case ObjectRole::kChanged: return classified.kind == StatementKind::kTruncateTable ? "empties it" : "changes it";
    case ObjectRole::kDropped: return "drops it";
    case ObjectRole::kRenamedFrom: return "renames it";
    case ObjectRole::kRenamedTo: return "renames another table to it";
    case ObjectRole::kRead: return "reads it";
  }
  return "touches it";
}

std::string alter_summary(const ClassifiedStatement& classified) {
  std::string text;
  for (const auto& clause : classified.alter) {
    if (!text.empty()) text += ", ";
    text += alter_action_name(clause.action);
    if (!clause.name.empty()) text += " " + clause.name;
  }
  return text;
}

}  // namespace

DdlDecision decide_ddl(const ClassifiedStatement& classified, std::string_view statement,
                       std::string_view default_database, const MigratedTables& migrated) {
  const StatementKind kind = classified.kind;
  const std::string kind_name(statement_kind_name(kind));
  if (kind == StatementKind::kUnknown && classified.next_statement > 0 && classified.next_statement < statement.size()) {
    // Several statements in one event: each is judged on its own, and any stop wins (a loop,
    // not recursion: the text may hold any number of them).
    std::string_view rest = statement;
    size_t next = classified.next_statement;
    for (;;) {
      const std::string_view head = rest.substr(0, next);
      DdlDecision decision = decide_ddl(classify_statement(head, default_database), head, default_database, migrated);
      if (decision.action == DdlAction::kStop || next == 0 || next >= rest.size()) return decision;
      rest = rest.substr(next);
      const ClassifiedStatement following = classify_statement(rest, default_database);
      next = following.kind == StatementKind::kUnknown ? following.next_statement : 0;
      if (next == 0) return decide_ddl(following, rest, default_database, migrated);
    }
  }
  switch (kind) {
    case StatementKind::kUnknown:
    case StatementKind::kInsert:
    case StatementKind::kReplace:
    case StatementKind::kUpdate:
    case StatementKind::kDelete:
    case StatementKind::kLoadData:
      // Statement DML names its written tables anywhere (multi-table UPDATE/DELETE, triggers and
      // functions the replica would run): the scan keeps today's "does it name the table" rule.
      return scan(classified, statement, default_database, migrated);
    case StatementKind::kTableMaintenance:
    case StatementKind::kFlush:
    case StatementKind::kGrant:
    case StatementKind::kRevoke:
    case StatementKind::kAccount:
      return ignore(kind_name + " changes no table's rows or definition");
    case StatementKind::kCreateView:
    case StatementKind::kAlterView:
    case StatementKind::kDropView:
      return ignore(kind_name + " changes no table's rows or definition");
    case StatementKind::kCreateTrigger:
    case StatementKind::kDropTrigger:
    case StatementKind::kCreateProcedure:
    case StatementKind::kAlterProcedure:
    case StatementKind::kDropProcedure:
    case StatementKind::kCreateFunction:
    case StatementKind::kAlterFunction:
    case StatementKind::kDropFunction:
    case StatementKind::kCreateEvent:
    case StatementKind::kAlterEvent:
    case StatementKind::kDropEvent:
      // What their bodies write reaches the binlog as row events of the tables written.
      return ignore(kind_name + " changes no table's rows or definition (what its body writes is logged as rows)");
    case StatementKind::kCreateDatabase:
    case StatementKind::kAlterDatabase:
    case StatementKind::kDropDatabase: {
      const bool drops = kind == StatementKind::kDropDatabase || (kind == StatementKind::kCreateDatabase && classified.or_replace);
      for (const auto& object : classified.objects) {
        const QualifiedName* table = migrated.first_in(object.name.schema);
        if (drops && table)
          return stop(*table, kind_name + (classified.or_replace ? " (OR REPLACE)" : "") + " drops its database " +
                                  object.name.schema);
      }
      if (drops) return ignore(kind_name + " drops no migrated table");
      return ignore(kind_name + (kind == StatementKind::kCreateDatabase ? " creates no table"
                                                                        : " changes defaults for new tables only"));
    }
    default:
      break;
  }
  // Tables and sequences: CREATE/DROP/TRUNCATE/RENAME/ALTER TABLE, CREATE/DROP INDEX, sequences.
  if (classified.temporary)
    return ignore(kind_name + " TEMPORARY: a session's own table, never logged as rows, and it hides the base table only for that session");
  const bool harmless_alter = kind == StatementKind::kAlterTable && alter_keeps_table(classified);
  bool first = true;
  for (const auto& object : classified.objects) {
    const bool altered_table = first && kind == StatementKind::kAlterTable;
    first = false;
    if (object.type != ObjectType::kTable && object.type != ObjectType::kSequence) continue;
    if (object.role == ObjectRole::kRead) continue;
    if (altered_table && harmless_alter) continue;
    if (const QualifiedName* table = migrated.find(object.name)) {
      std::string reason = kind_name + " " + what_happens(classified, object.role);
      if (kind == StatementKind::kAlterTable && !classified.alter.empty()) reason += ": " + alter_summary(classified);
      return stop(*table, reason);
    }
    if (object.role == ObjectRole::kCreated || object.role == ObjectRole::kRenamedTo) {
      if (migrated.matches_pattern(object.name)) {
        DdlDecision decision = stop(object.name, kind_name + " " + what_happens(classified, object.role) +
                                                     ", a table the MIGRATE rules take");
        decision.new_table = true;
        return decision;
      }
    }
  }
  if (harmless_alter) return ignore("ALTER TABLE keeps the table's rows and definition (" + alter_summary(classified) + ")");
  return ignore(kind_name + " touches no migrated table");
}

DdlDecision decide_ddl(std::string_view statement, std::string_view default_database, const MigratedTables& migrated) {
  return decide_ddl(classify_statement(statement, default_database), statement, default_database, migrated);
}

}  // namespace omsql
