#pragma once
// Session set-up for copy connections (called once per connection, before any planner, cursor or
// writer uses it) and the retry helper for transient failures.
#include <chrono>
#include <functional>
#include <thread>

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

struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{10000};
};

// Runs `attempt` until it succeeds, fails permanently, or max_attempts transient failures have
// happened, sleeping first_delay, 2x, 4x ... (capped) between attempts. `attempt` must be safe to
// repeat (e.g. reconnect, then re-read and re-write a whole chunk). Returns the last Status.
inline Status retry_with_backoff(const std::function<Status()>& attempt, RetryPolicy policy = {}) {
  auto delay = policy.first_delay;
  Status status;
  for (int i = 1;; ++i) {
    status = attempt();
    if (status || !status.is_transient() || i >= policy.max_attempts) break;
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, policy.max_delay);
  }
  if (!status && status.is_transient() && policy.max_attempts > 1)
    return status.with_context("gave up after " + std::to_string(policy.max_attempts) + " attempts");
  return status;
}

}  // namespace omsql::copy
