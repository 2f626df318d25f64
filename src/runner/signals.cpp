#include "src/runner/signals.hpp"

#include <signal.h>

namespace omsql::runner {

namespace {

std::atomic<int> g_stop_signal{0};

extern "C" void request_stop(int signal) {
  if (g_stop_signal.load() != 0) {
    ::signal(signal, SIG_DFL);
    ::raise(signal);
    return;
  }
  g_stop_signal.store(signal);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
}

int stop_exit_code(int signal) { return signal == SIGUSR1 ? 0 : 128 + signal; }

const std::atomic<int>& stop_signal() { return g_stop_signal; }

}  // namespace omsql::runner
