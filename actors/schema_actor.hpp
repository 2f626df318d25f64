#pragma once
// Runs the schema phase on the target. (schema_atom, bool resuming) creates databases and tables
// without secondary indexes (a resumed task keeps the tables it created before);
// (indexes_atom, uint32_t table) adds one table's secondary indexes as soon as its copy is done;
// indexes_atom adds whatever index is still missing and then the foreign keys, after the copy. Each replies with an empty string on success
// or the error message. Detached: DDL blocks. Requests run in arrival order; a target that goes away
// is retried under Options::retry (the steps are safe to repeat), so they fail only on a permanent
// error or when the patience is spent.
#include <caf/all.hpp>

#include <memory>

#include "src/model/plan.hpp"

namespace omsql::actors {

caf::actor spawn_schema_migrator(caf::actor_system& system, std::shared_ptr<const Plan> plan);

}  // namespace omsql::actors
