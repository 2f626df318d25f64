#pragma once
// Cut-over (`omsrun finish`): creates the objects deferred while the task ran (triggers), sets
// sequences to the source's next value again, and creates any object still missing. Refused while
// a process runs the task: triggers would fire on the changes its link replays.
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/model/plan.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/schema/objects.hpp"

namespace omsql::runner {

// `task_dir` may not exist (a script run without a task). When it does, its lock is held while the
// objects are created and the task is marked finished (state.json cut_over) first, so a run after a
// finish cut off half-way refuses too. Returns one result per object.
Result<std::vector<schema::ObjectResult>> finish_task(const Plan& plan, Connection& source,
                                                      const std::string& task_dir);

}  // namespace omsql::runner
