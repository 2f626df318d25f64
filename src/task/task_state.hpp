#pragma once
// The task directory: what a task has done so far, kept on local disk so that a task killed at any
// moment resumes where it was. state.json is replaced atomically (write, fsync, rename, fsync dir),
// so a crash leaves either the old or the new state, never a torn one.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/model/source_position.hpp"
#include "src/task/phase.hpp"

namespace omsql {

// Per-table progress of the full copy. Chunks are handed out in key order but finish out of order;
// `copied_through` is the upper bound of the longest run of finished chunks from the start, so a
// resumed copy starts after it. Chunks past it may be copied twice, which the writer's REPLACE makes
// harmless.
struct TableProgress {
  bool schema_created = false;
  // The task's SCHEMA phase created this target table (it did not exist before): the only kind
  // of table `omsrun FILE --recopy` may drop.
  bool created_by_task = false;
  bool copy_done = false;
  std::optional<std::vector<std::string>> copied_through;  // key tuple (raw bytes), nullopt = from the start
  uint64_t rows_copied = 0;
  uint64_t bytes_copied = 0;
  // Tables read whole in one snapshot (no key, an FK snapshot group): the source position of that
  // snapshot; replay skips the table's changes up to it.
  std::optional<SourcePosition> snapshot;
  // DDL during the copy (src/task/table_copies.hpp): the source position by which the copy had
  // read its rows (taken once its last chunk was committed; the snapshot's for a snapshot copy),
  // and, for a copy cut off by a DDL or a failure of its own, why (copy_done is then set: the
  // copy is redone inside the live link, at the table's DDL barrier by `copy_read_by`).
  std::optional<SourcePosition> copy_read_by;
  std::optional<std::string> copy_incomplete;
};

struct TaskState {
  std::string script_path;
  Phase phase = Phase::kNew;  // kept in state.json by name (phase.hpp)
  // Where capture starts: the source position recorded before the first chunk is read.
  std::optional<SourcePosition> start_position;
  std::map<std::string, TableProgress> tables;    // by source "db.table"
  bool indexes_done = false;
  // Set when the binlog the task needs was purged: the link cannot go on; a plain run refuses and
  // says to re-copy (`--recopy`). The reason, as the error said it.
  std::optional<std::string> needs_recopy;
  // Phase "recopy": the target tables (schema, table) a re-copy drops before it starts afresh;
  // kept so a re-copy interrupted half-way is finished by the next run.
  std::vector<std::pair<std::string, std::string>> recopy_drop;
  // Set by `omsrun finish` (UTC time) before it creates the deferred triggers: a run of the task
  // after that would replay changes through them (they fire again on the target), so it refuses.
  std::optional<std::string> cut_over;
};

class TaskDirectory {
 public:
  // Creates the directory if needed and takes an exclusive lock (flock) on it: two omsrun processes
  // never drive the same task. The lock is released when this object dies (or the process does).
  // Refuses what check_task_directory (task_guard.hpp) refuses, and a `lock` that is a symlink.
  static Result<TaskDirectory> open(const std::string& path);
  TaskDirectory(TaskDirectory&&) noexcept;
  TaskDirectory& operator=(TaskDirectory&&) = delete;
  ~TaskDirectory();

  const std::string& path() const { return path_; }
  // Reads state.json; a task directory without one yields a fresh TaskState.
  Result<TaskState> load() const;
  // Atomically replaces state.json.
  Status save(const TaskState& state) const;

 private:
  TaskDirectory(std::string path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::string path_;
  int lock_fd_ = -1;
};

// Whether a process holds the lock of the task directory at `path` (runs the task now). Writes
// nothing: a pid in DIR/lock that no longer exists means no; otherwise the lock is probed with a
// non-blocking shared flock, held for an instant (an omsrun starting at that very instant is told
// the directory is in use, and can be started again).
bool task_directory_in_use(const std::string& path);

// The name a task's rows carry on the target (omsql_meta.checkpoint): its directory's absolute
// path (the last 191 characters, the key's length).
std::string task_id_for_directory(const std::string& directory);

// Writes `contents` to `path` atomically and durably (temp file, fsync, rename, fsync of the folder).
Status write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace omsql
