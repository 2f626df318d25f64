#include "actors/incremental_actors.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <iostream>
#include <map>
#include <optional>

#include "actors/clock.hpp"
#include "actors/messages.hpp"
#include "actors/retry.hpp"
#include "actors/verify_actors.hpp"
#include "src/apply/cascade.hpp"
#include "src/apply/change_batch.hpp"
#include "src/binlog/unapplied_ages.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/apply/ordered_batch.hpp"
#include "src/apply/routing.hpp"
#include "src/checkpoint/checkpoint.hpp"
#include "src/common/token_bucket.hpp"
#include "src/copy/session.hpp"
#include "src/mysql/connection.hpp"
#include "src/spool/spool.hpp"
#include "src/verify/chunk_hash.hpp"
#include "src/verify/recheck.hpp"
#include "src/verify/table_spec.hpp"

namespace omsql::apply {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CascadeTrigger& x) {
  return f(caf::meta::type_name("CascadeTrigger"), x.table, x.is_delete, x.old_values, x.new_values, x.changed,
           x.skip_tables, x.where, x.before_statement);
}
}  // namespace omsql::apply

namespace omsql::actors {

namespace {

using Clock = std::chrono::steady_clock;

// --- change appliers: one per apply lane ---

// The share of one group of source transactions that falls to one lane: every change of the keys
// that hash to it (all changes of keyless tables go to lane 0), as statements, and the group's end.
// An ordered group (transactions whose changes trigger FK actions) is all on one lane: its
// statements in binlog order with the derived FK changes between them (`cascades`), and the
// checkpoints of every other lane (`also_checkpoint`) in the same transaction, so that all lanes
// pass it together or not at all.
struct LaneWork {
  uint32_t lane = 0;
  std::vector<std::string> statements;
  std::vector<std::vector<std::string>> row_keys;  // per statement, its rows' keys (for messages)
  std::vector<apply::CascadeTrigger> cascades;
  std::vector<std::string> also_checkpoint;  // checkpoint rows of the other lanes
  BinlogPosition end;
  uint64_t changes = 0;
  bool repair = false;  // verification repairs: applied between two groups, no checkpoint moves
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, LaneWork& x) {
  return f(caf::meta::type_name("LaneWork"), x.lane, x.statements, x.row_keys, x.cascades, x.also_checkpoint, x.end,
           x.changes, x.repair);
}

struct ChangeApplierState {
  std::shared_ptr<const Plan> plan;
  std::shared_ptr<const apply::FkGraph> graph;
  std::string lane_id;
  caf::actor coordinator;
  std::unique_ptr<Connection> target;
  BinlogPosition checkpoint;   // this lane's, as committed on the target
  bool checkpoint_read = false;
  // Work in arrival order; the front is applied, or waits for its retry while the target is down.
  std::deque<std::pair<LaneWork, caf::typed_response_promise<uint64_t>>> queue;
  RetryState retry;
  bool retry_pending = false;
  static inline const char* name = "change_applier";
};

Status connect_lane(ChangeApplierState& s) {
  if (s.target) return Status::ok();
  auto target = Connection::open(s.plan->target, "target");
  if (!target) return target.status();
  s.target = std::move(target).value();
  OMSQL_RETURN_IF_ERROR(copy::prepare_target_session(*s.target));
  OMSQL_RETURN_IF_ERROR(s.target->execute("SET SESSION foreign_key_checks = 0"));
  OMSQL_RETURN_IF_ERROR(checkpoint::ensure_table(*s.target));
  if (!s.checkpoint_read) {
    auto committed = checkpoint::read(*s.target, s.lane_id);
    if (!committed) return committed.status();
    if (*committed) s.checkpoint = **committed;
    s.checkpoint_read = true;
  }
  return Status::ok();
}

// The lane's statements and its checkpoint in one target transaction. A group this lane has
// already committed (replayed after a restart from the slowest lane's checkpoint) is skipped.
Status apply_lane_work(ChangeApplierState& s, const LaneWork& work) {
  OMSQL_RETURN_IF_ERROR(connect_lane(s));
  if (!work.repair && !s.checkpoint.empty() && !(s.checkpoint < work.end)) return Status::ok();
  OMSQL_RETURN_IF_ERROR(s.target->execute("START TRANSACTION"));
  auto rollback = [&](Status st) {
    (void)s.target->execute("ROLLBACK");
    return st;
  };
  if (work.cascades.empty()) {
    for (size_t i = 0; i < work.statements.size(); ++i) {
      if (auto st = s.target->execute(work.statements[i]); !st) {
        // The message shows the statement's head only (no row images): name the failing row's key.
        std::string note = i < work.row_keys.size() ? apply::failing_row_note(st.message(), work.row_keys[i]) : "";
        if (!note.empty())
          st = st.is_transient() ? Status::transient(st.message() + note) : Status::server_error(st.message() + note);
        return rollback(st);
      }
    }
  } else {
    apply::ConnectionRunner runner(*s.target);
    apply::CascadeOutcome outcome;
    apply::LaneProgram program{work.statements, work.cascades};
    if (auto st = apply::run_program(runner, *s.plan, *s.graph, program, &outcome); !st) return rollback(st);
    for (const auto& warning : outcome.warnings) std::cerr << "warning: " << warning << "\n";
  }
  if (work.repair) return s.target->execute("COMMIT");
  if (auto st = s.target->execute(checkpoint::upsert_sql(s.lane_id, work.end, 0)); !st) return rollback(st);
  for (const auto& lane : work.also_checkpoint)
    if (auto st = s.target->execute(checkpoint::upsert_sql(lane, work.end, 0)); !st) return rollback(st);
  if (auto st = s.target->execute("COMMIT"); !st) return rollback(st);
  s.checkpoint = work.end;
  return Status::ok();
}

// Applies the queued work in order. Transient failures (lost connection, deadlock, a target that
// restarts or fails over) are retried on a fresh connection after the backoff: the transaction
// rolled back, or — when the connection went during COMMIT — committed, which the lane's
// checkpoint, read again on the new connection, tells; then the group is skipped.
void apply_queued(caf::stateful_actor<ChangeApplierState>* self) {
  auto& s = self->state;
  while (!s.retry_pending && !s.queue.empty()) {
    auto& [work, promise] = s.queue.front();
    Status status = apply_lane_work(s, work);
    if (status) {
      s.retry.succeeded();
      promise.deliver(work.changes);
      s.queue.pop_front();
      continue;
    }
    std::string what = (work.repair ? "applying repairs at " : "applying changes up to ") + work.end.str() +
                       " (apply lane " + std::to_string(work.lane) + ")";
    if (status.is_transient()) {
      s.target.reset();
      s.checkpoint_read = false;
      auto delay = next_retry(s.retry, s.plan->options.retry, what, status);
      if (delay) {
        s.retry_pending = true;
        self->delayed_send(self, *delay, retry_atom::value, s.retry.token());
        return;
      }
      status = delay.status();
    } else {
      status = status.with_context(what);
    }
    self->send(s.coordinator, failed_atom::value, status.message());
    self->quit();
    return;
  }
}

caf::behavior change_applier_impl(caf::stateful_actor<ChangeApplierState>* self, std::shared_ptr<const Plan> plan,
                                  std::shared_ptr<const apply::FkGraph> graph, std::string lane_id,
                                  caf::actor coordinator) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.graph = std::move(graph);
  s.lane_id = std::move(lane_id);
  s.coordinator = std::move(coordinator);
  return {
      [=](apply_atom, LaneWork& work) -> caf::typed_response_promise<uint64_t> {
        auto& s = self->state;
        auto promise = self->make_response_promise<uint64_t>();
        s.queue.emplace_back(std::move(work), promise);
        apply_queued(self);
        return promise;
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.retry_pending || token != s.retry.token()) return;
        s.retry_pending = false;
        apply_queued(self);
      },
  };
}

