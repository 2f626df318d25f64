#pragma once
// An actor system on CAF's deterministic test scheduler: scheduled (non-detached) actors run only
// inside run(), and the actor clock moves only by advance() — so timing is exact, not slept for.
// (CAF's own test_coordinator_fixture needs the caf::test engine; doctest drives these tests.)
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <chrono>
#include <optional>
#include <vector>

#include "actors/protocol.hpp"

namespace omsql::actors::testing {

struct TestScheduler {
  caf::actor_system_config config;
  caf::actor_system system;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor client;
  std::vector<caf::actor> owned;

  TestScheduler()
      : system(configure(config)),
        sched(dynamic_cast<caf::scheduler::test_coordinator&>(system.scheduler())),
        client(system) {}

  // The actor system waits for every actor at its end: the owned ones are told to exit, and the
  // exits run, also when a REQUIRE ended the test early.
  ~TestScheduler() {
    for (auto& actor : owned) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    sched.run();
  }

  // Keeps `handle` to stop it at the end of the test.
  template <class Handle>
  Handle own(Handle handle) {
    owned.push_back(caf::actor_cast<caf::actor>(handle));
    return handle;
  }

  static caf::actor_system_config& configure(caf::actor_system_config& config) {
    config.set("scheduler.policy", caf::atom("testing"));
    config.set("logger.file-verbosity", caf::atom("quiet"));
    add_message_types(config);
    return config;
  }

  // Runs every actor until no message is left.
  void run() { sched.run(); }
  // Moves the actor clock on, delivers the delayed messages now due, and runs.
  // One millisecond at a time, as a real clock would pass: an actor that schedules its next wake
  // from the time it wakes sees the time it would see in production.
  void advance(std::chrono::milliseconds by) {
    for (auto step = std::chrono::milliseconds(0); step < by; ++step) {
      sched.advance_time(std::chrono::milliseconds(1));
      sched.run();
    }
  }

  // The next message to `client` of type T, if one has arrived (never waits).
  template <class T>
  std::optional<T> take() {
    std::optional<T> out;
    client->receive([&](const T& x) { out = x; }, caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  }
};

}  // namespace omsql::actors::testing
