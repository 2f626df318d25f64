#pragma once
// A token bucket for rate limits (max_rows_per_sec, max_events_per_sec): `rate` tokens accrue per
// second, up to one second's worth, and are taken in pieces. Pure arithmetic on times the caller
// passes in; the actors that own a bucket decide when to look again (delayed_send).
//
// Guarantee: the bucket starts empty, so the tokens taken from it by time t never exceed the
// integral of its rate from its creation to t (at a constant rate L: L × elapsed seconds). A want
// larger than a second's budget is granted in pieces as tokens accrue, so it always progresses.
#include <chrono>
#include <cstdint>

namespace omsql {

class TokenBucket {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // `rate_per_second` 0 means unlimited: every take() is granted in full at once.
  explicit TokenBucket(int64_t rate_per_second = 0, Time now = {});

  // Changes the rate from `now` on. Tokens accrued so far are kept (capped at the new second's
  // budget); leaving "unlimited" starts from an empty bucket.
  void set_rate(int64_t rate_per_second, Time now);

  int64_t rate() const { return rate_; }
  bool unlimited() const { return rate_ == 0; }

  // The most one take() can ever return at a limited rate: one second's budget (at least 1).
  int64_t capacity() const;

  // Takes up to `wanted` tokens available at `now` and returns how many it took (all when unlimited).
  int64_t take(int64_t wanted, Time now);

  // How long after `now` a take() of `wanted` tokens (capped at capacity()) would be granted in
  // full; zero when it would be now or the bucket is unlimited.
  std::chrono::nanoseconds wait_for(int64_t wanted, Time now) const;

 private:
  // The tokens available at `now` (not stored: wait_for() is const).
  double available(Time now) const;
  void refill(Time now);

  int64_t rate_ = 0;
  double tokens_ = 0;
  Time last_{};
};

}  // namespace omsql
