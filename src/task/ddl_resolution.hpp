#pragma once
// The live link's stop at a source DDL, and the user's word about it, kept in the task directory:
//   ddl-stop.json        what the link stopped at (position, statement, why): written by the
//                        running task when it stops there, shown by `omsrun status`;
//   ddl-resolution.json  what to do with that statement on the next run (`omsrun ddl
//                        skip|applied|retry --task DIR`), read by the replayer when it meets the
//                        statement again (src/apply/ddl_decided_step.hpp).
// Both go once replay has passed the statement's position (the coordinator clears them), and a new
// stop replaces both. Files are 0600, written to a temporary name, fsynced and renamed
// (write_file_atomically); a removal fsyncs the directory.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/status.hpp"
#include "src/model/source_position.hpp"
#include "src/task/task_status.hpp"

namespace omsql {

// What the user said about the DDL the link stopped at.
//   kSkip     the statement is not applied to the target; the link goes on after it.
//   kApplied  the user applied it to the target by hand; the link records it done and goes on.
//   kRetry    the user fixed the target: the link runs the statement's target statements again
//             (a policy STOP is lifted for that one statement); one it cannot apply stops again.
enum class DdlResolutionKind { kSkip, kApplied, kRetry };
// "skip", "applied", "retry" (the command's word and the file's).
std::string_view ddl_resolution_name(DdlResolutionKind kind);
std::optional<DdlResolutionKind> ddl_resolution_from_name(std::string_view name);

struct DdlResolution {
  SourcePosition position;  // the statement's event end, as the stop record names it
  std::string statement;
  DdlResolutionKind kind = DdlResolutionKind::kRetry;
};

// The stop record: what the link stopped at.
struct DdlStop {
  SourcePosition position;  // DdlStatement::position: where the statement's event ends in the binlog
  std::string statement;
  std::string schema;       // the statement's default database (DdlStatement::schema)
  std::string reason;       // the message the task stopped with
};

// Whether `resolution` is the user's word about the statement met at `position` with `statement`:
// the same binlog position and the same text (a resolution never applies to another statement).
bool ddl_resolution_matches(const DdlResolution& resolution, const SourcePosition& position,
                            std::string_view statement);

// nullopt when the file is missing; Corruption naming the file when it cannot be read back.
Result<std::optional<DdlResolution>> read_ddl_resolution(const std::string& task_dir);
Status write_ddl_resolution(const std::string& task_dir, const DdlResolution& resolution);
Status clear_ddl_resolution(const std::string& task_dir);  // ok when there is none

Result<std::optional<DdlStop>> read_ddl_stop(const std::string& task_dir);
Status write_ddl_stop(const std::string& task_dir, const DdlStop& stop);
Status clear_ddl_stop(const std::string& task_dir);  // ok when there is none

// What the next run does with the statement, one sentence, for `omsrun ddl` and `omsrun status`.
std::string ddl_resolution_effect(const DdlResolution& resolution);

// The three commands that resolve a stop of the task in `task_dir`, one line each with what it means.
std::vector<std::string> ddl_resolution_commands(const std::string& task_dir);

// The status of `stop` (waiting for a decision, the commands), with `resolution` when it is about
// that statement.
DdlStopStatus ddl_stop_status_of(const DdlStop& stop, const std::optional<DdlResolution>& resolution,
                                 const std::string& task_dir);

}  // namespace omsql
