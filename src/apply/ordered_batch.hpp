#pragma once
// OrderedBatch: source transactions with changes that trigger FK actions, for one apply lane and
// one target transaction, in binlog order. The runs of changes between two triggers are folded
// per key as ChangeBatch does (the target then holds the source's rows as of each run's end), and
// each trigger's derived child changes (src/apply/cascade.hpp) run at its place: after the run
// before it, before the trigger's own change, which opens the next run.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "src/model/plan.hpp"
#include "src/apply/cascade.hpp"
#include "src/apply/change_batch.hpp"

namespace omsql::apply {

class OrderedBatch {
 public:
  // REQUIRES: `plan` and `target_engine` (which renders the statements; null: the plan's target
  // dialect's) outlive the batch.
  explicit OrderedBatch(const Plan& plan, const engine::Engine* target_engine = nullptr);

  // Adds one change of Plan table `table`, in binlog order. With `apply_change` false the change
  // itself is already in its table's copy (a keyless snapshot): only its trigger runs.
  Status add(size_t table, const RowChange& change, bool apply_change, std::optional<CascadeTrigger> trigger);

  bool empty() const { return changes_ == 0 && program_.cascades.empty(); }
  uint64_t changes() const { return changes_; }
  size_t cascades() const { return program_.cascades.size(); }
  uint64_t approximate_bytes() const { return bytes_; }

  // The statements and cascades added so far; the batch is empty afterwards.
  LaneProgram take();
  // Plan table `table`'s job changed (a replicated ALTER). REQUIRES: empty().
  void rebind(size_t table) { run_[table].reset(); }
  // Multi-row statements are cut at about this size (ReplayGroup::set_statement_bytes).
  void set_statement_bytes(size_t bytes) { statement_bytes_ = bytes; }
  // The Plan's tables changed (one appended or renamed at a barrier): every batch is laid out anew.
  // REQUIRES: empty().
  void rebind_all() {
    run_.clear();
    run_.resize(plan_.tables.size());
  }

 private:
  void close_run();
  size_t statement_bytes_ = 4 << 20;

  const Plan& plan_;
  const engine::Engine& engine_;
  std::vector<std::unique_ptr<ChangeBatch>> run_;  // by table: the changes since the last trigger
  LaneProgram program_;
  uint64_t changes_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace omsql::apply
