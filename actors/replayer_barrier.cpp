// The replayer at a DDL barrier (src/apply/ddl_barrier.hpp): the statement is settled against the
// target (applied before a crash, still to apply, someone else's), run on lane 0 with every lane's
// checkpoint moved past it, and — when its ALTER changed the columns of a table whose copy may hold
// rows read after it — the table is copied again there (the in-link copy, actors/table_copy.cpp;
// src/task/table_copies.hpp) while every lane waits.
#include <algorithm>
#include <map>

#include "actors/copy_actors.hpp"
#include "actors/replayer_state.hpp"
#include "src/apply/ddl_decided_step.hpp"
#include "src/log/log.hpp"

namespace omsql::actors::replay {

// The barrier's ALTER changes the columns of a table whose copy may hold rows read after it (or
// never finished): the table is copied again once its statements ran (src/task/table_copies.hpp).
// Recorded first, so a crash during the copy redoes it. Why the link stops instead, if it must.
// Tables that joined the link (own_plan grew) have no copy facts from the full copy.
void size_copies(ReplayerState& s) {
  s.copies.resize(s.own_plan->tables.size());
  s.created_by_task.resize(s.own_plan->tables.size(), false);
}

// A RENAME TABLE of a table whose copy was cut off by it (or read rows after it): the table is
// copied again under its new name once the barrier's rename ran. One such table per statement.
std::optional<std::string> plan_renamed_copy(ReplayerSelf self, const apply::DdlStep& step, const SourcePosition& at) {
  auto& s = self->state;
  const DdlStatement& ddl = *s.waiting->ddl;
  std::optional<size_t> chosen;
  for (size_t i = 0; i < step.renamed.size(); ++i) {
    const auto& renamed = step.renamed[i];
    if (!renamed.job || renamed.index >= s.copies.size()) continue;
    const bool recorded = s.copy_record.copying && s.copy_record.copying->table == renamed.job->source &&
                          s.copy_record.copying->at == at;
    if (!recorded && !copy_again_at(s.copies[renamed.index], ddl.position)) continue;
    if (chosen)
      return "source DDL at " + ddl.position.str() + ": \"" + ddl.statement + "\" renamed tables while they were "
             "being copied (" + step.renamed[*chosen].job->source.str() + ", " + renamed.job->source.str() +
             "), and the link copies one of them again per statement. Everything before the statement is applied; "
             "omsrun FILE --recopy copies the task again";
    chosen = i;
  }
  if (!chosen) return std::nullopt;
  if (step.after_job)
    return "source DDL at " + ddl.position.str() + ": \"" + ddl.statement + "\" renamed " +
           step.renamed[*chosen].job->source.str() + " while it was being copied and brings " +
           step.after_job->source.str() + " into the task, and the link copies one table per statement. Everything "
           "before the statement is applied; omsrun FILE --recopy copies the task again";
  const auto& renamed = step.renamed[*chosen];
  const TableJob& job = *renamed.job;
  const TableCopyFacts& facts = s.copies[renamed.index];
  const bool recorded = s.copy_record.copying && s.copy_record.copying->table == job.source && s.copy_record.copying->at == at;
  const std::string reason = recorded ? s.copy_record.copying->reason
                             : facts.incomplete ? "its copy did not finish: " + *facts.incomplete
                                                : "its copy read rows up to " + facts.read_by->str() + ", after the rename";
  auto refuse = [&](const std::string& why) {
    return "source DDL at " + ddl.position.str() + ": \"" + ddl.statement + "\" renamed " + job.source.str() +
           " while it was being copied (" + reason + "), so it must be copied again here, but " + why +
           ". Everything before the statement is applied; omsrun FILE --recopy copies the task again";
  };
  for (const auto& group : s.graph->snapshot_groups())
    if (std::find(group.begin(), group.end(), renamed.index) != group.end())
      return refuse("it is in a group of tables that FK actions connect, which are copied together");
  if (auto why = refuse_recopy(*s.plan, job, s.created_by_task.at(renamed.index))) return refuse(*why);
  s.copy_record.copying = TableCopyRecord::Copying{job.source, at, reason};
  if (auto st = write_table_copies(s.task_dir, s.copy_record); !st) return st.message();
  s.table_copy = typename ReplayerState::InLinkCopy{renamed.index, at, reason, false};
  return std::nullopt;
}

std::optional<std::string> plan_table_copy(ReplayerSelf self, const apply::DdlStep& step, const SourcePosition& at) {
  auto& s = self->state;
  size_copies(s);
  if (step.kind == ReplicatedDdl::kRenameTable) return plan_renamed_copy(self, step, at);
  if (step.kind != ReplicatedDdl::kAlterTable || !step.before_job || !step.after_job) return std::nullopt;
  if (step.before_job->source_def.columns == step.after_job->source_def.columns) return std::nullopt;
  const size_t index = step.table_index;
  const DdlStatement& ddl = *s.waiting->ddl;
  const TableCopyFacts& facts = s.copies.at(index);
  const bool recorded = s.copy_record.copying && s.copy_record.copying->table == step.before_job->source &&
                        s.copy_record.copying->at == at;
  if (!recorded && !copy_again_at(facts, ddl.position)) return std::nullopt;
  const TableJob& job = *step.after_job;
  const std::string reason = recorded ? s.copy_record.copying->reason
                             : facts.incomplete ? "its copy did not finish: " + *facts.incomplete
                                                : "its copy read rows up to " + facts.read_by->str() + ", after this statement";
  auto refuse = [&](const std::string& why) {
    return "source DDL on migrated table " + job.source.str() + " at " + ddl.position.str() + ": \"" + ddl.statement +
           "\" changed the table while it was being copied (" + reason + "), so it must be copied again here, but " +
           why + ". Everything before the statement is applied; omsrun FILE --recopy copies the task again";
  };
  for (const auto& group : s.graph->snapshot_groups())
    if (std::find(group.begin(), group.end(), index) != group.end())
      return refuse("it is in a group of tables that FK actions connect, which are copied together");
  if (auto why = refuse_recopy(*s.plan, job, s.created_by_task.at(index))) return refuse(*why);
  s.copy_record.copying = TableCopyRecord::Copying{job.source, at, reason};
  if (auto st = write_table_copies(s.task_dir, s.copy_record); !st) return st.message();
  s.table_copy = typename ReplayerState::InLinkCopy{index, at, reason, false};
  return std::nullopt;
}

// The in-link copy's answer: its facts are recorded (the barriers after it compare with them),
// then replay goes on from the barrier.
void table_copy_done(ReplayerSelf self, const TableCopyDone& done) {
  auto& s = self->state;
  if (!s.table_copy) return;
  const auto copy = *s.table_copy;
  const TableJob& job = s.plan->tables[copy.index];
  if (!done.error.empty() && !done.table_level)
    return replayer_fail(self, "copying " + job.source.str() + " again at " + copy.at.str() + ": " + done.error);
  TableCopyFacts facts{done.read_by, done.error.empty() ? std::nullopt : std::optional<std::string>(done.error), std::nullopt};
  if (done.error.empty() && !done.snapshot.empty()) {
    // Read in one snapshot (a keyless table): its changes up to the snapshot are in the copy.
    facts.replay_after = done.snapshot;
    s.group->set_replay_after(copy.index, done.snapshot);
  }
  s.copies[copy.index] = facts;
  s.copy_record.tables[job.source.str()] = facts;
  s.copy_record.copying.reset();
  if (auto st = write_table_copies(s.task_dir, s.copy_record); !st) return replayer_fail(self, st.message());
  s.table_copy.reset();
  s.copier = nullptr;
  if (done.error.empty())
    log::info("replay") << "incremental: copied " << job.source.str() << (copy.joined ? " at " : " again at ")
                        << copy.at.str() << ": "
                        << done.rows << " row(s), read by " << done.read_by.str() << "; replay goes on";
  else
    log::warning("replay") << "incremental: the copy of " << job.source.str() << " at " << copy.at.str()
                           << " did not finish; a DDL of the table by " << done.read_by.str() << " copies it again";
  after_group(self);
}

void start_table_copy(ReplayerSelf self) {
  auto& s = self->state;
  auto& copy = *s.table_copy;
  copy.started = true;
  log::info("replay") << "incremental: copying " << s.plan->tables[copy.index].source.str()
                      << (copy.joined ? " at " : " again at ") << copy.at.str() << " (" << copy.reason
                      << "); replay waits for it";
  self->send(s.coordinator, sync_status_atom::value, status_of(s));
  s.copier = spawn_table_copy(self->system(), std::make_shared<const Plan>(*s.own_plan));
  self->link_to(s.copier);
  self->request(s.copier, caf::infinite, table_copy_atom::value, table_ref(*s.plan, copy.index))
      .then([=](const TableCopyDone& done) { table_copy_done(self, done); },
            [=](caf::error& e) { replayer_fail(self, "the in-link copy: " + caf::to_string(e)); });
}

// A table that left the task (DROP TABLE applied): nothing of its copy is owed any more.
Status forget_table_copies(ReplayerSelf self, const apply::DdlStep& step) {
  auto& s = self->state;
  size_copies(s);
  if (step.kind == ReplicatedDdl::kRenameTable) {
    // A renamed table's copy facts go with it; one that left owes nothing any more.
    bool changed = false;
    for (const auto& renamed : step.renamed) {
      if (renamed.index >= s.plan->tables.size()) continue;
      const std::string from = s.plan->tables[renamed.index].source.str();
      auto it = s.copy_record.tables.find(from);
      if (!renamed.job) s.copies[renamed.index] = TableCopyFacts{};
      if (it == s.copy_record.tables.end()) continue;
      TableCopyFacts facts = it->second;
      s.copy_record.tables.erase(it);
      if (renamed.job) s.copy_record.tables[renamed.job->source.str()] = facts;
      changed = true;
    }
    return changed ? write_table_copies(s.task_dir, s.copy_record) : Status::ok();
  }
  if (step.kind != ReplicatedDdl::kDropTable) return Status::ok();
  bool changed = false;
  for (const auto& table : step.tables)
    for (size_t i = 0; i < s.plan->tables.size(); ++i) {
      if (s.plan->tables[i].source != table) continue;
      s.copies[i] = TableCopyFacts{};
      changed = s.copy_record.tables.erase(table.str()) > 0 || changed;
    }
  return changed ? write_table_copies(s.task_dir, s.copy_record) : Status::ok();
}

// The link stops at the barrier's statement with `why`: everything before it is applied.
void stop_at_barrier(ReplayerSelf self, const std::string& why) {
  auto& s = self->state;
  const DdlStatement& ddl = *s.waiting->ddl;
  self->send(s.coordinator, ddl_stop_atom::value, DdlStopReport{ddl.position, ddl.statement, why, ddl.schema});
  self->quit();
}

// A target table as a barrier's settle compares it: its definition (none: it does not exist), and
// whether it holds no row.
struct TargetTable {
  std::optional<TableDef> definition;
  bool empty = true;
};

Result<TargetTable> read_target_table(engine::ApplySession& target, const QualifiedName& name) {
  TargetTable table;
  auto described = target.describe_table(name);
  if (!described) {
    if (described.status().code() == Status::Code::kNotFound) return table;
    return described.status();
  }
  table.definition = std::move(described).value();
  auto rows = target.has_rows(name);
  if (!rows) return rows.status();
  table.empty = !*rows;
  return table;
}

// Runs the DDL that waited at the barrier: the group before it is committed on every lane (the
// round that met it flushed it), so its statements run now on lane 0, and its checkpoint moves every
// lane past it; the next group is cut only after that (lane_committed -> after_group).
void run_barrier(ReplayerSelf self) {
  auto& s = self->state;
  const SourcePosition at = s.waiting->end;
  if (auto st = s.progress.check_barrier(at); !st) return replayer_fail(self, st.message());
  apply::DdlStep step = std::move(*s.barrier);
  s.barrier.reset();
  if (step.action == apply::DdlStep::Action::kStop) return stop_at_barrier(self, step.message);
  // One target session for what the barrier reads there, opened when first needed.
  std::unique_ptr<engine::ApplySession> target;
  auto open = [&]() -> Status {
    if (target) return Status::ok();
    auto opened = open_target(self);
    if (!opened) return opened.status();
    target = std::move(opened).value();
    return Status::ok();
  };
  if (!step.expect.empty()) {
    // `omsrun ddl applied`: the target must hold what the statement leads to before it is passed.
    if (auto st = open(); !st) return replayer_fail(self, st.message());
    auto unmet = target->unmet_expectation(step.expect);
    if (!unmet) return replayer_fail(self, unmet.status().message());
    if (*unmet) {
      const DdlStatement& ddl = *s.waiting->ddl;
      return stop_at_barrier(self, "source DDL at " + ddl.position.str() + ": \"" + ddl.statement +
                                       "\" was marked applied by hand (omsrun ddl applied), but " + **unmet +
                                       ". Everything before the statement is applied");
    }
  }
  if (step.kind == ReplicatedDdl::kAlterTable && !step.statements.empty()) {
    // Already applied before a crash, still to apply, or changed by someone else?
    if (auto st = open(); !st) return replayer_fail(self, st.message());
    auto actual = target->describe_table(step.after_job->target);
    if (!actual) return replayer_fail(self, actual.status().message());
    if (auto why = apply::settle_against_target(step, *actual, *s.plan)) {
      return stop_at_barrier(self, *why);
    }
  }
  if (step.kind == ReplicatedDdl::kCreateTable && !step.statements.empty()) {
    // A table that joins: created before a crash (only the checkpoint moves), or someone else's?
    if (auto st = open(); !st) return replayer_fail(self, st.message());
    auto actual = read_target_table(*target, step.after_job->target);
    if (!actual) return replayer_fail(self, actual.status().message());
    if (auto why = apply::settle_join_against_target(step, actual->definition, actual->empty, *s.plan)) {
      return stop_at_barrier(self, *why);
    }
  }
  if (step.kind == ReplicatedDdl::kRenameTable && !step.statements.empty()) {
    // Renamed before a crash (only the checkpoint moves), still to rename, or changed by someone?
    if (auto st = open(); !st) return replayer_fail(self, st.message());
    std::map<QualifiedName, bool> present;
    for (const auto& [from, to] : step.target_moves)
      for (const QualifiedName& name : {from, to}) {
        auto described = target->describe_table(name);
        if (!described && described.status().code() != Status::Code::kNotFound)
          return replayer_fail(self, described.status().message());
        present[name] = described.is_ok();
      }
    const bool renamed = std::all_of(step.target_moves.begin(), step.target_moves.end(),
                                     [&](const auto& move) { return present[move.second]; });
    if (renamed && step.after_job && present[step.after_job->target]) {
      // Every new name is there, and so is the name the table renamed in takes (a task table was
      // renamed away from it): after a crash between the statements and the checkpoint it holds
      // the new, empty table, which is not the old one still to rename.
      auto actual = read_target_table(*target, step.after_job->target);
      if (!actual) return replayer_fail(self, actual.status().message());
      if (actual->definition && apply::is_joined_table(step, *actual->definition, actual->empty, *s.plan))
        present[step.after_job->target] = false;
    }
    if (auto why = apply::settle_rename_against_target(step, present)) {
      return stop_at_barrier(self, *why);
    }
  }
  const bool renames_first = std::any_of(step.statements.begin(), step.statements.end(), [](const std::string& sql) {
    return sql.rfind("RENAME TABLE", 0) == 0;
  });
  const bool target_freed = renames_first && step.after_job &&
                            std::any_of(step.target_moves.begin(), step.target_moves.end(),
                                        [&](const auto& move) { return move.first == step.after_job->target; });
  if (step.kind == ReplicatedDdl::kRenameTable && step.after_job && !step.join_statements.empty() && !target_freed) {
    // The table renamed into the task: created before a crash (empty: its copy starts after the
    // barrier's checkpoint), still to create, or someone else's? (Not asked when the renames still
    // to run move a task table away from its name: `RENAME TABLE t TO t_old, other.t TO t`.)
    if (auto st = open(); !st) return replayer_fail(self, st.message());
    auto actual = read_target_table(*target, step.after_job->target);
    if (!actual) return replayer_fail(self, actual.status().message());
    if (auto why = apply::settle_rename_join_against_target(step, actual->definition, actual->empty, *s.plan)) {
      return stop_at_barrier(self, *why);
    }
  }
  if (auto why = plan_table_copy(self, step, at)) {
    return stop_at_barrier(self, *why);
  }
  if (auto st = forget_table_copies(self, step); !st) return replayer_fail(self, st.message());
  // The DDL's position becomes the group's: what follows is folded after it.
  auto folded = s.group->fold(*s.waiting);
  if (!folded) return replayer_fail(self, folded.status().message());
  s.waiting.reset();
  s.flushing_spool_end = s.group->spool_end();
  log::info("replay") << "incremental: " << step.message;
  s.progress.group_sent(at, 1, 0);
  s.ddl->applied(step);  // the next statement is judged only after the lane has committed this one
  if (step.after_job && step.table_index >= s.own_plan->tables.size()) {
    // A table joins: its changes after the barrier are folded and applied like any task table's.
    s.own_plan->tables.push_back(*step.after_job);
    s.group->rebind_all();
  } else if (step.after_job) {
    // The changes after it are folded by the new definition (columns, key, routing).
    s.own_plan->tables[step.table_index] = *step.after_job;
    s.group->rebind(step.table_index);
  }
  if (step.kind == ReplicatedDdl::kRenameTable && step.after_job) {
    // The table renamed into the task joined above; its rows are copied once the barrier is
    // committed, while every lane waits. Recorded before its statements run, so a crash during the
    // copy makes the next run empty the table and copy it again before replaying past the barrier.
    const size_t index = s.own_plan->tables.size() - 1;
    size_copies(s);
    s.created_by_task[index] = true;
    const std::string reason = "it was renamed into the task's MIGRATE patterns there: its rows are not in the binlog";
    s.copy_record.copying = TableCopyRecord::Copying{step.after_job->source, at, reason, true};
    if (auto st = write_table_copies(s.task_dir, s.copy_record); !st) return replayer_fail(self, st.message());
    s.table_copy = typename ReplayerState::InLinkCopy{index, at, reason, false, true};
  }
  bool renamed_any = false;
  for (const auto& renamed : step.renamed) {
    // A table renamed within the patterns: its changes after it come under the new name.
    if (!renamed.job || renamed.index >= s.own_plan->tables.size()) continue;
    s.own_plan->tables[renamed.index] = *renamed.job;
    renamed_any = true;
  }
  if (renamed_any) s.group->rebind_all();  // the name index too
  for (auto& statement : step.join_statements) step.statements.push_back(std::move(statement));
  send_to_lane(self, 0, apply::ddl_work(std::move(step.statements), at, s.task_id, s.lanes.size()));
}

}  // namespace omsql::actors::replay
