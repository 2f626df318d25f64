#include "src/task/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace omsql {

namespace {

std::string errno_text() { return std::strerror(errno); }

// Sets `mode` on `path` unless it has it already; `path` must not be a symbolic link (checked by
// the caller: only the directory's owner could swap one in afterwards).
Status set_mode(const std::string& path, const struct stat& st, unsigned mode) {
  if ((st.st_mode & 07777) == mode) return Status::ok();
  if (::chmod(path.c_str(), mode) != 0)
    return Status::io_error(path + ": cannot set mode " + (mode == kPrivateFileMode ? "0600" : "0700") + ": " +
                            errno_text());
  return Status::ok();
}

}  // namespace

Status create_private_directory(const std::string& path) {
  std::filesystem::path folder(path);
  std::error_code ec;
  if (folder.has_parent_path() && !folder.parent_path().empty()) {
    std::filesystem::create_directories(folder.parent_path(), ec);
    if (ec) return Status::io_error("directory " + folder.parent_path().string() + ": " + ec.message());
  }
  if (::mkdir(path.c_str(), kPrivateDirectoryMode) != 0 && errno != EEXIST)
    return Status::io_error("directory " + path + ": cannot create: " + errno_text());
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::io_error("directory " + path + ": " + errno_text());
  if (!S_ISDIR(st.st_mode)) return Status::invalid_argument(path + " exists and is not a directory");
  return set_mode(path, st, kPrivateDirectoryMode);
}

Result<int> open_private_file(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CREAT | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0 && errno == ELOOP && (flags & O_NOFOLLOW))
    return Status::invalid_argument(path + " is a symbolic link: refusing to follow it (omsrun never makes one; "
                                    "remove it)");
  if (fd < 0) return Status::io_error(path + ": cannot open: " + errno_text());
  // The umask may have removed the owner's bits, and an existing file keeps its old mode: fix both.
  if (::fchmod(fd, kPrivateFileMode) != 0) {
    Status s = Status::io_error(path + ": cannot set mode 0600: " + errno_text());
    ::close(fd);
    return s;
  }
  return fd;
}

Status make_tree_private(const std::string& directory) {
  struct stat st;
  if (::stat(directory.c_str(), &st) != 0) return Status::io_error("directory " + directory + ": " + errno_text());
  OMSQL_RETURN_IF_ERROR(set_mode(directory, st, kPrivateDirectoryMode));
  std::error_code ec;
  // The iterator does not descend into symbolic links to directories.
  for (std::filesystem::recursive_directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string path = it->path().string();
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // removed meanwhile (a temp file renamed)
      return Status::io_error(path + ": " + errno_text());
    }
    if (S_ISDIR(st.st_mode)) OMSQL_RETURN_IF_ERROR(set_mode(path, st, kPrivateDirectoryMode));
    else if (S_ISREG(st.st_mode)) OMSQL_RETURN_IF_ERROR(set_mode(path, st, kPrivateFileMode));
  }
  if (ec) return Status::io_error("directory " + directory + ": " + ec.message());
  return Status::ok();
}

}  // namespace omsql
