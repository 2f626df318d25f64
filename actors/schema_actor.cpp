#include "actors/schema_actor.hpp"

#include "actors/messages.hpp"
#include "src/mysql/connection.hpp"
#include "src/schema/migrator.hpp"

namespace omsql::actors {

namespace {

struct SchemaState {
  std::shared_ptr<const Plan> plan;
  std::unique_ptr<Connection> target;
  static inline const char* name = "schema_migrator";
};

Status ensure_connected(SchemaState& s) {
  if (s.target) return Status::ok();
  auto connection = Connection::open(s.plan->target, "target");
  if (!connection) return connection.status();
  s.target = std::move(connection).value();
  return Status::ok();
}

caf::behavior schema_impl(caf::stateful_actor<SchemaState>* self, std::shared_ptr<const Plan> plan) {
  self->state.plan = std::move(plan);
  return {
      [=](schema_atom, bool resuming) -> std::string {
        auto& s = self->state;
        if (auto st = ensure_connected(s); !st) return st.message();
        std::vector<std::string> warnings;
        // A resumed task finds the tables it created itself before it was interrupted: keep them.
        Plan plan = *s.plan;
        if (resuming) plan.options.on_exists = OnExists::kAppend;
        // The translation warnings were shown by the pre-flight already.
        Status st = schema::create_target_schema(*s.target, plan, &warnings);
        return st ? std::string() : st.message();
      },
      [=](indexes_atom, uint32_t table_index) -> std::string {
        auto& s = self->state;
        if (auto st = ensure_connected(s); !st) return st.message();
        Status st = schema::add_secondary_indexes(*s.target, *s.plan, s.plan->tables.at(table_index));
        return st ? std::string() : st.message();
      },
      [=](indexes_atom) -> std::string {
        auto& s = self->state;
        if (auto st = ensure_connected(s); !st) return st.message();
        Status st = schema::finish_target_schema(*s.target, *s.plan);
        return st ? std::string() : st.message();
      },
  };
}

}  // namespace

caf::actor spawn_schema_migrator(caf::actor_system& system, std::shared_ptr<const Plan> plan) {
  return system.spawn<caf::detached>(schema_impl, std::move(plan));
}

}  // namespace omsql::actors