// --- replayer ---

// One source transaction read from the spool, waiting for a group of its kind.
struct PendingTransaction {
  std::vector<RowChange> rows;
  BinlogPosition end;
  SpoolPosition next;       // the spool position after its last record
  bool ordered = false;     // a change triggers FK actions: it goes to an ordered group
};

// What the group being folded holds: parallel groups spread keys over the lanes; ordered groups
// (transactions that trigger FK actions) run on one lane in binlog order. Transactions with no
// change of a migrated table join either.
enum class GroupKind { kEmpty, kParallel, kOrdered };

struct ReplayerState {
  std::shared_ptr<const Plan> plan;
  std::shared_ptr<const apply::FkGraph> graph;
  std::string spool_dir;
  std::string task_id;
  caf::actor tailer;
  caf::actor coordinator;
  std::map<QualifiedName, size_t> job_index;
  std::vector<BinlogPosition> replay_after;        // by table: changes up to here are in the copy
  std::vector<caf::actor> lanes;                   // change appliers
  size_t wanted_lanes = 1;                         // `parallel`; the lanes move to it when they agree
  // Folded changes of a parallel group: [lane][table].
  std::vector<std::vector<std::unique_ptr<apply::ChangeBatch>>> batches;
  std::unique_ptr<apply::OrderedBatch> ordered;    // the ordered group
  GroupKind group = GroupKind::kEmpty;
  std::vector<uint64_t> lane_changes;
  std::vector<BinlogPosition> lane_checkpoints;    // each lane's committed position when replay began
  std::vector<BinlogPosition> lane_committed;      // each lane's committed position now
  uint64_t folded_bytes = 0;                       // approximate size of the folded group
  PendingTransaction open_transaction;
  std::optional<PendingTransaction> waiting;       // read, but of the other kind than the group folded
  std::unique_ptr<SpoolReader> reader;
  BinlogPosition checkpoint;                       // every lane has committed up to here
  BinlogPosition folded_through;                   // the last transaction end folded into the group
  SpoolPosition folded_spool_end;
  BinlogPosition catch_up_target;                  // source position when replay began
  SpoolStored stored;                              // from the tailer
  size_t lanes_pending = 0;                        // acknowledgements awaited for the group in flight
  // Verification repairs waiting for the next group boundary: (table index, differences).
  std::deque<std::pair<size_t, std::vector<verify::RowDifference>>> repairs;
  std::unique_ptr<Connection> repair_source;       // read the current source rows of a repair
  std::unique_ptr<Connection> repair_target;
  BinlogPosition flushing_to;
  SpoolPosition flushing_spool_end;
  uint64_t flushing_changes = 0;
  RetryState begin_retry;                          // reading the checkpoints before replay begins
  bool begin_retry_pending = false;
  bool replaying = false;
  bool apply_scheduled = false;
  bool reached_catch_up_target = false;
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
  static inline const char* name = "replayer";
};

