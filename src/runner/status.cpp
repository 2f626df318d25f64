#include "src/runner/status.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "src/runner/control.hpp"
#include "src/task/ddl_resolution.hpp"
#include "src/task/task_state.hpp"

namespace omsql::runner {

namespace {

// A JSON object file; null when it is missing or not an object.
nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json();
  auto parsed = nlohmann::json::parse(in, nullptr, false);
  return parsed.is_discarded() || !parsed.is_object() ? nlohmann::json() : parsed;
}

}  // namespace

Result<TaskStatus> running_status(const std::string& task_dir) {
  auto answer = send_command(task_dir, "status");
  if (!answer) return answer.status();
  return parse_task_status(*answer);
}

Result<TaskStatus> written_status(const std::string& task_dir) {
  const nlohmann::json written = read_json(task_dir + "/status.json");
  if (written.is_null()) return Status::not_found(task_dir + ": no status.json");
  return task_status_from_json(written);
}

Result<ObservedTask> observe_task(const std::string& task_dir) {
  ObservedTask observed;
  bool running = false;
  auto live = send_command(task_dir, "status");
  if (live) {
    if (auto parsed = parse_task_status(*live)) {
      observed.status = std::move(parsed).value();
      running = true;
    }
  } else if (live.status().code() == Status::Code::kInvalidArgument) {
    return live.status();  // another user's task
  }
  const nlohmann::json state = read_json(task_dir + "/state.json");
  if (!running) {
    const nlohmann::json written = read_json(task_dir + "/status.json");
    if (written.is_null() && state.is_null())
      return Status::not_found(task_dir + " holds no task (no status.json or state.json)");
    observed.status = task_status_from_json(written);
    // A process holding the lock without a control endpoint still runs the task; its status.json
    // is at most a second old.
    running = task_directory_in_use(task_dir);
    if (!running) observed.status = as_not_running(std::move(observed.status));
  }
  observed.status.running = running;
  if (!observed.status.phase && state.is_object() && state.contains("phase") && state["phase"].is_string())
    observed.status.phase = state["phase"].get<std::string>();
  // The stop record is the files' (a running task's answer has it too, from the same files); a
  // stopped task's status.json may predate them (written before the record), so they decide.
  if (!running) {
    observed.status.ddl_stop.reset();
    auto stop = read_ddl_stop(task_dir);
    auto resolution = read_ddl_resolution(task_dir);
    if (stop && *stop)
      observed.status.ddl_stop = ddl_stop_status_of(**stop, resolution ? *resolution : std::nullopt, task_dir);
  }
  if (const nlohmann::json last_error = read_json(task_dir + "/last-error.json"); last_error.is_object())
    observed.status.last_error = last_error_from_json(last_error);
  if (state.is_object() && state.contains("tables") && state["tables"].is_object()) {
    size_t done = 0;
    for (const auto& [name, table] : state["tables"].items())
      done += table.is_object() && table.value("copy_done", false) ? 1 : 0;
    observed.tables_copied = std::pair<size_t, size_t>{done, state["tables"].size()};
  }
  return observed;
}

}  // namespace omsql::runner
