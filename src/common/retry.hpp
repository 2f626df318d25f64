#pragma once
// The one retry policy of every server call (copy read and write, index build, replay, checkpoint,
// binlog capture, verification): exponential backoff from `first_delay`, doubling, capped at
// `max_delay`, for as long as the failures of one operation have lasted less than `patience`.
// Pure: given how many consecutive failures and how long they have lasted, it says how long to wait
// or to give up. Which errors are worth retrying is the caller's Status (Status::is_transient(),
// src/mysql is_transient_error); permanent errors are never retried. Actors schedule the waits with
// messages to themselves (never a sleep), so they answer pause and stop while a server is down.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/common/status.hpp"

namespace omsql {

struct RetryPolicy {
  std::chrono::milliseconds first_delay{100};
  std::chrono::milliseconds max_delay{10000};
  std::chrono::milliseconds patience{std::chrono::minutes(10)};

  // The wait before the next attempt after `failures` (>= 1) consecutive failures, the first of
  // which happened `elapsed` ago: first_delay × 2^(failures-1), capped at max_delay and at what is
  // left of the patience. nullopt once `elapsed` has reached the patience: give up.
  std::optional<std::chrono::milliseconds> next_delay(int failures, std::chrono::milliseconds elapsed) const;
};

// The consecutive failures of one operation (a batch, a chunk, a lane's share of a group, a binlog
// stream). An actor keeps one per operation, calls failed() after each transient failure and
// succeeded() once the operation went through.
class RetryState {
 public:
  using Clock = std::chrono::steady_clock;

  // Records a failure at `now`; returns the wait before the next attempt, or nullopt to give up.
  std::optional<std::chrono::milliseconds> failed(const RetryPolicy& policy, Clock::time_point now = Clock::now());
  void succeeded() { failures_ = 0; }

  bool retrying() const { return failures_ > 0; }
  int failures() const { return failures_; }
  // How long the failures have lasted (0 when not retrying).
  std::chrono::milliseconds elapsed(Clock::time_point now = Clock::now()) const;
  // Changes with every failure: a scheduled retry message carries it, so a stale one is ignored.
  uint64_t token() const { return token_; }

 private:
  int failures_ = 0;
  uint64_t token_ = 0;
  Clock::time_point first_failure_;
};

// The warning logged once per backoff step: "<error> — retrying <what> in 1.6 s (attempt 5;
// failing for 3.1 s of 10 min patience)". `error` names the server (host and user, never a
// password) because every connection's Status does.
std::string retry_message(std::string_view what, const Status& error, std::chrono::milliseconds delay, int failures,
                          std::chrono::milliseconds elapsed, const RetryPolicy& policy);

// The error of an operation that ran out of patience: "<what>: gave up after N attempts over 10 min
// (retry_patience = '10m'): <error>", keeping the error's code.
Status gave_up(std::string_view what, const Status& error, int failures, std::chrono::milliseconds elapsed,
               const RetryPolicy& policy);

// "250 ms", "1.6 s", "12 s", "2 min 5 s", "1 h 3 min".
std::string format_duration(std::chrono::milliseconds duration);

// A duration option value: a number followed by ms, s, m (min) or h, case-insensitive; a bare
// number is seconds ("10m", "30s", "500ms", "90"). nullopt when malformed or above 30 days.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// The value as parse_duration reads it back ("10m", "30s", "1500ms").
std::string duration_option_text(std::chrono::milliseconds duration);

}  // namespace omsql
