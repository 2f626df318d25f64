#include "src/task/task_start.hpp"

#include "src/task/recopy.hpp"

namespace omsql {

StartDecision decide_start(const TaskState& state, bool recopy_asked, const std::string& directory,
                           const std::string& script) {
  // After `omsrun finish` the target has the source's triggers: replaying (or re-copying) through
  // them would apply their writes twice.
  if (state.cut_over)
    return {StartDecision::kRefuse,
            directory + ": the task was finished (omsrun finish, " + *state.cut_over +
                "): its triggers are on the target and would fire again on replayed changes; it cannot run again "
                "(a new migration needs another task_dir and a target without those triggers)"};
  // A task whose binlog was purged goes on only as a fresh copy (--recopy); a re-copy cut off
  // half-way is finished first, whatever the command.
  if (recopy_asked || on_resume(state.phase) == OnResume::kFinishRecopy) return {StartDecision::kRecopy, ""};
  if (state.needs_recopy) return {StartDecision::kRefuse, *state.needs_recopy + "\n" + recopy_advice(script)};
  switch (on_resume(state.phase)) {
    case OnResume::kAlreadyDone:
      return {StartDecision::kAlreadyDone, ""};
    case OnResume::kStartFresh:
      return {StartDecision::kFresh, ""};
    case OnResume::kReenter:
    case OnResume::kFinishRecopy:
      break;
  }
  return {StartDecision::kResume, ""};
}

}  // namespace omsql
