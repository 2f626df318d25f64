#include "src/runner/ddl_resolve.hpp"

#include <filesystem>

#include "src/apply/ddl_decided_step.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/task/schema_history.hpp"
#include "src/task/table_set.hpp"
#include "src/task/task_guard.hpp"
#include "src/task/task_state.hpp"

namespace omsql::runner {

namespace {

Status check_not_running(const std::string& task_dir) {
  auto holder = task_lock_holder(task_dir);
  if (!holder) return holder.status();
  if (*holder)
    return Status::invalid_argument(task_dir + ": the task is running (pid " + std::to_string((*holder)->pid) +
                                    "); a DDL stop is resolved while the task is stopped: it stops by itself at "
                                    "the DDL, or stop it first (omsrun stop --task " + task_dir + ")");
  return Status::ok();
}

Result<DdlStop> read_stop(const std::string& task_dir) {
  auto stop = read_ddl_stop(task_dir);
  if (!stop) return stop.status();
  if (!*stop)
    return Status::invalid_argument(task_dir + ": the task is not stopped at a DDL (no ddl-stop.json): there is "
                                    "nothing to resolve (omsrun status --task " + task_dir + " says how it ended)");
  return **stop;
}

// `omsrun ddl applied`: the target must already hold what the statement leads to.
Status check_applied(const std::string& task_dir, const DdlStop& stop, const Plan& plan) {
  auto history = SchemaHistory::open(task_dir);
  if (!history) return history.status();
  auto set = load_table_set(task_dir);
  if (!set) return set.status();
  apply::DdlBarrier barrier(plan, set->has_value() ? (*set)->left : std::vector<DepartedTable>{});
  // The stop record keeps no transaction GTID; the expectations do not read one.
  const DdlStatement ddl{stop.schema, stop.statement, "", stop.position};
  auto expectations = apply::target_expectations(barrier, plan, ddl, &*history);
  if (!expectations)
    return Status::invalid_argument("cannot check that the statement at " + stop.position.str() +
                                    " is applied on the target: " + expectations.status().message() +
                                    ". If the target needs nothing more, omsrun ddl skip --task " + task_dir +
                                    " passes it");
  auto target = Connection::open(plan.target, "target");
  if (!target) return target.status();
  auto unmet = apply::check_target_expectations(**target, *expectations, plan);
  if (!unmet) return unmet.status();
  if (*unmet)
    return Status::invalid_argument("the statement at " + stop.position.str() + " (\"" + stop.statement +
                                    "\") is not applied on the target: " + **unmet +
                                    ". Nothing was written: change the target table as the statement does and "
                                    "run omsrun ddl applied again, or pass it with omsrun ddl skip --task " +
                                    task_dir);
  return Status::ok();
}

}  // namespace

Result<DdlStop> stopped_at_ddl(const std::string& task_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(task_dir + "/state.json", ec))
    return Status::not_found(task_dir + " holds no task (no state.json): give the task directory (--task DIR)");
  OMSQL_RETURN_IF_ERROR(check_not_running(task_dir));
  return read_stop(task_dir);
}

Result<DdlResolved> resolve_ddl_stop(const std::string& task_dir, const DdlResolveRequest& request) {
  auto unlocked = stopped_at_ddl(task_dir);
  if (!unlocked) return unlocked.status();
  // Held while the target is checked and the word written: a run cannot start meanwhile.
  auto locked = TaskDirectory::open(task_dir);
  if (!locked) return locked.status();
  auto stop = read_stop(task_dir);
  if (!stop) return stop.status();
  if (request.at && !(*request.at == stop->position))
    return Status::invalid_argument(task_dir + ": the task stopped at the DDL at " + stop->position.str() + " (\"" +
                                    stop->statement + "\"), not at " + request.at->str() +
                                    ": a resolution is only for the statement the task stopped at");
  if (request.kind == DdlResolutionKind::kApplied) {
    if (!request.plan) return Status::invalid_argument("omsrun ddl applied needs the task's script to check the target");
    OMSQL_RETURN_IF_ERROR(check_applied(task_dir, *stop, *request.plan));
  }
  auto earlier = read_ddl_resolution(task_dir);
  if (!earlier) return earlier.status();
  DdlResolved out;
  out.stop = *stop;
  out.resolution = DdlResolution{stop->position, stop->statement, request.kind};
  if (*earlier && ddl_resolution_matches(**earlier, stop->position, stop->statement)) out.replaced = **earlier;
  OMSQL_RETURN_IF_ERROR(write_ddl_resolution(task_dir, out.resolution));
  return out;
}

}  // namespace omsql::runner
