#include "src/runner/finish.hpp"

#include <ctime>
#include <filesystem>
#include <optional>

#include "src/task/task_guard.hpp"
#include "src/task/task_state.hpp"

namespace omsql::runner {

Result<std::vector<schema::ObjectResult>> finish_task(const Plan& plan, Connection& source,
                                                      const std::string& task_dir) {
  // Triggers fire on every replayed change: creating them while the link still applies changes
  // would run them twice on the target. Cut-over means the task has stopped.
  if (std::filesystem::exists(task_dir)) {
    auto holder = task_lock_holder(task_dir);
    if (!holder) return holder.status();
    if (*holder)
      return Status::invalid_argument(task_dir + ": the task is still running (pid " + std::to_string((*holder)->pid) +
                                      "); stop it first (omsrun stop " + task_dir +
                                      "): its triggers would fire on replayed changes");
  }
  auto target = Connection::open(plan.target, "target");
  if (!target) return target.status();
  std::optional<TaskDirectory> locked;
  if (std::filesystem::exists(task_dir)) {
    auto opened = TaskDirectory::open(task_dir);
    if (!opened) return opened.status();
    locked.emplace(std::move(*opened));
    auto state = locked->load();
    if (!state) return state.status();
    if (!state->cut_over) {
      std::time_t now = std::time(nullptr);
      char stamp[32];
      std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
      state->cut_over = stamp;
      OMSQL_RETURN_IF_ERROR(locked->save(*state));
    }
  }
  return schema::create_objects(source, **target, plan, true);
}

}  // namespace omsql::runner
