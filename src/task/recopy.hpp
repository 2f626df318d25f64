#pragma once
// Re-copying a task (`omsrun FILE --recopy`). When the binlog a task needs was purged, its target
// can no longer be brought up to date from the binlog; the exact way on is a fresh copy of the
// task's tables from a new binlog position, in the same task directory (same task id, hence the
// same checkpoint rows on the target). Only tables the task itself created are emptied: they are
// dropped and the SCHEMA phase creates them again. A table that existed before the task and
// still holds rows is never touched: the re-copy is refused, naming it, before anything changes.
//
// Crash safety: the decision is saved first (phase "recopy" with the tables to drop), then the
// tables are dropped, the task's checkpoint rows and spool removed, and the fresh state (phase
// "new") saved. Any run that finds phase "recopy" finishes those steps first, so a re-copy cut
// off half-way never leaves a task that would replay onto emptied tables.
#include <map>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/task/task_state.hpp"

namespace omsql {

// What the user must do when the link cannot go on from the binlog — the binlog it needs was
// purged, or it holds changes that cannot be replayed (partial row images, statement-based DML,
// compressed events without their data): fix the cause, then re-copy with `omsrun <script>
// --recopy`. It never says "resume": a rerun would meet the same binlog.
std::string recopy_advice(const std::string& script);

struct TargetTableFacts {
  bool exists = false;
  bool has_rows = false;
};

struct RecopyDecision {
  std::vector<QualifiedName> drop;    // created by the task: dropped, then created again by SCHEMA
  std::vector<std::string> refusals;  // one line per reason not to go ahead; empty = go ahead
};

// What a re-copy does with each of the plan's target tables, given what the task state says the
// task created and what the target holds (`target` by target table name; a table missing from
// it does not exist). Pure.
RecopyDecision decide_recopy(const Plan& plan, const TaskState& state,
                             const std::map<QualifiedName, TargetTableFacts>& target);

// Whether each of the plan's target tables exists on the target and holds any row.
Result<std::map<QualifiedName, TargetTableFacts>> read_target_facts(Connection& target, const Plan& plan);

// Saves `state` as phase "recopy" with `drop` (unless it is in that phase already, when its own
// list is used), drops those tables, removes the task's checkpoint rows (`task_id`, every lane)
// and the spool in the task directory, and saves and returns the fresh state: phase "new", only
// the script path kept, so the run takes a new binlog position and copies every table again.
Result<TaskState> carry_out_recopy(Connection& target, const TaskDirectory& directory, const std::string& task_id,
                                   TaskState state, const std::vector<QualifiedName>& drop);

}  // namespace omsql
