#pragma once
// Session set-up for copy connections (called once per connection, before any planner, cursor or
// writer uses it). Retries are the actors' (src/common/retry.hpp, actors/retry.hpp).
#include "src/common/status.hpp"
#include "src/mysql/connection.hpp"

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

}  // namespace omsql::copy
