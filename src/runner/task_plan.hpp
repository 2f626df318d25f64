#pragma once
// The plan a command works on when the script's task already exists: exactly the task's table set
// (table-set.json, src/task/table_set.hpp), not what the script gives when bound again against the
// current source. A run, `verify`, `check` and `plan` all go through here, so a table that appeared
// on the source after the start is neither migrated nor verified nor listed, and a script whose
// patterns or MAPs changed since the start is refused by each of them in the same words.
#include <memory>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/model/plan.hpp"

namespace omsql::runner {

struct TaskPlan {
  std::shared_ptr<const Plan> plan;
  bool has_set = false;                // the task directory holds a table set
  std::vector<std::string> appeared;   // tables the rules take that are not in the set (left out)
};

// `plan` restricted to the table set kept in `task_dir`, or `plan` itself when there is none (a
// new task, a script without MIGRATE). kInvalidArgument (table_set_refusal's text) when the source
// lost a table of the set or the script now gives another set. `script` names the script in it.
Result<TaskPlan> plan_of_task(std::shared_ptr<const Plan> plan, const std::string& task_dir, const std::string& script);

}  // namespace omsql::runner