// Folds one change into a lane's batch for its table, keeping the running size of the group and,
// when `count`, the lane's change count. A change the lane has already committed is dropped.
Status fold(ReplayerState& s, size_t lane, size_t table, const RowChange& change, bool count);

apply::ChangeBatch& batch_for(ReplayerState& s, size_t lane, size_t table) {
  auto& slot = s.batches[lane][table];
  if (!slot) slot = std::make_unique<apply::ChangeBatch>(s.plan->tables[table]);
  return *slot;
}

// True when the change is already in its table's copy: a keyless table's snapshot holds every
// change up to its position.
bool in_snapshot(const ReplayerState& s, size_t table, const BinlogPosition& position) {
  return table < s.replay_after.size() && !s.replay_after[table].empty() && !(s.replay_after[table] < position);
}

bool triggers_fk_actions(const ReplayerState& s, const std::vector<RowChange>& rows) {
  if (!s.graph->has_actions()) return false;
  for (const auto& change : rows) {
    auto it = s.job_index.find(change.table);
    if (it != s.job_index.end() && s.graph->triggers(it->second, change)) return true;
  }
  return false;
}

bool has_task_changes(const ReplayerState& s, const std::vector<RowChange>& rows) {
  for (const auto& change : rows)
    if (s.job_index.count(change.table)) return true;
  return false;
}

// Routes every change of the transaction to the lane of its key and folds it there. An update
// that moves a row to another key becomes a delete on the old key's lane and an insert on the new
// key's lane: the two keys are different rows to the target.
Status fold_parallel(ReplayerState& s, const PendingTransaction& transaction) {
  const size_t lanes = s.lanes.size();
  for (const auto& change : transaction.rows) {
    auto it = s.job_index.find(change.table);
    if (it == s.job_index.end()) continue;
    size_t table = it->second;
    if (in_snapshot(s, table, change.position)) continue;
    apply::ChangeBatch& router = batch_for(s, 0, table);
    auto lane_of = [&](const std::vector<Cell>& image) -> size_t {
      if (!router.keyed() || image.size() != s.plan->tables[table].source_def.columns.size()) return 0;
      // A key that compares by collation ('a' = 'A') keeps its whole table on one lane, chosen
      // by the table's name, so two spellings of one row never race on two lanes.
      if (!router.key_is_bytewise()) return apply::lane_for_key(change.table.str(), lanes);
      return apply::lane_for_key(router.key_of(image), lanes);
    };
    if (change.kind == RowChange::kUpdate && router.keyed()) {
      size_t from = lane_of(change.before), to = lane_of(change.after);
      if (from != to) {
        RowChange removal = change, insertion = change;
        removal.kind = RowChange::kDelete;
        insertion.kind = RowChange::kInsert;
        OMSQL_RETURN_IF_ERROR(fold(s, from, table, removal, false));
        OMSQL_RETURN_IF_ERROR(fold(s, to, table, insertion, true));
        continue;
      }
    }
    size_t lane = lane_of(change.kind == RowChange::kDelete ? change.before : change.after);
    OMSQL_RETURN_IF_ERROR(fold(s, lane, table, change, true));
  }
  return Status::ok();
}

