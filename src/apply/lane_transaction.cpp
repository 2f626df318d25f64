#include "src/apply/lane_transaction.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "src/apply/change_batch.hpp"
#include "src/common/strings.hpp"
#include "src/engine/mysql/checkpoint.hpp"

namespace omsql::apply {

LaneWork parallel_work(uint32_t lane, LaneShare share, const SourcePosition& end) {
  LaneWork work;
  work.lane = lane;
  work.end = end;
  work.statements = std::move(share.statements);
  work.row_keys = std::move(share.row_keys);
  work.changes = share.changes;
  return work;
}

LaneWork ordered_work(LaneShare share, const SourcePosition& end, const std::string& task_id, size_t lanes) {
  LaneWork work;
  work.lane = 0;
  work.end = end;
  work.changes = share.changes;
  work.statements = std::move(share.statements);
  work.cascades = std::move(share.cascades);
  for (size_t lane = 1; lane < lanes; ++lane) work.also_checkpoint.push_back(lane_task_id(task_id, lane));
  return work;
}

LaneWork repair_work(const std::vector<verify::RowDifference>& differences, const SourcePosition& checkpoint) {
  LaneWork work;
  work.repair = true;
  work.end = checkpoint;
  for (const auto& d : differences)
    if (d.kind == verify::DifferenceKind::kExtraOnTarget && !d.repair.empty()) work.statements.push_back(d.repair);
  for (const auto& d : differences)
    if (d.kind != verify::DifferenceKind::kExtraOnTarget && !d.repair.empty()) work.statements.push_back(d.repair);
  return work;
}

bool lane_holds(const SourcePosition& lane_checkpoint, const LaneWork& work) {
  return !work.repair && !lane_checkpoint.empty() && !(lane_checkpoint < work.end);
}

namespace {

// "REPLACE INTO `db`.`t`" of "REPLACE INTO `db`.`t` (`id`, ...) VALUES ...": the statement's head.
std::string statement_head(const std::string& statement) {
  size_t end = statement.find(" (");
  if (end == std::string::npos || end > 200) end = std::min<size_t>(statement.size(), 80);
  return statement.substr(0, end);
}

}  // namespace

Status check_statement_sizes(const LaneWork& work, uint64_t max_packet, const std::string& target) {
  if (max_packet == 0) return Status::ok();
  // The packet also carries the command byte and the protocol's header.
  constexpr uint64_t kOverhead = 1024;
  for (size_t i = 0; i < work.statements.size(); ++i) {
    const std::string& statement = work.statements[i];
    if (statement.size() + kOverhead <= max_packet) continue;
    std::string keys;
    if (i < work.row_keys.size() && !work.row_keys[i].empty()) {
      keys = " (key " + work.row_keys[i].front();
      if (work.row_keys[i].size() > 1) keys += " and " + std::to_string(work.row_keys[i].size() - 1) + " more";
      keys += ")";
    }
    const uint64_t wanted = (statement.size() + kOverhead) * 2;
    return Status::invalid_argument(
        target + ": " + statement_head(statement) + keys + " needs a " + megabytes(statement.size()) +
        " statement, more than the target's max_allowed_packet (" + megabytes(max_packet) +
        "): raise it on the target (SET GLOBAL max_allowed_packet = " + std::to_string((wanted + 1048575) / 1048576) +
        " * 1024 * 1024, and in its option file for restarts), then run the same command to resume");
  }
  return Status::ok();
}

Status run_lane_transaction(StatementRunner& runner, const Plan& plan, const FkGraph& graph,
                            const std::string& lane_id, const LaneWork& work, std::vector<std::string>* warnings) {
  if (work.ddl)
    for (const auto& statement : work.statements) OMSQL_RETURN_IF_ERROR(runner.execute(statement));
  OMSQL_RETURN_IF_ERROR(runner.execute("START TRANSACTION"));
  auto rollback = [&](Status st) {
    (void)runner.execute("ROLLBACK");
    return st;
  };
  if (work.ddl) {
    // Ran above, before the transaction.
  } else if (work.cascades.empty()) {
    for (size_t i = 0; i < work.statements.size(); ++i) {
      if (auto st = runner.execute(work.statements[i]); !st) {
        // The message shows the statement's head only (no row images): name the failing row's key.
        std::string note = i < work.row_keys.size() ? failing_row_note(st.message(), work.row_keys[i]) : "";
        if (!note.empty())
          st = st.is_transient() ? Status::transient(st.message() + note) : Status::server_error(st.message() + note);
        return rollback(st);
      }
    }
  } else {
    CascadeOutcome outcome;
    LaneProgram program{work.statements, work.cascades};
    if (auto st = run_program(runner, plan, graph, program, &outcome); !st) return rollback(st);
    if (warnings)
      for (auto& warning : outcome.warnings) warnings->push_back(std::move(warning));
  }
  if (work.repair) return runner.execute("COMMIT");
  auto upsert = checkpoint::upsert_sql(lane_id, work.end, 0);
  if (!upsert) return rollback(upsert.status());
  if (auto st = runner.execute(*upsert); !st) return rollback(st);
  for (const auto& lane : work.also_checkpoint) {
    auto also = checkpoint::upsert_sql(lane, work.end, 0);
    if (!also) return rollback(also.status());
    if (auto st = runner.execute(*also); !st) return rollback(st);
  }
  if (auto st = runner.execute("COMMIT"); !st) return rollback(st);
  return Status::ok();
}

LaneWriter::LaneWriter(const engine::Engine& engine, const Plan& plan, const FkGraph& graph, std::string lane_id)
    : engine_(engine), plan_(plan), graph_(graph), lane_id_(std::move(lane_id)) {}

Status LaneWriter::connect() {
  if (session_) return Status::ok();
  auto session = engine_.open_apply(plan_.target, plan_, graph_);
  if (!session) return session.status();
  session_ = std::move(session).value();
  if (!checkpoint_read_) {
    auto committed = session_->checkpoint(lane_id_);
    if (!committed) return committed.status();
    if (*committed) checkpoint_ = **committed;
    checkpoint_read_ = true;
  }
  return Status::ok();
}

Status LaneWriter::apply(const LaneWork& work, std::vector<std::string>* warnings) {
  OMSQL_RETURN_IF_ERROR(connect());
  if (lane_holds(checkpoint_, work)) return Status::ok();
  OMSQL_RETURN_IF_ERROR(session_->commit(work, lane_id_, warnings));
  if (!work.repair) checkpoint_ = work.end;
  return Status::ok();
}

void LaneWriter::reset() {
  session_.reset();
  checkpoint_read_ = false;
}

}  // namespace omsql::apply
