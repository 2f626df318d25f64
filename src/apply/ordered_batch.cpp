#include "src/apply/ordered_batch.hpp"

namespace omsql::apply {

OrderedBatch::OrderedBatch(const Plan& plan, const engine::Engine* target_engine)
    : plan_(plan), engine_(engine::engine_or_default(target_engine, plan.target.dialect)), run_(plan.tables.size()) {}

void OrderedBatch::close_run() {
  for (auto& batch : run_) {
    if (!batch || batch->empty()) continue;
    for (auto& statement : batch->statements(statement_bytes_)) program_.statements.push_back(std::move(statement));
    batch->clear();
  }
}

Status OrderedBatch::add(size_t table, const RowChange& change, bool apply_change,
                         std::optional<CascadeTrigger> trigger) {
  if (trigger) {
    // The derived statements need the target as the source was just before this change.
    close_run();
    trigger->before_statement = static_cast<uint32_t>(program_.statements.size());
    for (const auto& value : trigger->old_values) bytes_ += value.size();
    for (const auto& value : trigger->new_values) bytes_ += value.size();
    program_.cascades.push_back(std::move(*trigger));
  }
  if (!apply_change) return Status::ok();
  auto& batch = run_[table];
  if (!batch) batch = std::make_unique<ChangeBatch>(plan_.tables[table], &engine_);
  const uint64_t before = batch->approximate_bytes();
  OMSQL_RETURN_IF_ERROR(batch->add(change));
  bytes_ += batch->approximate_bytes() - before;
  ++changes_;
  return Status::ok();
}

LaneProgram OrderedBatch::take() {
  close_run();
  LaneProgram out = std::move(program_);
  program_ = LaneProgram{};
  changes_ = 0;
  bytes_ = 0;
  return out;
}

}  // namespace omsql::apply
