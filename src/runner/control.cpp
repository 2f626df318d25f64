#include "src/runner/control.hpp"

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "actors/control_server.hpp"
#include "src/runner/status.hpp"
#include "src/task/task_guard.hpp"

namespace omsql::runner {

Result<std::string> send_command(const std::string& task_dir, const std::string& command, const std::string& body) {
  return actors::send_control(task_dir, command, body);
}

Result<std::string> throttle(const std::string& task_dir, const ThrottleRequest& request) {
  return actors::send_control(task_dir, "throttle", throttle_request_json(request));
}

Result<VerificationStarted> start_verification(const std::string& task_dir, const verify::VerifyOverrides& overrides) {
  nlohmann::json body = nlohmann::json::object();
  if (!overrides.repair_file.empty()) body["repair_file"] = std::filesystem::absolute(overrides.repair_file).string();
  if (overrides.apply) body["apply"] = true;
  if (overrides.settle_seconds > 0) body["settle_seconds"] = overrides.settle_seconds;
  auto answer = actors::send_control(task_dir, "verify", body.dump());
  if (!answer) return answer.status();
  auto started = nlohmann::json::parse(*answer, nullptr, false);
  if (started.is_discarded() || !started.is_object())
    return Status::server_error(task_dir + ": unexpected answer to verify: " + *answer);
  if (started.contains("error"))
    return Status::invalid_argument(
        task_dir + ": " +
        (started["error"].is_string() ? started["error"].get<std::string>() : started["error"].dump()));
  return VerificationStarted{started.value("id", uint64_t{0}),
                             started.value("report", task_dir + "/verify-report.json")};
}

Result<VerificationOutcome> await_verification(const std::string& task_dir, uint64_t id,
                                               const std::function<void(const VerifyProgressStatus&)>& progress) {
  // The task answers its status from memory; its last verification says when this one is over.
  auto last_line = std::chrono::steady_clock::now();
  int unanswered = 0;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto status = running_status(task_dir);
    if (!status || !status->verification) {
      if (++unanswered >= 40)
        return Status::io_error(task_dir + ": the task stopped answering before verification " + std::to_string(id) +
                                " finished (see omsrun status --task " + task_dir + ")");
      continue;
    }
    unanswered = 0;
    const VerificationStatus& verification = *status->verification;
    if (verification.last && verification.last->id == id) return *verification.last;
    if (verification.progress && std::chrono::steady_clock::now() - last_line >= std::chrono::seconds(5)) {
      last_line = std::chrono::steady_clock::now();
      progress(*verification.progress);
    }
  }
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
  // No endpoint yet (pre-flight) or none answering: SIGUSR1 is the deliberate stop (exit 0).
  if (!asked) ::kill(pid, SIGUSR1);
  // Stopped = the lock is free (a pid that is gone may be reused while we wait).
  for (int i = 0; i < 600; ++i) {
    auto still = task_lock_holder(task_dir);
    if (still && !*still) return Status::ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::io_error("process " + std::to_string(pid) + " did not stop within 60 s");
}

}  // namespace omsql::runner
