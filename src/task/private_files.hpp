#pragma once
// Files a task keeps on disk (state, spool, reports, repair SQL, the control token) carry row data
// and the key to the control endpoint, so only their owner may read them: directories 0700, files
// 0600, set with fchmod after creation so that neither the umask nor an older omsql's modes decide.
#include <string>

#include "src/common/status.hpp"

namespace omsql {

inline constexpr unsigned kPrivateDirectoryMode = 0700;
inline constexpr unsigned kPrivateFileMode = 0600;

// Creates `path` (and missing parents, with the usual umask-governed modes) and gives `path`
// itself mode 0700, whether it was just created or already there.
Status create_private_directory(const std::string& path);

// open(2) with O_CREAT and mode 0600 (exactly: fchmod'ed after the open, so an existing file
// created by an older omsql with 0644 is tightened too). Returns the descriptor or an IOError;
// with O_NOFOLLOW in `flags`, a symbolic link at `path` is an InvalidArgument naming it.
Result<int> open_private_file(const std::string& path, int flags);

// Tightens everything under `directory` (itself included) to 0700 for folders and 0600 for files;
// symbolic links are left alone and not followed. For a task directory written by an older omsql.
Status make_tree_private(const std::string& directory);

}  // namespace omsql
