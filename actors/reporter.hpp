#pragma once
// The full copy's counts: rows and bytes committed per table, and each table's own copy time.
// They go to `listener` every second and at finish (GET /status, /metrics, and the terminal's
// progress, which the coordinator draws: src/log/progress_view.hpp). On finish_atom it sends its
// last counts, replies with this run's total (CopySummary: rows, bytes, seconds) and quits.
#include <caf/all.hpp>

#include <iosfwd>
#include <memory>

#include "actors/protocol.hpp"
#include "src/model/plan.hpp"

namespace omsql::actors {

reporter_actor spawn_reporter(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                              copy_counts_listener_actor listener);

}  // namespace omsql::actors
