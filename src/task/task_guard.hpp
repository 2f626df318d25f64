#pragma once
// What keeps a task directory from harming anything else on the machine: where one may be, and
// which process (if any) is running it. A task directory holds `lock` (flocked by the running
// omsrun, its pid inside) and `state.json`; nothing here follows a symlink planted in it.
#include <optional>
#include <string>

#include "src/common/status.hpp"

namespace omsql {

// Refuses, before anything is created or written, a task directory that is `/`, a system directory
// (/etc, /usr, /var, /tmp, ..., anything under /proc, /sys or /dev), $HOME itself, something that is
// not a directory, or an existing non-empty directory that holds no omsql task (no `lock` or
// `state.json` in it). Symlinks in `path` are resolved first, so a link to /etc is /etc.
Status check_task_directory(const std::string& path);

struct LockHolder {
  int pid = 0;
  std::string program;  // the executable's path (or argv[0] when /proc/PID/exe cannot be read)
};

// The omsrun process that runs the task in `directory`: the process that holds the flock on its
// lock file, as the kernel lists it in /proc/locks (the pid written in the file is only a hint, and
// may belong to an unrelated process by now). nullopt when no process holds the lock. An error when
// the lock is held by a process that is not omsrun, or cannot be attributed: such a process must
// not be signalled.
Result<std::optional<LockHolder>> task_lock_holder(const std::string& directory);

}  // namespace omsql
