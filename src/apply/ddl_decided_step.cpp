#include "src/apply/ddl_decided_step.hpp"

#include <algorithm>
#include <set>

#include "src/engine/mysql/binlog/ddl_parse.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/model/table_binding.hpp"
#include "src/schema/evolution.hpp"
#include "src/sql/quote.hpp"

namespace omsql::apply {

namespace {

const TableJob* job_of(const Plan& plan, const QualifiedName& source) {
  for (const auto& job : plan.tables)
    if (job.source == source) return &job;
  return nullptr;
}

// "ALTER TABLE s.t": the statement's kind and the first table it changes, for the log.
std::string kind_text(const DdlStatement& ddl, const std::vector<QualifiedName>& tables) {
  return std::string(statement_kind_name(classify_statement(ddl.statement, ddl.schema).kind)) +
         (tables.empty() ? "" : " " + tables.front().str());
}

DdlStep stop(const DdlStatement& ddl, const std::string& why) {
  DdlStep step;
  step.action = DdlStep::Action::kStop;
  step.message = "source DDL at " + ddl.position.str() + ": \"" + ddl.statement + "\": " + why +
                 ". Everything before the statement is applied";
  return step;
}

// The definition capture recorded for `source` at the statement, and the job the rules make of it.
Result<TableJob> job_after(const Plan& plan, const QualifiedName& source, const DdlStatement& ddl,
                           const SchemaHistory* history) {
  if (!history) return Status::invalid_argument("the task keeps no schema history to take " + source.str() + "'s new definition from");
  const std::optional<TableDef> after = history->at(source, ddl.position);
  if (!after || !history->recorded_at(source, ddl.position))
    return Status::invalid_argument("capture recorded no definition of " + source.str() + " after it");
  auto job = bind_table(plan.rules, *after);
  if (!job) return job.status().with_context(source.str() + " after the statement");
  return job;
}

// The tables a DROP left the task with at this statement (a rerun's plan no longer has them).
std::vector<DepartedTable> departed_at(const DdlBarrier& barrier, const DdlStatement& ddl) {
  std::vector<DepartedTable> out;
  for (const auto& d : barrier.departed())
    if (d.position == ddl.position) out.push_back(d);
  return out;
}

// The columns replay writes, as "`a`, `b`" (their target names), for messages.
std::string target_column_list(const TableJob& job) {
  std::string out;
  for (const auto& c : job.columns) out += (out.empty() ? "`" : ", `") + c.target + "`";
  return out;
}

DdlStep skip_step(const DdlBarrier& barrier, const Plan& plan, const DdlStatement& ddl, const SchemaHistory* history) {
  DdlStep step;
  step.action = DdlStep::Action::kApply;
  const DdlReplication replication = barrier.rules().replication_of(ddl);
  step.kind = replication.kind;
  step.tables = replication.tables;
  if (replication.kind == ReplicatedDdl::kNone)
    for (const auto& d : departed_at(barrier, ddl)) {
      step.kind = ReplicatedDdl::kDropTable;
      step.tables.push_back(d.source);
    }
  // A CREATE TABLE capture stopped before (it recorded no definition): skipped, the table does not
  // join, and capture does not decode its rows.
  if (replication.kind == ReplicatedDdl::kCreateTable && history && !replication.tables.empty() &&
      !history->recorded_at(replication.tables.front(), ddl.position)) {
    step.kind = ReplicatedDdl::kNone;
    step.message = kind_text(ddl, step.tables) + " at " + ddl.position.str() +
                   ": skipped (omsrun ddl skip): the table does not join the task";
    return step;
  }
  // A table that joined in capture is decoded from its CREATE on: without its target table the
  // rows after it could not be applied.
  if (replication.kind == ReplicatedDdl::kCreateTable)
    return stop(ddl, "`omsrun ddl skip` cannot pass a CREATE TABLE of a table that joined the task in capture (its "
                     "rows after it need the target table). Create the table on the target by hand, then `omsrun ddl "
                     "applied`; or EXCLUDE it and run again with --recopy");
  if (replication.kind == ReplicatedDdl::kRenameTable) {
    // The tables renamed within the patterns come under their new names after it: without the
    // target tables renamed, their rows would have nowhere to go. One renamed out only leaves.
    DdlStep renamed = barrier.replicated_step(ddl, ReplayGroup(plan, FkGraph{}), history);
    if (renamed.action != DdlStep::Action::kApply) return renamed;
    if (renamed.after_job)
      return stop(ddl, "`omsrun ddl skip` cannot pass a RENAME TABLE that brings " + renamed.after_job->source.str() +
                       " into the task (capture decodes its rows from there on, and they need its target table and "
                       "its copy). EXCLUDE it and run again; or `omsrun ddl retry`");
    if (!renamed.statements.empty())
      return stop(ddl, "`omsrun ddl skip` cannot pass a RENAME TABLE that renames tables within the task (their rows "
                       "after it need the renamed target tables). Rename them on the target by hand, then `omsrun ddl "
                       "applied`; or `omsrun ddl retry`");
    renamed.message += " (omsrun ddl skip: nothing to run on the target)";
    return renamed;
  }
  step.message = kind_text(ddl, step.tables) + " at " + ddl.position.str() + ": skipped (omsrun ddl skip): not applied to the target";
  if (replication.kind != ReplicatedDdl::kAlterTable || replication.tables.empty()) return step;
  const TableJob* before = job_of(plan, replication.tables.front());
  if (!before) return step;
  // The rows after the statement are laid out by the definition capture recorded: replay reads
  // them by it.
  auto after = job_after(plan, before->source, ddl, history);
  if (!after) {
    step.message += "; " + after.status().message() + ", so replay goes on reading its rows as before";
    return step;
  }
  // Replay goes on writing the columns it wrote: a statement that changes them cannot be passed,
  // since the rows after it would not fit the target (and a rerun rebinds the table from the
  // history, so a narrowed job would not last). As the policy's IGNORE.
  if (after->columns != before->columns)
    return stop(ddl, "`omsrun ddl skip` cannot pass it: it changes the columns replay writes to " +
                         before->target.str() + " (" + target_column_list(*before) + " before, " +
                         target_column_list(*after) + " after), which the target table would not have. Change "
                         "the target table by hand as the statement does, then `omsrun ddl applied`; or `omsrun ddl "
                         "retry` applies it");
  step.table_index = static_cast<size_t>(before - plan.tables.data());
  step.before_job = *before;
  step.after_job = std::move(after).value();
  step.message += "; the target table " + before->target.str() + " keeps its definition";
  return step;
}

DdlStep applied_step(const DdlBarrier& barrier, const Plan& plan, const DdlStatement& ddl,
                     const SchemaHistory* history) {
  if (barrier.rules().replication_of(ddl).kind == ReplicatedDdl::kRenameTable) {
    // The target tables must be renamed as the statement renames them; the checkpoint moves only.
    DdlStep step = barrier.replicated_step(ddl, ReplayGroup(plan, FkGraph{}), history);
    if (step.action != DdlStep::Action::kApply) return step;
    auto expect = target_expectations(barrier, plan, ddl, history);
    if (!expect) return stop(ddl, "`omsrun ddl applied` cannot be carried out: " + expect.status().message());
    step.expect = std::move(expect).value();
    step.statements.clear();
    step.join_statements.clear();
    step.target_moves.clear();
    step.message = kind_text(ddl, step.tables) + " at " + ddl.position.str() +
                   ": applied on the target by hand (omsrun ddl applied); the target is as the statement leaves it";
    return step;
  }
  auto expect = target_expectations(barrier, plan, ddl, history);
  if (!expect)
    return stop(ddl, "`omsrun ddl applied` cannot be carried out: " + expect.status().message() +
                         ". If the target needs nothing more, `omsrun ddl skip` passes it");
  DdlStep step;
  step.action = DdlStep::Action::kApply;
  const DdlReplication replication = barrier.rules().replication_of(ddl);
  step.kind = replication.kind;
  step.tables = replication.tables;
  for (const auto& e : *expect) {
    if (e.what == TargetExpectation::What::kAbsent && replication.kind == ReplicatedDdl::kNone) {
      step.kind = ReplicatedDdl::kDropTable;
      step.tables.push_back(e.source);
    }
    if (e.what == TargetExpectation::What::kDefinition && e.job) {
      if (const TableJob* before = job_of(plan, e.source)) {
        step.table_index = static_cast<size_t>(before - plan.tables.data());
        if (replication.kind != ReplicatedDdl::kCreateTable) step.before_job = *before;
        step.after_job = *e.job;
      } else if (replication.kind == ReplicatedDdl::kCreateTable) {
        step.table_index = plan.tables.size();  // the table joins: the replayer appends its job
        step.after_job = *e.job;
      }
    }
  }
  step.expect = std::move(expect).value();
  step.message = kind_text(ddl, step.tables) + " at " + ddl.position.str() +
                 ": applied on the target by hand (omsrun ddl applied); the target is as the statement leaves it";
  return step;
}

}  // namespace

DdlStep decided_step(const DdlBarrier& barrier, const Plan& plan, const DdlStatement& ddl, const ReplayGroup& group,
                     const SchemaHistory* history, const std::optional<DdlResolution>& resolution) {
  if (!resolution || !ddl_resolution_matches(*resolution, ddl.position, ddl.statement))
    return barrier.step(ddl, group, history);
  switch (resolution->kind) {
    case DdlResolutionKind::kSkip:
      return skip_step(barrier, plan, ddl, history);
    case DdlResolutionKind::kApplied:
      return applied_step(barrier, plan, ddl, history);
    case DdlResolutionKind::kRetry: {
      DdlStep step = barrier.replicated_step(ddl, group, history);
      if (step.action == DdlStep::Action::kApply) step.message += " (omsrun ddl retry)";
      if (step.action == DdlStep::Action::kStop) step.message += " (met again after omsrun ddl retry)";
      return step;
    }
  }
  return barrier.step(ddl, group, history);
}

Result<std::vector<TargetExpectation>> target_expectations(const DdlBarrier& barrier, const Plan& plan,
                                                           const DdlStatement& ddl, const SchemaHistory* history) {
  using What = TargetExpectation::What;
  std::vector<TargetExpectation> out;
  const DdlReplication replication = barrier.rules().replication_of(ddl);
  if (replication.kind == ReplicatedDdl::kNone) {
    for (const auto& d : departed_at(barrier, ddl)) out.push_back({What::kAbsent, d.source, d.target, std::nullopt});
    if (out.empty())
      return Status::invalid_argument("omsql does not replicate this statement, so it cannot tell what the target "
                                      "should hold after it");
    return out;
  }
  if (replication.kind == ReplicatedDdl::kRenameTable) {
    DdlStep step = barrier.replicated_step(ddl, ReplayGroup(plan, FkGraph{}), history);
    if (step.action != DdlStep::Action::kApply) return Status::invalid_argument(step.message);
    for (const auto& renamed : step.renamed)
      if (renamed.job) out.push_back({What::kDefinition, renamed.job->source, renamed.job->target, *renamed.job});
    if (step.after_job) {
      // The table renamed into the task: created by hand as the rules make it, and empty (the
      // replayer empties it and copies its rows, which only a table of the task may go through).
      out.push_back({What::kDefinition, step.after_job->source, step.after_job->target, *step.after_job});
      out.push_back({What::kEmpty, step.after_job->source, step.after_job->target, std::nullopt});
    }
    for (const auto& [from, to] : step.target_moves) {
      const bool reused = std::any_of(step.target_moves.begin(), step.target_moves.end(),
                                      [&](const auto& move) { return move.second == from; });
      if (!reused) out.push_back({What::kAbsent, QualifiedName{}, from, std::nullopt});
    }
    return out;
  }
  for (const auto& source : replication.tables) {
    if (replication.kind == ReplicatedDdl::kCreateTable) {
      // The table joins: the target table as the rules make the definition capture recorded.
      const std::optional<TableDef> joined =
          history && history->recorded_at(source, ddl.position) ? history->at(source, ddl.position) : std::nullopt;
      if (!joined)
        return Status::invalid_argument("capture recorded no definition of " + source.str() + " at it (it did not join)");
      auto after = bind_table(plan.rules, *joined);
      if (!after) return after.status().with_context(source.str() + " after the statement");
      out.push_back({What::kDefinition, source, after->target, std::move(after).value()});
      continue;
    }
    const TableJob* job = job_of(plan, source);
    if (!job) return Status::invalid_argument(source.str() + " is not a table of the task");
    switch (replication.kind) {
      case ReplicatedDdl::kAlterTable: {
        auto after = job_after(plan, source, ddl, history);
        if (!after) return after.status();
        out.push_back({What::kDefinition, source, after->target, std::move(after).value(), *job});
        break;
      }
      case ReplicatedDdl::kDropTable:
        out.push_back({What::kAbsent, source, job->target, std::nullopt});
        break;
      case ReplicatedDdl::kTruncateTable:
        out.push_back({What::kEmpty, source, job->target, std::nullopt});
        break;
      case ReplicatedDdl::kNone:
      case ReplicatedDdl::kCreateTable:  // above
      case ReplicatedDdl::kRenameTable:
        break;
    }
  }
  return out;
}

std::optional<std::string> unmet_expectation(const TargetExpectation& expectation, const TargetTableState& state,
                                             const Plan& plan) {
  const std::string table = "the target table " + expectation.target.str();
  switch (expectation.what) {
    case TargetExpectation::What::kDefinition: {
      if (!state.definition) return table + " does not exist";
      const DialectTarget dialect = DialectTarget::of(plan.target);
      if (!expectation.job) return std::nullopt;
      // An ALTER: only what it changes (the target may lack an index an earlier skip passed).
      std::optional<TablePieces> changed;
      if (expectation.before) changed = changed_pieces(*expectation.before, *expectation.job);
      const TablePieces* only = changed && !changed->empty() ? &*changed : nullptr;
      const auto difference = target_difference(*state.definition, *expectation.job, dialect, &plan.tables, only);
      if (!difference) return std::nullopt;
      return table + " is not as the statement leaves it (" + *difference + ")";
    }
    case TargetExpectation::What::kAbsent:
      if (state.definition) return table + " still exists (the statement drops it)";
      return std::nullopt;
    case TargetExpectation::What::kEmpty:
      if (!state.definition) return table + " does not exist (the statement only empties it)";
      if (state.has_rows) return table + " still holds rows (the statement empties it)";
      return std::nullopt;
  }
  return std::nullopt;
}

Result<std::optional<std::string>> check_target_expectations(Connection& target,
                                                             const std::vector<TargetExpectation>& expectations,
                                                             const Plan& plan) {
  MysqlCatalog catalog(target);
  for (const auto& expectation : expectations) {
    TargetTableState state;
    auto described = catalog.describe(expectation.target);
    if (described) {
      state.definition = std::move(described).value();
    } else if (described.status().code() != Status::Code::kNotFound) {
      return described.status();
    }
    if (state.definition && expectation.what == TargetExpectation::What::kEmpty) {
      auto row = target.query_value("SELECT 1 FROM " + sql::quote_name(expectation.target) + " LIMIT 1");
      if (!row) return row.status();
      state.has_rows = row->has_value();
    }
    if (auto why = unmet_expectation(expectation, state, plan)) return why;
  }
  return std::optional<std::string>{};
}

}  // namespace omsql::apply
