#pragma once
// The apply lane's transaction protocol. A lane writes its share of a group of source transactions
// and its checkpoint row (omsql_meta.checkpoint, "<task>#<lane>") in one target transaction, so
// after any crash the lane's rows and its checkpoint agree; an FK-ordered group (all on lane 0)
// also moves every other lane's row in that transaction, so all lanes pass it together or not at
// all. A group the lane has already committed (replayed after a restart from the slowest lane's
// checkpoint) is skipped. Verification repairs run between two groups and move no checkpoint.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "src/apply/cascade.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/apply/replay_group.hpp"
#include "src/common/status.hpp"
#include "src/engine/engine.hpp"
#include "src/model/source_position.hpp"
#include "src/model/plan.hpp"
#include "src/verify/differ.hpp"

namespace omsql::apply {

// The share of one group that falls to one lane, as the replayer sends it to the lane's actor.
struct LaneWork {
  uint32_t lane = 0;
  std::vector<std::string> statements;
  std::vector<std::vector<std::string>> row_keys;  // per statement, its rows' keys (for messages)
  std::vector<CascadeTrigger> cascades;            // ordered groups: the FK actions between statements
  std::vector<std::string> also_checkpoint;        // ordered groups: the checkpoint rows of the other lanes
  SourcePosition end;                              // the group's end: the position every row records
  uint64_t changes = 0;
  bool repair = false;  // verification repairs: applied between two groups, no checkpoint moves
  // A replicated DDL (ddl_barrier.hpp): `statements` run one by one outside a transaction (DDL
  // commits implicitly in MariaDB), then the checkpoint rows move in one transaction of their own.
  bool ddl = false;
};

// Lane `lane`'s share of a parallel group ending at `end`.
LaneWork parallel_work(uint32_t lane, LaneShare share, const SourcePosition& end);
// An ordered group ending at `end`, for lane 0 of the task's `lanes` lanes: its transaction also
// records `end` in the rows of lanes 1 .. lanes-1.
LaneWork ordered_work(LaneShare share, const SourcePosition& end, const std::string& task_id, size_t lanes);
// The repairs of `differences` (rows as they differ now), applied while every lane stands at
// `checkpoint`: deletes of extra rows first, then the rows to write, as the repair file orders them.
LaneWork repair_work(const std::vector<verify::RowDifference>& differences, const SourcePosition& checkpoint);

// True when a lane whose committed position is `lane_checkpoint` already holds `work` (its end is
// not after the checkpoint): the lane skips it. Repairs are never skipped.
bool lane_holds(const SourcePosition& lane_checkpoint, const LaneWork& work);

// Runs `work` on `runner` as one transaction: START TRANSACTION, the statements (each cascade just
// before the statement it precedes), the checkpoint rows of `lane_id` and of work.also_checkpoint
// at work.end (not for repairs), COMMIT. On a failure it rolls back; a statement's message then
// names its failing row's key. Warnings of the FK actions go to `warnings`. A DDL's statements run
// before the transaction, which then only holds the checkpoint rows: a crash in between leaves
// every lane before the DDL, and replay meets it again (ddl_barrier.hpp says why that is safe).
// REQUIRES: a session prepared by LaneWriter (foreign_key_checks = 0), no open transaction.
Status run_lane_transaction(StatementRunner& runner, const Plan& plan, const FkGraph& graph,
                            const std::string& lane_id, const LaneWork& work, std::vector<std::string>* warnings);

// The first statement of `work` longer than the target takes (`max_packet`, its
// max_allowed_packet: the server drops the connection on a longer one, which looks like a target
// that went away and was retried for the whole retry patience): a non-transient error naming the
// table, the row's key, both sizes and the fix. Ok when every statement fits.
Status check_statement_sizes(const LaneWork& work, uint64_t max_packet, const std::string& target);

// One lane's session on the target (engine::ApplySession) and its committed position, read once
// per session. Engine-neutral: tests drive it over a fake engine (tests/actors).
class LaneWriter {
 public:
  // REQUIRES: `engine`, `plan` and `graph` outlive the writer.
  LaneWriter(const engine::Engine& engine, const Plan& plan, const FkGraph& graph, std::string lane_id);

  // Applies `work` unless the lane already holds it; opens the session first when there is none.
  // A transient failure (lost connection, deadlock, a target that restarts) may be retried after
  // reset().
  Status apply(const LaneWork& work, std::vector<std::string>* warnings);
  // Drops the session: the next apply opens a new one and reads the lane's checkpoint again,
  // since a transaction whose COMMIT lost its answer may have committed.
  void reset();
  // What the lane has committed, as last read or written (empty: nothing yet).
  const SourcePosition& checkpoint() const { return checkpoint_; }

 private:
  Status connect();

  const engine::Engine& engine_;
  const Plan& plan_;
  const FkGraph& graph_;
  std::string lane_id_;
  std::unique_ptr<engine::ApplySession> session_;
  SourcePosition checkpoint_;
  bool checkpoint_read_ = false;
};

}  // namespace omsql::apply
