#pragma once
// The copy's shared row budget (max_rows_per_sec): one token bucket (src/common/token_bucket) that
// every reader of the task asks before it sends a batch, so the limit holds for all readers
// together, not per reader.
//
//   reader ×P ──(take_atom, rows)──► rate limiter ──(rows, once all are granted)──► reader
//   coordinator ──(throttle_atom, rows per second; 0 = unlimited)──► rate limiter
//
// Requests are served first come, first served. One larger than a second's budget is granted in
// pieces as tokens accrue, so a big batch waits longer but always goes. The limiter waits with
// delayed_send, never by sleeping; it holds one entry per waiting request, and each reader has at
// most one out, so its memory is bounded by the number of readers. Time is the actor clock's
// (self->clock()), so a test scheduler can drive it deterministically.
#include <caf/all.hpp>

#include <cstdint>

#include "actors/protocol.hpp"

namespace omsql::actors {

rate_limiter_actor spawn_rate_limiter(caf::actor_system& system, int64_t rows_per_second);

}  // namespace omsql::actors