// Adds the transaction to the ordered group, in binlog order, with the FK actions its changes
// triggered on the source. A keyless child whose snapshot was taken after the change already
// holds the actions' effect: they skip it.
Status fold_ordered(ReplayerState& s, const PendingTransaction& transaction) {
  for (const auto& change : transaction.rows) {
    auto it = s.job_index.find(change.table);
    if (it == s.job_index.end()) continue;
    size_t table = it->second;
    std::optional<apply::CascadeTrigger> trigger;
    if (s.graph->triggers(table, change)) {
      std::vector<uint32_t> skip;
      for (size_t child = 0; child < s.replay_after.size(); ++child)
        if (in_snapshot(s, child, change.position)) skip.push_back(static_cast<uint32_t>(child));
      trigger = apply::make_trigger(*s.plan, *s.graph, table, change, std::move(skip));
    }
    OMSQL_RETURN_IF_ERROR(s.ordered->add(table, change, !in_snapshot(s, table, change.position), std::move(trigger)));
  }
  return Status::ok();
}

// Folds a whole transaction into the group. Returns false, leaving it untouched, when the group
// holds the other kind: the caller keeps it for the next group.
Result<bool> fold_transaction(ReplayerState& s, PendingTransaction& transaction) {
  const bool neutral = !has_task_changes(s, transaction.rows);
  if (!neutral) {
    GroupKind kind = transaction.ordered ? GroupKind::kOrdered : GroupKind::kParallel;
    if (s.group != GroupKind::kEmpty && s.group != kind) return false;
    s.group = kind;
    OMSQL_RETURN_IF_ERROR(transaction.ordered ? fold_ordered(s, transaction) : fold_parallel(s, transaction));
  }
  s.folded_through = transaction.end;
  s.folded_spool_end = transaction.next;
  return true;
}

Status fold(ReplayerState& s, size_t lane, size_t table, const RowChange& change, bool count) {
  // After a restart, replay begins at the slowest lane's checkpoint and groups are cut anew, so a
  // group may straddle a faster lane's checkpoint: that lane drops the changes it already holds
  // (re-applying whole-row changes of a keyless table would double them).
  const BinlogPosition& committed = s.lane_checkpoints[lane];
  if (!committed.empty() && !(committed < change.position)) return Status::ok();
  apply::ChangeBatch& batch = batch_for(s, lane, table);
  const uint64_t before = batch.approximate_bytes();
  OMSQL_RETURN_IF_ERROR(batch.add(change));
  s.folded_bytes += batch.approximate_bytes() - before;
  if (count) ++s.lane_changes[lane];
  return Status::ok();
}

SyncStatus status_of(ReplayerState& s) {
  double elapsed = std::chrono::duration<double>(Clock::now() - s.rate_start).count();
  if (elapsed >= 2) {
    s.events_per_second = s.rate_events / elapsed;
    s.rate_events = 0;
    s.rate_start = Clock::now();
  }
  SyncStatus status;
  status.applied = s.checkpoint;
  status.stored = s.stored.source_position;
  status.events_applied = s.events_applied;
  status.events_per_second = s.events_per_second;
  status.oldest_unapplied_ms = s.unapplied.oldest_unapplied_ms();
  status.lag_seconds = status.oldest_unapplied_ms ? (steady_now_ms() - status.oldest_unapplied_ms) / 1000.0 : 0;
  status.reached_catch_up_target = s.reached_catch_up_target;
  status.lanes = static_cast<uint32_t>(s.lanes.size());
  return status;
}

template <class Self>
void replayer_fail(Self* self, const std::string& message) {
  self->send(self->state.coordinator, failed_atom::value, message);
  self->quit();
}

template <class Self>
void after_group(Self* self);

// The group in flight is committed on every lane it went to.
template <class Self>
void group_committed(Self* self) {
  auto& s = self->state;
  s.checkpoint = s.flushing_to;
  // A lane already past the group skipped it and stays where it was.
  for (auto& committed : s.lane_committed)
    if (committed.empty() || committed < s.flushing_to) committed = s.flushing_to;
  s.events_applied += s.flushing_changes;
  s.rate_events += s.flushing_changes;
  after_group(self);
}

// Hands an ordered group to lane 0 as one target transaction that also moves every other lane's
// checkpoint. No lane can have committed any of it: an ordered group commits on all lanes at
// once, and replay restarts from the slowest lane, so either every lane holds it or none does.
template <class Self>
void flush_ordered(Self* self) {
  auto& s = self->state;
  for (const auto& committed : s.lane_committed)
    if (!committed.empty() && !(committed < s.folded_through))
      return replayer_fail(self, "internal error: a lane has committed " + committed.str() +
                                     ", past the FK-ordered group ending at " + s.folded_through.str());
  LaneWork work;
  work.lane = 0;
  work.end = s.flushing_to;
  work.changes = s.ordered->changes();
  auto program = s.ordered->take();
  work.statements = std::move(program.statements);
  work.cascades = std::move(program.cascades);
  for (uint32_t lane = 1; lane < s.lanes.size(); ++lane)
    work.also_checkpoint.push_back(checkpoint::lane_task_id(s.task_id, lane));
  s.flushing_changes = work.changes;
  s.lanes_pending = 1;
  self->request(s.lanes.front(), caf::infinite, apply_atom::value, std::move(work))
      .then(
          [=](uint64_t) {
            self->state.lanes_pending = 0;
            group_committed(self);
          },
          [=](caf::error& e) { replayer_fail(self, "change applier: " + caf::to_string(e)); });
}

