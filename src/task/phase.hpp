#pragma once
// The phase machine of a task: where a task is (kept in state.json as its name), which phase may
// follow which, and what a run does with a task it finds in each phase. A run walks
// new → schema → full → indexes → incremental (a live link) or done, skipping the phases its script
// leaves out; a resumed run re-enters at the schema step and skips what per-table progress shows
// is done, so it may set a phase it had already passed. Pure: no I/O.
#include <optional>
#include <string>
#include <string_view>

#include "src/common/status.hpp"

namespace omsql {

enum class Phase {
  kNew,          // nothing done yet
  kSchema,       // creating the target tables
  kFull,         // the online chunked copy
  kIndexes,      // secondary indexes and foreign keys after the copy
  kIncremental,  // replaying the captured changes: the live link
  kDone,         // copied (and verified, when asked); never runs again
  kRecopy,       // `--recopy` resetting the task (dropping its tables) before a fresh start
};

// The name in state.json and status output: "new", "schema", "full", "indexes", "incremental",
// "done", "recopy" (the on-disk format of every earlier version).
std::string_view phase_name(Phase phase);
// The phase of a name phase_name gives; nullopt for any other text.
std::optional<Phase> parse_phase(std::string_view name);

// Whether a task in `from` may enter `to` (staying in a phase is always allowed: a resumed run sets
// it again). Refused: going back to new other than after a re-copy, leaving done other than by a
// re-copy, leaving recopy other than to new, and the indexes step without the copy before it.
bool may_follow(Phase from, Phase to);
// The same as a Status naming both phases: an internal error, the coordinator's bug, when refused.
Status check_transition(Phase from, Phase to);

// What a run does first with a task it finds in a phase.
enum class OnResume {
  kStartFresh,    // new: a first run
  kReenter,       // schema, full, indexes, incremental: again from the schema step, skipping what is done
  kAlreadyDone,   // done: says so and exits 0
  kFinishRecopy,  // recopy: finishes the re-copy cut off half-way, whatever the command asks
};
OnResume on_resume(Phase phase);

}  // namespace omsql
