#include "src/task/phase.hpp"

#include <array>

namespace omsql {

namespace {

constexpr size_t kPhases = 7;
constexpr std::array<std::string_view, kPhases> kNames = {"new",         "schema", "full",  "indexes",
                                                          "incremental", "done",   "recopy"};

constexpr size_t index_of(Phase phase) { return static_cast<size_t>(phase); }

// kMayFollow[from][to]. Rows and columns in enum order: new schema full indexes incremental done recopy.
// Skips forward are allowed (a script without SCHEMA or FULL), and so are the steps back to schema,
// full and incremental that a resumed run takes when it re-enters the pipeline at its start.
constexpr bool Y = true, N = false;  // single letters keep the table readable
constexpr std::array<std::array<bool, kPhases>, kPhases> kMayFollow = {{
    //            new schema full indexes incr done recopy
    /* new    */ {{Y, Y, Y, N, Y, Y, Y}},
    /* schema */ {{N, Y, Y, N, Y, Y, Y}},
    /* full   */ {{N, Y, Y, Y, Y, Y, Y}},
    /* indexes*/ {{N, Y, Y, Y, Y, Y, Y}},
    /* incr   */ {{N, Y, Y, N, Y, Y, Y}},
    /* done   */ {{N, N, N, N, N, Y, Y}},
    /* recopy */ {{Y, N, N, N, N, N, Y}},
}};

}  // namespace

std::string_view phase_name(Phase phase) { return kNames.at(index_of(phase)); }

std::optional<Phase> parse_phase(std::string_view name) {
  for (size_t i = 0; i < kPhases; ++i)
    if (kNames[i] == name) return static_cast<Phase>(i);
  return std::nullopt;
}

bool may_follow(Phase from, Phase to) { return kMayFollow.at(index_of(from)).at(index_of(to)); }

Status check_transition(Phase from, Phase to) {
  if (may_follow(from, to)) return Status::ok();
  return Status::invalid_argument("internal error: the task may not go from phase " + std::string(phase_name(from)) +
                          " to phase " + std::string(phase_name(to)));
}

OnResume on_resume(Phase phase) {
  switch (phase) {
    case Phase::kNew: return OnResume::kStartFresh;
    case Phase::kDone: return OnResume::kAlreadyDone;
    case Phase::kRecopy: return OnResume::kFinishRecopy;
    case Phase::kSchema:
    case Phase::kFull:
    case Phase::kIndexes:
    case Phase::kIncremental: break;
  }
  return OnResume::kReenter;
}

}  // namespace omsql
