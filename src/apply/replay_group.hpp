#pragma once
// What replay does between two flushes, without a server: the spool's events are cut into whole
// source transactions (TransactionAssembler), and whole transactions are folded into one group
// (ReplayGroup), which the replayer hands to its apply lanes as one target transaction per lane.
//
// Two kinds of group. A parallel group routes every change to the lane of its key (XXH3 of the
// key's canonical bytes modulo the lane count, src/apply/routing.hpp) and folds it there into the
// net effect per key (ChangeBatch). An ordered group holds transactions whose changes trigger FK
// actions: all of it on lane 0, in binlog order, with the derived child changes (OrderedBatch).
// A transaction that changes no migrated table joins either kind; one of the other kind waits
// for the next group. Only whole transactions are folded, so a group always ends at a
// transaction boundary, where the source's rows satisfy every constraint.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/apply/cascade.hpp"
#include "src/apply/change_batch.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/apply/ordered_batch.hpp"
#include "src/engine/change_event.hpp"
#include "src/model/source_position.hpp"
#include "src/model/plan.hpp"
#include "src/spool/spool.hpp"

namespace omsql::apply {

// One source transaction as replay reads it from the spool (or a unit without rows: a heartbeat
// or the DDL of another table, which moves the position on), or a piece of one too large to hold.
struct SourceTransaction {
  std::vector<RowChange> rows;  // of wanted tables, in binlog order
  SourcePosition end;           // the position of the event that ended it
  SpoolPosition next;           // the spool position after its last record
  // A piece of a transaction larger than TransactionAssembler::kPieceBytes: its rows up to a rows
  // event's end, which is `end` (without a GTID: the transaction is not done there). The lanes
  // commit it like a whole transaction; the rest of the transaction follows.
  bool piece = false;
  // The statement, when a DdlStatement ended the unit (it then holds no rows): the replayer asks
  // DdlBarrier (ddl_barrier.hpp) whether it is a barrier or only moves the position.
  std::optional<DdlStatement> ddl;
};

// Cuts the spool's events, in spool order, into whole source transactions, and a transaction
// larger than `piece_bytes` into pieces that end at rows events. Memory stays bounded whatever a
// source transaction's size (a 50M-row archive DELETE): the lanes commit each piece with their
// checkpoint at its end, as they commit the shares of a group, so a restart goes on from there.
// At a piece's end the source's rows satisfy every unique key (InnoDB checks them per row), and
// replay writes with foreign_key_checks=0, so a piece is as good a commit point as a group's end.
class TransactionAssembler {
 public:
  static constexpr uint64_t kPieceBytes = 4 << 20;

  explicit TransactionAssembler(uint64_t piece_bytes = kPieceBytes) : piece_bytes_(piece_bytes) {}

  // Adds one event; `next` is the spool position after its record and `applied` the position
  // every lane has committed. A TransactionCommit, a DdlStatement or a Heartbeat ends the open
  // unit and returns it (a DdlStatement with the statement); a rows event that finds the open rows
  // at `piece_bytes` returns them as a piece and opens a new one with its own rows. A
  // TransactionBegin drops rows left open (a transaction cut off by a reconnect is read again from
  // its start). Events at or before `applied`, or before the end of a unit already returned (the
  // re-read start of a cut transaction whose pieces went out), add nothing and end nothing.
  std::optional<SourceTransaction> add(const Event& event, const SpoolPosition& next, const SourcePosition& applied);

 private:
  uint64_t piece_bytes_;
  std::vector<RowChange> open_rows_;
  uint64_t open_bytes_ = 0;
  SourcePosition open_end_;      // the last rows event's position among the open rows
  SpoolPosition open_next_;      // the spool position after that rows event's record
  SourcePosition returned_end_;  // the end of the last unit returned
};

enum class GroupKind { kEmpty, kParallel, kOrdered };

// The size at which replay cuts its multi-row statements for a target whose max_allowed_packet is
// `max_packet`: half of it (a statement may pass the cut by one row), at most 4 MB, at least 64 KB.
size_t statement_bytes_for(uint64_t max_packet);

// One lane's share of a flushed group: its statements (with each statement's rows' keys, for
// messages), the FK cascades between them (ordered groups), and its count of row changes.
struct LaneShare {
  std::vector<std::string> statements;
  std::vector<std::vector<std::string>> row_keys;
  std::vector<CascadeTrigger> cascades;
  uint64_t changes = 0;
};

class ReplayGroup {
 public:
  // A group is flushed once its statements reach this size, or an ordered group this many
  // FK-triggering changes.
  static constexpr uint64_t kFlushBytes = 8 << 20;
  static constexpr size_t kMaxCascades = 1000;

  // REQUIRES: `plan`, `graph` and `target_engine` outlive the group. One lane, no snapshots until
  // told otherwise. The target engine renders the statements (null: the plan's target dialect's).
  ReplayGroup(const Plan& plan, const FkGraph& graph, const engine::Engine* target_engine = nullptr);

