// The replayer (actors/incremental_actors.hpp): reads the spool up to what the tailer has synced,
// folds whole source transactions into groups (src/apply/replay_group.hpp), hands each group to
// the apply lanes (actors/apply_lane.cpp) and waits for all of them, keeps the book of their
// checkpoints (src/apply/lane_progress.hpp), and applies verification repairs between groups.
// A DDL barrier and the in-link copy are actors/replayer_barrier.cpp.
#include "actors/incremental_actors.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>

#include "actors/clock.hpp"
#include "actors/replayer_state.hpp"
#include "actors/retry.hpp"
#include "actors/supervision.hpp"
#include "src/apply/ddl_decided_step.hpp"
#include "src/apply/lane_names.hpp"
#include "src/model/table_binding.hpp"
#include "src/task/table_set.hpp"
#include "src/task/tables_at.hpp"
#include "src/verify/recheck.hpp"
#include "src/verify/table_spec.hpp"
#include "src/log/log.hpp"

namespace omsql::actors {

namespace replay {

SyncStatus status_of(ReplayerState& s) {
  double elapsed = std::chrono::duration<double>(Clock::now() - s.rate_start).count();
  if (elapsed >= 2) {
    s.events_per_second = s.rate_events / elapsed;
    s.rate_events = 0;
    s.rate_start = Clock::now();
  }
  SyncStatus status;
  status.applied = s.progress.checkpoint();
  status.stored = s.stored.source_position;
  status.events_applied = s.events_applied;
  status.events_per_second = s.events_per_second;
  status.oldest_unapplied_ms = s.unapplied.oldest_unapplied_ms();
  status.lag_seconds =
      status.oldest_unapplied_ms ? std::max<int64_t>(0, wall_now_ms() - status.oldest_unapplied_ms) / 1000.0 : 0;
  status.reached_catch_up_target = s.progress.caught_up();
  status.lanes = static_cast<uint32_t>(s.lanes.size());
  if (s.table_copy)
    status.table_copy = "copying " + s.plan->tables[s.table_copy->index].source.str() +
                        (s.table_copy->joined ? " at " : " again at ") +
                        s.table_copy->at.str() + " (" + s.table_copy->reason + ")";
  return status;
}

void replayer_fail(ReplayerSelf self, const std::string& message) {
  self->send(self->state.coordinator, failed_atom::value, message);
  self->quit();
}

// A lane committed its share of the group in flight; after the last, the next group may go.
void lane_committed(ReplayerSelf self) {
  auto& s = self->state;
  auto changes = s.progress.group_acknowledged();
  if (!changes) return;
  s.events_applied += *changes;
  s.rate_events += *changes;
  after_group(self);
}

// Sends `work` to lane `lane` and waits for its commit.
void send_to_lane(ReplayerSelf self, size_t lane, LaneWork work) {
  self->request(self->state.lanes[lane], caf::infinite, apply_atom::value, std::move(work))
      .then([=](uint64_t) { lane_committed(self); },
            [=](caf::error& e) { replayer_fail(self, "change applier: " + caf::to_string(e)); });
}

// Hands the folded group to the lanes and waits for all of them before the next group, so every
// lane sees the groups in source order. A parallel group goes out as each lane's share with the
// lane's checkpoint; an ordered group goes to lane 0 as one target transaction that also moves
// every other lane's checkpoint. Returns false when there was nothing to flush.
bool flush(ReplayerSelf self) {
  auto& s = self->state;
  const SourcePosition end = s.group->folded_through();
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
void spawn_lanes(ReplayerSelf self, const std::vector<SourcePosition>& lane_checkpoints) {
  auto& s = self->state;
  for (uint32_t lane = 0; lane < lane_checkpoints.size(); ++lane) {
    s.lanes.push_back(spawn_apply_lane(self->system(), s.plan, s.graph, apply::lane_task_id(s.task_id, lane),
                                       s.coordinator, s.engines.target));
    self->link_to(s.lanes.back());
  }
  s.group->set_lanes(lane_checkpoints);
}

// A session on the target for the replayer's own reads and writes between groups (the lanes have
// their own).
Result<std::unique_ptr<engine::ApplySession>> open_target(ReplayerSelf self) {
  auto& s = self->state;
  return engine::engine_or_default(s.engines.target, s.plan->target.dialect).open_apply(s.plan->target, *s.plan, *s.graph);
}

// Moves the task to `wanted_lanes` lanes once every lane has committed the same position and the
// group holds no change (LaneProgress::agreed). The new lane rows replace the old ones in one
// target transaction.
Status relane_if_agreed(ReplayerSelf self) {
  auto& s = self->state;
  if (s.lanes.size() == s.wanted_lanes || s.group->kind() != apply::GroupKind::kEmpty) return Status::ok();
  auto agreed = s.progress.agreed();
  if (!agreed) return Status::ok();
  const SourcePosition at = *agreed;
  // A target that is away just postpones the move to the next group boundary.
  auto target = open_target(self);
  if (!target) return target.status().is_transient() ? Status::ok() : target.status();
  if (auto st = (*target)->set_lanes(s.task_id, s.wanted_lanes, at); !st)
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
void run_repair(ReplayerSelf self) {
  auto& s = self->state;
  auto [table, differences] = std::move(s.repairs.front());
  s.repairs.pop_front();
  Status st = Status::ok();
  if (!s.repair_rows) {
    auto opened = engine::engine_or_default(s.engines.target, s.plan->target.dialect).open_verify(s.plan->source, s.plan->target);
    if (opened) s.repair_rows = std::move(opened).value();
    else st = opened.status();
  }
  Result<std::vector<verify::RowDifference>> current = st;
  if (st) current = s.repair_rows->rows_now(s.plan->tables[table], differences);
  if (!current) {
    s.repair_rows.reset();
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


// Takes the folded group's changes from the events budget. False when some are still unpaid: a
// wake is scheduled for when the budget has them (or a second's worth, for a bigger group).
bool pay_for_group(ReplayerSelf self) {
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
void finish_round(ReplayerSelf self) {
  if (!pay_for_group(self)) return;  // the wake comes back here
  if (flush(self)) return;           // after_group continues once every lane has committed
  after_group(self);
}

// Reads what the spool holds, up to what the tailer has synced, folding whole transactions until
// a group is large enough, the spool is drained, a transaction of the other kind comes (FK
// actions or not) or a DDL barrier, then flushes the group.
void apply_stored(ReplayerSelf self) {
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
bool stop_at_capture_stop(ReplayerSelf self) {
  auto& s = self->state;
  if (!s.capture_stop || !s.replaying || !s.spool_read_all || s.progress.in_flight() || s.waiting || s.table_copy ||
      s.paying || s.group->changes() > 0)
    return false;
  self->send(s.coordinator, ddl_stop_atom::value, *s.capture_stop);
  self->quit();
  return true;
}

void after_group(ReplayerSelf self) {
  auto& s = self->state;
  self->send(s.tailer, applied_atom::value, s.progress.in_flight() ? s.flushing_spool_end : s.group->spool_end());
  s.unapplied.applied(s.progress.checkpoint());
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
  if (s.reader && (s.progress.checkpoint() < s.stored.source_position || s.waiting) && !s.apply_scheduled) {
    s.apply_scheduled = true;
    self->send(self, apply_atom::value);
  }
}

// Reads where replay starts (every lane's checkpoint; the slowest one) and where catching up
// ends (the source's position now), then starts the lanes. A server that is down is retried
// after the backoff; nothing is kept from a failed attempt.
void begin_replay(ReplayerSelf self) {
  auto& s = self->state;
  auto retry_or_fail = [&](const Status& st) {
    if (!st.is_transient()) return replayer_fail(self, st.message());
    auto delay = next_retry(s.begin_retry, s.plan->options.retry, "reading the apply checkpoints to start replay", st);
    if (!delay) return replayer_fail(self, delay.status().message());
    s.begin_retry_pending = true;
    self->delayed_send(self, *delay, retry_atom::value, s.begin_retry.token());
  };
  s.wanted_lanes = static_cast<size_t>(std::max(1, s.plan->options.parallel));
  // The session creates the checkpoint table when it is missing.
  auto target = open_target(self);
  if (!target) return retry_or_fail(target.status());
  // The lane rows on the target are the task's routing: their count is its lane count, whatever
  // `parallel` says now (relane_if_agreed moves to that once the lanes agree). Replay restarts
  // at the slowest lane's checkpoint; lanes skip what they already hold.
  // Statements longer than the target accepts make it drop the connection.
  auto packet = (*target)->max_statement_bytes();
  if (!packet) return retry_or_fail(packet.status());
  if (*packet) s.group->set_statement_bytes(apply::statement_bytes_for(**packet));
  auto lanes = (*target)->lane_checkpoints(s.task_id);
  if (!lanes) return retry_or_fail(lanes.status());
  if (lanes->empty()) {
    if (auto st = (*target)->set_lanes(s.task_id, s.wanted_lanes, SourcePosition{}); !st)
      return retry_or_fail(st);
    lanes->assign(s.wanted_lanes, SourcePosition{});
  }
  auto source = engine::engine_or_default(s.engines.source, s.plan->source.dialect).open_source(s.plan->source);
  if (!source) return retry_or_fail(source.status());
  auto position = (*source)->current_position();
  if (!position) return retry_or_fail(position.status());
  // Applied segments are given back: the spool must still hold every change after the checkpoint.
  const SourcePosition start = *std::min_element(lanes->begin(), lanes->end());
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
    // A keyless table copied inside the link in one snapshot: its changes up to it stay skipped.
    if (s.copies[i].replay_after) s.group->set_replay_after(i, *s.copies[i].replay_after);
  }
  // Killed during an in-link copy whose barrier is committed: the copy is done again first.
  if (s.copy_record.copying && !(start < s.copy_record.copying->at)) {
    for (size_t i = 0; i < s.own_plan->tables.size(); ++i)
      if (s.own_plan->tables[i].source == s.copy_record.copying->table)
        s.table_copy = typename ReplayerState::InLinkCopy{i, s.copy_record.copying->at, s.copy_record.copying->reason, false,
                                                          s.copy_record.copying->joined};
  }
  s.begin_retry.succeeded();
  s.progress.begin(*lanes);
  if (!s.progress.checkpoint().empty()) s.unapplied.applied(s.progress.checkpoint());
  s.progress.set_catch_up_target(*position);
  s.reader = std::move(reader).value();
  spawn_lanes(self, *lanes);
  s.events_budget = TokenBucket(s.events_budget.rate(), Clock::now());  // empty when replay begins
  if (auto st = relane_if_agreed(self); !st) return replayer_fail(self, st.message());
  s.replaying = true;
  const SourcePosition& from = s.progress.checkpoint();
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
                                            std::string task_id, tailer_actor tailer, link_events_actor coordinator,
                                            engine::Engines engines) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.engines = engines;
  s.own_plan = std::make_shared<Plan>(*plan);
  s.plan = s.own_plan;
  s.graph = std::make_shared<const apply::FkGraph>(apply::FkGraph::build(*s.plan));
  s.group = std::make_unique<apply::ReplayGroup>(*s.plan, *s.graph, s.engines.target);
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
          if (copy.has_read_by) s.copies[index].read_by = copy.read_by;
          if (!copy.incomplete.empty()) s.copies[index].incomplete = copy.incomplete;
          s.created_by_task[index] = copy.created_by_task;
        }
        self->state.group->set_replay_after(replay_after_by_index(*self->state.plan, start));
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

}  // namespace replay

replayer_actor spawn_replayer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                              std::string task_dir, std::string task_id, tailer_actor tailer,
                              link_events_actor coordinator, engine::Engines engines) {
  return system.spawn<caf::detached>(replay::replayer_impl, std::move(plan), std::move(spool_dir), std::move(task_dir),
                                     std::move(task_id), std::move(tailer), std::move(coordinator), engines);
}

}  // namespace omsql::actors
