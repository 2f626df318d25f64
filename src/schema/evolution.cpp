#include "src/schema/evolution.hpp"

#include <algorithm>

#include "src/common/strings.hpp"
#include "src/schema/ddl.hpp"
#include "src/schema/evolution_alter.hpp"
#include "src/sql/quote.hpp"

namespace omsql {
namespace {

using sql::quote_name;

const ColumnDef* column_of(const TableDef& table, const std::string& name) {
  for (const auto& c : table.columns)
    if (iequals(c.name, name)) return &c;
  return nullptr;
}

// The clauses this translator refuses, whatever the definitions say.
Status check_clauses(const TableJob& job, const ClassifiedStatement& source) {
  for (const auto& clause : source.alter) {
    std::string what = job.source.str() + ": ALTER TABLE ... " + std::string(alter_action_name(clause.action)) +
                       (clause.name.empty() ? "" : " `" + clause.name + "`");
    if (clause.action == AlterAction::kPartitionChange)
      return Status::unsupported(what + ": partitioning changes are not replicated (rows a partition clause removes or "
                                        "moves carry no row events, and the target's partitions were created from the "
                                        "source's as they were): apply it to the target by hand, then mark it applied");
    if (clause.action == AlterAction::kOther)
      return Status::unsupported(what + ": not translated (tablespace, system versioning, periods and the like): "
                                        "apply it to the target by hand, then mark it applied");
  }
  return Status::ok();
}

Result<TargetEvolution> create(const TableJob& after, const ClassifiedStatement& source, const DialectTarget& dialect,
                               const std::vector<TableJob>* tables, bool replace) {
  TargetEvolution out;
  const TableDef& def = after.source_def;
  auto database = schema::create_database_sql(after.target.schema, dialect, def.schema_charset, def.schema_collation,
                                              &out.warnings);
  if (!database) return database.status();
  out.statements.push_back(*database);
  if (replace) out.statements.push_back("DROP TABLE IF EXISTS " + quote_name(after.target));
  auto table = schema::create_table_sql(after, dialect, true);
  if (!table) return table.status().with_context(after.source.str() + ": " + std::string(statement_kind_name(source.kind)));
  out.statements.push_back(table->sql);
  out.warnings.insert(out.warnings.end(), table->warnings.begin(), table->warnings.end());
  std::vector<TableJob> jobs = tables ? *tables : std::vector<TableJob>{};
  jobs.erase(std::remove_if(jobs.begin(), jobs.end(), [&](const TableJob& j) { return j.source == after.source; }),
             jobs.end());
  jobs.push_back(after);
  for (const auto& fk : def.foreign_keys)
    if (!tables && !(fk.referenced == after.source))
      return Status::unsupported(after.source.str() + ": foreign key `" + fk.name + "` references " +
                                 fk.referenced.str() + ": its target name needs the task's tables");
  auto keys = schema::foreign_key_sql(after, jobs, dialect);
  if (!keys) return keys.status();
  if (!keys->sql.empty()) out.statements.push_back(keys->sql);
  out.warnings.insert(out.warnings.end(), keys->warnings.begin(), keys->warnings.end());
  return out;
}

}  // namespace

const char* row_key_change_name(RowKeyChange change) {
  switch (change) {
    case RowKeyChange::kSame: return "same";
    case RowKeyChange::kChanged: return "changed";
    case RowKeyChange::kLost: return "lost";
    case RowKeyChange::kGained: return "gained";
  }
  return "?";
}

RowKeyChange row_key_change(const TableJob& before, const TableJob& after) {
  const bool had = before.key.kind != RowKey::Kind::kNone && !before.key.columns.empty();
  const bool has = after.key.kind != RowKey::Kind::kNone && !after.key.columns.empty();
  if (had && !has) return RowKeyChange::kLost;
  if (!had && has) return RowKeyChange::kGained;
  if (!had) return RowKeyChange::kSame;
  if (before.key.columns.size() != after.key.columns.size()) return RowKeyChange::kChanged;
  for (size_t i = 0; i < before.key.columns.size(); ++i) {
    if (!iequals(before.key.columns[i], after.key.columns[i])) return RowKeyChange::kChanged;
    // Lanes hash the key's canonical bytes and route collation-compared keys whole: a new type or
    // collation may move a key to another lane.
    const ColumnDef* old_column = column_of(before.source_def, before.key.columns[i]);
    const ColumnDef* new_column = column_of(after.source_def, after.key.columns[i]);
    if (!old_column || !new_column || old_column->column_type != new_column->column_type ||
        old_column->collation != new_column->collation)
      return RowKeyChange::kChanged;
  }
  return RowKeyChange::kSame;
}

Result<TargetEvolution> evolve_target(const TableJob* before, const TableJob* after, const ClassifiedStatement& source,
                                      const DialectTarget& dialect, const std::vector<TableJob>* task_tables) {
  const TableJob* job = after ? after : before;
  if (!job) return Status::invalid_argument("evolve_target: neither a table before nor after the statement");
  const std::string where = job->source.str() + ": " + std::string(statement_kind_name(source.kind));
  switch (source.kind) {
    case StatementKind::kCreateTable:
      if (!after) return Status::invalid_argument(where + ": no definition after CREATE TABLE");
      if (before && !source.or_replace) return TargetEvolution{};  // IF NOT EXISTS on a table that exists
      return create(*after, source, dialect, task_tables, before != nullptr);
    case StatementKind::kDropTable:
    case StatementKind::kDropDatabase:
      if (!before) return TargetEvolution{};
      return TargetEvolution{{"DROP TABLE IF EXISTS " + quote_name(before->target)}, {}, RowKeyChange::kSame};
    case StatementKind::kTruncateTable:
      return TargetEvolution{{"TRUNCATE TABLE " + quote_name(job->target)}, {}, RowKeyChange::kSame};
    case StatementKind::kTableMaintenance:
      return TargetEvolution{};
    case StatementKind::kRenameTable:
    case StatementKind::kAlterTable:
    case StatementKind::kCreateIndex:
    case StatementKind::kDropIndex:
      break;
    case StatementKind::kUnknown:
      return Status::unsupported(where + ": the statement was not understood (" + source.unparsed +
                                 "): apply it to the target by hand, then mark it applied");
    default:
      return Status::unsupported(where + ": not a change of a table's definition or rows; not translated");
  }
  OMSQL_RETURN_IF_ERROR(check_clauses(*job, source));
  if (!after) return TargetEvolution{};  // renamed out of the task: the target table stays, no longer fed
  if (!before) return create(*after, source, dialect, task_tables, false);  // renamed into the task
  return evolution_detail::evolve_table(*before, *after, source, dialect, task_tables);
}

Result<std::vector<std::string>> evolve_statements(const TableJob* before, const TableJob* after,
                                                   const ClassifiedStatement& source, const DialectTarget& dialect,
                                                   const std::vector<TableJob>* task_tables) {
  auto evolution = evolve_target(before, after, source, dialect, task_tables);
  if (!evolution) return evolution.status();
  return std::move(evolution->statements);
}

}  // namespace omsql
