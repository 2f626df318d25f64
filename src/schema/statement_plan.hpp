#pragma once
// `omsrun plan --sql`: every statement a run of the plan sends to the target, in the order it sends
// them, built by the same functions the run uses (ddl.hpp, objects.hpp, the copy's writer), so what
// is printed is what will run. Pure: no server (the source objects are read by the caller).
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/model/plan.hpp"
#include "src/schema/objects.hpp"

namespace omsql::schema {

struct PlannedStatement {
  std::string phase;  // "schema", "copy", "indexes", "objects", "cut-over"
  std::string sql;    // one statement, no trailing ';'
  std::string note;   // what the statement is for, when it is not plain ("once per batch", ...)
};

// The schema phase (databases, tables without secondary indexes), the copy's statement per table
// (sent once per batch, rows in the batch), the secondary indexes and foreign keys, the objects
// created after the copy, and those `omsrun finish` creates at cut-over (triggers of a task with
// INCREMENTAL). Phases the plan's MODE leaves out are left out. Replay statements depend on the
// changes and are not listed. An error when a table cannot be translated (as the run would fail).
Result<std::vector<PlannedStatement>> planned_statements(const Plan& plan, const std::vector<ObjectPlan>& objects);

}  // namespace omsql::schema
