#include "src/apply/replay_group.hpp"

#include <algorithm>
#include <utility>

#include "src/apply/routing.hpp"

namespace omsql::apply {

namespace {

// About what the row images hold in memory: their bytes and a word per cell.
uint64_t approximate_bytes(const RowChange& change) {
  uint64_t bytes = 64;
  for (const auto* image : {&change.before, &change.after})
    for (const Cell& cell : *image) bytes += 16 + cell.text().size();
  return bytes;
}

}  // namespace

std::optional<SourceTransaction> TransactionAssembler::add(const Event& event, const SpoolPosition& next,
                                                           const SourcePosition& applied) {
  const SourcePosition& position = event_position(event);
  const auto covers = [&](const SourcePosition& done) { return !done.empty() && !(done < position); };
  const bool already_applied = covers(applied) || covers(returned_end_);
  if (const auto* rows = std::get_if<RowsEvent>(&event)) {
    if (already_applied) return std::nullopt;
    std::optional<SourceTransaction> piece;
    if (open_bytes_ >= piece_bytes_ && !open_rows_.empty()) {
      piece.emplace();
      piece->rows = std::move(open_rows_);
      piece->end = open_end_;  // inside the transaction: a position no resume takes a GTID from
      piece->next = open_next_;
      piece->piece = true;
      returned_end_ = piece->end;
      open_rows_.clear();
      open_bytes_ = 0;
    }
    for (const auto& change : rows->rows) open_bytes_ += approximate_bytes(change);
    open_rows_.insert(open_rows_.end(), rows->rows.begin(), rows->rows.end());
    open_end_ = position;
    open_next_ = next;
    return piece;
  }
  if (std::holds_alternative<TransactionBegin>(event)) {
    open_rows_.clear();
    open_bytes_ = 0;
    return std::nullopt;
  }
  if (already_applied) return std::nullopt;
  SourceTransaction transaction;
  transaction.rows = std::move(open_rows_);
  open_rows_.clear();
  open_bytes_ = 0;
  transaction.end = position;
  transaction.next = next;
  if (const auto* ddl = std::get_if<DdlStatement>(&event)) transaction.ddl = *ddl;
  returned_end_ = position;
  return transaction;
}

size_t statement_bytes_for(uint64_t max_packet) {
  constexpr uint64_t kMost = 4 << 20, kLeast = 64 << 10;
  return static_cast<size_t>(std::clamp<uint64_t>(max_packet / 2, kLeast, kMost));
}

ReplayGroup::ReplayGroup(const Plan& plan, const FkGraph& graph, const engine::Engine* target_engine)
    : plan_(plan), graph_(graph), engine_(engine::engine_or_default(target_engine, plan.target.dialect)),
      routers_(plan.tables.size()), ordered_(plan, &engine_) {
  for (size_t i = 0; i < plan_.tables.size(); ++i) job_index_[plan_.tables[i].source] = i;
  set_lanes({SourcePosition{}});
}

void ReplayGroup::set_replay_after(std::vector<SourcePosition> replay_after) { replay_after_ = std::move(replay_after); }

void ReplayGroup::set_replay_after(size_t table, const SourcePosition& position) {
  if (replay_after_.size() <= table) replay_after_.resize(table + 1);
  replay_after_[table] = position;
}

void ReplayGroup::set_lanes(std::vector<SourcePosition> lane_checkpoints) {
  lane_checkpoints_ = std::move(lane_checkpoints);
  batches_.clear();
  batches_.resize(lane_checkpoints_.size());
  for (auto& lane : batches_) lane.resize(plan_.tables.size());
  lane_changes_.assign(lane_checkpoints_.size(), 0);
  parallel_changes_ = 0;
  parallel_bytes_ = 0;
}

bool ReplayGroup::in_snapshot(size_t table, const SourcePosition& position) const {
  return table < replay_after_.size() && !replay_after_[table].empty() && !(replay_after_[table] < position);
}

ChangeBatch& ReplayGroup::router(size_t table) {
  auto& slot = routers_[table];
  if (!slot) slot = std::make_unique<ChangeBatch>(plan_.tables[table], &engine_);
  return *slot;
}

size_t ReplayGroup::lane_of(size_t table, const std::vector<Cell>& image) {
  ChangeBatch& keys = router(table);
  if (!keys.keyed() || image.size() != plan_.tables[table].source_def.columns.size()) return 0;
  if (!keys.key_is_bytewise()) return lane_for_key(plan_.tables[table].source.str(), lanes());
  return lane_for_key(keys.key_of(image), lanes());
}

GroupKind ReplayGroup::kind_of(const SourceTransaction& transaction) const {
  bool task_changes = false;
  for (const auto& change : transaction.rows) {
    auto it = job_index_.find(change.table);
    if (it == job_index_.end()) continue;
    task_changes = true;
    if (!graph_.has_actions()) break;
    if (graph_.triggers(it->second, change)) return GroupKind::kOrdered;
  }
  return task_changes ? GroupKind::kParallel : GroupKind::kEmpty;
}

Result<bool> ReplayGroup::fold(const SourceTransaction& transaction) {
  const GroupKind kind = kind_of(transaction);
  if (kind != GroupKind::kEmpty) {
    if (kind_ != GroupKind::kEmpty && kind_ != kind) return false;
    kind_ = kind;
    OMSQL_RETURN_IF_ERROR(kind == GroupKind::kOrdered ? fold_ordered(transaction) : fold_parallel(transaction));
  }
  folded_through_ = transaction.end;
  spool_end_ = transaction.next;
  return true;
}

// An update that moves a row to another key's lane becomes a delete on the old key's lane and an
// insert on the new key's lane: the two keys are different rows to the target.
Status ReplayGroup::fold_parallel(const SourceTransaction& transaction) {
  for (const auto& change : transaction.rows) {
    auto it = job_index_.find(change.table);
    if (it == job_index_.end()) continue;
    const size_t table = it->second;
    if (in_snapshot(table, change.position)) continue;
    if (change.kind == RowChange::kUpdate && router(table).keyed()) {
      const size_t from = lane_of(table, change.before), to = lane_of(table, change.after);
      if (from != to) {
        RowChange removal = change, insertion = change;
        removal.kind = RowChange::kDelete;
        insertion.kind = RowChange::kInsert;
        OMSQL_RETURN_IF_ERROR(fold_into(from, table, removal, false));
        OMSQL_RETURN_IF_ERROR(fold_into(to, table, insertion, true));
        continue;
      }
    }
    const size_t lane = lane_of(table, change.kind == RowChange::kDelete ? change.before : change.after);
    OMSQL_RETURN_IF_ERROR(fold_into(lane, table, change, true));
  }
  return Status::ok();
}

// In binlog order, with the FK actions the changes triggered on the source. A child whose
// snapshot was taken after the change (keyless, or an FK group) already holds the actions' effect.
// An ordered group commits on every lane at once, but after a restart the pieces of a large
// transaction may be cut anew, so a change a lane committed in a parallel piece can come back in an
// ordered one: it is left out, as the parallel fold leaves it out (a keyless row twice is two rows).
Status ReplayGroup::fold_ordered(const SourceTransaction& transaction) {
  for (const auto& change : transaction.rows) {
    auto it = job_index_.find(change.table);
    if (it == job_index_.end()) continue;
    const size_t table = it->second;
    if (lanes_hold(table, change)) continue;
    std::optional<CascadeTrigger> trigger;
    if (graph_.triggers(table, change)) {
      std::vector<uint32_t> skip;
      for (size_t child = 0; child < replay_after_.size(); ++child)
        if (in_snapshot(child, change.position)) skip.push_back(static_cast<uint32_t>(child));
      trigger = make_trigger(plan_, graph_, table, change, std::move(skip));
    }
    OMSQL_RETURN_IF_ERROR(ordered_.add(table, change, !in_snapshot(table, change.position), std::move(trigger)));
  }
  return Status::ok();
}

bool ReplayGroup::lanes_hold(size_t table, const RowChange& change) {
  const auto holds = [&](size_t lane) {
    const SourcePosition& committed = lane_checkpoints_[lane];
    return !committed.empty() && !(committed < change.position);
  };
  if (change.kind == RowChange::kUpdate && router(table).keyed())
    return holds(lane_of(table, change.before)) && holds(lane_of(table, change.after));
  return holds(lane_of(table, change.kind == RowChange::kDelete ? change.before : change.after));
}

Status ReplayGroup::fold_into(size_t lane, size_t table, const RowChange& change, bool count) {
  const SourcePosition& committed = lane_checkpoints_[lane];
  if (!committed.empty() && !(committed < change.position)) return Status::ok();
  auto& slot = batches_[lane][table];
  if (!slot) slot = std::make_unique<ChangeBatch>(plan_.tables[table], &engine_);
  const uint64_t before = slot->approximate_bytes();
  OMSQL_RETURN_IF_ERROR(slot->add(change));
  parallel_bytes_ += slot->approximate_bytes() - before;
  if (count) {
    ++lane_changes_[lane];
    ++parallel_changes_;
  }
  return Status::ok();
}

bool ReplayGroup::full(uint64_t change_limit) const {
  return parallel_bytes_ >= kFlushBytes || ordered_.approximate_bytes() >= kFlushBytes ||
         ordered_.cascades() >= kMaxCascades || changes() >= change_limit;
}

void ReplayGroup::reset_counts() {
  kind_ = GroupKind::kEmpty;
  parallel_bytes_ = 0;
  parallel_changes_ = 0;
  lane_changes_.assign(lane_changes_.size(), 0);
}

std::vector<LaneShare> ReplayGroup::take_parallel() {
  std::vector<LaneShare> shares(lanes());
  for (size_t lane = 0; lane < lanes(); ++lane) {
    LaneShare& share = shares[lane];
    for (auto& batch : batches_[lane]) {
      if (!batch || batch->empty()) continue;
      std::vector<std::vector<std::string>> keys;
      for (auto& statement : batch->statements(statement_bytes_, &keys)) share.statements.push_back(std::move(statement));
      for (auto& statement_keys : keys) share.row_keys.push_back(std::move(statement_keys));
      batch->clear();
    }
    share.changes = lane_changes_[lane];
  }
  reset_counts();
  return shares;
}

void ReplayGroup::rebind(size_t table) {
  routers_[table].reset();
  for (auto& lane : batches_) lane[table].reset();
  ordered_.rebind(table);
}

void ReplayGroup::rebind_all() {
  job_index_.clear();
  for (size_t i = 0; i < plan_.tables.size(); ++i) job_index_[plan_.tables[i].source] = i;
  routers_.clear();
  routers_.resize(plan_.tables.size());
  for (auto& lane : batches_) {
    lane.clear();
    lane.resize(plan_.tables.size());
  }
  ordered_.rebind_all();
}

LaneShare ReplayGroup::take_ordered() {
  LaneShare share;
  share.changes = ordered_.changes();
  LaneProgram program = ordered_.take();
  share.statements = std::move(program.statements);
  share.cascades = std::move(program.cascades);
  reset_counts();
  return share;
}

}  // namespace omsql::apply
