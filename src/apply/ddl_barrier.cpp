#include "src/apply/ddl_barrier.hpp"

#include <algorithm>
#include <utility>

#include "src/apply/foreign_keys.hpp"
#include "src/common/strings.hpp"
#include "src/engine/mysql/binlog/ddl_lexer.hpp"
#include "src/model/table_binding.hpp"
#include "src/schema/ddl.hpp"
#include "src/schema/evolution.hpp"
#include "src/sql/quote.hpp"
#include "src/task/start_moment.hpp"

namespace omsql::apply {

DdlBarrier::DdlBarrier(const Plan& plan, std::vector<DepartedTable> departed)
    : plan_(plan), rules_(plan), departed_(std::move(departed)) {}

namespace {

const TableJob* job_of(const Plan& plan, const QualifiedName& source) {
  for (const auto& job : plan.tables)
    if (job.source == source) return &job;
  return nullptr;
}

DdlStep drop_step(const DdlStatement& ddl, std::vector<std::pair<QualifiedName, QualifiedName>> tables) {
  DdlStep step;
  step.action = DdlStep::Action::kApply;
  step.kind = ReplicatedDdl::kDropTable;
  std::string sources, targets;
  for (const auto& [source, target] : tables) {
    step.tables.push_back(source);
    // IF EXISTS: run again after a crash before its checkpoint, it finds the table gone.
    step.statements.push_back("DROP TABLE IF EXISTS " + sql::quote_name(target));
    sources += (sources.empty() ? "" : ", ") + source.str();
    targets += (targets.empty() ? "" : ", ") + target.str();
  }
  const ClassifiedStatement classified = classify_statement(ddl.statement, ddl.schema);
  const bool database = classified.kind == StatementKind::kDropDatabase || classified.kind == StatementKind::kCreateDatabase;
  std::string what = "DROP TABLE " + sources;
  if (database && !classified.objects.empty())
    what = std::string(statement_kind_name(classified.kind)) + (classified.or_replace ? " (OR REPLACE) " : " ") +
           classified.objects.front().name.schema + " (its task tables " + sources + ")";
  step.message = what + " at " + ddl.position.str() + ": dropping " + targets + " on the target; the table leaves the task";
  return step;
}

}  // namespace

namespace {

DdlStep stop_step(const DdlStatement& ddl, const QualifiedName& table, const std::string& why) {
  DdlStep step;
  step.action = DdlStep::Action::kStop;
  step.message = "source DDL on migrated table " + table.str() + " at " + ddl.position.str() + ": \"" + ddl.statement +
                 "\" is not applied: " + why + ". Everything before the statement is applied";
  return step;
}

// ALTER TABLE / CREATE INDEX / DROP INDEX: the target statements from the job before (the table as
// replay binds it now) to the job the rules make of the definition capture recorded after it.
DdlStep alter_step(const Plan& plan, const DdlStatement& ddl, size_t index, const SchemaHistory* history) {
  const TableJob& job = plan.tables[index];
  if (!history) return stop_step(ddl, job.source, "no schema history to take the table's new definition from");
  const std::optional<TableDef> after = history->at(job.source, ddl.position);
  if (!after || !history->recorded_at(job.source, ddl.position))
    return stop_step(ddl, job.source, "capture recorded no definition of the table after it");
  // ENGINE=InnoDB, FORCE, a MODIFY to the type the column has: the server left the definition as
  // it was, so the target has nothing to apply (rows do not depend on a rebuild).
  // The shadow's definition does not carry the database's defaults (an ALTER names none), and its
  // row estimates and AUTO_INCREMENT are the copy's: same_definition leaves those aside.
  TableDef was = history->before(job.source, ddl.position).value_or(job.source_def), now = *after;
  for (TableDef* t : {&was, &now}) {
    t->schema_charset.reset();
    t->schema_collation.reset();
  }
  if (same_definition(now, was)) {
    DdlStep pass;
    pass.message = std::string(statement_kind_name(classify_statement(ddl.statement, ddl.schema).kind)) + " " +
                   job.source.str() + " at " + ddl.position.str() +
                   ": passed, the table's definition after it equals the one before (nothing to apply)";
    return pass;
  }
  auto after_job = bind_table(plan.rules, *after);
  if (!after_job) return stop_step(ddl, job.source, after_job.status().message());
  const ClassifiedStatement classified = classify_statement(ddl.statement, ddl.schema);
  auto evolution = evolve_target(&job, &*after_job, classified, DialectTarget::of(plan.target), &plan.tables);
  if (!evolution) return stop_step(ddl, job.source, evolution.status().message());
  // The statements fill existing rows with the current time (an added DEFAULT CURRENT_TIMESTAMP
  // column and kin): run as they are, the target would write its own clock where the source wrote
  // the statement's time. They run at the source's time, as a replica runs them.
  if (evolution->needs_source_timestamp && !evolution->statements.empty()) {
    auto timed = at_source_time(std::move(evolution->statements), ddl, evolution->needs_source_time_zone);
    if (!timed) return stop_step(ddl, job.source, timed.status().message());
    evolution->statements = std::move(timed).value();
  }
  DdlStep step;
  step.action = DdlStep::Action::kApply;
  step.kind = ReplicatedDdl::kAlterTable;
  step.tables = {job.source};
  step.table_index = index;
  step.statements = std::move(evolution->statements);
  step.before_job = job;
  step.after_job = std::move(after_job).value();
  step.message = std::string(statement_kind_name(classified.kind)) + " " + job.source.str() + " at " +
                 ddl.position.str() + ": " +
                 (step.statements.empty() ? "the target table " + job.target.str() + " does not change"
                                          : std::to_string(step.statements.size()) + " statement(s) on " +
                                                job.target.str());
  for (const auto& warning : evolution->warnings) step.message += "; warning: " + warning;
  return step;
}

// CREATE TABLE of a table the MIGRATE patterns take: the tailer recorded it joining (schema
// history at the statement's position, table-set.json) before it spooled the statement; the target
// table is created by the schema phase's translator from the job the rules make of that definition.
// No record: the table did not join (IF NOT EXISTS of a table that exists, or CREATE TABLE = IGNORE).
DdlStep create_step(const Plan& plan, const DdlStatement& ddl, const QualifiedName& table,
                    const SchemaHistory* history) {
  const ClassifiedStatement classified = classify_statement(ddl.statement, ddl.schema);
  auto stop = [&](const std::string& why) {
    DdlStep step;
    step.action = DdlStep::Action::kStop;
    step.message = "source DDL at " + ddl.position.str() + ": \"" + ddl.statement + "\" creates " + table.str() +
                   ", a table the MIGRATE rules take, and it cannot join the task: " + why +
                   ". Everything before the statement is applied";
    return step;
  };
  if (!history) return stop("no schema history to take its definition from");
  size_t index = plan.tables.size();
  for (size_t i = 0; i < plan.tables.size(); ++i)
    if (same_name(plan.tables[i].source.schema, table.schema) && same_name(plan.tables[i].source.table, table.table))
      index = i;
  const QualifiedName name = index < plan.tables.size() ? plan.tables[index].source : table;
  if (!history->recorded_at(name, ddl.position)) {
    const bool existed = history->before(name, ddl.position).has_value();
    const DdlHandling handling = plan.ddl_policy.handling(StatementKind::kCreateTable, classified.or_replace);
    if ((existed && classified.if_not_exists && !classified.or_replace) || (!existed && handling == DdlHandling::kIgnore)) {
      DdlStep pass;
      pass.message = "CREATE TABLE " + name.str() + " at " + ddl.position.str() + ": passed, " +
                     (existed ? std::string("the table exists (IF NOT EXISTS)")
                              : "the table does not join: " + plan.ddl_policy.explain(StatementKind::kCreateTable));
      return pass;
    }
    return stop("capture recorded no definition of it (a spool written by an omsql that did not replicate CREATE "
                "TABLE?)");
  }
  const std::optional<TableDef> after = history->at(name, ddl.position);
  if (!after) return stop("capture recorded it gone after the statement");
  auto after_job = bind_table(plan.rules, *after);
  if (!after_job) return stop(after_job.status().message());
  // Replay honours FK actions through the graph of the tables it started with (src/apply/
  // foreign_keys.hpp); a new table's actions are not in it, so their cascades would be missed.
  for (const auto& fk : after->foreign_keys) {
    if (fk_action(fk.on_delete) == FkAction::kNone && fk_action(fk.on_update) == FkAction::kNone) continue;
    bool in_task = fk.referenced == after->name;
    for (const auto& job : plan.tables) in_task = in_task || job.source == fk.referenced;
    if (in_task)
      return stop("its foreign key `" + fk.name + "` to " + fk.referenced.str() + " has an ON DELETE/UPDATE action, "
                  "and replay cannot yet honour the actions of a table that joins in the live link (its cascades "
                  "would be missed). Create it on the target by hand and run again with --recopy, or EXCLUDE it");
  }
  const bool replaces = classified.or_replace && history->before(name, ddl.position).has_value();
  if (replaces && plan.options.on_exists == OnExists::kAppend)
    return stop("CREATE OR REPLACE drops the table first, and the task writes into target tables that held rows of "
                "their own (on_exists = 'append'), which omsql never drops");
  ClassifiedStatement create = classified;
  create.or_replace = replaces;
  const TableJob* before_job = replaces && index < plan.tables.size() ? &plan.tables[index] : nullptr;
  auto evolution = evolve_target(before_job, &*after_job, create, DialectTarget::of(plan.target), &plan.tables);
  if (!evolution) return stop(evolution.status().message());
  DdlStep step;
  step.action = DdlStep::Action::kApply;
  step.kind = ReplicatedDdl::kCreateTable;
  step.tables = {name};
  step.table_index = index;
  step.statements = std::move(evolution->statements);
  step.after_job = std::move(after_job).value();
  step.message = "CREATE TABLE " + name.str() + " at " + ddl.position.str() + ": " +
                 (replaces ? "replacing " : "creating ") + step.after_job->target.str() +
                 " on the target; the table joins the task";
  for (const auto& warning : evolution->warnings) step.message += "; warning: " + warning;
  return step;
}


// RENAME TABLE (or ALTER TABLE ... RENAME TO) moving task tables: within the MIGRATE patterns
// the target tables are renamed to the new names' targets in one statement (MariaDB renames all
// pairs or none), out of them a table leaves the task and its target table stays. Its job under the
// new name is the definition capture recorded there.
DdlStep rename_step(const Plan& plan, const DdlStatement& ddl, const DdlReplication& replication,
                    const SchemaHistory* history) {
  auto stop = [&](const std::string& why) {
    DdlStep step;
    step.action = DdlStep::Action::kStop;
    step.message = "source DDL at " + ddl.position.str() + ": \"" + ddl.statement + "\" renames task tables: " + why +
                   ". Everything before the statement is applied";
    return step;
  };
  if (!history) return stop("the task keeps no schema history to take their definitions from");
  if (plan.options.on_exists == OnExists::kAppend)
    return stop("the task writes into target tables that held rows of their own (on_exists = 'append'), which omsql "
                "does not rename. Rename the target tables by hand, then `omsrun ddl applied`");
  // Where each task table ends (its Plan index -> the name it has after the statement, or none).
  struct Move {
    size_t index;
    QualifiedName current;
    bool left = false;
  };
  std::vector<Move> moves;
  std::vector<QualifiedName> occupied;  // the target tables as the statement's pairs leave them
  for (const auto& job : plan.tables) occupied.push_back(job.target);
  auto occupied_at = [&](const QualifiedName& name) {
    return std::find(occupied.begin(), occupied.end(), name);
  };
  DdlStep step;
  std::string renames, leaves;
  std::vector<const RenamePair*> into;
  for (const auto& pair : replication.renames) {
    if (pair.fate == RenamePair::Fate::kInto) {
      into.push_back(&pair);
      continue;
    }
    Move* move = nullptr;
    for (auto& m : moves)
      if (!m.left && same_name(m.current.schema, pair.from.schema) && same_name(m.current.table, pair.from.table)) move = &m;
    if (!move) {
      const TableJob* job = job_of(plan, pair.from);
      if (!job) return stop(pair.from.str() + " is not a table of the task here");
      moves.push_back(Move{static_cast<size_t>(job - plan.tables.data()), pair.from});
      move = &moves.back();
    }
    const TableJob& job = plan.tables[move->index];
    // Replay honours FK actions through a graph of the task's tables by name, and the children's
    // definitions name their parents: neither follows a rename yet.
    for (const auto& other : plan.tables)
      for (const auto& fk : other.source_def.foreign_keys)
        if (fk.referenced == job.source || &other == &job)
          return stop(job.source.str() + " is in a foreign key (" + other.source.str() + " `" + fk.name +
                      "`), and the link does not follow a rename of such a table yet. Rename the target tables by "
                      "hand, then `omsrun ddl applied` and run again with --recopy, or --recopy alone");
    if (pair.fate == RenamePair::Fate::kOut) {
      move->left = true;
      leaves += (leaves.empty() ? "" : ", ") + pair.from.str() + " (renamed to " + pair.to.str() + ")";
      continue;
    }
    const QualifiedName from_target =
        move->current == job.source ? job.target : plan.rules.fate_of(move->current).target;
    const QualifiedName to_target = plan.rules.fate_of(pair.to).target;
    move->current = pair.to;
    if (from_target == to_target) continue;
    auto at = occupied_at(to_target);
    if (at != occupied.end())
      return stop("its target " + to_target.str() + " is a table the task keeps there at that moment (another task "
                  "table's, or one renamed out of the task that stays). Rename or drop it on the target by hand, then "
                  "`omsrun ddl applied`");
    if (auto from = occupied_at(from_target); from != occupied.end()) *from = to_target;
    else occupied.push_back(to_target);
    step.target_moves.emplace_back(from_target, to_target);
    renames += (renames.empty() ? "" : ", ") + from_target.str() + " to " + to_target.str();
  }
  for (const auto& move : moves) {
    DdlStep::Renamed renamed{move.index, std::nullopt};
    if (!move.left) {
      const std::optional<TableDef> after = history->at(move.current, ddl.position);
      if (!after || !history->recorded_at(move.current, ddl.position))
        return stop("capture recorded no definition of " + move.current.str() + " after it");
      auto job = bind_table(plan.rules, *after);
      if (!job) return stop(job.status().with_context(move.current.str()).message());
      renamed.job = std::move(job).value();
    }
    step.renamed.push_back(std::move(renamed));
  }
  if (!step.target_moves.empty()) {
    const Dialect dialect = plan.target.dialect;
    std::vector<std::string> databases;
    for (const auto& [from, to] : step.target_moves) {
      if (same_name(from.schema, to.schema) ||
          std::any_of(databases.begin(), databases.end(), [&](const std::string& d) { return same_name(d, to.schema); }))
        continue;
      databases.push_back(to.schema);
      std::optional<std::string> charset, collation;
      for (const auto& r : step.renamed)
        if (r.job && r.job->target == to) charset = r.job->source_def.schema_charset, collation = r.job->source_def.schema_collation;
      auto create = schema::create_database_sql(to.schema, dialect, charset, collation, nullptr);
      if (!create) return stop(create.status().message());
      step.statements.push_back(std::move(create).value());
    }
    std::string rename = "RENAME TABLE ";
    for (size_t i = 0; i < step.target_moves.size(); ++i)
      rename += (i ? ", " : "") + sql::quote_name(step.target_moves[i].first) + " TO " +
                sql::quote_name(step.target_moves[i].second);
    step.statements.push_back(std::move(rename));
  }
  std::string joins;
  if (into.size() > 1)
    return stop("it renames " + std::to_string(into.size()) + " tables into the MIGRATE patterns, and the link copies "
                "one table renamed in per statement. Run again with --recopy, or EXCLUDE them");
  if (!into.empty()) {
    // A table renamed into the patterns joins the task: its target table is created after the
    // renames, and the replayer copies its current rows at the barrier (src/task/table_copies.hpp).
    const RenamePair& pair = *into.front();
    const std::optional<TableDef> after = history->at(pair.to, ddl.position);
    if (!after || !history->recorded_at(pair.to, ddl.position))
      return stop("capture recorded no definition of " + pair.to.str() + ", renamed into the MIGRATE patterns");
    auto job = bind_table(plan.rules, *after);
    if (!job) return stop(job.status().with_context(pair.to.str()).message());
    for (const auto& fk : after->foreign_keys) {
      if (fk_action(fk.on_delete) == FkAction::kNone && fk_action(fk.on_update) == FkAction::kNone) continue;
      bool in_task = fk.referenced == after->name;
      for (const auto& other : plan.tables) in_task = in_task || other.source == fk.referenced;
      if (in_task)
        return stop(pair.to.str() + " (renamed into the MIGRATE patterns) has the foreign key `" + fk.name + "` to " +
                    fk.referenced.str() + " with an ON DELETE/UPDATE action, and replay cannot yet honour the actions "
                    "of a table that joins in the live link. Run again with --recopy, or EXCLUDE it");
    }
    for (const auto& other : plan.tables)
      for (const auto& fk : other.source_def.foreign_keys)
        if (same_name(fk.referenced.schema, pair.to.schema) && same_name(fk.referenced.table, pair.to.table))
          return stop(pair.to.str() + " (renamed into the MIGRATE patterns) is the parent of " + other.source.str() +
                      "'s foreign key `" + fk.name + "`, and replay's FK graph does not take a table that joins in the "
                      "live link. Run again with --recopy, or EXCLUDE it");
    if (occupied_at(job->target) != occupied.end())
      return stop("the target of " + pair.to.str() + " (renamed into the MIGRATE patterns), " + job->target.str() +
                  ", is a table the task keeps there at that moment (another task table's, or one renamed out of the "
                  "task that stays, as a cut-over `RENAME TABLE t TO _t_old, _t_new TO t` of an EXCLUDEd _t_new "
                  "leaves it). Let the MIGRATE take such helper tables (they then join at their CREATE and the "
                  "cut-over renames within the task), or drop the target table by hand, then run again");
    const ClassifiedStatement classified = classify_statement(ddl.statement, ddl.schema);
    auto evolution = evolve_target(nullptr, &*job, classified, DialectTarget::of(plan.target), &plan.tables);
    if (!evolution) return stop(evolution.status().message());
    step.join_statements = std::move(evolution->statements);
    for (const auto& warning : evolution->warnings) joins += "; warning: " + warning;
    joins = pair.from.str() + " renamed to " + pair.to.str() + " joins the task: creating " + job->target.str() +
            " on the target, then copying its rows (replay waits for the copy)" + joins;
    step.table_index = plan.tables.size();
    step.after_job = std::move(job).value();
  }
  step.action = DdlStep::Action::kApply;
  step.kind = ReplicatedDdl::kRenameTable;
  step.tables = replication.tables;
  step.message = std::string(statement_kind_name(classify_statement(ddl.statement, ddl.schema).kind)) + " at " +
                 ddl.position.str() + ": ";
  if (!renames.empty()) step.message += "renaming " + renames + " on the target";
  else if (leaves.empty() && into.empty()) step.message += "the target names stay (the MAP gives the new names the same targets)";
  if (!leaves.empty())
    step.message += std::string(renames.empty() ? "" : "; ") + leaves +
                    " leaves the task: the MIGRATE rules do not take the new name; its target table stays as it is";
  if (!joins.empty()) step.message += (renames.empty() && leaves.empty() ? "" : "; ") + joins;
  return step;
}

}  // namespace

DdlStep DdlBarrier::step(const DdlStatement& ddl, const ReplayGroup& group, const SchemaHistory* history) const {
  DdlStep step = replicated_step(ddl, group, history);
  if (step.action != DdlStep::Action::kApply) return step;
  // The script's DDL policy (src/model/ddl_policy.hpp) decides what a statement the link can apply
  // does: apply it, pass it, or stop here with everything before it applied.
  const ClassifiedStatement classified = classify_statement(ddl.statement, ddl.schema);
  const DdlHandling handling = plan_.ddl_policy.handling(classified.kind, classified.or_replace);
  if (handling == DdlHandling::kApply) return step;
  const std::string kind(statement_kind_name(classified.kind));
  const QualifiedName table = step.tables.empty() ? QualifiedName{} : step.tables.front();
  if (handling == DdlHandling::kStop)
    return stop_step(ddl, table,
                     plan_.ddl_policy.explain(classified.kind) + ". To apply it, give the script's MIGRATE DDL (" +
                         kind + " = APPLY); to pass it and keep the target as it is, DDL (" + kind +
                         " = IGNORE); then run again");
  // A table that joined in capture (CREATE TABLE = IGNORE keeps it out there): passing it would
  // leave its rows without a target table.
  if (step.kind == ReplicatedDdl::kCreateTable)
    return stop_step(ddl, table,
                     "the script's DDL policy says CREATE TABLE = IGNORE, but capture recorded the table joining "
                     "the task (under an earlier policy). Apply it (DDL (CREATE TABLE = APPLY)), then run again");
  // IGNORE: the target keeps its definition. Replay goes on writing the columns it wrote, so a
  // statement that changes them cannot be passed (the rows after it would not fit the target).
  if (step.before_job && step.after_job && step.before_job->columns != step.after_job->columns)
    return stop_step(ddl, table,
                     "the script's DDL policy says " + kind + " = IGNORE, but the statement changes the columns "
                     "replay writes to " + step.before_job->target.str() +
                     ", which the target table would not have. Apply it (DDL (" + kind +
                     " = APPLY)), or change the target table by hand and mark it applied, then run again");
  const std::string passed = kind + " " + table.str() + " at " + ddl.position.str() +
                             ": passed, the script's DDL policy says " + kind + " = IGNORE";
  if (step.kind == ReplicatedDdl::kAlterTable && step.before_job && step.after_job) {
    // As `omsrun ddl skip`: a barrier that runs nothing on the target and rebinds the table to the
    // definition after it, as a rerun binds it from the schema history; the next ALTER's target
    // statements then lead from that definition and leave the pieces passed here alone.
    step.statements.clear();
    step.message = passed + "; the target table " + step.before_job->target.str() + " keeps its definition";
    return step;
  }
  DdlStep pass;
  pass.action = DdlStep::Action::kPass;
  pass.message = passed;
  return pass;
}

DdlStep DdlBarrier::replicated_step(const DdlStatement& ddl, const ReplayGroup& group,
                                    const SchemaHistory* history) const {
  DdlStep step;
  // What the tailer would have stopped for (a spool written before the rule changed, or a
  // statement it spooled for the replayer to stop at): stop here, after everything before it.
  if (auto stop = rules_.on_statement(ddl)) {
    step.action = DdlStep::Action::kStop;
    step.message = stop->message;
    return step;
  }
  const DdlReplication replication = rules_.replication_of(ddl);
  if (replication.kind == ReplicatedDdl::kCreateTable && !replication.tables.empty())
    return create_step(plan_, ddl, replication.tables.front(), history);
  if (replication.kind == ReplicatedDdl::kRenameTable) return rename_step(plan_, ddl, replication, history);
  if (replication.kind == ReplicatedDdl::kNone) {
    // A rerun after the tailer recorded a DROP: the plan no longer has the table; table-set.json
    // says where it left and which target table it had.
    std::vector<std::pair<QualifiedName, QualifiedName>> departed;
    for (const auto& d : departed_)
      if (d.position == ddl.position) departed.emplace_back(d.source, d.target);
    if (!departed.empty()) return drop_step(ddl, std::move(departed));
    return step;
  }
  std::vector<std::pair<QualifiedName, QualifiedName>> tables;
  for (const auto& source : replication.tables) {
    const TableJob* job = job_of(plan_, source);
    if (!job) continue;  // not reached: the rules name only plan tables
    // The table's copy was read in one snapshot taken at or after the DDL: it holds its effect,
    // and the changes up to the snapshot are skipped, so emptying it would remove rows they made.
    if (replication.kind == ReplicatedDdl::kTruncateTable && group.in_snapshot(job - plan_.tables.data(), ddl.position))
      continue;
    tables.emplace_back(job->source, job->target);
  }
  if (tables.empty()) return step;
  if (plan_.options.on_exists == OnExists::kAppend && replication.kind != ReplicatedDdl::kAlterTable) {
    // The target tables held rows of their own before the task: emptying or dropping them would
    // destroy what the source never had.
    step.action = DdlStep::Action::kStop;
    step.message = "source DDL on migrated table " + tables.front().first.str() + " at " + ddl.position.str() +
                   ": \"" + ddl.statement + "\" is not applied to the target table " + tables.front().second.str() +
                   ": the task writes into target tables that held rows of their own (on_exists = 'append'), "
                   "which omsql never empties or drops. Everything before the statement is applied";
    return step;
  }
  switch (replication.kind) {
    case ReplicatedDdl::kTruncateTable: {
      const auto& [source, target] = tables.front();
      step.action = DdlStep::Action::kApply;
      step.kind = replication.kind;
      step.tables = {source};
      step.statements.push_back("TRUNCATE TABLE " + sql::quote_name(target));
      step.message = "TRUNCATE TABLE " + source.str() + " at " + ddl.position.str() + ": emptying " + target.str() +
                     " on the target";
      break;
    }
    case ReplicatedDdl::kDropTable:
      return drop_step(ddl, std::move(tables));
    case ReplicatedDdl::kAlterTable:
      return alter_step(plan_, ddl, static_cast<size_t>(job_of(plan_, tables.front().first) - plan_.tables.data()),
                        history);
    case ReplicatedDdl::kCreateTable:  // create_step, above
    case ReplicatedDdl::kRenameTable:  // rename_step, above
    case ReplicatedDdl::kNone:
      break;
  }
  return step;
}

void DdlBarrier::applied(const DdlStep& step) {
  if (step.kind == ReplicatedDdl::kCreateTable && step.after_job) rules_.join(step.after_job->source_def, step.after_job->replayed_columns());
  if (step.kind == ReplicatedDdl::kRenameTable) {
    for (const auto& table : step.tables) rules_.forget(table);
    for (const auto& renamed : step.renamed)
      if (renamed.job) rules_.join(renamed.job->source_def, renamed.job->replayed_columns());
    if (step.after_job) rules_.join(step.after_job->source_def, step.after_job->replayed_columns());
    return;
  }
  if (step.kind != ReplicatedDdl::kDropTable) return;
  for (const auto& table : step.tables) rules_.forget(table);
}

}  // namespace omsql::apply
