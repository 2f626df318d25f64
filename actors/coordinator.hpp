#pragma once
// The coordinator drives one task through its phases — SCHEMA, FULL copy, INDEXES, INCREMENTAL
// (binlog capture starts with the copy, replay after the indexes) — by building
// the actor graph from the Plan, keeping the task state on disk as chunks finish, and answering
// run_atom with the process exit code (0 done or stopped through the control endpoint, 1 failed,
// 128 + signal when a signal stopped it) once the task ends.
#include <caf/all.hpp>

#include <atomic>
#include <memory>

#include "actors/protocol.hpp"
#include "src/engine/engine.hpp"
#include "src/model/plan.hpp"
#include "src/task/task_state.hpp"

namespace omsql::actors {

struct RunControl {
  // Stop the task cleanly once the incremental link has caught up with the source position taken
  // when replay began (`omsrun FILE --until caught-up`): for tests and cut-over.
  bool until_caught_up = false;
  // The signal number (SIGINT/SIGTERM) a handler stored, 0 while none arrived: the coordinator
  // stops the graph within a tick and answers 128 + signal (130, 143), so that `omsrun x && next`
  // never goes on after half a task; running the same command resumes it.
  const std::atomic<int>* stop_signal = nullptr;
  // The engines the copy actors use behind the seam; null: the ones the plan's endpoint dialects
  // name (src/engine/registry). Tests pass a fake (tests/actors/coordinator_test.cpp).
  engine::Engines engines;
  // `omsrun FILE --report PATH`: at its end the coordinator writes the run report there
  // (src/task/run_report.hpp), with the script's path and the run's start (epoch ms).
  std::string report_path;
  std::string script;
  int64_t started_at_ms = 0;
};

// `directory` must outlive the coordinator; `state` is the state loaded from it (resumed or new).
coordinator_actor spawn_coordinator(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                             const TaskDirectory* directory, TaskState state, RunControl control);

}  // namespace omsql::actors
