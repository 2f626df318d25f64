#pragma once
// The control endpoint of a running task: HTTP + JSON on loopback (cpp-httplib), so that
// `omsrun status|pause|resume|stop|verify --task DIR` — or curl — can steer the task while it runs.
//
//   GET  /status   phase, positions, lag, events/s, copy progress, paused
//   GET  /metrics  the same status in the Prometheus text format (src/console/metrics.hpp)
//   GET  /         the web console (src/console/assets): GET /?token=T once sets a session cookie;
//                  then GET /session (its CSRF value), /history (the chart's last hour of samples)
//   POST /pause    stop reading chunks and applying changes (capture goes on: nothing is lost)
//   POST /resume   carry on
//   POST /stop     stop cleanly; the task resumes when run again
//   POST /verify   verify now (while the link runs; refused during the copy). Body (optional):
//                  {"repair_file": "/abs/path", "apply": bool, "settle_seconds": N}. Answers
//                  {"verify": "started", "id": N} or {"error": ...}; GET /status then shows
//                  verification.running / .progress / .last, and the report lands in
//                  DIR/verify-report.{json,txt}
//   POST /throttle {"max_rows_per_sec": N, "max_events_per_sec": M} (either or both; 0 = unlimited):
//                  change the limits for the rest of this run; answers the status with the new limits
//
// The server listens on 127.0.0.1 on a free port and writes {"port": N, "token": T, "pid": P} to
// DIR/control.json (mode 0600). Every request must carry `Authorization: Bearer T`, name the
// endpoint in Host, come from no other web origin, and change state only by POST
// (src/control/access.hpp). Each request becomes one message to the coordinator
// ((control_atom, ControlRequest) or (throttle_atom, ThrottleChange), answered with JSON text); the HTTP threads
// are the library's and touch no task state.
#include <caf/all.hpp>

#include <memory>
#include <string>

#include "actors/protocol.hpp"
#include "src/common/status.hpp"

namespace omsql::actors {

class ControlServer {
 public:
  // Starts serving; fails when no port can be bound or control.json cannot be written.
  static Result<std::unique_ptr<ControlServer>> start(caf::actor_system& system, coordinator_actor coordinator,
                                                      const std::string& task_dir);
  ~ControlServer();  // stops serving and removes control.json

  int port() const { return port_; }

 private:
  ControlServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::string control_file_;
};

// What DIR/control.json tells a client.
struct ControlEndpoint {
  int port = 0;
  std::string token;
};
// NotFound when there is no control.json (the task is not running); InvalidArgument when the
// caller may not read it (another user's task).
Result<ControlEndpoint> read_control_file(const std::string& task_dir);

// The web console's address with the one-time token: http://127.0.0.1:PORT/?token=T (opening it
// sets the session cookie and drops the token from the address bar).
std::string console_url(const ControlEndpoint& endpoint);

// Client side, for the CLI: sends `command` ("status", "pause", "throttle", ...) to the task in
// `task_dir` with the token of its control.json, and `body` for a POST. NotFound when the task
// runs no control endpoint (not running); the errors of read_control_file.
Result<std::string> send_control(const std::string& task_dir, const std::string& command,
                                 const std::string& body = "");

}  // namespace omsql::actors