  // By Plan table index: the table's copy already holds its changes up to this position (a
  // keyless table or an FK group read in one snapshot); empty for tables copied in chunks.
  void set_replay_after(std::vector<SourcePosition> replay_after);
  // The same for one table, copied again inside the link in one snapshot at `position`.
  void set_replay_after(size_t table, const SourcePosition& position);
  // Routes over `lane_checkpoints.size()` lanes from now on. Each lane drops the changes at or
  // before its entry (what it has committed): after a restart, replay begins at the slowest lane
  // and groups are cut anew, so a group may straddle a faster lane's checkpoint, and whole-row
  // changes of a keyless table applied twice would double its rows.
  // REQUIRES: the group holds no change (kind() == kEmpty): its batches are laid out anew.
  void set_lanes(std::vector<SourcePosition> lane_checkpoints);
  size_t lanes() const { return lane_checkpoints_.size(); }

  // The lane of a row image of Plan table `table`: by key hash; lane 0 for a keyless table (its
  // changes apply in order) or an image that does not match the table's columns; by the table's
  // name when its key compares by collation ('a' = 'A'), so two spellings of one target row never
  // race on two lanes.
  size_t lane_of(size_t table, const std::vector<Cell>& image);

  // Whether the copy of Plan table `table` already holds what the binlog holds up to `position`
  // (a keyless table or an FK group read in one snapshot at or after it): replay skips it.
  bool in_snapshot(size_t table, const SourcePosition& position) const;

  // The group `transaction` belongs in: kEmpty when it changes no migrated table.
  GroupKind kind_of(const SourceTransaction& transaction) const;
  // Folds the whole transaction. False, leaving the group untouched, when the group holds the
  // other kind: the caller keeps the transaction for the next group.
  Result<bool> fold(const SourceTransaction& transaction);

  // True once the group should be flushed: kFlushBytes, kMaxCascades, or `change_limit` row
  // changes (a throttled group holds about one second's budget). O(1): counts are kept running.
  bool full(uint64_t change_limit) const;
  // The row changes folded since the last take (what the events budget pays for).
  uint64_t changes() const { return ordered_.changes() + parallel_changes_; }
  GroupKind kind() const { return kind_; }
  // The end of the last transaction folded, and the spool position after it. They stay after a
  // take: the replayer compares them with what the lanes have committed.
  const SourcePosition& folded_through() const { return folded_through_; }
  const SpoolPosition& spool_end() const { return spool_end_; }

  // Takes a parallel (or kEmpty) group: every lane's share, by lane; the group is empty after.
  std::vector<LaneShare> take_parallel();
  // Takes an ordered group: lane 0's share; the group is empty after.
  LaneShare take_ordered();
  // Multi-row statements are cut at about `bytes` (statement_bytes_for the target's packet).
  void set_statement_bytes(size_t bytes) {
    statement_bytes_ = bytes;
    ordered_.set_statement_bytes(bytes);
  }
  // Plan table `table`'s TableJob changed (a replicated ALTER at a barrier): its batches are laid
  // out anew from it (columns, key, lane routing). REQUIRES: kind() == kEmpty.
  void rebind(size_t table);
  // The Plan's tables changed (one joined at a barrier and was appended, or one was renamed): the
  // name index and every batch are laid out anew. REQUIRES: kind() == kEmpty.
  void rebind_all();

 private:
  Status fold_parallel(const SourceTransaction& transaction);
  Status fold_ordered(const SourceTransaction& transaction);
  // Folds one change into a lane's batch for its table, counting it when `count` (the delete half
  // of a key moved to another lane is not a change of its own). Dropped when the lane holds it.
  Status fold_into(size_t lane, size_t table, const RowChange& change, bool count);
  // Whether the lane(s) the parallel fold routes `change` to have committed it already.
  bool lanes_hold(size_t table, const RowChange& change);
  ChangeBatch& router(size_t table);
  void reset_counts();

  const Plan& plan_;
  const FkGraph& graph_;
  const engine::Engine& engine_;
  std::map<QualifiedName, size_t> job_index_;
  std::vector<SourcePosition> replay_after_;
  std::vector<SourcePosition> lane_checkpoints_;
  std::vector<std::unique_ptr<ChangeBatch>> routers_;               // by table: key bytes for routing
  std::vector<std::vector<std::unique_ptr<ChangeBatch>>> batches_;  // [lane][table]
  std::vector<uint64_t> lane_changes_;
  OrderedBatch ordered_;
  GroupKind kind_ = GroupKind::kEmpty;
  uint64_t parallel_changes_ = 0;  // sum of lane_changes_
  uint64_t parallel_bytes_ = 0;    // approximate SQL size of the parallel batches
  size_t statement_bytes_ = 4 << 20;
  SourcePosition folded_through_;
  SpoolPosition spool_end_;
};

}  // namespace omsql::apply
