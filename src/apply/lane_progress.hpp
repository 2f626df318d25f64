#pragma once
// LaneProgress: the replayer's book of its apply lanes, without a server. Each lane commits its
// share of a group together with its own checkpoint row (src/apply/lane_transaction.hpp); the
// replayer sends one group at a time and the next only once every lane has committed the one
// before, so every lane sees the groups in source order. This records where each lane stands,
// where replay as a whole stands (the slowest lane), and the group (or repair) in flight.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "src/model/source_position.hpp"
#include "src/common/status.hpp"

namespace omsql::apply {

class LaneProgress {
 public:
  // Replay begins with each lane's committed position (the task's lane rows; empty: nothing
  // committed). It starts at the slowest lane's. REQUIRES: at least one lane, nothing in flight.
  void begin(std::vector<SourcePosition> committed);
  // The lanes become `lanes` lanes, all at `at` (the lane count changed where they agreed).
  void relane(size_t lanes, const SourcePosition& at);

  size_t lanes() const { return committed_.size(); }
  // Every lane has committed up to here (the slowest lane).
  const SourcePosition& checkpoint() const { return checkpoint_; }
  // Each lane's committed position now, by lane.
  const std::vector<SourcePosition>& committed() const { return committed_; }

  // The position every lane has committed, when they all stand at the same one and nothing is in
  // flight: the only place where the lane count may change (a key's lane is its hash modulo the
  // count, so a key moved to a lane that is ahead would lose the changes in between).
  std::optional<SourcePosition> agreed() const;

  // Whether a group folded through `end` moves the checkpoint (else there is nothing to flush).
  bool moves_checkpoint(const SourcePosition& end) const { return !end.empty() && !(end == checkpoint_); }
  // An ordered group commits on every lane in one transaction, so no lane may have committed its
  // end already (replay restarts from the slowest lane, and a lane never passes a group it did not
  // commit): an internal error otherwise.
  Status check_ordered(const SourcePosition& end) const;
  // A replicated DDL at `at` runs once every lane has committed everything before it and before
  // any lane applies a change after it: nothing in flight, and no lane at or past `at` (the DDL
  // moves every lane's row to `at` in one transaction, so no lane passes it alone). An internal
  // error otherwise.
  Status check_barrier(const SourcePosition& at) const;

  // A group ending at `end` went out as `acknowledgements` lane transactions with `changes` row
  // changes in all. REQUIRES: nothing in flight.
  void group_sent(const SourcePosition& end, size_t acknowledgements, uint64_t changes);
  // One lane committed its share of the group in flight. When it was the last, the group is
  // committed: its end is the checkpoint, every lane behind it stands there (a lane already past
  // it skipped it and stays where it was), and the group's row changes are returned.
  std::optional<uint64_t> group_acknowledged();

  // A verification repair went to one lane, between two groups: no position moves.
  void repair_sent() { in_flight_ = 1; }
  void repair_done() { in_flight_ = 0; }

  bool in_flight() const { return in_flight_ > 0; }

  // The source's position when replay began: catching up ends once the checkpoint reaches it.
  void set_catch_up_target(SourcePosition target) { catch_up_target_ = std::move(target); }
  const SourcePosition& catch_up_target() const { return catch_up_target_; }
  // Looks, at a group boundary, whether the checkpoint has reached the catch-up target; once it
  // has, the answer stays true (caught_up() tells it between two looks).
  bool check_caught_up();
  bool caught_up() const { return caught_up_; }

 private:
  std::vector<SourcePosition> committed_;
  SourcePosition checkpoint_;
  SourcePosition sending_;  // the end of the group in flight
  uint64_t sending_changes_ = 0;
  size_t in_flight_ = 0;    // acknowledgements awaited
  SourcePosition catch_up_target_;
  bool caught_up_ = false;
};

}  // namespace omsql::apply
