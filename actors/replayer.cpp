#include "actors/incremental_actors.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <iostream>
#include <optional>

#include "actors/clock.hpp"
#include "actors/protocol.hpp"
#include "actors/supervision.hpp"
#include "actors/retry.hpp"
#include "actors/verify_actors.hpp"
#include "src/apply/ddl_barrier.hpp"
#include "src/apply/ddl_decided_step.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/apply/lane_progress.hpp"
#include "src/apply/lane_transaction.hpp"
#include "src/engine/engine.hpp"
#include "src/apply/replay_group.hpp"
#include "src/engine/mysql/binlog/unapplied_ages.hpp"
#include "src/engine/mysql/checkpoint.hpp"
#include "src/common/token_bucket.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/model/table_binding.hpp"
#include "src/spool/spool.hpp"
#include "src/sql/quote.hpp"
#include "actors/copy_actors.hpp"
#include "src/task/schema_history.hpp"
#include "src/task/table_copies.hpp"
#include "src/task/table_set.hpp"
#include "src/task/tables_at.hpp"
#include "src/verify/chunk_hash.hpp"
#include "src/verify/recheck.hpp"
#include "src/verify/table_spec.hpp"
#include "src/log/log.hpp"

namespace omsql::actors {

namespace {

using Clock = std::chrono::steady_clock;
// The share of one group of source transactions that falls to one lane (src/apply/lane_transaction.hpp).
using apply::LaneWork;

// --- change appliers: one per apply lane ---

struct ChangeApplierState {
  std::shared_ptr<const Plan> plan;
  std::shared_ptr<const apply::FkGraph> graph;
  link_events_actor coordinator;
  std::unique_ptr<apply::LaneWriter> writer;  // the lane's session and committed position
  // Work in arrival order; the front is applied, or waits for its retry while the target is down.
  std::deque<std::pair<LaneWork, caf::typed_response_promise<uint64_t>>> queue;
  RetryState retry;
  bool retry_pending = false;
  static inline const char* name = "change_applier";
};

// Applies the queued work in order. Transient failures (lost connection, deadlock, a target that
// restarts or fails over) are retried on a fresh connection after the backoff: the transaction
// rolled back, or — when the connection went during COMMIT — committed, which the lane's
// checkpoint, read again on the new connection, tells; then the group is skipped.
void apply_queued(lane_actor::stateful_pointer<ChangeApplierState> self) {
  auto& s = self->state;
  while (!s.retry_pending && !s.queue.empty()) {
    auto& [work, promise] = s.queue.front();
    std::vector<std::string> warnings;
    Status status = s.writer->apply(work, &warnings);
    for (const auto& warning : warnings) log::warning("replay") << warning;
    if (status) {
      s.retry.succeeded();
      promise.deliver(work.changes);
      s.queue.pop_front();
      continue;
    }
    std::string what = (work.repair ? "applying repairs at " : work.ddl ? "applying the DDL at " : "applying changes up to ") + work.end.str() +
                       " (apply lane " + std::to_string(work.lane) + ")";
    if (status.is_transient()) {
      s.writer->reset();
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

lane_actor::behavior_type change_applier_impl(lane_actor::stateful_pointer<ChangeApplierState> self,
                                              std::shared_ptr<const Plan> plan,
                                              std::shared_ptr<const apply::FkGraph> graph, std::string lane_id,
                                              link_events_actor coordinator) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.plan = std::move(plan);
  s.graph = std::move(graph);
  s.writer = std::make_unique<apply::LaneWriter>(*s.plan, *s.graph, std::move(lane_id));
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
  std::unique_ptr<Connection> repair_source;       // read the current source rows of a repair
  std::unique_ptr<Connection> repair_target;
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
    BinlogPosition at;  // the barrier; every lane's checkpoint once its statements ran
    std::string reason;
    bool started = false;
  };
  std::optional<InLinkCopy> table_copy;
  table_copy_actor copier;
  static inline const char* name = "replayer";
};

SyncStatus status_of(ReplayerState& s) {
  double elapsed = std::chrono::duration<double>(Clock::now() - s.rate_start).count();
  if (elapsed >= 2) {
    s.events_per_second = s.rate_events / elapsed;
    s.rate_events = 0;
    s.rate_start = Clock::now();
  }
  SyncStatus status;
  status.applied = to_source_position(s.progress.checkpoint());
  status.stored = s.stored.source_position;
  status.events_applied = s.events_applied;
  status.events_per_second = s.events_per_second;
  status.oldest_unapplied_ms = s.unapplied.oldest_unapplied_ms();
  status.lag_seconds =
      status.oldest_unapplied_ms ? std::max<int64_t>(0, wall_now_ms() - status.oldest_unapplied_ms) / 1000.0 : 0;
  status.reached_catch_up_target = s.progress.caught_up();
  status.lanes = static_cast<uint32_t>(s.lanes.size());
  if (s.table_copy)
    status.table_copy = "copying " + s.plan->tables[s.table_copy->index].source.str() + " again at " +
                        s.table_copy->at.str() + " (" + s.table_copy->reason + ")";
  return status;
}

template <class Self>
void replayer_fail(Self* self, const std::string& message) {
  self->send(self->state.coordinator, failed_atom::value, message);
  self->quit();
}

template <class Self>
void after_group(Self* self);

// A lane committed its share of the group in flight; after the last, the next group may go.
template <class Self>
void lane_committed(Self* self) {
  auto& s = self->state;
  auto changes = s.progress.group_acknowledged();
  if (!changes) return;
  s.events_applied += *changes;
  s.rate_events += *changes;
  after_group(self);
}

// Sends `work` to lane `lane` and waits for its commit.
template <class Self>
void send_to_lane(Self* self, size_t lane, LaneWork work) {
  self->request(self->state.lanes[lane], caf::infinite, apply_atom::value, std::move(work))
      .then([=](uint64_t) { lane_committed(self); },
            [=](caf::error& e) { replayer_fail(self, "change applier: " + caf::to_string(e)); });
}

// Hands the folded group to the lanes and waits for all of them before the next group, so every
// lane sees the groups in source order. A parallel group goes out as each lane's share with the
// lane's checkpoint; an ordered group goes to lane 0 as one target transaction that also moves
// every other lane's checkpoint. Returns false when there was nothing to flush.
template <class Self>
bool flush(Self* self) {
  auto& s = self->state;
  const BinlogPosition end = s.group->folded_through();
  if (!s.progress.moves_checkpoint(end)) return false;
  s.flushing_spool_end = s.group->spool_end();
  s.group_paid = 0;
  if (s.group->kind() == apply::GroupKind::kOrdered) {
    if (auto st = s.progress.check_ordered(end); !st) {
      replayer_fail(self, st.message());
      return true;
    }
    LaneWork work = apply::ordered_work(s.group->take_ordered(), end, s.task_id, s.lanes.size());
    s.progress.group_sent(end, 1, work.changes);
    send_to_lane(self, 0, std::move(work));
    return true;
  }
  auto shares = s.group->take_parallel();
  uint64_t changes = 0;
  for (const auto& share : shares) changes += share.changes;
  s.progress.group_sent(end, shares.size(), changes);
  for (uint32_t lane = 0; lane < shares.size(); ++lane)
    send_to_lane(self, lane, apply::parallel_work(lane, std::move(shares[lane]), end));
  return true;
}

// Starts `count` change appliers, routing over them from the lanes' positions as replay began.
template <class Self>
void spawn_lanes(Self* self, const std::vector<BinlogPosition>& lane_checkpoints) {
  auto& s = self->state;
  for (uint32_t lane = 0; lane < lane_checkpoints.size(); ++lane) {
    s.lanes.push_back(self->system().template spawn<caf::detached>(
        change_applier_impl, s.plan, s.graph, checkpoint::lane_task_id(s.task_id, lane), s.coordinator));
    self->link_to(s.lanes.back());
  }
  s.group->set_lanes(lane_checkpoints);
}

// Moves the task to `wanted_lanes` lanes once every lane has committed the same position and the
// group holds no change (LaneProgress::agreed). The new lane rows replace the old ones in one
// target transaction.
template <class Self>
Status relane_if_agreed(Self* self) {
  auto& s = self->state;
  if (s.lanes.size() == s.wanted_lanes || s.group->kind() != apply::GroupKind::kEmpty) return Status::ok();
  auto agreed = s.progress.agreed();
  if (!agreed) return Status::ok();
  const BinlogPosition at = *agreed;
  // A target that is away just postpones the move to the next group boundary.
  auto target = Connection::open(s.plan->target, "target");
  if (!target) return target.status().is_transient() ? Status::ok() : target.status();
  if (auto st = checkpoint::set_lanes(**target, s.task_id, s.wanted_lanes, at); !st)
    return st.is_transient() ? Status::ok() : st;
  log::info("replay") << "incremental: apply lanes " << s.lanes.size() << " -> " << s.wanted_lanes << " (parallel) at "
            << (at.empty() ? std::string("the start") : at.str());
  for (auto& lane : s.lanes) {
    self->unlink_from(lane);
    self->send_exit(lane, caf::exit_reason::user_shutdown);
  }
  s.lanes.clear();
  s.progress.relane(s.wanted_lanes, at);
  spawn_lanes(self, s.progress.committed());
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
    log::warning("replay") << "repair of " << s.plan->tables[table].target.str()
              << " skipped: " << current.status().message();
    self->send(self, apply_atom::value);
    s.apply_scheduled = true;
    return;
  }
  LaneWork work = apply::repair_work(*current, s.progress.checkpoint());
  log::info("replay") << "repair: " << work.statements.size() << " row(s) of " << s.plan->tables[table].target.str()
            << " through the apply queue ("
            << (differences.size() > current->size() ? differences.size() - current->size() : 0)
            << " had converged by then)";
  if (work.statements.empty()) {
    s.apply_scheduled = true;
    self->send(self, apply_atom::value);
    return;
  }
  s.progress.repair_sent();
  self->request(s.lanes.front(), caf::infinite, apply_atom::value, std::move(work))
      .then(
          [=](uint64_t) {
            auto& s = self->state;
            s.progress.repair_done();
            s.apply_scheduled = true;
            self->send(self, apply_atom::value);
          },
          [=](caf::error& e) { replayer_fail(self, "change applier (repair): " + caf::to_string(e)); });
}

template <class Self>
void after_group(Self* self);

// The barrier's ALTER changes the columns of a table whose copy may hold rows read after it (or
// never finished): the table is copied again once its statements ran (src/task/table_copies.hpp).
// Recorded first, so a crash during the copy redoes it. Why the link stops instead, if it must.
// Tables that joined the link (own_plan grew) have no copy facts from the full copy.
void size_copies(ReplayerState& s) {
  s.copies.resize(s.own_plan->tables.size());
  s.created_by_task.resize(s.own_plan->tables.size(), false);
}

template <class Self>
std::optional<std::string> plan_table_copy(Self* self, const apply::DdlStep& step, const BinlogPosition& at) {
  auto& s = self->state;
  size_copies(s);
  if (step.kind != ReplicatedDdl::kAlterTable || !step.before_job || !step.after_job) return std::nullopt;
  if (step.before_job->source_def.columns == step.after_job->source_def.columns) return std::nullopt;
  const size_t index = step.table_index;
  const DdlStatement& ddl = *s.waiting->ddl;
  const TableCopyFacts& facts = s.copies.at(index);
  const bool recorded = s.copy_record.copying && s.copy_record.copying->table == step.before_job->source &&
                        s.copy_record.copying->at == at;
  if (!recorded && !copy_again_at(facts, ddl.position)) return std::nullopt;
  const TableJob& job = *step.after_job;
  const std::string reason = recorded ? s.copy_record.copying->reason
                             : facts.incomplete ? "its copy did not finish: " + *facts.incomplete
                                                : "its copy read rows up to " + facts.read_by->str() + ", after this statement";
  auto refuse = [&](const std::string& why) {
    return "source DDL on migrated table " + job.source.str() + " at " + ddl.position.str() + ": \"" + ddl.statement +
           "\" changed the table while it was being copied (" + reason + "), so it must be copied again here, but " +
           why + ". Everything before the statement is applied; omsrun FILE --recopy copies the task again";
  };
  if (job.key.kind == RowKey::Kind::kNone) return refuse("copying a table without a key inside the link is not supported yet");
  for (const auto& group : s.graph->snapshot_groups())
    if (std::find(group.begin(), group.end(), index) != group.end())
      return refuse("it is in a group of tables that FK actions connect, which are copied together");
  if (auto why = refuse_recopy(*s.plan, job, s.created_by_task.at(index))) return refuse(*why);
  s.copy_record.copying = TableCopyRecord::Copying{job.source, at, reason};
  if (auto st = write_table_copies(s.task_dir, s.copy_record); !st) return st.message();
  s.table_copy = typename ReplayerState::InLinkCopy{index, at, reason, false};
  return std::nullopt;
}

// The in-link copy's answer: its facts are recorded (the barriers after it compare with them),
// then replay goes on from the barrier.
template <class Self>
void table_copy_done(Self* self, const TableCopyDone& done) {
  auto& s = self->state;
  if (!s.table_copy) return;
  const auto copy = *s.table_copy;
  const TableJob& job = s.plan->tables[copy.index];
  if (!done.error.empty() && !done.table_level)
    return replayer_fail(self, "copying " + job.source.str() + " again at " + copy.at.str() + ": " + done.error);
  auto read_by = to_binlog_position(done.read_by);
  if (!read_by) return replayer_fail(self, "copying " + job.source.str() + " again at " + copy.at.str() + ": " + read_by.status().message());
  TableCopyFacts facts{*read_by, done.error.empty() ? std::nullopt : std::optional<std::string>(done.error)};
  s.copies[copy.index] = facts;
  s.copy_record.tables[job.source.str()] = facts;
  s.copy_record.copying.reset();
  if (auto st = write_table_copies(s.task_dir, s.copy_record); !st) return replayer_fail(self, st.message());
  s.table_copy.reset();
  s.copier = nullptr;
  if (done.error.empty())
    log::info("replay") << "incremental: copied " << job.source.str() << " again at " << copy.at.str() << ": "
                        << done.rows << " row(s), read by " << done.read_by.str() << "; replay goes on";
  else
    log::warning("replay") << "incremental: the copy of " << job.source.str() << " at " << copy.at.str()
                           << " did not finish; a DDL of the table by " << done.read_by.str() << " copies it again";
  after_group(self);
}

template <class Self>
void start_table_copy(Self* self) {
  auto& s = self->state;
  auto& copy = *s.table_copy;
  copy.started = true;
  log::info("replay") << "incremental: copying " << s.plan->tables[copy.index].source.str() << " again at "
                      << copy.at.str() << " (" << copy.reason << "); replay waits for it";
  self->send(s.coordinator, sync_status_atom::value, status_of(s));
  s.copier = spawn_table_copy(self->system(), std::make_shared<const Plan>(*s.own_plan));
  self->link_to(s.copier);
  self->request(s.copier, caf::infinite, table_copy_atom::value, table_ref(*s.plan, copy.index))
      .then([=](const TableCopyDone& done) { table_copy_done(self, done); },
            [=](caf::error& e) { replayer_fail(self, "the in-link copy: " + caf::to_string(e)); });
}

// A table that left the task (DROP TABLE applied): nothing of its copy is owed any more.
template <class Self>
Status forget_table_copies(Self* self, const apply::DdlStep& step) {
  auto& s = self->state;
  size_copies(s);
  if (step.kind == ReplicatedDdl::kRenameTable) {
    // A renamed table's copy facts go with it; one that left owes nothing any more.
    bool changed = false;
    for (const auto& renamed : step.renamed) {
      if (renamed.index >= s.plan->tables.size()) continue;
      const std::string from = s.plan->tables[renamed.index].source.str();
      auto it = s.copy_record.tables.find(from);
      if (!renamed.job) s.copies[renamed.index] = TableCopyFacts{};
      if (it == s.copy_record.tables.end()) continue;
      TableCopyFacts facts = it->second;
      s.copy_record.tables.erase(it);
      if (renamed.job) s.copy_record.tables[renamed.job->source.str()] = facts;
      changed = true;
    }
    return changed ? write_table_copies(s.task_dir, s.copy_record) : Status::ok();
  }
  if (step.kind != ReplicatedDdl::kDropTable) return Status::ok();
  bool changed = false;
  for (const auto& table : step.tables)
    for (size_t i = 0; i < s.plan->tables.size(); ++i) {
      if (s.plan->tables[i].source != table) continue;
      s.copies[i] = TableCopyFacts{};
      changed = s.copy_record.tables.erase(table.str()) > 0 || changed;
    }
  return changed ? write_table_copies(s.task_dir, s.copy_record) : Status::ok();
}

// Runs the DDL that waited at the barrier: the group before it is committed on every lane (the
// round that met it flushed it), so its statements run now on lane 0, and its checkpoint moves every
// lane past it; the next group is cut only after that (lane_committed -> after_group).
template <class Self>
void run_barrier(Self* self) {
  auto& s = self->state;
  const BinlogPosition at = s.waiting->end;
  if (auto st = s.progress.check_barrier(at); !st) return replayer_fail(self, st.message());
  apply::DdlStep step = std::move(*s.barrier);
  s.barrier.reset();
  if (step.action == apply::DdlStep::Action::kStop) {
    const DdlStatement& ddl = *s.waiting->ddl;
    self->send(s.coordinator, ddl_stop_atom::value, DdlStopReport{to_source_position(ddl.position), ddl.statement, step.message, ddl.schema});
    self->quit();
    return;
  }
  if (!step.expect.empty()) {
    // `omsrun ddl applied`: the target must hold what the statement leads to before it is passed.
    auto target = Connection::open(s.plan->target, "target");
    if (!target) return replayer_fail(self, target.status().message());
    auto unmet = apply::check_target_expectations(**target, step.expect, *s.plan);
    if (!unmet) return replayer_fail(self, unmet.status().message());
    if (*unmet) {
      const DdlStatement& ddl = *s.waiting->ddl;
      const std::string why = "source DDL at " + ddl.position.str() + ": \"" + ddl.statement +
                              "\" was marked applied by hand (omsrun ddl applied), but " + **unmet +
                              ". Everything before the statement is applied";
      self->send(s.coordinator, ddl_stop_atom::value, DdlStopReport{to_source_position(ddl.position), ddl.statement, why, ddl.schema});
      self->quit();
      return;
    }
  }
  if (step.kind == ReplicatedDdl::kAlterTable && !step.statements.empty()) {
    // Already applied before a crash, still to apply, or changed by someone else?
    auto target = Connection::open(s.plan->target, "target");
    if (!target) return replayer_fail(self, target.status().message());
    auto actual = MysqlCatalog(**target).describe(step.after_job->target);
    if (!actual) return replayer_fail(self, actual.status().message());
    if (auto why = apply::settle_against_target(step, *actual, *s.plan)) {
      const DdlStatement& ddl = *s.waiting->ddl;
      self->send(s.coordinator, ddl_stop_atom::value, DdlStopReport{to_source_position(ddl.position), ddl.statement, *why, ddl.schema});
      self->quit();
      return;
    }
  }
  if (step.kind == ReplicatedDdl::kCreateTable && !step.statements.empty()) {
    // A table that joins: created before a crash (only the checkpoint moves), or someone else's?
    auto target = Connection::open(s.plan->target, "target");
    if (!target) return replayer_fail(self, target.status().message());
    std::optional<TableDef> actual;
    bool empty = true;
    auto described = MysqlCatalog(**target).describe(step.after_job->target);
    if (described) {
      actual = std::move(described).value();
      auto row = (*target)->query("SELECT 1 FROM " + sql::quote_name(step.after_job->target) + " LIMIT 1");
      if (!row) return replayer_fail(self, row.status().message());
      empty = row->rows.empty();
    } else if (described.status().code() != Status::Code::kNotFound) {
      return replayer_fail(self, described.status().message());
    }
    if (auto why = apply::settle_join_against_target(step, actual, empty, *s.plan)) {
      const DdlStatement& ddl = *s.waiting->ddl;
      self->send(s.coordinator, ddl_stop_atom::value, DdlStopReport{to_source_position(ddl.position), ddl.statement, *why});
      self->quit();
      return;
    }
  }
  if (step.kind == ReplicatedDdl::kRenameTable && !step.statements.empty()) {
    // Renamed before a crash (only the checkpoint moves), still to rename, or changed by someone?
    auto target = Connection::open(s.plan->target, "target");
    if (!target) return replayer_fail(self, target.status().message());
    std::map<QualifiedName, bool> present;
    for (const auto& [from, to] : step.target_moves)
      for (const QualifiedName& name : {from, to}) {
        auto described = MysqlCatalog(**target).describe(name);
        if (!described && described.status().code() != Status::Code::kNotFound)
          return replayer_fail(self, described.status().message());
        present[name] = described.is_ok();
      }
    if (auto why = apply::settle_rename_against_target(step, present)) {
      const DdlStatement& ddl = *s.waiting->ddl;
      self->send(s.coordinator, ddl_stop_atom::value, DdlStopReport{to_source_position(ddl.position), ddl.statement, *why, ddl.schema});
      self->quit();
      return;
    }
  }
  if (auto why = plan_table_copy(self, step, at)) {
    const DdlStatement& ddl = *s.waiting->ddl;
    self->send(s.coordinator, ddl_stop_atom::value, DdlStopReport{to_source_position(ddl.position), ddl.statement, *why, ddl.schema});
    self->quit();
    return;
  }
  if (auto st = forget_table_copies(self, step); !st) return replayer_fail(self, st.message());
  // The DDL's position becomes the group's: what follows is folded after it.
  auto folded = s.group->fold(*s.waiting);
  if (!folded) return replayer_fail(self, folded.status().message());
  s.waiting.reset();
  s.flushing_spool_end = s.group->spool_end();
  log::info("replay") << "incremental: " << step.message;
  s.progress.group_sent(at, 1, 0);
  s.ddl->applied(step);  // the next statement is judged only after the lane has committed this one
  if (step.after_job && step.table_index >= s.own_plan->tables.size()) {
    // A table joins: its changes after the barrier are folded and applied like any task table's.
    s.own_plan->tables.push_back(*step.after_job);
    s.group->rebind_all();
  } else if (step.after_job) {
    // The changes after it are folded by the new definition (columns, key, routing).
    s.own_plan->tables[step.table_index] = *step.after_job;
    s.group->rebind(step.table_index);
  }
  bool renamed_any = false;
  for (const auto& renamed : step.renamed) {
    // A table renamed within the patterns: its changes after it come under the new name.
    if (!renamed.job || renamed.index >= s.own_plan->tables.size()) continue;
    s.own_plan->tables[renamed.index] = *renamed.job;
    renamed_any = true;
  }
  if (renamed_any) s.group->rebind_all();  // the name index too
  send_to_lane(self, 0, apply::ddl_work(std::move(step.statements), at, s.task_id, s.lanes.size()));
}

// Takes the folded group's changes from the events budget. False when some are still unpaid: a
// wake is scheduled for when the budget has them (or a second's worth, for a bigger group).
template <class Self>
bool pay_for_group(Self* self) {
  auto& s = self->state;
  uint64_t changes = s.group->changes();
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
// a group is large enough, the spool is drained, a transaction of the other kind comes (FK
// actions or not) or a DDL barrier, then flushes the group.
template <class Self>
void apply_stored(Self* self) {
  auto& s = self->state;
  s.apply_scheduled = false;
  if (!s.replaying || s.paused || s.paying || s.progress.in_flight() || s.table_copy) return;
  if (!s.repairs.empty()) return run_repair(self);
  if (auto st = relane_if_agreed(self); !st) return replayer_fail(self, st.message());
  constexpr int kRecordsPerRound = 50000;
  // Throttled, a group holds about one second's budget, so the target sees the changes spread out
  // rather than a long wait and then a burst.
  const uint64_t group_limit =
      s.events_budget.unlimited() ? UINT64_MAX : static_cast<uint64_t>(s.events_budget.capacity());
  if (s.waiting && s.barrier) return run_barrier(self);
  if (s.waiting) {
    // The group is empty now (it was flushed), so the transaction that waited starts the next one.
    auto folded = s.group->fold(*s.waiting);
    if (!folded) return replayer_fail(self, folded.status().message());
    s.waiting.reset();
  }
  // Only a fold changes whether the group is full: it is looked at after each one.
  bool full = s.group->full(group_limit);
  for (int i = 0; i < kRecordsPerRound && !full; ++i) {
    auto record = s.reader->next(s.stored.spool_end);
    if (!record) return replayer_fail(self, record.status().message());
    s.spool_read_all = !record->has_value();
    if (s.spool_read_all) break;
    auto transaction = s.assembler.add((*record)->event, (*record)->next, s.progress.checkpoint());
    if (!transaction) continue;
    if (transaction->ddl) {
      // A barrier waits until the group before it is committed on every lane.
      if (s.history)
        if (auto st = s.history->refresh(); !st) return replayer_fail(self, st.message());
      // The policy, or the user's resolution of a stop at this very statement, decides.
      apply::DdlStep step = apply::decided_step(*s.ddl, *s.plan, *transaction->ddl, *s.group,
                                                s.history ? &*s.history : nullptr, s.ddl_resolution);
      if (step.action != apply::DdlStep::Action::kPass) {
        s.waiting = std::move(transaction);
        s.barrier = std::move(step);
        break;
      }
      if (!step.message.empty()) log::info("replay") << "incremental: " << step.message;  // a DDL passed, and why
    }
    auto folded = s.group->fold(*transaction);
    if (!folded) return replayer_fail(self, folded.status().message());
    if (!*folded) {
      s.waiting = std::move(transaction);
      break;
    }
    full = s.group->full(group_limit);
  }
  finish_round(self);
}

// Capture stopped before a DDL it cannot take (actors/binlog_tailer.cpp): once everything it
// spooled is applied and checkpointed, the link stops there as at a barrier (the coordinator keeps
// the stop record). True when it stopped.
template <class Self>
bool stop_at_capture_stop(Self* self) {
  auto& s = self->state;
  if (!s.capture_stop || !s.replaying || !s.spool_read_all || s.progress.in_flight() || s.waiting || s.table_copy ||
      s.paying || s.group->changes() > 0)
    return false;
  self->send(s.coordinator, ddl_stop_atom::value, *s.capture_stop);
  self->quit();
  return true;
}

template <class Self>
void after_group(Self* self) {
  auto& s = self->state;
  self->send(s.tailer, applied_atom::value, s.progress.in_flight() ? s.flushing_spool_end : s.group->spool_end());
  s.unapplied.applied(to_source_position(s.progress.checkpoint()));
  s.progress.check_caught_up();
  // The barrier that asked for an in-link copy is committed on every lane: the copy runs now.
  if (s.table_copy) {
    if (!s.table_copy->started && !s.progress.in_flight()) start_table_copy(self);
    return;
  }
  // An unfinished copy replay has passed without copying the table again stops the link.
  for (size_t i = 0; i < s.copies.size(); ++i)
    if (auto why = unresolved_copy(s.plan->tables[i].source, s.copies[i], s.progress.checkpoint()))
      return replayer_fail(self, *why);
  self->send(s.coordinator, sync_status_atom::value, status_of(s));
  if (stop_at_capture_stop(self)) return;
  // More may be waiting in the spool: continue without waiting for the tailer.
  if (s.reader && (to_source_position(s.progress.checkpoint()) < s.stored.source_position || s.waiting) && !s.apply_scheduled) {
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
  // Statements longer than the target's max_allowed_packet make it drop the connection.
  auto packet = (*target)->query_value("SELECT @@GLOBAL.max_allowed_packet");
  if (!packet) return retry_or_fail(packet.status());
  if (packet->has_value()) s.group->set_statement_bytes(apply::statement_bytes_for(std::stoull(**packet)));
  auto lanes = checkpoint::read_lanes(**target, s.task_id);
  if (!lanes) return retry_or_fail(lanes.status());
  if (lanes->empty()) {
    if (auto st = checkpoint::set_lanes(**target, s.task_id, s.wanted_lanes, BinlogPosition{}); !st)
      return retry_or_fail(st);
    lanes->assign(s.wanted_lanes, BinlogPosition{});
  }
  auto source = engine::engine_for(s.plan->source.dialect).open_source(s.plan->source);
  if (!source) return retry_or_fail(source.status());
  auto position = (*source)->current_position();
  if (!position) return retry_or_fail(position.status());
  // Applied segments are given back: the spool must still hold every change after the checkpoint.
  const BinlogPosition start = *std::min_element(lanes->begin(), lanes->end());
  if (auto st = check_spool_holds_after(s.spool_dir, start); !st) return replayer_fail(self, st.message());
  auto reader = SpoolReader::open(s.spool_dir);
  if (!reader) return replayer_fail(self, reader.status().message());
  // Tables a DROP took out of the task that this run's plan no longer has: replay may not have
  // passed their DROP yet.
  auto set = load_table_set(s.task_dir);
  if (!set) return replayer_fail(self, set.status().message());
  auto resolution = read_ddl_resolution(s.task_dir);
  if (!resolution) return replayer_fail(self, resolution.status().message());
  s.ddl_resolution = *resolution;
  // Each table's job as valid at the replay position: the schema history's definition there (the
  // plan's comes from the current catalog, which may be past a DDL still to replay).
  auto history = SchemaHistory::open(s.task_dir);
  if (!history) return replayer_fail(self, history.status().message());
  s.history.emplace(std::move(history).value());
  // Tables that joined before the replay position are bound from their definition there (one
  // that joins later is met again at its CREATE barrier); tables a RENAME took away after it are
  // still the task's up to it (their rows before it go to their target tables under the old
  // names, then the barrier renames them).
  auto tables = task_tables_at(s.own_plan->tables, s.plan->rules,
                               set->has_value() ? std::optional<TableSet>(**set) : std::nullopt, *s.history, start);
  if (!tables) return replayer_fail(self, tables.status().message());
  s.own_plan->tables = std::move(tables).value();
  s.group->rebind_all();
  s.ddl = std::make_unique<apply::DdlBarrier>(*s.plan, set->has_value() ? (*set)->left : std::vector<DepartedTable>{});
  // What each table's copy read by: the full copy's (ReplayStart), or the last in-link copy's.
  size_copies(s);
  auto record = read_table_copies(s.task_dir);
  if (!record) return replayer_fail(self, record.status().message());
  s.copy_record = std::move(record).value();
  for (size_t i = 0; i < s.own_plan->tables.size(); ++i) {
    auto it = s.copy_record.tables.find(s.own_plan->tables[i].source.str());
    s.copies[i] = newer_facts(s.copies[i], it == s.copy_record.tables.end() ? std::nullopt
                                                                             : std::optional<TableCopyFacts>(it->second));
  }
  // Killed during an in-link copy whose barrier is committed: the copy is done again first.
  if (s.copy_record.copying && !(start < s.copy_record.copying->at)) {
    for (size_t i = 0; i < s.own_plan->tables.size(); ++i)
      if (s.own_plan->tables[i].source == s.copy_record.copying->table)
        s.table_copy = typename ReplayerState::InLinkCopy{i, s.copy_record.copying->at, s.copy_record.copying->reason, false};
  }
  s.begin_retry.succeeded();
  s.progress.begin(*lanes);
  if (!s.progress.checkpoint().empty()) s.unapplied.applied(to_source_position(s.progress.checkpoint()));
  auto catch_up_target = to_binlog_position(*position);
  if (!catch_up_target) return replayer_fail(self, "the source's position now: " + catch_up_target.status().message());
  s.progress.set_catch_up_target(*catch_up_target);
  s.reader = std::move(reader).value();
  spawn_lanes(self, *lanes);
  s.events_budget = TokenBucket(s.events_budget.rate(), Clock::now());  // empty when replay begins
  if (auto st = relane_if_agreed(self); !st) return replayer_fail(self, st.message());
  s.replaying = true;
  const BinlogPosition& from = s.progress.checkpoint();
  log::info("replay") << "incremental: replaying from " << (from.empty() ? "the start of the spool" : from.str()) << " on "
            << s.lanes.size() << " apply lane(s); catching up to " << s.progress.catch_up_target().str();
  if (s.lanes.size() != s.wanted_lanes)
    log::info("replay") << "incremental: the lanes committed different positions; they move to " << s.wanted_lanes
              << " (parallel) once they agree";
  if (s.table_copy) return start_table_copy(self);
  s.apply_scheduled = true;
  self->send(self, apply_atom::value);
}

replayer_actor::behavior_type replayer_impl(replayer_actor::stateful_pointer<ReplayerState> self,
                                            std::shared_ptr<const Plan> plan, std::string spool_dir, std::string task_dir,
                                            std::string task_id, tailer_actor tailer, link_events_actor coordinator) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.own_plan = std::make_shared<Plan>(*plan);
  s.plan = s.own_plan;
  s.graph = std::make_shared<const apply::FkGraph>(apply::FkGraph::build(*s.plan));
  s.group = std::make_unique<apply::ReplayGroup>(*s.plan, *s.graph);
  s.spool_dir = std::move(spool_dir);
  s.task_dir = std::move(task_dir);
  s.task_id = std::move(task_id);
  s.tailer = std::move(tailer);
  s.coordinator = std::move(coordinator);
  s.events_budget = TokenBucket(s.plan->options.max_events_per_sec, Clock::now());
  return {
      [=](stored_atom, const SpoolStored& stored) {
        auto& s = self->state;
        s.unapplied.stored(stored.source_position, stored.stored_at_ms);
        s.stored = stored;
        s.spool_read_all = false;
        // Also while paused, throttled or while the lanes wait on the target: the status shows
        // the source moving on and the lag growing.
        if (s.replaying) self->send(s.coordinator, sync_status_atom::value, status_of(s));
        if (s.replaying && !s.apply_scheduled) {
          s.apply_scheduled = true;
          self->send(self, apply_atom::value);
        }
      },
      [=](replay_atom, const ReplayStart& start) {
        auto& s = self->state;
        s.copies.assign(s.plan->tables.size(), TableCopyFacts{});
        s.created_by_task.assign(s.plan->tables.size(), false);
        for (const TableCopyState& copy : start.copies) {
          const uint32_t index = index_of(*s.plan, copy.table);
          if (copy.has_read_by) {
            auto read_by = to_binlog_position(copy.read_by);
            if (!read_by) return replayer_fail(self, copy.table.source.str() + "'s copy position: " + read_by.status().message());
            s.copies[index].read_by = *read_by;
          }
          if (!copy.incomplete.empty()) s.copies[index].incomplete = copy.incomplete;
          s.created_by_task[index] = copy.created_by_task;
        }
        std::vector<BinlogPosition> replay_after;
        for (const SourcePosition& after : replay_after_by_index(*self->state.plan, start)) {
          auto binlog = to_binlog_position(after);
          if (!binlog) return replayer_fail(self, "a table's snapshot position: " + binlog.status().message());
          replay_after.push_back(*binlog);
        }
        self->state.group->set_replay_after(replay_after);
        begin_replay(self);
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.begin_retry_pending || token != s.begin_retry.token()) return;
        s.begin_retry_pending = false;
        begin_replay(self);
      },
      [=](apply_atom) { apply_stored(self); },
      [=](repair_atom, RepairRows& repair) {
        auto& s = self->state;
        // By name: the coordinator's tables are the task's at the applied position
        // (task_tables_at), which need not be in this plan's order.
        size_t index = s.plan->tables.size();
        for (size_t i = 0; i < s.plan->tables.size(); ++i)
          if (s.plan->tables[i].source == repair.table.source) index = i;
        if (index == s.plan->tables.size()) {
          log::warning("replay") << "incremental: the repair of " << repair.table.source.str() << " ("
                                 << repair.rows.size() << " row(s)) is not applied: the table is no longer the task's "
                                 << "(a DDL replay applied since the verification renamed or dropped it); verify again";
          return;
        }
        s.repairs.emplace_back(index, std::move(repair.rows));
        if (s.replaying && !s.apply_scheduled) {
          s.apply_scheduled = true;
          self->send(self, apply_atom::value);
        }
      },
      [=](ddl_stop_atom, const DdlStopReport& stop) {
        self->state.capture_stop = stop;
        stop_at_capture_stop(self);
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

replayer_actor spawn_replayer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                              std::string task_dir, std::string task_id, tailer_actor tailer,
                              link_events_actor coordinator) {
  return system.spawn<caf::detached>(replayer_impl, std::move(plan), std::move(spool_dir), std::move(task_dir),
                                     std::move(task_id), std::move(tailer), std::move(coordinator));
}

}  // namespace omsql::actors
