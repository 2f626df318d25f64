#pragma once
// What `omsrun FILE` does with the task state it finds, before it connects to anything: refuse
// (a finished task, a task whose binlog was purged), re-copy, say it is done, resume or start.
// Pure: the runner (src/runner) carries the decision out.
#include <string>

#include "src/task/task_state.hpp"

namespace omsql {

struct StartDecision {
  enum Kind {
    kRefuse,       // `refusal` says why; nothing is changed
    kRecopy,       // --recopy asked, or a re-copy cut off half-way is finished first
    kAlreadyDone,  // done: say so and exit 0
    kResume,       // re-enter at the schema step, skipping what per-table progress shows done
    kFresh,        // a first run
  };
  Kind kind = kFresh;
  std::string refusal;  // kRefuse: the error, as printed after "error: "
};

// `directory` and `script` only go into the refusal text. A re-copy is decided before "already
// done", so `--recopy` of a finished copy copies again; after a re-copy the state is fresh and
// decide_start on it says kFresh.
StartDecision decide_start(const TaskState& state, bool recopy_asked, const std::string& directory,
                           const std::string& script);

}  // namespace omsql
