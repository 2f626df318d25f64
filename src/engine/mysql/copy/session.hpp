#pragma once
// Session set-up for copy connections (called once per connection, before any planner, cursor or
// writer uses it). Retries are the actors' (src/common/retry.hpp, actors/retry.hpp).
#include "src/engine/mysql/binlog/position.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::copy {

// Source: bytes unconverted (character_set_results=binary), long network timeouts so a stream paused
// for backpressure is not cut by the server, no statement time limit, READ COMMITTED (each chunk is
// one consistent statement; no long-lived snapshot is held).
Status prepare_source_session(Connection& source);

// Target: a sql_mode that stores every source value (zero dates, NO_AUTO_VALUE_ON_ZERO) yet stays
// strict, so a value that does not fit is an error and never silently truncated;
// foreign_key_checks=0 (tables fill in any order); CHECK constraints off where the server has the
// switch (MariaDB: check_constraint_checks); time_zone +00:00. unique_checks stays on: InnoDB may
// skip duplicate detection on secondary unique keys without it, which REPLACE relies on.
Status prepare_target_session(Connection& target);

// Source: starts a REPEATABLE READ transaction WITH CONSISTENT SNAPSHOT and returns the binlog
// position that snapshot corresponds to (MariaDB's Binlog_snapshot_file/position status), for a
// table (or FK group) that is read whole and whose changes replay skips up to that position.
// The connection stays inside the transaction until end_consistent_snapshot.
Result<BinlogPosition> open_consistent_snapshot(Connection& source);
// Ends the transaction open_consistent_snapshot began (it only read: COMMIT releases the snapshot).
Status end_consistent_snapshot(Connection& source);

// The snapshot position in the rows of `SHOW SESSION STATUS LIKE 'binlog_snapshot_%'`
// (Variable_name, Value): empty when the source has no binary log (no file named); Corruption
// when a file is named without a numeric offset.
Result<BinlogPosition> snapshot_position_from_status(const QueryResult& status);

}  // namespace omsql::copy
