#include "src/engine/mysql/binlog/capture.hpp"

#include <algorithm>
#include <cstdio>

#include "src/engine/mysql/binlog/ddl_decision.hpp"
#include "src/engine/mysql/binlog/ddl_lexer.hpp"
#include "src/engine/mysql/binlog/ddl_replication.hpp"
#include "src/engine/mysql/binlog/ddl_scan.hpp"

namespace omsql {

CaptureRules::CaptureRules(const Plan& plan) : rules_(&plan.rules) {
  for (const auto& job : plan.tables) {
    wanted_.insert(job.source);
    definitions_[job.source] = job.source_def;
    std::vector<bool> replayed = job.replayed_columns();
    if (std::find(replayed.begin(), replayed.end(), false) != replayed.end()) replayed_[job.source] = std::move(replayed);
  }
  rebuild_migrated();
}

void CaptureRules::rebuild_migrated() {
  // Names in statements may be spelled in another case than the catalog's: a false "taken" stops
  // the link, a false "not taken" would let the new table's rows go missing silently.
  migrated_ = MigratedTables({wanted_.begin(), wanted_.end()},
                             [rules = rules_](const QualifiedName& table) { return rules->takes(table, true); });
}

const TableDef* CaptureRules::definition(const QualifiedName& table) const {
  auto it = definitions_.find(table);
  return it == definitions_.end() ? nullptr : &it->second;
}

std::optional<std::pair<std::optional<std::string>, std::optional<std::string>>> CaptureRules::database_defaults(
    std::string_view database) const {
  for (const auto& [name, def] : definitions_)
    if (same_name(name.schema, database) && (def.schema_charset || def.schema_collation))
      return std::make_pair(def.schema_charset, def.schema_collation);
  return std::nullopt;
}

void CaptureRules::join(const TableDef& definition, std::vector<bool> replayed) {
  wanted_.insert(definition.name);
  set_definition(definition, std::move(replayed));
  rebuild_migrated();
}

void CaptureRules::set_definition(const TableDef& definition, std::vector<bool> replayed) {
  const QualifiedName table = definition.name;
  if (!wanted_.count(table)) return;
  definitions_[table] = definition;
  if (std::find(replayed.begin(), replayed.end(), false) != replayed.end())
    replayed_[table] = std::move(replayed);
  else
    replayed_.erase(table);
}

void CaptureRules::renamed(const SourcePosition& at, const std::vector<QualifiedName>& gone,
                           const std::vector<std::pair<TableDef, std::vector<bool>>>& arrived) {
  if (renamed_at_ && *renamed_at_ == at) return;  // read again: the rules already follow it
  before_rename_ = migrated_;
  renamed_at_ = at;
  for (const auto& table : gone) {
    wanted_.erase(table);
    definitions_.erase(table);
    replayed_.erase(table);
  }
  for (const auto& [definition, replayed] : arrived) {
    wanted_.insert(definition.name);
    set_definition(definition, replayed);
  }
  rebuild_migrated();
}

void CaptureRules::forget(const QualifiedName& table) {
  wanted_.erase(table);
  definitions_.erase(table);
  replayed_.erase(table);
  rebuild_migrated();
}

BinlogDecoderOptions CaptureRules::decoder_options() const {
  BinlogDecoderOptions options;
  options.wanted = [this](const QualifiedName& table) { return wanted_.count(table) > 0; };
  options.table_definition = [this](const QualifiedName& table) -> const TableDef* {
    auto it = definitions_.find(table);
    return it == definitions_.end() ? nullptr : &it->second;
  };
  options.kept_columns = [this](const QualifiedName& table) -> const std::vector<bool>* {
    auto it = replayed_.find(table);
    return it == replayed_.end() ? nullptr : &it->second;
  };
  return options;
}

DdlReplication CaptureRules::replication_of(const DdlStatement& ddl) const {
  const MigratedTables& migrated = migrated_at(ddl.position);
  const ClassifiedStatement classified = classify_statement(ddl.statement, ddl.schema);
  const DdlDecision decision = decide_ddl(classified, ddl.statement, ddl.schema, migrated);
  DdlReplication replication{replicated_ddl(classified, decision, migrated), {}, {}};
  if (replication.kind == ReplicatedDdl::kNone) return replication;
  if (replication.kind == ReplicatedDdl::kRenameTable) {
    // The task tables it moves (within the patterns or out of them), and the table it brings into
    // them under its new name, in statement order.
    for (auto& pair : rename_pairs(classified, migrated)) {
      if (pair.fate == RenamePair::Fate::kOutside) continue;
      replication.tables.push_back(pair.fate == RenamePair::Fate::kInto ? pair.to : pair.from);
      replication.renames.push_back(std::move(pair));
    }
    return replication;
  }
  // Every migrated table the statement changes or drops (DROP TABLE may list several); the table
  // a CREATE TABLE creates, a new one by the statement's name.
  for (const auto& object : classified.objects) {
    if (object.type == ObjectType::kDatabase && replication.kind == ReplicatedDdl::kDropTable) {
      for (const auto& table : migrated.tables())  // every task table of the database dropped
        if (same_name(table.schema, object.name.schema) &&
            std::find(replication.tables.begin(), replication.tables.end(), table) == replication.tables.end())
          replication.tables.push_back(table);
      continue;
    }
    if (object.type != ObjectType::kTable || object.role == ObjectRole::kRead) continue;
    if (replication.kind == ReplicatedDdl::kCreateTable && object.role == ObjectRole::kCreated) {
      const QualifiedName* table = migrated_.find(object.name);
      replication.tables.push_back(table ? *table : object.name);
      break;
    }
    const QualifiedName* table = migrated_.find(object.name);
    if (table && std::find(replication.tables.begin(), replication.tables.end(), *table) == replication.tables.end())
      replication.tables.push_back(*table);
  }
  return replication;
}

std::optional<CaptureStop> CaptureRules::on_statement(const DdlStatement& ddl) const {
  const MigratedTables& migrated = migrated_at(ddl.position);
  const ClassifiedStatement classified = classify_statement(ddl.statement, ddl.schema);
  const DdlDecision decision = decide_ddl(classified, ddl.statement, ddl.schema, migrated);
  if (decision.action == DdlAction::kIgnore) return std::nullopt;
  // Replicated: spooled like any statement; the replayer applies it at its place (a barrier).
  if (replicated_ddl(classified, decision, migrated) != ReplicatedDdl::kNone) return std::nullopt;
  const std::string table = decision.table.str();
  if (is_statement_dml(ddl.statement))
    return CaptureStop{true, "statement-based change of migrated table " + table + " at " + ddl.position.str() +
                                 ": \"" + ddl.statement +
                                 "\" — a session wrote it with binlog_format=STATEMENT or MIXED, so "
                                 "the binlog holds no row images to replay; set binlog_format=ROW for "
                                 "every session (SET GLOBAL and the applications' SET SESSION)"};
  if (decision.new_table) {
    // An ALTER TABLE that renames another table into the patterns and changes it too (a RENAME
    // TABLE into them, and a CREATE of a table they take, are replicated above): the in-link copy
    // that lets a renamed table join takes the table as it is after a rename alone.
    const TableFate fate = rules_->fate_of(decision.table);
    const std::string target = fate.migrated && fate.target != decision.table ? " (to " + fate.target.str() + ")" : "";
    return CaptureStop{false, "source DDL at " + ddl.position.str() + " brings table " + table +
                                  " into the task's MIGRATE patterns" + target + ": \"" + ddl.statement + "\" (" +
                                  decision.reason + ") — table " + table +
                                  " cannot join the task: it joins with the rows it already has, which the binlog "
                                  "does not hold, and the link copies them only for a rename alone (RENAME TABLE, or "
                                  "ALTER TABLE ... RENAME TO with no other change); going on would leave them missing "
                                  "on the target. To migrate it, run again with --recopy (copies every table of the "
                                  "task again); to leave it out, add EXCLUDE " + table + " to the script's MIGRATE and "
                                  "run again",
                       true};
  }
  return CaptureStop{false, "source DDL on migrated table " + table + " at " + ddl.position.str() + ": \"" +
                                ddl.statement + "\" (" + decision.reason +
                                ") — applying DDL during sync is not supported; stop, migrate the "
                                "change by hand, and rerun",
                     true};
}

}  // namespace omsql
