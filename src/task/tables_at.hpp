#pragma once
// The task's tables as they are at one position of the source binlog (issue 12 §2, §5): what the
// task started with, minus the tables a replicated DROP or RENAME took away before the position,
// plus the tables that joined before it (CREATE TABLE, RENAME into the task's names), each bound
// by its schema-history definition there. One answer for the replayer (the jobs it replays with,
// from its resume position) and the coordinator (what verification compares while the link runs,
// at the position replay has applied): the script's plan alone misses every table-set change the
// link replicated, so verification would skip a table that joined and fail on one renamed.
#include <optional>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/model/source_position.hpp"
#include "src/model/plan.hpp"
#include "src/task/schema_history.hpp"
#include "src/task/table_set.hpp"

namespace omsql {

// `tables` (the plan's, in the task's start order, or the replayer's plan of a rerun) at `at`:
//   - each one kept unless table-set.json says a DROP or RENAME took it away at or before `at`;
//     rebound by the history's definition at `at` when it has one there that differs from the
//     job's (none: `at` is before the history's base, the replay from the start of the spool);
//   - then, appended in table-set order, each table that joined at or before `at` (and one renamed
//     away after `at`, which is still the task's up to its RENAME), bound from the history there,
//     unless a job of that name is already in the list.
// `set` nullopt: a task without table-set.json (nothing joined or left). A definition the rules
// cannot bind is an error naming the table.
Result<std::vector<TableJob>> task_tables_at(const std::vector<TableJob>& tables, const MigrationRules& rules,
                                             const std::optional<TableSet>& set, const SchemaHistory& history,
                                             const SourcePosition& at);

// `plan` with the tables of DIR's task at `at` (task_tables_at over DIR/table-set.json and
// DIR/schema-history.jsonl); `plan` itself when the task keeps no schema history yet.
Result<Plan> task_plan_at(const Plan& plan, const std::string& task_dir, const SourcePosition& at);

}  // namespace omsql