// Hands the folded group to the lanes — each lane's share as one target transaction with the
// lane's checkpoint — and waits for all of them before the next group, so every lane sees the
// groups in source order. Returns false when there was nothing to flush.
template <class Self>
bool flush(Self* self) {
  auto& s = self->state;
  if (s.folded_through.empty() || s.folded_through == s.checkpoint) return false;
  s.flushing_to = s.folded_through;
  s.flushing_spool_end = s.folded_spool_end;
  s.flushing_changes = 0;
  s.folded_bytes = 0;
  s.group_paid = 0;
  const GroupKind kind = s.group;
  s.group = GroupKind::kEmpty;
  if (kind == GroupKind::kOrdered) {
    flush_ordered(self);
    return true;
  }
  s.lanes_pending = s.lanes.size();
  for (uint32_t lane = 0; lane < s.lanes.size(); ++lane) {
    LaneWork work;
    work.lane = lane;
    work.end = s.flushing_to;
    for (auto& batch : s.batches[lane]) {
      if (!batch || batch->empty()) continue;
      std::vector<std::vector<std::string>> keys;
      for (auto& statement : batch->statements(4 << 20, &keys)) work.statements.push_back(std::move(statement));
      for (auto& statement_keys : keys) work.row_keys.push_back(std::move(statement_keys));
      batch->clear();
    }
    work.changes = s.lane_changes[lane];
    s.flushing_changes += work.changes;
    s.lane_changes[lane] = 0;
    self->request(s.lanes[lane], caf::infinite, apply_atom::value, std::move(work))
        .then(
            [=](uint64_t) {
              if (--self->state.lanes_pending > 0) return;
              group_committed(self);
            },
            [=](caf::error& e) { replayer_fail(self, "change applier: " + caf::to_string(e)); });
  }
  return true;
}

// Starts `count` change appliers at the lanes' committed positions.
template <class Self>
void spawn_lanes(Self* self, size_t count) {
  auto& s = self->state;
  for (uint32_t lane = 0; lane < count; ++lane) {
    s.lanes.push_back(self->system().template spawn<caf::detached>(
        change_applier_impl, s.plan, s.graph, checkpoint::lane_task_id(s.task_id, lane), s.coordinator));
    self->link_to(s.lanes.back());
  }
  s.batches.clear();
  s.batches.resize(count);
  for (auto& lane : s.batches) lane.resize(s.plan->tables.size());
  s.lane_changes.assign(count, 0);
}

// Moves the task to `wanted_lanes` lanes once every lane has committed the same position: routing
// is the key's hash modulo the lane count, so the count may only change where no lane is ahead of
// another (a key moved to a lane that is ahead would lose the changes between). The new lane rows
// replace the old ones in one target transaction.
template <class Self>
Status relane_if_agreed(Self* self) {
  auto& s = self->state;
  if (s.lanes.size() == s.wanted_lanes || s.lanes_pending > 0) return Status::ok();
  for (const auto& committed : s.lane_committed)
    if (!(committed == s.lane_committed.front())) return Status::ok();
  const BinlogPosition at = s.lane_committed.front();
  // A target that is away just postpones the move to the next group boundary.
  auto target = Connection::open(s.plan->target, "target");
  if (!target) return target.status().is_transient() ? Status::ok() : target.status();
  if (auto st = checkpoint::set_lanes(**target, s.task_id, s.wanted_lanes, at); !st)
    return st.is_transient() ? Status::ok() : st;
  std::cerr << "incremental: apply lanes " << s.lanes.size() << " -> " << s.wanted_lanes << " (parallel) at "
            << (at.empty() ? std::string("the start") : at.str()) << "\n";
  for (auto& lane : s.lanes) {
    self->unlink_from(lane);
    self->send_exit(lane, caf::exit_reason::user_shutdown);
  }
  s.lanes.clear();
  spawn_lanes(self, s.wanted_lanes);
  s.lane_checkpoints.assign(s.wanted_lanes, at);
  s.lane_committed.assign(s.wanted_lanes, at);
  return Status::ok();
}

