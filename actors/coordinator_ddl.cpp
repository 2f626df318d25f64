// The coordinator at a DDL stop (issue 12 §5): the replayer reports the statement once every
// change before it is applied (ddl_stop_atom); the coordinator keeps the stop record, says how to
// go on, and removes the record and the user's resolution once replay has passed the statement
// (src/task/ddl_resolution.hpp; docs/operations.md "Stopped at a DDL").
#include <unistd.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "actors/coordinator_state.hpp"
#include "src/log/log.hpp"

namespace omsql::actors::coordination {

Status load_ddl_records(Self self) {
  auto& s = self->state;
  auto stop = read_ddl_stop(s.directory->path());
  if (!stop) return stop.status();
  auto resolution = read_ddl_resolution(s.directory->path());
  if (!resolution) return resolution.status();
  // `omsrun ddl` writes a resolution only for the stop on record: another one is not this task's
  // word about anything replay will meet (a hand-edited or stale file), and is refused.
  if (*resolution && (!*stop || !ddl_resolution_matches(**resolution, (*stop)->position, (*stop)->statement)))
    return Status::invalid_argument(
        s.directory->path() + "/ddl-resolution.json is about the DDL at " + (*resolution)->position.str() +
        (*stop ? ", but the task stopped at the DDL at " + (*stop)->position.str()
               : ", but the task is not stopped at a DDL (no ddl-stop.json)") +
        ": remove it, and resolve the stop with omsrun ddl skip|applied|retry --task " + s.directory->path());
  s.ddl_stop = *stop;
  s.ddl_resolution = *resolution;
  if (s.ddl_stop)
    log::info("replay") << "incremental: the task stopped at the DDL at " << s.ddl_stop->position.str() << " (\""
                             << s.ddl_stop->statement << "\"); "
                             << (s.ddl_resolution ? "resolution " + std::string(ddl_resolution_name(s.ddl_resolution->kind)) +
                                                        ": " + ddl_resolution_effect(*s.ddl_resolution)
                                                  : std::string("no decision yet: replay stops there again"));
  return Status::ok();
}

void stop_at_ddl(Self self, const DdlStopReport& report) {
  auto& s = self->state;
  if (s.failed) return;
  s.failed = true;
  const std::string& dir = s.directory->path();
  s.ddl_stop = DdlStop{report.position, report.statement, report.schema, report.reason};
  s.ddl_stopped = true;
  // The stop replaces any earlier word: a retry of this statement is used up, and a word about
  // an earlier statement is older still (replay has passed it).
  Status saved = write_ddl_stop(dir, *s.ddl_stop);
  if (saved) saved = clear_ddl_resolution(dir);
  s.ddl_resolution.reset();
  log::error("task") << report.reason;
  log::info("task") << "the link stopped at the DDL at " << report.position.str()
                    << " (everything before it is applied on the target) and waits for a DDL decision. Say how to go "
                       "on, then run the task again:";
  for (const std::string& command : ddl_resolution_commands(dir)) log::info("task") << "  " << command;
  if (!saved) log::error("task") << saved.message() << " (the stop record could not be kept)";
  s.ended = "stopped at a DDL at " + report.position.str() + ": waiting for a DDL decision";
  // Like any run that ends without finishing: `omsrun status` shows it once the process is gone.
  nlohmann::json last{{"message", report.reason},
                      {"at", static_cast<int64_t>(std::time(nullptr))},
                      {"pid", static_cast<int64_t>(::getpid())},
                      {"phase", std::string(phase_name(s.task.phase))}};
  (void)write_file_atomically(dir + "/last-error.json", last.dump(2) + "\n");
  write_status(self, true);
  finish(self, 1);
}

void forget_passed_ddl(Self self) {
  auto& s = self->state;
  if (s.ddl_stopped) return;
  const SourcePosition& applied = s.sync.applied;
  auto passed = [&](const SourcePosition& at) { return !applied.empty() && !(applied < at); };
  bool changed = false;
  if (s.ddl_resolution && passed(s.ddl_resolution->position)) {
    log::info("replay") << "incremental: passed the DDL at " << s.ddl_resolution->position.str()
                             << " as resolved (" << ddl_resolution_name(s.ddl_resolution->kind) << ")";
    if (auto st = clear_ddl_resolution(s.directory->path()); !st) log::warning("task") << st.message();
    s.ddl_resolution.reset();
    changed = true;
  }
  if (s.ddl_stop && passed(s.ddl_stop->position)) {
    if (auto st = clear_ddl_stop(s.directory->path()); !st) log::warning("task") << st.message();
    s.ddl_stop.reset();
    changed = true;
  }
  if (changed) write_status(self, true);
}

std::optional<DdlStopStatus> ddl_stop_status(Self self) {
  auto& s = self->state;
  if (!s.ddl_stop) return std::nullopt;
  return ddl_stop_status_of(*s.ddl_stop, s.ddl_resolution, s.directory->path());
}

}  // namespace omsql::actors::coordination
