#pragma once
// `omsrun verify`: from a script (this process compares, knowing whether the script's task runs a
// live link) or through a running task (`--task DIR`: the task compares, this process waits).
#include <memory>

#include "src/model/plan.hpp"
#include "src/cli/commands.hpp"

namespace omsql::cli {

// Verifies `plan`'s tables in this process; the exit code follows the outcome (0, 3, 4, 1).
int verify_plan(std::shared_ptr<const Plan> plan, const VerifyCommandOptions& options);

}  // namespace omsql::cli
