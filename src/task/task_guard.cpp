#include "src/task/task_guard.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace omsql {
namespace {

namespace fs = std::filesystem;

// Directories whose contents belong to the system or to many users: a task there would mix its
// files with theirs (and later helpers tighten the task directory's permissions).
bool is_system_directory(const fs::path& path) {
  static const std::set<std::string> kExact = {
      "/",          "/bin",       "/boot",      "/dev",        "/etc",         "/home",      "/lib",
      "/lib32",     "/lib64",     "/libx32",    "/media",      "/mnt",         "/opt",       "/proc",
      "/root",      "/run",       "/sbin",      "/srv",        "/sys",         "/tmp",       "/usr",
      "/var",       "/usr/bin",   "/usr/lib",   "/usr/lib64",  "/usr/libexec", "/usr/local", "/usr/sbin",
      "/usr/share", "/usr/include", "/usr/src", "/usr/local/bin", "/usr/local/lib", "/var/lib", "/var/log",
      "/var/tmp",   "/var/cache", "/var/spool", "/var/run",    "/var/mail",    "/var/backups"};
  std::string text = path.string();
  if (kExact.count(text)) return true;
  for (const char* tree : {"/proc/", "/sys/", "/dev/"})
    if (text.rfind(tree, 0) == 0 && text.rfind("/dev/shm/", 0) != 0) return true;
  return false;
}

// Whether `path` names the same directory as $HOME.
bool is_home(const fs::path& path) {
  const char* home = std::getenv("HOME");
  if (!home || !*home) return false;
  std::error_code ec;
  fs::path canonical_home = fs::weakly_canonical(home, ec);
  return !ec && canonical_home == path;
}

}  // namespace

Status check_task_directory(const std::string& path) {
  if (path.empty()) return Status::invalid_argument("task directory: the path is empty");
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return Status::io_error("task directory " + path + ": " + ec.message());
  std::string shown = resolved.string() == path ? path : path + " (" + resolved.string() + ")";
  if (is_system_directory(resolved) || is_home(resolved))
    return Status::invalid_argument("task directory " + shown +
                                    " is a system or home directory: omsrun keeps its state, lock and spool "
                                    "there; name a directory of its own, e.g. .omsql/<task>");
  auto status = fs::symlink_status(resolved, ec);
  if (ec || status.type() == fs::file_type::not_found) return Status::ok();  // created by TaskDirectory::open
  if (status.type() != fs::file_type::directory)
    return Status::invalid_argument("task directory " + shown + " exists and is not a directory");
  bool empty = fs::directory_iterator(resolved, ec) == fs::directory_iterator();
  if (ec) return Status::io_error("task directory " + shown + ": " + ec.message());
  if (empty) return Status::ok();
  // Any kind of entry counts here: a `lock` that is a symlink is then refused by name when opened.
  for (const char* marker : {"lock", "state.json"}) {
    if (fs::symlink_status(resolved / marker, ec).type() != fs::file_type::not_found && !ec) return Status::ok();
  }
  return Status::invalid_argument("task directory " + shown +
                                  " is not empty and holds no omsql task (no lock or state.json): name a new or "
                                  "empty directory");
}

Result<std::optional<LockHolder>> task_lock_holder(const std::string& directory) {
  const std::string lock_path = directory + "/lock";
  int fd = ::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<LockHolder>();
    if (errno == ELOOP) return Status::invalid_argument(lock_path + " is a symbolic link, not omsrun's lock file");
    return Status::io_error(lock_path + ": " + std::strerror(errno));
  }
  struct stat info {};
  bool stat_ok = ::fstat(fd, &info) == 0;
  // A shared lock we can take means no exclusive holder: nobody runs the task.
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
  ::close(fd);  // also releases the shared lock, if it was taken
  if (!held) return std::optional<LockHolder>();
  if (!stat_ok) return Status::io_error(lock_path + ": " + std::strerror(errno));

  // /proc/locks: "1: FLOCK  ADVISORY  WRITE 1234 fe:00:10960971 0 EOF" (device in hex, inode in
  // decimal); "1: -> FLOCK ..." lines are waiters, not holders.
  std::ifstream locks("/proc/locks");
  if (!locks) return Status::io_error("cannot read /proc/locks to find who holds " + lock_path);
  char device[32];
  std::snprintf(device, sizeof device, "%02x:%02x:", major(info.st_dev), minor(info.st_dev));
  const std::string wanted = device + std::to_string(info.st_ino);
  int pid = 0;
  for (std::string line; std::getline(locks, line);) {
    std::istringstream fields(line);
    std::string number, kind, mode, access, pid_text, where;
    fields >> number >> kind;
    if (kind != "FLOCK") continue;
    fields >> mode >> access >> pid_text >> where;
    if (where != wanted) continue;
    pid = std::atoi(pid_text.c_str());
    break;
  }
  if (pid <= 0)
    return Status::io_error(lock_path + " is locked, but /proc/locks does not say by which process: not signalled");

  LockHolder holder;
  holder.pid = pid;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::error_code ec;
  fs::path exe = fs::read_symlink(proc + "/exe", ec);
  if (!ec) {
    holder.program = exe.string();
  } else {
    // Another user's process: its exe link is unreadable, its command line is not.
    std::ifstream cmdline(proc + "/cmdline");
    std::getline(cmdline, holder.program, '\0');
  }
  std::string name = fs::path(holder.program).filename().string();
  if (name.rfind("omsrun", 0) != 0)
    return Status::invalid_argument(lock_path + " is held by process " + std::to_string(pid) + " (" +
                                    (holder.program.empty() ? "unknown program" : holder.program) +
                                    "), which is not omsrun: not signalled");
  return std::optional<LockHolder>(holder);
}

}  // namespace omsql
