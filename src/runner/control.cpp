#include "src/runner/control.hpp"

#include <signal.h>

#include <chrono>
#include <thread>

#include "actors/control_server.hpp"
#include "src/task/task_guard.hpp"

namespace omsql::runner {

Result<std::string> send_command(const std::string& task_dir, const std::string& command, const std::string& body) {
  return actors::send_control(task_dir, command, body);
}

Result<std::string> throttle(const std::string& task_dir, const ThrottleRequest& request) {
  return actors::send_control(task_dir, "throttle", throttle_request_json(request));
}

Status stop_task(const std::string& task_dir) {
  // Only the omsrun that holds the task's lock is asked to stop: the pid in the lock file of a task
  // that is not running may belong to anything by now (a mariadbd, after pid reuse).
  auto holder = task_lock_holder(task_dir);
  if (!holder) {
    // Another user's task: say that, rather than the lock file's errno.
    auto endpoint = actors::read_control_file(task_dir);
    bool foreign = !endpoint && endpoint.status().code() == Status::Code::kInvalidArgument;
    return foreign ? endpoint.status() : holder.status();
  }
  if (!*holder) return Status::not_found(task_dir + ": task is not running (no process holds " + task_dir + "/lock)");
  const pid_t pid = (*holder)->pid;
  auto asked = actors::send_control(task_dir, "stop");
  if (!asked && asked.status().code() == Status::Code::kInvalidArgument) return asked.status();
  if (!asked) ::kill(pid, SIGTERM);
  // Stopped = the lock is free (a pid that is gone may be reused while we wait).
  for (int i = 0; i < 600; ++i) {
    auto still = task_lock_holder(task_dir);
    if (still && !*still) return Status::ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::io_error("process " + std::to_string(pid) + " did not stop within 60 s");
}

}  // namespace omsql::runner
