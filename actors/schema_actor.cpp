#include "actors/schema_actor.hpp"

#include <deque>
#include <functional>
#include <set>

#include "actors/supervision.hpp"
#include "actors/retry.hpp"
#include "src/engine/engine.hpp"

namespace omsql::actors {

namespace {

// One request: what it does (for the retry log), the call, which must be safe to repeat, and
// how its outcome is answered.
struct SchemaOperation {
  std::string what;
  std::function<Status()> run;
  std::function<void(const Status&)> reply;
};

struct SchemaState {
  std::shared_ptr<const Plan> plan;
  std::unique_ptr<engine::SchemaSession> target;
  // The tables created by this actor so far: a repeated schema step keeps them.
  std::set<QualifiedName> created;
  // Requests in arrival order; the front runs, or waits for its retry while the target is down.
  std::deque<SchemaOperation> queue;
  RetryState retry;
  bool retry_pending = false;
  static inline const char* name = "schema_migrator";
};

Status ensure_connected(SchemaState& s) {
  if (s.target) return Status::ok();
  auto session = engine::engine_for(s.plan->target.dialect).open_schema(s.plan->target);
  if (!session) return session.status();
  s.target = std::move(session).value();
  return Status::ok();
}

// Runs the queued requests in order. DDL cut off by a lost connection is safe to run again: the
// schema step keeps the tables it created, and the index steps add only what is missing by name.
void run_queued(schema_actor::stateful_pointer<SchemaState> self) {
  auto& s = self->state;
  while (!s.retry_pending && !s.queue.empty()) {
    SchemaOperation& operation = s.queue.front();
    Status status = ensure_connected(s);
    if (status) status = operation.run();
    if (!status && status.is_transient()) {
      s.target.reset();
      auto delay = next_retry(s.retry, s.plan->options.retry, operation.what, status);
      if (delay) {
        s.retry_pending = true;
        self->delayed_send(self, *delay, retry_atom::value, s.retry.token());
        return;
      }
      status = delay.status();
    }
    s.retry.succeeded();
    operation.reply(status);
    s.queue.pop_front();
  }
}

schema_actor::behavior_type schema_impl(schema_actor::stateful_pointer<SchemaState> self,
                                        std::shared_ptr<const Plan> plan) {
  self->set_exception_handler(exit_with_exception_text);
  self->state.plan = std::move(plan);
  auto enqueue = [self](std::string what, std::function<Status()> run, std::function<void(const Status&)> reply) {
    self->state.queue.push_back(SchemaOperation{std::move(what), std::move(run), std::move(reply)});
    run_queued(self);
  };
  // Index steps answer the error message, empty on success.
  auto enqueue_step = [self, enqueue](std::string what, std::function<Status()> run) {
    auto promise = self->make_response_promise<std::string>();
    enqueue(std::move(what), std::move(run),
            [promise](const Status& status) mutable { promise.deliver(status ? std::string() : status.message()); });
    return promise;
  };
  return {
      // Answers the error message (empty on success) and the target tables this actor created
      // ("db.table"), also on failure: they are the task's own.
      [=](schema_atom, bool resuming) -> caf::typed_response_promise<SchemaResult> {
        auto promise = self->make_response_promise<SchemaResult>();
        auto run = [self, resuming]() -> Status {
          auto& s = self->state;
          std::vector<std::string> warnings;
          // A resumed task finds the tables it created itself before it was interrupted: keep them.
          Plan plan = *s.plan;
          if (resuming) plan.options.on_exists = OnExists::kAppend;
          // The translation warnings were shown by the pre-flight already.
          return s.target->create_tables(plan, &warnings, &s.created);
        };
        enqueue("creating the target schema", run, [self, promise](const Status& status) mutable {
          std::vector<std::string> created;
          for (const auto& name : self->state.created) created.push_back(name.str());
          promise.deliver(SchemaResult{status ? std::string() : status.message(), std::move(created)});
        });
        return promise;
      },
      [=](indexes_atom, const TableRef& table) -> caf::typed_response_promise<std::string> {
        const TableJob& job = table_of(*self->state.plan, table);
        return enqueue_step("adding the indexes of " + job.target.str(), [self, &job]() -> Status {
          auto& s = self->state;
          return s.target->add_secondary_indexes(*s.plan, job);
        });
      },
      // Views, routines, sequences, events (and triggers without INCREMENTAL) after the copy; one
      // line per object for the run's output. Reads the source on a connection of its own. Not queued:
      // the coordinator asks only once every index request has been answered.
      [=](objects_atom) -> std::vector<std::string> {
        auto& s = self->state;
        if (auto st = ensure_connected(s); !st) return {"error: " + st.message()};
        auto lines = s.target->create_objects(s.plan->source, *s.plan, false);
        if (!lines) return {"error: " + lines.status().message()};
        return std::move(lines).value();
      },
      [=](indexes_atom) -> caf::typed_response_promise<std::string> {
        return enqueue_step("adding the remaining indexes and the foreign keys", [self]() -> Status {
          auto& s = self->state;
          return s.target->finish(*s.plan);
        });
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.retry_pending || token != s.retry.token()) return;
        s.retry_pending = false;
        run_queued(self);
      },
  };
}

}  // namespace

schema_actor spawn_schema_migrator(caf::actor_system& system, std::shared_ptr<const Plan> plan) {
  return system.spawn<caf::detached>(schema_impl, std::move(plan));
}

}  // namespace omsql::actors
