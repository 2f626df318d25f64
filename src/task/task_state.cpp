#include "src/task/task_state.hpp"

#include "src/task/task_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/task/position_json.hpp"
#include "src/task/private_files.hpp"

namespace omsql {

namespace {

using nlohmann::json;

std::string errno_text() { return std::strerror(errno); }

// Key bytes may be binary: store them hex-encoded so state.json stays valid UTF-8.
std::string to_hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> from_hex(const std::string& hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

json to_json(const TaskState& s) {
  json j;
  j["script"] = s.script_path;
  j["phase"] = std::string(phase_name(s.phase));
  if (s.start_position) j["start_position"] = position_json(*s.start_position);
  j["indexes_done"] = s.indexes_done;
  if (s.needs_recopy) j["needs_recopy"] = *s.needs_recopy;
  if (s.cut_over) j["cut_over"] = *s.cut_over;
  if (!s.recopy_drop.empty()) {
    json drop = json::array();
    for (const auto& [schema, table] : s.recopy_drop) drop.push_back(json::array({schema, table}));
    j["recopy_drop"] = drop;
  }
  json tables = json::object();
  for (const auto& [name, t] : s.tables) {
    json tj;
    tj["schema_created"] = t.schema_created;
    if (t.created_by_task) tj["created_by_task"] = true;
    tj["copy_done"] = t.copy_done;
    tj["rows_copied"] = t.rows_copied;
    tj["bytes_copied"] = t.bytes_copied;
    if (t.snapshot) tj["snapshot"] = position_json(*t.snapshot);
    if (t.copy_read_by) tj["copy_read_by"] = position_json(*t.copy_read_by);
    if (t.copy_incomplete) tj["copy_incomplete"] = *t.copy_incomplete;
    if (t.copied_through) {
      json key = json::array();
      for (const auto& part : *t.copied_through) key.push_back(to_hex(part));
      tj["copied_through_hex"] = key;
    }
    tables[name] = tj;
  }
  j["tables"] = tables;
  return j;
}

Result<TaskState> from_json(const json& j, const std::string& where) {
  try {
    TaskState s;
    s.script_path = j.value("script", "");
    const std::string phase = j.value("phase", std::string(phase_name(Phase::kNew)));
    const auto parsed = parse_phase(phase);
    if (!parsed) return Status::corruption(where + ": unknown phase '" + phase + "'");
    s.phase = *parsed;
    if (j.contains("start_position")) {
      auto start = position_from_json(j["start_position"], where + ": start_position");
      if (!start) return start.status();
      s.start_position = *start;
    } else if (j.contains("start_binlog_file")) {  // written before the opaque position
      auto start = position_from_binlog_fields(j["start_binlog_file"].get<std::string>(),
                                               j.value("start_binlog_offset", uint64_t{0}), j.value("start_gtid", ""),
                                               where + ": start_binlog_file");
      if (!start) return start.status();
      s.start_position = *start;
    }
    s.indexes_done = j.value("indexes_done", false);
    if (j.contains("needs_recopy")) s.needs_recopy = j["needs_recopy"].get<std::string>();
    if (j.contains("cut_over")) s.cut_over = j["cut_over"].get<std::string>();
    if (j.contains("recopy_drop"))
      for (const auto& pair : j["recopy_drop"]) s.recopy_drop.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    for (const auto& [name, tj] : j.at("tables").items()) {
      TableProgress t;
      t.schema_created = tj.value("schema_created", false);
      t.created_by_task = tj.value("created_by_task", false);
      t.copy_done = tj.value("copy_done", false);
      t.rows_copied = tj.value("rows_copied", uint64_t{0});
      t.bytes_copied = tj.value("bytes_copied", uint64_t{0});
      if (tj.contains("snapshot")) {
        auto snapshot = position_from_json(tj["snapshot"], where + ": table " + name + " snapshot");
        if (!snapshot) return snapshot.status();
        t.snapshot = *snapshot;
      } else if (tj.contains("snapshot_file")) {  // written before the opaque position
        auto snapshot = position_from_binlog_fields(tj["snapshot_file"].get<std::string>(),
                                                    tj.value("snapshot_offset", uint64_t{0}), "",
                                                    where + ": table " + name + " snapshot_file");
        if (!snapshot) return snapshot.status();
        t.snapshot = *snapshot;
      }
      if (tj.contains("copy_read_by")) {  // the new form, or the old {"file","offset","gtid"}
        auto read_by = position_from_json(tj["copy_read_by"], where + ": table " + name + " copy_read_by");
        if (!read_by) return read_by.status();
        t.copy_read_by = *read_by;
      }
      if (tj.contains("copy_incomplete")) t.copy_incomplete = tj["copy_incomplete"].get<std::string>();
      if (tj.contains("copied_through_hex")) {
        std::vector<std::string> key;
        for (const auto& part : tj["copied_through_hex"]) {
          auto bytes = from_hex(part.get<std::string>());
          if (!bytes) return Status::corruption(where + ": bad key hex in table " + name);
          key.push_back(*bytes);
        }
        t.copied_through = key;
      }
      s.tables[name] = t;
    }
    return s;
  } catch (const json::exception& e) {
    return Status::corruption(where + ": " + e.what());
  }
}

}  // namespace

std::string task_id_for_directory(const std::string& directory) {
  std::string path = std::filesystem::absolute(directory).lexically_normal().string();
  return path.size() > 191 ? path.substr(path.size() - 191) : path;
}

Status write_file_atomically(const std::string& path, const std::string& contents) {
  std::string temp = path + ".tmp";
  // O_NOFOLLOW: a symlink planted at the temporary name must not redirect the write.
  auto opened = open_private_file(temp, O_WRONLY | O_TRUNC | O_NOFOLLOW);
  if (!opened) return opened.status();
  int fd = *opened;
  const char* p = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Status::io_error(temp + ": write failed: " + errno_text());
      ::close(fd);
      return s;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = Status::io_error(temp + ": fsync failed: " + errno_text());
    ::close(fd);
    return s;
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) return Status::io_error(path + ": rename failed: " + errno_text());
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::ok();
}

Result<TaskDirectory> TaskDirectory::open(const std::string& path) {
  OMSQL_RETURN_IF_ERROR(check_task_directory(path));
  OMSQL_RETURN_IF_ERROR(create_private_directory(path));
  std::string lock_path = path + "/lock";
  // O_NOFOLLOW: a `lock` symlink planted by someone else must not make us truncate its target.
  auto opened = open_private_file(lock_path, O_RDWR | O_NOFOLLOW);
  if (!opened) return opened.status();
  int fd = *opened;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::invalid_argument("task directory " + path +
                                    " is in use by another omsrun process (stop it first, or use another task_dir)");
  }
  // Only the lock holder tightens: a directory written by an older omsql had 0755/0644 modes.
  if (Status st = make_tree_private(path); !st) {
    ::close(fd);
    return st.with_context("making the task directory private");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::write(fd, pid.data(), pid.size());
  return TaskDirectory(path, fd);
}

TaskDirectory::TaskDirectory(TaskDirectory&& other) noexcept : path_(std::move(other.path_)), lock_fd_(other.lock_fd_) {
  other.lock_fd_ = -1;
}

TaskDirectory::~TaskDirectory() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<TaskState> TaskDirectory::load() const {
  std::string file = path_ + "/state.json";
  std::ifstream in(file);
  if (!in) return TaskState{};
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j = json::parse(buffer.str(), nullptr, false);
  if (j.is_discarded()) return Status::corruption(file + ": not valid JSON");
  return from_json(j, file);
}

Status TaskDirectory::save(const TaskState& state) const {
  return write_file_atomically(path_ + "/state.json", to_json(state).dump(2) + "\n");
}

bool task_directory_in_use(const std::string& path) {
  const std::string lock_path = path + "/lock";
  int fd = ::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  char text[32] = {};
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  const long pid = n > 0 ? std::strtol(text, nullptr, 10) : 0;
  if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
    ::close(fd);
    return false;
  }
  const bool in_use = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
  if (!in_use) ::flock(fd, LOCK_UN);
  ::close(fd);
  return in_use;
}

}  // namespace omsql
