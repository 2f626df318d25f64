#pragma once
// The applied position of the incremental phase, kept on the target in omsql_meta.checkpoint and
// written in the same target transaction as the rows it covers: after a crash the target's rows and
// its checkpoint agree, so replay restarts exactly after the last committed batch (and safe-mode
// statements make even an overlap harmless).
#include <optional>
#include <string>

#include "src/binlog/position.hpp"
#include "src/common/status.hpp"
#include "src/mysql/connection.hpp"

namespace omsql::checkpoint {

// Creates omsql_meta.checkpoint if it does not exist.
Status ensure_table(Connection& target);

// The last committed position of `task_id`, or nullopt when none was written yet.
Result<std::optional<BinlogPosition>> read(Connection& target, const std::string& task_id);

// The statement that records `position` for `task_id`; run it inside the batch's transaction.
std::string upsert_sql(const std::string& task_id, const BinlogPosition& position, uint32_t source_timestamp);

// The checkpoint row name of one apply lane of a task: "<task_id>#<lane>".
std::string lane_task_id(const std::string& task_id, size_t lane);

// The position every apply lane of `task_id` has committed (the slowest lane's), or an empty
// position when some lane has committed nothing yet.
Result<BinlogPosition> applied_position(Connection& target, const std::string& task_id, size_t lanes);

// Removes the task's rows, its own and every apply lane's (when a task is copied afresh).
Status erase(Connection& target, const std::string& task_id);

}  // namespace omsql::checkpoint
