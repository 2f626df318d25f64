#pragma once
// The coordinator drives one task through its phases — SCHEMA, FULL copy, INDEXES, INCREMENTAL
// (binlog capture starts with the copy, replay after the indexes) — by building
// the actor graph from the Plan, keeping the task state on disk as chunks finish, and answering
// run_atom with the process exit code (0 done, 1 failed) once the task ends.
#include <caf/all.hpp>

#include <atomic>
#include <memory>

#include "dsl/plan.hpp"
#include "src/task/task_state.hpp"

namespace omsql::actors {

struct RunControl {
  // Stop the task cleanly once the incremental link has caught up with the source position taken
  // when replay began (`omsrun FILE --until caught-up`): for tests and cut-over.
  bool until_caught_up = false;
  // Set by a signal handler (SIGINT/SIGTERM): the coordinator stops the graph within a tick and
  // the task exits 0, resumable by running the same command.
  const std::atomic<bool>* stop_requested = nullptr;
};

// `directory` must outlive the coordinator; `state` is the state loaded from it (resumed or new).
caf::actor spawn_coordinator(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                             const TaskDirectory* directory, TaskState state, RunControl control);

}  // namespace omsql::actors
