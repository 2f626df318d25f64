#pragma once
// How an actor waits before it retries a server call: it logs the step once and sends itself
// (retry_atom, token) after the policy's delay — never a sleep — so pause, stop and status are
// answered while a server is down. The policy itself is src/common/retry.hpp.
#include <iostream>
#include <string_view>

#include "src/common/retry.hpp"
#include "src/common/retry_counters.hpp"
#include "src/log/log.hpp"

namespace omsql::actors {

// After a transient failure of `what`: the wait before the next attempt (the warning is logged
// here, once), or the give-up Status once the failures have outlasted the patience.
inline Result<std::chrono::milliseconds> next_retry(RetryState& state, const RetryPolicy& policy, std::string_view what,
                                                    const Status& error) {
  auto delay = state.failed(policy);
  if (!delay) return gave_up(what, error, state.failures(), state.elapsed(), policy);
  count_retry(what, error.message());
  log::warning("retry") << retry_message(what, error, *delay, state.failures(), state.elapsed(), policy);
  return *delay;
}

}  // namespace omsql::actors
