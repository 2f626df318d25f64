#pragma once
// Progress display for the full copy. On a terminal: a live table (per table and total: rows,
// rows/s, MB/s, ETA) redrawn every second. Otherwise: one plain log line every 10 seconds. On
// finish_atom it prints the final summary and replies with it (CopySummary: rows, bytes, seconds).
// Its per-table counts go to `listener` every second and at finish (GET /status, /metrics).
#include <caf/all.hpp>

#include <iosfwd>
#include <memory>

#include "actors/protocol.hpp"
#include "src/model/plan.hpp"

namespace omsql::actors {

reporter_actor spawn_reporter(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                              copy_counts_listener_actor listener);

}  // namespace omsql::actors
