#pragma once
// `omsrun verify FILE` in this process: what another process can tell about the script's task
// (whether a link applies changes to the target), and the verification itself in a private
// actor system. The request comes from verify::build_verification, as the coordinator's does.
#include <memory>
#include <string>

#include "src/common/status.hpp"
#include "src/model/plan.hpp"
#include "src/verify/report.hpp"
#include "src/verify/request.hpp"

namespace omsql::runner {

// What applies changes to a task's target right now, as far as another process can tell: the
// task's control endpoint answers with its phase and whether it is paused; a task that holds its
// lock without an endpoint is taken at its state.json phase; no lock holder means nothing runs.
struct LinkProbe {
  enum Kind { kNone, kCopying, kPaused, kLive } kind = kNone;
  std::string phase;
};
LinkProbe probe_link(const std::string& task_dir);
// The LinkState a verification from another process uses (kCopying is refused before).
verify::LinkState link_state(const LinkProbe& probe);

// `plan` (a script bound to its task's start set, cli::load_task_script) as the target holds it:
// the task's tables at the position every apply lane has committed (checkpoint rows on the
// target), with the tables that joined, left, were renamed or altered by replicated DDL up to it
// (task_plan_at) — what the coordinator verifies beside the link, for a verification from another
// process. `plan` itself when the task has applied nothing yet or keeps no schema history.
Result<std::shared_ptr<const Plan>> plan_as_applied(std::shared_ptr<const Plan> plan, const std::string& task_dir);

// Runs the verification in this process and returns its report (repairs written, and applied
// when the spec says so), or why it could not run.
Result<verify::VerifyReport> verify_here(std::shared_ptr<const Plan> plan, const verify::VerificationSpec& spec);

}  // namespace omsql::runner
