// `omsrun status --task DIR`: what a task is doing, or what it last did. A running task answers
// from memory through its control endpoint; a stopped or dead one is described from the files it
// left, and nothing it claimed about a live link (caught up, lag, paused) is passed on as current.
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/cli/commands.hpp"
#include "src/cli/script_loader.hpp"
#include "src/runner/control.hpp"
#include "src/task/task_state.hpp"

namespace omsql::cli {

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json();
  auto parsed = nlohmann::json::parse(in, nullptr, false);
  return parsed.is_discarded() || !parsed.is_object() ? nlohmann::json() : parsed;
}

std::string clock_text(int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return text;
}

// A task no process runs: copies nothing, applies nothing.
void mark_not_running(nlohmann::json& status) {
  if (status.contains("caught_up")) status["caught_up"] = false;
  if (status.contains("lag_seconds")) {
    status["last_lag_seconds"] = status["lag_seconds"];
    status.erase("lag_seconds");
  }
  status.erase("events_per_second");
  status.erase("capture_paused");
  status["paused"] = false;
  status["verifying"] = false;
  if (status.contains("verification") && status["verification"].is_object()) {
    status["verification"]["running"] = false;
    status["verification"].erase("progress");
  }
  if (!status.contains("ended"))
    status["ended"] = status.contains("pid") ? "process " + std::to_string(status.value("pid", int64_t{0})) +
                                                   " ended without a clean stop (killed or crashed)"
                                             : "not running";
}

}  // namespace

// "1000 rows/s, unlimited events/s": the limits a status JSON shows.
std::string limits_text(const nlohmann::json& status) {
  auto limit = [&](const char* field, const char* unit) {
    int64_t value = status.value(field, int64_t{0});
    return (value == 0 ? std::string("unlimited") : std::to_string(value)) + " " + unit;
  };
  return limit("max_rows_per_sec", "rows/s (copy)") + ", " + limit("max_events_per_sec", "events/s (replay)");
}

int show_status(const std::string& task_dir, bool json) {
  nlohmann::json status;
  bool running = false;
  auto live = runner::send_command(task_dir, "status");
  if (live) {
    auto parsed = nlohmann::json::parse(*live, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) {
      status = std::move(parsed);
      running = true;
    }
  } else if (live.status().code() == Status::Code::kInvalidArgument) {
    std::cerr << "error: " << live.status().message() << "\n";  // another user's task
    return kExitFailure;
  }
  const nlohmann::json state = read_json(task_dir + "/state.json");
  if (!running) {
    status = read_json(task_dir + "/status.json");
    if (status.is_null() && state.is_null()) {
      std::cerr << "error: " << task_dir << " holds no task (no status.json or state.json)\n";
      return kExitFailure;
    }
    if (status.is_null()) status = nlohmann::json::object();
    // A process holding the lock without a control endpoint still runs the task; its status.json
    // is at most a second old.
    running = task_directory_in_use(task_dir);
    if (!running) mark_not_running(status);
  }
  status["running"] = running;
  if (!status.contains("phase") && state.is_object() && state.contains("phase")) status["phase"] = state["phase"];
  if (const nlohmann::json last_error = read_json(task_dir + "/last-error.json"); last_error.is_object())
    status["last_error"] = last_error;
  if (json) {
    std::cout << status.dump(2) << "\n";
    return 0;
  }

  std::cout << "task       " << task_dir;
  if (running) std::cout << " (running, pid " << status.value("pid", int64_t{0}) << ")\n";
  else std::cout << " (not running: " << status.value("ended", std::string("not running")) << ")\n";
  std::cout << "phase      " << status.value("phase", std::string("?"))
            << (status.value("paused", false) ? " (paused)" : "") << "\n";
  if (status.contains("max_rows_per_sec")) std::cout << "throttle   " << limits_text(status) << "\n";
  if (status.contains("applied_position")) {
    std::cout << "source     " << status.value("source_position", "") << "\n"
              << "applied    " << status.value("applied_position", "") << "\n";
    if (running && status.contains("capture_paused"))
      std::cout << "capture    paused: " << status.value("capture_paused", "") << "\n";
    if (running)
      std::cout << "lag        " << status.value("lag_seconds", 0.0) << " s\n"
                << "rate       " << status.value("events_per_second", 0.0) << " events/s\n";
    else
      std::cout << "lag        unknown: not running (" << status.value("last_lag_seconds", 0.0)
                << " s when last written, " << clock_text(status.value("updated_at", int64_t{0})) << ")\n";
    std::cout << "applied    " << status.value("events_applied", 0) << " change(s) by "
              << (running ? "this process" : "the last process") << "\n"
              << "caught up  " << (status.value("caught_up", false) ? "yes" : "no") << "\n";
  }
  if (state.is_object() && state.contains("tables")) {
    size_t done = 0;
    for (const auto& [name, table] : state["tables"].items()) done += table.value("copy_done", false) ? 1 : 0;
    std::cout << "copy       " << done << "/" << state["tables"].size() << " table(s) copied\n";
  }
  if (status.contains("verification") && status["verification"].is_object()) {
    const auto& v = status["verification"];
    if (v.value("running", false)) {
      std::cout << "verify     " << v.value("id", 0) << " running";
      if (v.contains("progress"))
        std::cout << ": " << v["progress"].value("tables_done", 0) << "/" << v["progress"].value("tables", 0)
                  << " table(s), " << v["progress"].value("rows", uint64_t{0}) << " rows";
      std::cout << "\n";
    }
    if (v.contains("last"))
      std::cout << "verified   " << v["last"].value("id", 0) << ": " << v["last"].value("outcome", std::string("?"))
                << " (exit " << v["last"].value("exit_code", 1) << ")"
                << (v["last"].contains("report") ? ", report " + v["last"].value("report", std::string()) : "")
                << "\n";
  }
  if (status.contains("last_error")) {
    const auto& e = status["last_error"];
    const bool earlier = running && e.value("pid", int64_t{0}) != status.value("pid", int64_t{0});
    std::cout << "last error " << (earlier ? "(an earlier run, " : "(") << "pid " << e.value("pid", int64_t{0})
              << ", " << clock_text(e.value("at", int64_t{0})) << ") " << e.value("message", std::string()) << "\n";
  }
  return 0;
}

}  // namespace omsql::cli
