#pragma once
// Stopping a run by signal. The first SIGINT/SIGTERM asks the task to stop cleanly (the coordinator
// reads stop_signal() within a tick and exits 128 + signal); a second one ends the process at
// once, which is safe too: the task's state is durable at every step. SIGUSR1 is `omsrun stop`'s
// when the control endpoint does not answer (pre-flight, before the actors run): the deliberate
// stop, which exits 0 like a stop through the endpoint.
#include <atomic>

namespace omsql::runner {

// Installs the handlers for SIGINT, SIGTERM and SIGUSR1 (process-wide).
void install_stop_handlers();
// The signal a handler stored, 0 while none arrived.
const std::atomic<int>& stop_signal();
// The exit code of a run stopped by `signal`: 0 for SIGUSR1 (`omsrun stop`), else 128 + signal.
int stop_exit_code(int signal);

}  // namespace omsql::runner
