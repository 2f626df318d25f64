// The change applier of one apply lane (actors/incremental_actors.hpp): it hands each LaneWork
// the replayer sends to its apply::LaneWriter, in arrival order, and retries transient failures
// after a backoff without blocking.
#include <deque>
#include <utility>

#include "actors/incremental_actors.hpp"
#include "actors/protocol.hpp"
#include "actors/retry.hpp"
#include "actors/supervision.hpp"
#include "src/apply/lane_transaction.hpp"
#include "src/log/log.hpp"

namespace omsql::actors {

namespace {

using apply::LaneWork;

struct ChangeApplierState {
  std::shared_ptr<const Plan> plan;
  std::shared_ptr<const apply::FkGraph> graph;
  link_events_actor coordinator;
  std::unique_ptr<apply::LaneWriter> writer;  // the lane's session and committed position
  // Work in arrival order; the front is applied, or waits for its retry while the target is down.
  std::deque<std::pair<LaneWork, caf::typed_response_promise<uint64_t>>> queue;
  RetryState retry;
  bool retry_pending = false;
  static inline const char* name = "change_applier";
};

// Applies the queued work in order. Transient failures (lost connection, deadlock, a target that
// restarts or fails over) are retried on a fresh connection after the backoff: the transaction
// rolled back, or — when the connection went during COMMIT — committed, which the lane's
// checkpoint, read again on the new connection, tells; then the group is skipped.
void apply_queued(lane_actor::stateful_pointer<ChangeApplierState> self) {
  auto& s = self->state;
  while (!s.retry_pending && !s.queue.empty()) {
    auto& [work, promise] = s.queue.front();
    std::vector<std::string> warnings;
    Status status = s.writer->apply(work, &warnings);
    for (const auto& warning : warnings) log::warning("replay") << warning;
    if (status) {
      s.retry.succeeded();
      promise.deliver(work.changes);
      s.queue.pop_front();
      continue;
    }
    std::string what = (work.repair ? "applying repairs at " : work.ddl ? "applying the DDL at " : "applying changes up to ") + work.end.str() +
                       " (apply lane " + std::to_string(work.lane) + ")";
    if (status.is_transient()) {
      s.writer->reset();
      auto delay = next_retry(s.retry, s.plan->options.retry, what, status);
      if (delay) {
        s.retry_pending = true;
        self->delayed_send(self, *delay, retry_atom::value, s.retry.token());
        return;
      }
      status = delay.status();
    } else {
      status = status.with_context(what);
    }
    self->send(s.coordinator, failed_atom::value, status.message());
    self->quit();
    return;
  }
}

lane_actor::behavior_type change_applier_impl(lane_actor::stateful_pointer<ChangeApplierState> self,
                                              std::shared_ptr<const Plan> plan,
                                              std::shared_ptr<const apply::FkGraph> graph, std::string lane_id,
                                              link_events_actor coordinator, const engine::Engine* target_engine) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.plan = std::move(plan);
  s.graph = std::move(graph);
  s.writer = std::make_unique<apply::LaneWriter>(engine::engine_or_default(target_engine, s.plan->target.dialect),
                                                 *s.plan, *s.graph, std::move(lane_id));
  s.coordinator = std::move(coordinator);
  return {
      [=](apply_atom, LaneWork& work) -> caf::typed_response_promise<uint64_t> {
        auto& s = self->state;
        auto promise = self->make_response_promise<uint64_t>();
        s.queue.emplace_back(std::move(work), promise);
        apply_queued(self);
        return promise;
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.retry_pending || token != s.retry.token()) return;
        s.retry_pending = false;
        apply_queued(self);
      },
  };
}

}  // namespace

lane_actor spawn_apply_lane(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                            std::shared_ptr<const apply::FkGraph> graph, std::string lane_id,
                            link_events_actor coordinator, const engine::Engine* target_engine) {
  return system.spawn<caf::detached>(change_applier_impl, std::move(plan), std::move(graph), std::move(lane_id),
                                     std::move(coordinator), target_engine);
}

}  // namespace omsql::actors
