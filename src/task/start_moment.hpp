#pragma once
// The DDL-at-first-start race (issue 12 §4): the task's base definitions (the schema history's
// record_base, the TableJobs the copy reads by) and its start binlog position must describe the
// same moment, or capture decodes the rows after a DDL that fell between the two with the
// definition before it. The runner holds a shared metadata lock on every task table while it takes
// the position and reads the definitions (no DDL of them can commit in between), so the first
// read is the answer; without the lock, the definitions are read again after the position, and the
// position is taken again while they differ (docs/architecture.md, "The start moment").
#include <functional>
#include <string>
#include <vector>

#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"
#include "src/model/source_position.hpp"

namespace omsql {

// Whether two reads of a table describe the same definition: everything the binlog decoder, the
// binder and the schema translator use; the row and size estimates and the next AUTO_INCREMENT
// value (which move under any write load) aside.
bool same_definition(const TableDef& a, const TableDef& b);

struct StartMoment {
  SourcePosition position;
  std::vector<TableDef> definitions;  // valid at `position`, in the order of `bound`
  int attempts = 0;                   // positions taken
};

// `bound`: the definitions the plan was bound with (read before the first position). Takes the
// position, reads the definitions again: when they are the same as the ones read before it, no
// DDL fell between the two reads, so they are the definitions at the position (a DDL undone
// again within that window aside). Otherwise the newer ones are kept and it tries again, at most
// `max_attempts` positions, then a server error naming the tables that kept changing.
// `definitions()` answers in the order of `bound`. `locked`: no DDL of the tables can commit between
// `position()` and the `definitions()` after it (the caller holds their metadata locks), so the
// first read is valid at the first position, whether or not it equals `bound`.
Result<StartMoment> settle_start_moment(const std::vector<TableDef>& bound,
                                        const std::function<Result<SourcePosition>()>& position,
                                        const std::function<Result<std::vector<TableDef>>()>& definitions,
                                        int max_attempts = 10, bool locked = false);

}  // namespace omsql
