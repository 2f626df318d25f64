#pragma once
// The replayer's state and the steps its files share (actors/replayer.cpp: reading the spool,
// folding and flushing groups, the lanes, repairs, the behaviour; actors/replayer_barrier.cpp: a
// DDL barrier and the in-link copy it may ask for). Internal to the replayer: nothing else
// includes it.
#include <caf/all.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "src/apply/ddl_barrier.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/apply/lane_progress.hpp"
#include "src/apply/lane_transaction.hpp"
#include "src/apply/replay_group.hpp"
#include "src/common/retry.hpp"
#include "src/common/token_bucket.hpp"
#include "src/engine/engine.hpp"
#include "src/apply/unapplied_ages.hpp"
#include "src/spool/spool.hpp"
#include "src/task/ddl_resolution.hpp"
#include "src/task/schema_history.hpp"
#include "src/task/table_copies.hpp"
#include "src/verify/differ.hpp"

namespace omsql::actors::replay {

using Clock = std::chrono::steady_clock;
// The share of one group of source transactions that falls to one lane (src/apply/lane_transaction.hpp).
using apply::LaneWork;

struct ReplayerState {
  // The replayer's own copy of the plan: a replicated ALTER rebinds a table's job at its barrier
  // (while every lane is idle), so the jobs are those valid at the replay position.
  std::shared_ptr<Plan> own_plan;
  std::shared_ptr<const Plan> plan;  // = own_plan, read-only for the lanes and the folding
  std::optional<SchemaHistory> history;  // the definitions capture recorded (schema-history.jsonl)
  std::shared_ptr<const apply::FkGraph> graph;
  std::string spool_dir;
  std::string task_dir;
  std::string task_id;
  tailer_actor tailer;
  link_events_actor coordinator;
  engine::Engines engines;                         // null: the plan's dialects' (engine_or_default)
  std::vector<lane_actor> lanes;                   // change appliers
  size_t wanted_lanes = 1;                         // `parallel`; the lanes move to it when they agree
  std::unique_ptr<apply::ReplayGroup> group;       // the group being folded
  apply::LaneProgress progress;                    // the lanes' checkpoints and the group in flight
  apply::TransactionAssembler assembler;           // spool events -> whole source transactions
  std::optional<apply::SourceTransaction> waiting; // read, but of the other kind than the group folded
  std::unique_ptr<apply::DdlBarrier> ddl;          // which DDL records are barriers, and what they run
  std::optional<apply::DdlStep> barrier;           // `waiting` is this DDL: run once the lanes are idle
  std::optional<DdlResolution> ddl_resolution;     // `omsrun ddl skip|applied|retry` of the last stop
  std::optional<DdlStopReport> capture_stop;       // capture stopped before this DDL: stop once all before it is applied
  bool spool_read_all = false;                     // the reader found nothing more before the durable end
  std::unique_ptr<SpoolReader> reader;
  SpoolStored stored;                              // from the tailer
  SpoolPosition flushing_spool_end;
  // Verification repairs waiting for the next group boundary: (table index, differences).
  std::deque<std::pair<size_t, std::vector<verify::RowDifference>>> repairs;
  std::unique_ptr<engine::VerifySession> repair_rows;  // reads a repair's rows as both sides hold them now
  RetryState begin_retry;                          // reading the checkpoints before replay begins
  bool begin_retry_pending = false;
  bool replaying = false;
  bool apply_scheduled = false;
  bool paused = false;                             // hold applying; the spool keeps growing
  uint64_t events_applied = 0;
  UnappliedAges unapplied;                         // when the oldest stored, unapplied change was stored
  // max_events_per_sec: the row changes of a folded group are taken from this bucket before the
  // group is flushed; a group is cut at one second's budget (whole transactions; a bigger one is
  // paid in pieces). `paying` = a wake (wake_atom, generation) will continue the payment.
  TokenBucket events_budget;
  uint64_t group_paid = 0;
  bool paying = false;
  uint64_t pay_generation = 0;
  Clock::time_point rate_start = Clock::now();
  uint64_t rate_events = 0;
  double events_per_second = 0;
  // DDL during a table's copy (src/task/table_copies.hpp), by Plan index: what each table's last
  // copy read by (or that it did not finish), whether the task created its target table; the
  // record in the task directory; the in-link copy replay waits for.
  std::vector<TableCopyFacts> copies;
  std::vector<bool> created_by_task;
  TableCopyRecord copy_record;
  struct InLinkCopy {
    size_t index = 0;
    SourcePosition at;  // the barrier; every lane's checkpoint once its statements ran
    std::string reason;
    bool started = false;
    bool joined = false;  // its first copy: the table joined the task at the barrier
  };
  std::optional<InLinkCopy> table_copy;
  table_copy_actor copier;
  static inline const char* name = "replayer";
};

using ReplayerSelf = replayer_actor::stateful_pointer<ReplayerState>;

// actors/replayer.cpp.
// The link's status for the coordinator (applied, stored, rate, lag, lanes, an in-link copy).
SyncStatus status_of(ReplayerState& s);
// Fails the task with `message` and ends the replayer (its lanes are linked to it).
void replayer_fail(ReplayerSelf self, const std::string& message);
// A group (or a barrier, or an in-link copy) is committed on every lane: what comes next.
void after_group(ReplayerSelf self);
// Sends `work` to lane `lane`; its commit is counted for the group in flight.
void send_to_lane(ReplayerSelf self, size_t lane, LaneWork work);
// A session on the target for the replayer's own reads and writes between groups.
Result<std::unique_ptr<engine::ApplySession>> open_target(ReplayerSelf self);

// actors/replayer_barrier.cpp.
// Sizes the per-table copy facts to the plan (tables that joined the link have none).
void size_copies(ReplayerState& s);
// Starts the in-link copy `table_copy` names; replay waits for its answer.
void start_table_copy(ReplayerSelf self);
// Runs the DDL waiting at the barrier (`waiting`, `barrier`) once every lane is idle.
void run_barrier(ReplayerSelf self);

}  // namespace omsql::actors::replay