// Applies the first queued verification repair between two groups. The rows are read afresh from
// the source now (recheck_rows): the target holds every change up to the checkpoint and the
// source is at or past it, so writing the source's current rows and then replaying on from the
// checkpoint converges on the source, where writing the rows the verifier saw earlier could undo
// changes applied since. The statements run on lane 0 while every lane is idle.
template <class Self>
void run_repair(Self* self) {

  auto& s = self->state;
  auto [table, differences] = std::move(s.repairs.front());
  s.repairs.pop_front();
  auto open = [&](std::unique_ptr<Connection>& connection, const Endpoint& endpoint, const char* role) -> Status {
    if (connection) return Status::ok();
    auto opened = Connection::open(endpoint, role);
    if (!opened) return opened.status();
    OMSQL_RETURN_IF_ERROR(verify::prepare_verify_session(**opened));
    connection = std::move(opened).value();
    return Status::ok();
  };
  Status st = open(s.repair_source, s.plan->source, "source");
  if (st) st = open(s.repair_target, s.plan->target, "target");
  auto spec = verify::TableSpec::make(s.plan->tables[table]);
  if (st && !spec) st = spec.status();
  Result<std::vector<verify::RowDifference>> current = st;
  if (st) current = verify::recheck_rows(*s.repair_source, *s.repair_target, *spec, differences);
  if (!current) {
    s.repair_source.reset();
    s.repair_target.reset();
    std::cerr << "warning: repair of " << s.plan->tables[table].target.str()
              << " skipped: " << current.status().message() << "\n";
    self->send(self, apply_atom::value);
    s.apply_scheduled = true;
    return;
  }
  LaneWork work;
  work.repair = true;
  work.end = s.checkpoint;
  // Deletes first, then the rows to write, as the repair file orders them.
  for (const auto& d : *current)
    if (d.kind == verify::DifferenceKind::kExtraOnTarget && !d.repair.empty()) work.statements.push_back(d.repair);
  for (const auto& d : *current)
    if (d.kind != verify::DifferenceKind::kExtraOnTarget && !d.repair.empty()) work.statements.push_back(d.repair);
  std::cerr << "repair: " << work.statements.size() << " row(s) of " << s.plan->tables[table].target.str()
            << " through the apply queue ("
            << (differences.size() > current->size() ? differences.size() - current->size() : 0)
            << " had converged by then)\n";
  if (work.statements.empty()) {
    s.apply_scheduled = true;
    self->send(self, apply_atom::value);
    return;
  }
  s.lanes_pending = 1;
  self->request(s.lanes.front(), caf::infinite, apply_atom::value, std::move(work))
      .then(
          [=](uint64_t) {
            auto& s = self->state;
            s.lanes_pending = 0;
            s.apply_scheduled = true;
            self->send(self, apply_atom::value);
          },
          [=](caf::error& e) { replayer_fail(self, "change applier (repair): " + caf::to_string(e)); });
}

// The changes of the group being folded: a parallel group's on every lane, or the ordered group's.
uint64_t folded_changes(const ReplayerState& s) {
  uint64_t changes = s.ordered->changes();
  for (uint64_t lane : s.lane_changes) changes += lane;
  return changes;
}

// Takes the folded group's changes from the events budget. False when some are still unpaid: a
// wake is scheduled for when the budget has them (or a second's worth, for a bigger group).
template <class Self>
bool pay_for_group(Self* self) {
  auto& s = self->state;
  uint64_t changes = folded_changes(s);
  if (s.group_paid >= changes) return true;
  auto now = Clock::now();
  s.group_paid += static_cast<uint64_t>(s.events_budget.take(static_cast<int64_t>(changes - s.group_paid), now));
  if (s.group_paid >= changes) return true;
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(
      s.events_budget.wait_for(static_cast<int64_t>(changes - s.group_paid), now));
  s.paying = true;
  self->delayed_send(self, std::max(wait, std::chrono::milliseconds(1)), wake_atom::value, ++s.pay_generation);
  return false;
}

// Ends a round of apply_stored: the folded group is paid for, then flushed.
template <class Self>
void finish_round(Self* self) {
  if (!pay_for_group(self)) return;  // the wake comes back here
  if (flush(self)) return;           // after_group continues once every lane has committed
  after_group(self);
}

