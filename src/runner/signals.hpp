#pragma once
// Stopping a run by signal. The first SIGINT/SIGTERM asks the task to stop cleanly (the coordinator
// reads stop_signal() within a tick and exits 128 + signal); a second one ends the process at
// once, which is safe too: the task's state is durable at every step.
#include <atomic>

namespace omsql::runner {

// Installs the handlers for SIGINT and SIGTERM (process-wide).
void install_stop_handlers();
// The signal a handler stored, 0 while none arrived.
const std::atomic<int>& stop_signal();

}  // namespace omsql::runner
