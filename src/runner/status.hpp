#pragma once
// A task as another process sees it (`omsrun status`, `omsrun verify`): a running task answers
// from memory through its control endpoint; a stopped or dead one is described from the files it
// left (status.json, state.json, last-error.json), and nothing it claimed about a live link is
// passed on as current (as_not_running). Writes nothing into the task directory.
#include <cstddef>
#include <optional>
#include <string>

#include "src/common/status.hpp"
#include "src/task/task_status.hpp"

namespace omsql::runner {

struct ObservedTask {
  // With `running` and `last_error` set, and the phase from state.json when the status has none.
  TaskStatus status;
  // From state.json: how many of its tables are copied, of how many (when it lists tables).
  std::optional<std::pair<size_t, size_t>> tables_copied;
};

// InvalidArgument for another user's task; NotFound when `task_dir` holds no task.
Result<ObservedTask> observe_task(const std::string& task_dir);

// The running task's status (GET /status), typed: NotFound when it runs no control endpoint, the
// control errors (send_command), InvalidArgument when the answer is no status.
Result<TaskStatus> running_status(const std::string& task_dir);

// The status a task's last process wrote (DIR/status.json), e.g. once `omsrun run` has ended;
// NotFound when there is none.
Result<TaskStatus> written_status(const std::string& task_dir);

}  // namespace omsql::runner
