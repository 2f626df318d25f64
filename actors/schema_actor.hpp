#pragma once
// Runs the schema phase on the target (handle: schema_actor in actors/protocol.hpp).
// (schema_atom, bool resuming) creates databases and tables without secondary indexes (a resumed
// task keeps the tables it created before) and answers a SchemaResult; (indexes_atom, TableRef)
// adds one table's secondary indexes as soon as its copy is done; indexes_atom adds whatever index
// is still missing and then the foreign keys, after the copy: these answer an empty string on
// success or the error message. Detached: DDL blocks. Requests run in arrival order; a target that goes away
// is retried under Options::retry (the steps are safe to repeat), so they fail only on a permanent
// error or when the patience is spent.
#include <caf/all.hpp>

#include <memory>

#include "actors/protocol.hpp"
#include "src/model/plan.hpp"

namespace omsql::actors {

schema_actor spawn_schema_migrator(caf::actor_system& system, std::shared_ptr<const Plan> plan);

}  // namespace omsql::actors
