// The applier (copy writer): writes batches to the target in arrival order (actors/copy_actors.hpp).
#include <deque>
#include <map>
#include <set>

#include "actors/copy_actors.hpp"
#include "src/engine/engine.hpp"
#include "actors/retry.hpp"
#include "actors/supervision.hpp"

namespace omsql::actors {

namespace {

struct PendingBatch {
  BatchEnvelope envelope;
  reader_actor reader;
};

struct ApplierState {
  std::shared_ptr<const Plan> plan;
  copy_events_actor coordinator;
  reporter_actor reporter;
  const engine::Engine* engine = nullptr;  // the target's (engine seam; a fake in tests/actors)
  std::unique_ptr<engine::TargetSession> target;
  std::map<uint32_t, std::unique_ptr<engine::BatchSink>> writers;  // by table index
  // Batches in arrival order (at most readers × credits): the front is written, or waits for the
  // retry while the target is down; the rest wait behind it.
  std::deque<PendingBatch> queue;
  // Keyless tables whose copy is being redone: their batches are dropped until the next restart.
  std::set<uint32_t> discarding;
  RetryState retry;
  bool retry_pending = false;
  static inline const char* name = "applier";
};

using Self = applier_actor::stateful_pointer<ApplierState>;

Status connect_target(ApplierState& s) {
  s.writers.clear();
  s.target.reset();
  auto session = s.engine->open_target(s.plan->target);
  if (!session) return session.status();
  s.target = std::move(session).value();
  return Status::ok();
}

// Writes one batch. `reached_write` tells whether the failure (if any) came from the write
// itself, whose outcome is then unknown, rather than from connecting.
Status write_once(ApplierState& s, const BatchEnvelope& envelope, bool* reached_write) {
  *reached_write = false;
  if (!s.target) OMSQL_RETURN_IF_ERROR(connect_target(s));
  auto& writer = s.writers[envelope.table.index];
  if (!writer) {
    auto opened = s.target->open_sink(table_of(*s.plan, envelope.table), envelope.batch.format);
    if (!opened) return opened.status();
    writer = std::move(opened).value();
  }
  *reached_write = true;
  if (envelope.restart_chunk) OMSQL_RETURN_IF_ERROR(writer->empty_table());
  if (envelope.batch.rows == 0) return Status::ok();
  return writer->write(envelope.batch);
}

void acknowledge(Self self, const PendingBatch& pending, bool written, bool failed = false) {
  auto& s = self->state;
  const BatchEnvelope& envelope = pending.envelope;
  BatchAck ack{envelope.table, envelope.batch.chunk_id, written ? envelope.batch.rows : 0,
               written ? envelope.batch.data.size() : 0, failed};
  self->send(pending.reader, credit_atom::value, ack);
  if (written) self->send(s.reporter, progress_atom::value, ack);
}

// Writes the queued batches in order. A transient failure is retried on a fresh connection after
// the backoff (the batch is one idempotent statement); meanwhile the queue holds, which is the
// backpressure the readers should feel. A keyless batch whose write was cut off may or may not
// have been committed, so its table is copied again instead (REPLACE cannot make that harmless).
void write_queued(Self self) {
  auto& s = self->state;
  while (!s.retry_pending && !s.queue.empty()) {
    PendingBatch& pending = s.queue.front();
    const BatchEnvelope& envelope = pending.envelope;
    const TableJob& job = table_of(*s.plan, envelope.table);
    bool keyless = job.key.kind == RowKey::Kind::kNone;
    if (keyless && s.discarding.count(envelope.table.index)) {
      if (!envelope.restart_chunk) {
        acknowledge(self, pending, false);
        s.queue.pop_front();
        continue;
      }
      s.discarding.erase(envelope.table.index);
    }
    bool reached_write = false;
    Status status = write_once(s, envelope, &reached_write);
    if (status) {
      s.retry.succeeded();
      acknowledge(self, pending, true);
      s.queue.pop_front();
      continue;
    }
    if (status.is_transient()) {
      s.target.reset();
      s.writers.clear();
      if (keyless && reached_write && !envelope.restart_chunk) {
        self->send(pending.reader, redo_atom::value, RedoCopy{envelope.table, envelope.batch.chunk_id, envelope.generation});
        s.discarding.insert(envelope.table.index);
        acknowledge(self, pending, false);
        s.queue.pop_front();
        continue;
      }
      auto delay = next_retry(s.retry, s.plan->options.retry, "writing a batch of " + job.target.str(), status);
      if (delay) {
        s.retry_pending = true;
        self->delayed_send(self, *delay, retry_atom::value, s.retry.token());
        return;
      }
      status = delay.status();
    } else if (!keyless && s.plan->phases.incremental) {
      // This table alone (the target table refuses rows a DDL on the source changed, say): the
      // batch is not written and its chunk never completes; the coordinator decides.
      self->send(s.coordinator, table_failed_atom::value, TableFailure{envelope.table, status.message()});
      acknowledge(self, pending, false, true);
      s.queue.pop_front();
      continue;
    }
    self->send(s.coordinator, failed_atom::value, status.message());
    self->quit();
    return;
  }
}

applier_actor::behavior_type applier_impl(Self self, std::shared_ptr<const Plan> plan, copy_events_actor coordinator,
                                          reporter_actor reporter, const engine::Engine* target_engine) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.plan = std::move(plan);
  s.engine = &engine::engine_or_default(target_engine, s.plan->target.dialect);
  s.coordinator = std::move(coordinator);
  s.reporter = std::move(reporter);
  return {
      [=](BatchEnvelope& envelope) {
        auto& s = self->state;
        s.queue.push_back(PendingBatch{std::move(envelope), caf::actor_cast<reader_actor>(self->current_sender())});
        write_queued(self);
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.retry_pending || token != s.retry.token()) return;
        s.retry_pending = false;
        write_queued(self);
      },
  };
}

}  // namespace

applier_actor spawn_applier(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                            copy_events_actor coordinator, reporter_actor reporter, const engine::Engine* target_engine) {
  return system.spawn<caf::detached>(applier_impl, std::move(plan), std::move(coordinator), std::move(reporter),
                                     target_engine);
}

}  // namespace omsql::actors
