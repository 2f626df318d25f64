#pragma once
// The applied position of the incremental phase, kept on the target in omsql_meta.checkpoint and
// written in the same target transaction as the rows it covers: after a crash the target's rows and
// its checkpoint agree, so replay restarts exactly after the last committed batch (and safe-mode
// statements make even an overlap harmless).
//
// The API speaks the opaque SourcePosition of the seam. A MySQL-family source's position fills the
// rows' binlog columns (binlog_file, binlog_offset, gtid: what people, and an omsql older than the
// opaque column, read), source_position NULL; another engine's goes whole into source_position
// (its JSON form, src/model/source_position.hpp), the binlog columns empty. ensure_table adds the
// column to a table an older omsql made.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "src/apply/lane_names.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::checkpoint {

// Creates omsql_meta.checkpoint if it does not exist, and its source_position column if the table
// lacks it.
Status ensure_table(Connection& target);

// The last committed position of `task_id`, or nullopt when none was written yet.
Result<std::optional<SourcePosition>> read(Connection& target, const std::string& task_id);

// The statement that records `position` for `task_id`; run it inside the batch's transaction.
// Corruption for a MySQL-family position whose payload is no binlog position.
Result<std::string> upsert_sql(const std::string& task_id, const SourcePosition& position, uint32_t source_timestamp);

// The lane rows' names (src/apply/lane_names.hpp).
using apply::lane_of_row;
using apply::lane_task_id;

// The LIKE pattern, with '!' as its escape, that finds the lane rows of `task_id` (a task
// directory may hold '%' or '_'). It may also match rows of other tasks: lane_of_row decides.
std::string lane_rows_pattern(const std::string& task_id);


// The committed position of every apply lane of `task_id`, by lane: the task's lane rows are its
// lane count, which routing depends on (a key's lane is its hash modulo the count), so the count
// lives with the positions, in the rows that commit with the data. Empty when no row exists; a
// lane that has committed nothing has an empty position.
Result<std::vector<SourcePosition>> read_lanes(Connection& target, const std::string& task_id);

// Replaces the task's lane rows by `lanes` rows at `position` (empty: nothing committed), in one
// transaction. REQUIRES: no lane is applying, and every lane has committed `position` (or none
// has committed anything), so the new routing starts from one point for every key.
Status set_lanes(Connection& target, const std::string& task_id, size_t lanes, const SourcePosition& position);

// The position every apply lane of `task_id` has committed (the slowest lane's), or an empty
// position when the task has no lane rows or some lane has committed nothing yet.
Result<SourcePosition> applied_position(Connection& target, const std::string& task_id);

// Removes the task's rows, its own and every apply lane's (when a task is copied afresh).
Status erase(Connection& target, const std::string& task_id);

}  // namespace omsql::checkpoint
