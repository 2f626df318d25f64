#pragma once
// `omsrun ddl skip|applied|retry --task DIR`: the user's word about the DDL a stopped task stopped
// at (src/task/ddl_resolution.hpp). Refused while the task runs (its lock is held while the word is
// written, so a run cannot start meanwhile), when it is not stopped at a DDL, and when --at names
// another position than the stop's. `applied` first checks the target: it must already be as the
// statement leaves it (src/apply/ddl_decided_step.hpp), else nothing is written. Writes nothing on a
// server.
#include <optional>
#include <string>

#include "src/common/status.hpp"
#include "src/model/plan.hpp"
#include "src/task/ddl_resolution.hpp"

namespace omsql::runner {

struct DdlResolveRequest {
  DdlResolutionKind kind = DdlResolutionKind::kRetry;
  std::optional<SourcePosition> at;  // --at: the position the user means (refused unless it is the stop's)
  const Plan* plan = nullptr;        // kApplied: the task's plan (its target, rules and tables)
};

struct DdlResolved {
  DdlStop stop;                           // what the task stopped at
  DdlResolution resolution;               // what was written
  std::optional<DdlResolution> replaced;  // an earlier word about the same statement, now replaced
};

// The stop record of the task in `task_dir`: NotFound when it holds no task; InvalidArgument when
// the task runs or is not stopped at a DDL. What the command checks before it loads the script.
Result<DdlStop> stopped_at_ddl(const std::string& task_dir);

// Checks as stopped_at_ddl, then --at, then (kApplied) the target, and writes the resolution.
Result<DdlResolved> resolve_ddl_stop(const std::string& task_dir, const DdlResolveRequest& request);

}  // namespace omsql::runner
