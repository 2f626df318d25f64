#pragma once
// Steering a running task from another process (`omsrun pause|resume|throttle|stop --task DIR`),
// through its control endpoint (actors/control_server.hpp) and, for stop, its lock holder.
#include <cstdint>
#include <functional>
#include <string>

#include "src/common/status.hpp"
#include "src/task/task_status.hpp"
#include "src/task/throttle_request.hpp"
#include "src/verify/request.hpp"

namespace omsql::runner {

// Sends `command` (pause, resume, status, verify) to the running task in `task_dir`; its answer
// (JSON text). NotFound when the task runs no control endpoint; InvalidArgument for another user's.
Result<std::string> send_command(const std::string& task_dir, const std::string& command, const std::string& body = "");

// Changes the limits of the running task (POST /throttle); its answer, the status with the
// limits now in force (JSON text).
Result<std::string> throttle(const std::string& task_dir, const ThrottleRequest& request);

// `omsrun verify --task DIR`: asks the running task to verify now (POST /verify) with the
// overrides (a relative repair file is made absolute here: the task runs in its own working
// directory). The task's refusal (copying, one already running) is the error.
struct VerificationStarted {
  uint64_t id = 0;     // the task's verification number
  std::string report;  // where its JSON report lands
};
Result<VerificationStarted> start_verification(const std::string& task_dir, const verify::VerifyOverrides& overrides);

// Waits until the running task's verification `id` has finished and returns its outcome (one
// whose `error` is set could not run). Reads the task's status every 250 ms and hands the progress
// to `progress` every 5 s; an error when the task stops answering for 10 s.
Result<VerificationOutcome> await_verification(const std::string& task_dir, uint64_t id,
                                               const std::function<void(const VerifyProgressStatus&)>& progress);

// Asks the omsrun process that holds the lock of `task_dir` to stop cleanly: through the control
// endpoint when it answers (the task then exits 0), else by SIGTERM to the verified lock holder
// (exit 143). Returns once the lock is free; an error when no omsrun holds it, when the holder
// cannot be attributed, or after 60 s.
Status stop_task(const std::string& task_dir);

}  // namespace omsql::runner