// Reads what the spool holds, up to what the tailer has synced, folding whole transactions until
// a group is large enough, the spool is drained, or a transaction of the other kind comes (FK
// actions or not), then flushes the group.
template <class Self>
void apply_stored(Self* self) {
  auto& s = self->state;
  s.apply_scheduled = false;
  if (!s.replaying || s.paused || s.paying || s.lanes_pending > 0) return;
  if (!s.repairs.empty()) return run_repair(self);
  if (auto st = relane_if_agreed(self); !st) return replayer_fail(self, st.message());
  constexpr uint64_t kFlushBytes = 8 << 20;
  constexpr size_t kMaxCascades = 1000;  // FK-triggering changes per ordered group
  constexpr int kRecordsPerRound = 50000;
  // Throttled, a group holds about one second's budget, so the target sees the changes spread out
  // rather than a long wait and then a burst.
  const uint64_t group_limit =
      s.events_budget.unlimited() ? UINT64_MAX : static_cast<uint64_t>(s.events_budget.capacity());
  auto group_full = [&] {
    return s.folded_bytes >= kFlushBytes || s.ordered->approximate_bytes() >= kFlushBytes ||
           s.ordered->cascades() >= kMaxCascades || folded_changes(s) >= group_limit;
  };
  if (s.waiting) {
    // The group is empty now (it was flushed), so the transaction that waited starts the next one.
    auto folded = fold_transaction(s, *s.waiting);
    if (!folded) return replayer_fail(self, folded.status().message());
    s.waiting.reset();
  }
  for (int i = 0; i < kRecordsPerRound && !group_full(); ++i) {
    auto record = s.reader->next(s.stored.spool_end);
    if (!record) return replayer_fail(self, record.status().message());
    if (!record->has_value()) break;
    const Event& event = (*record)->event;
    const BinlogPosition& position = event_position(event);
    bool already_applied = !s.checkpoint.empty() && !(s.checkpoint < position);
    if (const auto* rows = std::get_if<RowsEvent>(&event)) {
      if (!already_applied)
        for (const auto& row : rows->rows) s.open_transaction.rows.push_back(row);
    } else if (std::holds_alternative<TransactionBegin>(event)) {
      s.open_transaction.rows.clear();
    } else if (!already_applied) {
      // TransactionCommit, DdlStatement (of other tables) and Heartbeat end a unit: fold it.
      PendingTransaction transaction;
      transaction.rows = std::move(s.open_transaction.rows);
      s.open_transaction.rows.clear();
      transaction.end = position;
      transaction.next = (*record)->next;
      transaction.ordered = triggers_fk_actions(s, transaction.rows);
      auto folded = fold_transaction(s, transaction);
      if (!folded) return replayer_fail(self, folded.status().message());
      if (!*folded) {
        s.waiting = std::move(transaction);
        break;
      }
    }
  }
  finish_round(self);
}

template <class Self>
void after_group(Self* self) {
  auto& s = self->state;
  self->send(s.tailer, applied_atom::value, s.lanes_pending > 0 ? s.flushing_spool_end : s.folded_spool_end);
  s.unapplied.applied(s.checkpoint);
  if (!s.reached_catch_up_target && !s.catch_up_target.empty() && !(s.checkpoint < s.catch_up_target))
    s.reached_catch_up_target = true;
  self->send(s.coordinator, sync_status_atom::value, status_of(s));
  // More may be waiting in the spool: continue without waiting for the tailer.
  if (s.reader && (s.checkpoint < s.stored.source_position || s.waiting) && !s.apply_scheduled) {
    s.apply_scheduled = true;
    self->send(self, apply_atom::value);
  }
}

// Reads where replay starts (every lane's checkpoint; the slowest one) and where catching up
// ends (the source's position now), then starts the lanes. A server that is down is retried
// after the backoff; nothing is kept from a failed attempt.
template <class Self>
void begin_replay(Self* self) {
  auto& s = self->state;
  auto retry_or_fail = [&](const Status& st) {
    if (!st.is_transient()) return replayer_fail(self, st.message());
    auto delay = next_retry(s.begin_retry, s.plan->options.retry, "reading the apply checkpoints to start replay", st);
    if (!delay) return replayer_fail(self, delay.status().message());
    s.begin_retry_pending = true;
    self->delayed_send(self, *delay, retry_atom::value, s.begin_retry.token());
  };
  s.wanted_lanes = static_cast<size_t>(std::max(1, s.plan->options.parallel));
  auto target = Connection::open(s.plan->target, "target");
  if (!target) return retry_or_fail(target.status());
  // The lane rows on the target are the task's routing: their count is its lane count, whatever
  // `parallel` says now (relane_if_agreed moves to that once the lanes agree). Replay restarts
  // at the slowest lane's checkpoint; lanes skip what they already hold.
  if (auto st = checkpoint::ensure_table(**target); !st) return retry_or_fail(st);
  auto lanes = checkpoint::read_lanes(**target, s.task_id);
  if (!lanes) return retry_or_fail(lanes.status());
  if (lanes->empty()) {
    if (auto st = checkpoint::set_lanes(**target, s.task_id, s.wanted_lanes, BinlogPosition{}); !st)
      return retry_or_fail(st);
    lanes->assign(s.wanted_lanes, BinlogPosition{});
  }
  auto source = Connection::open(s.plan->source, "source");
  if (!source) return retry_or_fail(source.status());
  auto position = current_position(**source);
  if (!position) return retry_or_fail(position.status());
  // Applied segments are given back: the spool must still hold every change after the checkpoint.
  const BinlogPosition start = *std::min_element(lanes->begin(), lanes->end());
  if (auto st = check_spool_holds_after(s.spool_dir, start); !st) return replayer_fail(self, st.message());
  auto reader = SpoolReader::open(s.spool_dir);
  if (!reader) return replayer_fail(self, reader.status().message());
  s.begin_retry.succeeded();
  s.lane_checkpoints = *lanes;
  s.lane_committed = *lanes;
  s.checkpoint = start;
  if (!s.checkpoint.empty()) s.unapplied.applied(s.checkpoint);
  s.catch_up_target = *position;
  s.reader = std::move(reader).value();
  spawn_lanes(self, lanes->size());
  s.events_budget = TokenBucket(s.events_budget.rate(), Clock::now());  // empty when replay begins
  if (auto st = relane_if_agreed(self); !st) return replayer_fail(self, st.message());
  s.replaying = true;
  std::cerr << "incremental: replaying from " << (s.checkpoint.empty() ? "the start of the spool" : s.checkpoint.str())
            << " on " << s.lanes.size() << " apply lane(s); catching up to " << s.catch_up_target.str() << "\n";
  if (s.lanes.size() != s.wanted_lanes)
    std::cerr << "incremental: the lanes committed different positions; they move to " << s.wanted_lanes
              << " (parallel) once they agree\n";
  s.apply_scheduled = true;
  self->send(self, apply_atom::value);
}

