#include "src/task/ddl_resolution.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "src/task/position_json.hpp"
#include "src/task/task_state.hpp"

namespace omsql {
namespace {

using nlohmann::json;

constexpr const char* kStopFile = "/ddl-stop.json";
constexpr const char* kResolutionFile = "/ddl-resolution.json";

// Throws on a damaged file (json exceptions, std::runtime_error); the callers turn them into a Corruption.
SourcePosition position_of(const json& j) { return position_from_json_or_throw(j, "position"); }

// The file's text, nullopt when it is missing. A symbolic link planted at the name is refused.
Result<std::optional<std::string>> read_text(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return Status::io_error(path + ": cannot read: " + std::strerror(errno));
  }
  std::string text;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = Status::io_error(path + ": cannot read: " + std::strerror(errno));
      ::close(fd);
      return st;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(text));
}

// The removal is made durable like a write: a crash after it must not bring the file back.
Status remove_file(const std::string& task_dir, const char* name) {
  const std::string path = task_dir + name;
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::ok();
    return Status::io_error(path + ": cannot remove: " + std::strerror(errno));
  }
  int dir_fd = ::open(task_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return Status::io_error(task_dir + ": cannot open to sync: " + std::strerror(errno));
  const int synced = ::fsync(dir_fd);
  ::close(dir_fd);
  if (synced != 0) return Status::io_error(task_dir + ": fsync failed: " + std::strerror(errno));
  return Status::ok();
}

template <class T, class Parse>
Result<std::optional<T>> read_record(const std::string& path, const char* what, Parse parse) {
  auto text = read_text(path);
  if (!text) return text.status();
  if (!*text) return std::optional<T>{};
  json j = json::parse(**text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::corruption(path + ": damaged " + what + " (not a JSON object)");
  try {
    return std::optional<T>(parse(j));
  } catch (const std::exception& e) {
    return Status::corruption(path + ": damaged " + what + " (" + e.what() + ")");
  }
}

}  // namespace

std::string_view ddl_resolution_name(DdlResolutionKind kind) {
  switch (kind) {
    case DdlResolutionKind::kSkip: return "skip";
    case DdlResolutionKind::kApplied: return "applied";
    case DdlResolutionKind::kRetry: return "retry";
  }
  return "retry";
}

std::optional<DdlResolutionKind> ddl_resolution_from_name(std::string_view name) {
  for (auto kind : {DdlResolutionKind::kSkip, DdlResolutionKind::kApplied, DdlResolutionKind::kRetry})
    if (name == ddl_resolution_name(kind)) return kind;
  return std::nullopt;
}

bool ddl_resolution_matches(const DdlResolution& resolution, const SourcePosition& position,
                            std::string_view statement) {
  return !position.empty() && resolution.position == position && resolution.statement == statement;
}

Result<std::optional<DdlResolution>> read_ddl_resolution(const std::string& task_dir) {
  return read_record<DdlResolution>(task_dir + kResolutionFile, "DDL resolution", [](const json& j) {
    auto kind = ddl_resolution_from_name(j.at("resolution").get<std::string>());
    if (!kind) throw std::runtime_error("unknown resolution '" + j.at("resolution").get<std::string>() + "'");
    return DdlResolution{position_of(j.at("position")), j.at("statement").get<std::string>(), *kind};
  });
}

Status write_ddl_resolution(const std::string& task_dir, const DdlResolution& resolution) {
  json j{{"position", position_json(resolution.position)},
         {"statement", resolution.statement},
         {"resolution", std::string(ddl_resolution_name(resolution.kind))}};
  return write_file_atomically(task_dir + kResolutionFile, j.dump(2) + "\n");
}

Status clear_ddl_resolution(const std::string& task_dir) { return remove_file(task_dir, kResolutionFile); }

Result<std::optional<DdlStop>> read_ddl_stop(const std::string& task_dir) {
  return read_record<DdlStop>(task_dir + kStopFile, "DDL stop record", [](const json& j) {
    return DdlStop{position_of(j.at("position")), j.at("statement").get<std::string>(), j.value("schema", ""),
                   j.at("reason").get<std::string>()};
  });
}

Status write_ddl_stop(const std::string& task_dir, const DdlStop& stop) {
  json j{{"position", position_json(stop.position)},
         {"statement", stop.statement},
         {"schema", stop.schema},
         {"reason", stop.reason}};
  return write_file_atomically(task_dir + kStopFile, j.dump(2) + "\n");
}

Status clear_ddl_stop(const std::string& task_dir) { return remove_file(task_dir, kStopFile); }

std::string ddl_resolution_effect(const DdlResolution& resolution) {
  const std::string at = "the statement at " + resolution.position.str();
  switch (resolution.kind) {
    case DdlResolutionKind::kSkip:
      return "the next run passes " + at + " without applying it to the target (only the checkpoint moves past "
             "it; one that changes the columns replay writes stops again), and goes on after it";
    case DdlResolutionKind::kApplied:
      return "the next run checks that the target is as " + at + " leaves it, records it done and goes on after "
             "it (it stops again if the target is not)";
    case DdlResolutionKind::kRetry:
      return "the next run runs the target statements of " + at + " again (a policy STOP is lifted for it); if "
             "they still cannot be applied, the link stops there again";
  }
  return "";
}

std::vector<std::string> ddl_resolution_commands(const std::string& task_dir) {
  return {"omsrun ddl skip --task " + task_dir + "      pass it: the target keeps its definition",
          "omsrun ddl applied --task " + task_dir + "   you made the change on the target by hand (checked)",
          "omsrun ddl retry --task " + task_dir + "     you fixed the target: run its target statements again"};
}

DdlStopStatus ddl_stop_status_of(const DdlStop& stop, const std::optional<DdlResolution>& resolution,
                                 const std::string& task_dir) {
  DdlStopStatus status;
  status.position = stop.position.str();
  status.statement = stop.statement;
  status.reason = stop.reason;
  status.commands = ddl_resolution_commands(task_dir);
  if (resolution && ddl_resolution_matches(*resolution, stop.position, stop.statement)) {
    status.resolution = std::string(ddl_resolution_name(resolution->kind));
    status.next_run = ddl_resolution_effect(*resolution);
  }
  return status;
}

}  // namespace omsql
