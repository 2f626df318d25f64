#pragma once
// `omsrun check`: everything pre-flight finds on both servers, and the fate of every source
// object on the target (the compatibility report). Reads only; writes nothing anywhere.
#include <vector>

#include "src/check/preflight.hpp"
#include "src/common/status.hpp"
#include "src/model/plan.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/schema/objects.hpp"
#include "src/schema/statement_plan.hpp"

namespace omsql::runner {

struct CheckReport {
  std::vector<check::Finding> findings;
  std::vector<schema::ObjectPlan> objects;  // every source object (and table job) with its fate
  Status objects_status;                    // why the objects could not be read (then `objects` is empty)
};

// An error only when the target cannot be reached; every other failure is in the report.
// `resuming`: the plan is an existing task's (a rerun resumes it); what pre-flight does not hold
// against a resumed run (the target tables the task created itself) is reported as a note.
Result<CheckReport> check_task(const Plan& plan, Connection& source, bool resuming = false);

// `omsrun plan --sql`: every statement a run would send to the target (schema::planned_statements),
// with the source's objects read from `source`. Reads only; needs no target.
Result<std::vector<schema::PlannedStatement>> plan_statements(const Plan& plan, Connection& source);

}  // namespace omsql::runner
