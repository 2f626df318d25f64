// The replayer's book of its apply lanes (src/apply/lane_progress): where replay starts, when a
// group is complete, which position each lane then stands at, when the lane count may change.
#include <doctest/doctest.h>

#include "src/apply/lane_progress.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "tests/src/apply/replay_test_support.hpp"

using namespace omsql;
using namespace omsql::apply;
using omsql::replay_test::at;

TEST_CASE("replay starts at the slowest lane; a group is complete when every lane has answered") {
  LaneProgress progress;
  progress.begin({at(100), at(50), at(70)});
  CHECK(progress.lanes() == 3);
  CHECK(progress.checkpoint() == at(50));
  CHECK_FALSE(progress.agreed());
  CHECK(progress.moves_checkpoint(at(90)));
  CHECK_FALSE(progress.moves_checkpoint(at(50)));  // nothing folded past the checkpoint
  CHECK_FALSE(progress.moves_checkpoint(SourcePosition{}));

  progress.group_sent(at(90), 3, 12);
  CHECK(progress.in_flight());
  CHECK_FALSE(progress.group_acknowledged());
  CHECK_FALSE(progress.group_acknowledged());
  CHECK(progress.checkpoint() == at(50));  // not before the last lane has committed
  auto changes = progress.group_acknowledged();
  REQUIRE(changes);
  CHECK(*changes == 12);
  CHECK_FALSE(progress.in_flight());
  CHECK(progress.checkpoint() == at(90));
  // The lane that was past the group skipped it and stays where it was.
  CHECK(progress.committed() == std::vector<SourcePosition>{at(100), at(90), at(90)});
  CHECK_FALSE(progress.agreed());

  progress.group_sent(at(120), 3, 0);
  for (int i = 0; i < 3; ++i) (void)progress.group_acknowledged();
  CHECK(progress.committed() == std::vector<SourcePosition>{at(120), at(120), at(120)});
  REQUIRE(progress.agreed());
  CHECK(*progress.agreed() == at(120));
  // A late answer with nothing in flight changes nothing.
  CHECK_FALSE(progress.group_acknowledged());
  CHECK(progress.checkpoint() == at(120));
}

TEST_CASE("lanes that committed nothing start from the spool's start and agree at once") {
  LaneProgress progress;
  progress.begin({SourcePosition{}, SourcePosition{}});
  CHECK(progress.checkpoint().empty());
  REQUIRE(progress.agreed());
  CHECK(progress.agreed()->empty());
  progress.group_sent(at(10), 2, 3);
  CHECK_FALSE(progress.agreed());  // not while a group is in flight
  (void)progress.group_acknowledged();
  REQUIRE(progress.group_acknowledged());
  CHECK(progress.committed() == std::vector<SourcePosition>{at(10), at(10)});
}

TEST_CASE("the lane count changes only where every lane stands at one position") {
  LaneProgress progress;
  progress.begin({at(40), at(40), at(40), at(40)});
  REQUIRE(progress.agreed());
  progress.relane(2, *progress.agreed());
  CHECK(progress.lanes() == 2);
  CHECK(progress.committed() == std::vector<SourcePosition>{at(40), at(40)});
  CHECK(progress.checkpoint() == at(40));
  progress.repair_sent();
  CHECK(progress.in_flight());
  CHECK_FALSE(progress.agreed());
  progress.repair_done();
  CHECK(progress.checkpoint() == at(40));  // a repair moves no position
  CHECK(progress.agreed());
}

TEST_CASE("an FK-ordered group may not end where a lane has committed already") {
  LaneProgress progress;
  progress.begin({at(30), SourcePosition{}, at(20)});
  CHECK(progress.check_ordered(at(31)));
  auto refused = progress.check_ordered(at(30));
  CHECK_FALSE(refused);
  CHECK(refused.message().find("past the FK-ordered group ending at") != std::string::npos);
  // One acknowledgement commits an ordered group for every lane.
  progress.group_sent(at(50), 1, 4);
  REQUIRE(progress.group_acknowledged());
  CHECK(progress.committed() == std::vector<SourcePosition>{at(50), at(50), at(50)});
}

TEST_CASE("catching up ends once the checkpoint reaches the source position taken at the start") {
  LaneProgress progress;
  progress.begin({at(10)});
  CHECK_FALSE(progress.check_caught_up());  // no target yet
  progress.set_catch_up_target(at(60));
  CHECK_FALSE(progress.check_caught_up());
  progress.group_sent(at(59), 1, 1);
  (void)progress.group_acknowledged();
  CHECK_FALSE(progress.caught_up());  // only looked at group boundaries
  CHECK_FALSE(progress.check_caught_up());
  progress.group_sent(at(60), 1, 1);
  (void)progress.group_acknowledged();
  CHECK_FALSE(progress.caught_up());
  CHECK(progress.check_caught_up());
  CHECK(progress.caught_up());
}
