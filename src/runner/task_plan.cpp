#include "src/runner/task_plan.hpp"

#include "src/task/table_set.hpp"

namespace omsql::runner {

Result<TaskPlan> plan_of_task(std::shared_ptr<const Plan> plan, const std::string& task_dir, const std::string& script) {
  TaskPlan settled{plan, false, {}};
  if (!plan->has_migrate) return settled;
  auto loaded = load_table_set(task_dir);
  if (!loaded) return loaded.status();
  if (!loaded->has_value()) return settled;
  settled.has_set = true;
  const TableSet& started = **loaded;
  const TableSetComparison comparison = compare_table_set(started, *plan);
  if (comparison.refused()) return Status::invalid_argument(table_set_refusal(comparison, task_dir, script));
  // The tables that joined in the live link are left to the tailer and the replayer (table_set.hpp).
  if (comparison.appeared.empty() && joined_tables(started).empty()) return settled;
  for (const auto& name : comparison.appeared) settled.appeared.push_back(name.str());
  settled.plan = std::make_shared<Plan>(restrict_to_table_set(*plan, started));
  return settled;
}

}  // namespace omsql::runner
