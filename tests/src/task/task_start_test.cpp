#include <doctest/doctest.h>

#include "src/task/recopy.hpp"
#include "src/task/task_start.hpp"

using namespace omsql;

TEST_CASE("decide_start: what a run does with the state it finds") {
  struct Case {
    Phase phase;
    bool recopy;
    StartDecision::Kind want;
  };
  const Case cases[] = {
      {Phase::kNew, false, StartDecision::kFresh},
      {Phase::kSchema, false, StartDecision::kResume},
      {Phase::kFull, false, StartDecision::kResume},
      {Phase::kIndexes, false, StartDecision::kResume},
      {Phase::kIncremental, false, StartDecision::kResume},
      {Phase::kDone, false, StartDecision::kAlreadyDone},
      // A re-copy cut off half-way is finished whatever the command; --recopy comes before "done".
      {Phase::kRecopy, false, StartDecision::kRecopy},
      {Phase::kDone, true, StartDecision::kRecopy},
      {Phase::kNew, true, StartDecision::kRecopy},
      {Phase::kIncremental, true, StartDecision::kRecopy},
  };
  for (const auto& c : cases) {
    CAPTURE(phase_name(c.phase));
    CAPTURE(c.recopy);
    TaskState state;
    state.phase = c.phase;
    StartDecision decision = decide_start(state, c.recopy, "/t", "shop.omsql");
    CHECK(decision.kind == c.want);
    CHECK(decision.refusal.empty());
  }
}

TEST_CASE("decide_start: a finished task never runs again, not even with --recopy") {
  TaskState state;
  state.phase = Phase::kIncremental;
  state.cut_over = "2026-12-01 10:00:00 UTC";
  for (bool recopy : {false, true}) {
    StartDecision decision = decide_start(state, recopy, "/work/t", "shop.omsql");
    CHECK(decision.kind == StartDecision::kRefuse);
    CHECK(decision.refusal.rfind("/work/t: the task was finished (omsrun finish, 2026-12-01 10:00:00 UTC)", 0) == 0);
  }
}

TEST_CASE("decide_start: a purged binlog goes on only as a re-copy") {
  TaskState state;
  state.phase = Phase::kIncremental;
  state.needs_recopy = "binlog mysql-bin.000001 was purged";
  StartDecision refused = decide_start(state, false, "/t", "shop.omsql");
  CHECK(refused.kind == StartDecision::kRefuse);
  CHECK(refused.refusal == "binlog mysql-bin.000001 was purged\n" + recopy_advice("shop.omsql"));
  CHECK(decide_start(state, true, "/t", "shop.omsql").kind == StartDecision::kRecopy);
  // Also after the re-copy was begun and cut off: it is finished first.
  state.phase = Phase::kRecopy;
  CHECK(decide_start(state, false, "/t", "shop.omsql").kind == StartDecision::kRecopy);
}