caf::behavior replayer_impl(caf::stateful_actor<ReplayerState>* self, std::shared_ptr<const Plan> plan,
                            std::string spool_dir, std::string task_id, caf::actor tailer, caf::actor coordinator) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.graph = std::make_shared<const apply::FkGraph>(apply::FkGraph::build(*s.plan));
  s.ordered = std::make_unique<apply::OrderedBatch>(*s.plan);
  s.spool_dir = std::move(spool_dir);
  s.task_id = std::move(task_id);
  s.tailer = std::move(tailer);
  s.coordinator = std::move(coordinator);
  s.events_budget = TokenBucket(s.plan->options.max_events_per_sec, Clock::now());
  for (size_t i = 0; i < s.plan->tables.size(); ++i) s.job_index[s.plan->tables[i].source] = i;
  return {
      [=](stored_atom, const SpoolStored& stored) {
        auto& s = self->state;
        s.unapplied.stored(stored.source_position, stored.stored_at_ms);
        s.stored = stored;
        // Also while paused, throttled or while the lanes wait on the target: the status shows
        // the source moving on and the lag growing.
        if (s.replaying) self->send(s.coordinator, sync_status_atom::value, status_of(s));
        if (s.replaying && !s.apply_scheduled) {
          s.apply_scheduled = true;
          self->send(self, apply_atom::value);
        }
      },
      [=](replay_atom, const std::vector<BinlogPosition>& replay_after) {
        self->state.replay_after = replay_after;
        begin_replay(self);
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.begin_retry_pending || token != s.begin_retry.token()) return;
        s.begin_retry_pending = false;
        begin_replay(self);
      },
      [=](apply_atom) { apply_stored(self); },
      [=](repair_atom, uint32_t table, std::vector<verify::RowDifference>& differences) {
        auto& s = self->state;
        s.repairs.emplace_back(table, std::move(differences));
        if (s.replaying && !s.apply_scheduled) {
          s.apply_scheduled = true;
          self->send(self, apply_atom::value);
        }
      },
      [=](wake_atom, uint64_t generation) {
        auto& s = self->state;
        if (generation != s.pay_generation || !s.paying) return;
        s.paying = false;
        // Paused meanwhile: the folded group waits; resume's round pays the rest and flushes it.
        if (!s.paused) finish_round(self);
      },
      [=](throttle_atom, int64_t events_per_second) {
        auto& s = self->state;
        s.events_budget.set_rate(events_per_second, Clock::now());
        if (s.paying) {
          s.paying = false;  // the wake scheduled at the old rate is ignored (its generation is old)
          ++s.pay_generation;
          if (!s.paused) finish_round(self);
        }
      },
      [=](pause_atom) { self->state.paused = true; },
      [=](resume_atom) {
        auto& s = self->state;
        s.paused = false;
        if (s.replaying && !s.apply_scheduled) {
          s.apply_scheduled = true;
          self->send(self, apply_atom::value);
        }
      },
  };
}

}  // namespace

caf::actor spawn_replayer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                          std::string task_id, caf::actor tailer, caf::actor coordinator) {
  return system.spawn<caf::detached>(replayer_impl, std::move(plan), std::move(spool_dir), std::move(task_id),
                                     std::move(tailer), std::move(coordinator));
}

}  // namespace omsql::actors
