#include "actors/rate_limiter.hpp"

#include <chrono>
#include <deque>

#include "actors/supervision.hpp"
#include "src/common/token_bucket.hpp"

namespace omsql::actors {

namespace {

struct Waiter {
  caf::typed_response_promise<uint64_t> promise;
  int64_t wanted = 0;
  int64_t remaining = 0;
};

struct RateLimiterState {
  TokenBucket bucket;
  std::deque<Waiter> queue;
  // Each scheduled wake carries the generation it was scheduled in; a rate change reschedules, and
  // the wake it replaced is ignored when it arrives.
  uint64_t generation = 0;
  static inline const char* name = "rate_limiter";
};

using Self = rate_limiter_actor::stateful_pointer<RateLimiterState>;

// Grants what the bucket holds to the waiters in order, and schedules a wake for the first one
// still waiting: when its rest (or a second's budget, if its rest is larger) will have accrued.
void serve(Self self) {
  auto& s = self->state;
  auto now = self->clock().now();
  while (!s.queue.empty()) {
    Waiter& head = s.queue.front();
    head.remaining -= s.bucket.take(head.remaining, now);
    if (head.remaining > 0) break;
    head.promise.deliver(static_cast<uint64_t>(head.wanted));
    s.queue.pop_front();
  }
  if (s.queue.empty()) return;
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(s.bucket.wait_for(s.queue.front().remaining, now));
  self->delayed_send(self, std::max(wait, std::chrono::milliseconds(1)), wake_atom::value, ++s.generation);
}

rate_limiter_actor::behavior_type rate_limiter_impl(Self self, int64_t rows_per_second) {
  self->set_exception_handler(exit_with_exception_text);
  self->state.bucket = TokenBucket(rows_per_second, self->clock().now());
  return {
      [=](take_atom, uint64_t rows) -> caf::result<uint64_t> {
        auto& s = self->state;
        if (s.bucket.unlimited() && s.queue.empty()) return rows;
        bool idle = s.queue.empty();
        auto promise = self->make_response_promise<uint64_t>();
        s.queue.push_back(Waiter{promise, static_cast<int64_t>(rows), static_cast<int64_t>(rows)});
        if (idle) serve(self);  // otherwise a wake for the head is already scheduled
        return promise;
      },
      [=](throttle_atom, int64_t rate) {
        auto& s = self->state;
        s.bucket.set_rate(rate, self->clock().now());
        ++s.generation;  // the wake scheduled at the old rate may be far too late (or early)
        serve(self);
      },
      [=](wake_atom, uint64_t generation) {
        if (generation == self->state.generation) serve(self);
      },
  };
}

}  // namespace

rate_limiter_actor spawn_rate_limiter(caf::actor_system& system, int64_t rows_per_second) {
  return system.spawn(rate_limiter_impl, rows_per_second);
}

}  // namespace omsql::actors
