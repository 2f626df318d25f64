// What a DDL barrier checks on the target before its statements run, so a crash between a DDL
// and its checkpoint neither applies it twice nor skips it (the settle_* functions), the source's
// time a statement runs at, and the lane-0 work that records the barrier (src/apply/ddl_barrier.hpp).
#include "src/apply/ddl_barrier.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "src/apply/lane_names.hpp"
#include "src/common/strings.hpp"
#include "src/schema/ddl.hpp"
#include "src/schema/evolution.hpp"
#include "src/sql/quote.hpp"

namespace omsql::apply {

std::optional<std::string> settle_against_target(DdlStep& step, const TableDef& target_actual, const Plan& plan) {
  if (step.kind != ReplicatedDdl::kAlterTable || step.statements.empty() || !step.after_job || !step.before_job)
    return std::nullopt;
  const DialectTarget dialect = DialectTarget::of(plan.target);
  // Only what the statement changes is compared: the target may differ from the job before it by
  // what an earlier DDL the link passed (skip, IGNORE) left alone, which this one does not touch.
  const TablePieces changed = changed_pieces(*step.before_job, *step.after_job);
  const TablePieces* only = changed.empty() ? nullptr : &changed;
  if (!target_difference(target_actual, *step.after_job, dialect, &plan.tables, only)) {
    step.statements.clear();
    step.message += " (already applied: the target table is as the statement leaves it)";
    return std::nullopt;
  }
  if (!target_difference(target_actual, *step.before_job, dialect, &plan.tables, only)) return std::nullopt;
  const auto difference = target_difference(target_actual, *step.after_job, dialect, &plan.tables, only);
  return "source DDL on migrated table " + step.before_job->source.str() + " is not applied: the target table " +
         step.before_job->target.str() + " is neither as replay left it before the statement nor as the statement " +
         "leaves it (" + difference.value_or("it differs") + "): someone changed it. Everything before the statement is applied";
}

std::optional<std::string> settle_join_against_target(DdlStep& step, const std::optional<TableDef>& target_actual,
                                                     bool target_empty, const Plan& plan) {
  if (step.kind != ReplicatedDdl::kCreateTable || !step.after_job || !target_actual) return std::nullopt;
  const bool replaces = std::any_of(step.statements.begin(), step.statements.end(), [](const std::string& sql) {
    return sql.rfind("DROP TABLE", 0) == 0;
  });
  if (replaces) return std::nullopt;  // DROP TABLE IF EXISTS, then CREATE: safe to run again
  // Replay applies no row of the new table before this checkpoint, so a table it created is empty.
  if (target_empty && target_has(*target_actual, *step.after_job, DialectTarget::of(plan.target), &plan.tables)) {
    step.statements.clear();
    step.message += " (already created: the target table is as the statement leaves it)";
    return std::nullopt;
  }
  const auto difference = target_difference(*target_actual, *step.after_job, DialectTarget::of(plan.target), &plan.tables);
  return "source DDL at the CREATE TABLE of " + step.after_job->source.str() + " is not applied: the target table " +
         step.after_job->target.str() + " exists already and is not the empty table the statement makes (" +
         (target_empty ? difference.value_or("it differs") : std::string("it holds rows")) +
         "): it is not the task's. Drop or rename it on the target, or EXCLUDE the table, then run again. "
         "Everything before the statement is applied";
}

bool is_joined_table(const DdlStep& step, const TableDef& target_actual, bool target_empty, const Plan& plan) {
  return step.kind == ReplicatedDdl::kRenameTable && step.after_job && target_empty &&
         target_has(target_actual, *step.after_job, DialectTarget::of(plan.target), &plan.tables);
}

std::optional<std::string> settle_rename_join_against_target(DdlStep& step, const std::optional<TableDef>& target_actual,
                                                            bool target_empty, const Plan& plan) {
  if (step.kind != ReplicatedDdl::kRenameTable || !step.after_job || !target_actual) return std::nullopt;
  const DialectTarget dialect = DialectTarget::of(plan.target);
  if (is_joined_table(step, *target_actual, target_empty, plan)) {
    step.join_statements.clear();
    step.message += " (" + step.after_job->target.str() + " already created: as the statement makes it, empty)";
    return std::nullopt;
  }
  const auto difference = target_difference(*target_actual, *step.after_job, dialect, &plan.tables);
  return "source DDL renaming " + step.after_job->source.str() + " into the MIGRATE patterns is not applied: the "
         "target table " + step.after_job->target.str() + " exists already and is not the empty table the task "
         "would create (" + (target_empty ? difference.value_or("it differs") : std::string("it holds rows")) +
         "): it is not the task's. Drop or rename it on the target, or EXCLUDE the table, then run again. "
         "Everything before the statement is applied";
}

std::optional<std::string> settle_rename_against_target(DdlStep& step, const std::map<QualifiedName, bool>& present) {
  if (step.kind != ReplicatedDdl::kRenameTable || step.target_moves.empty()) return std::nullopt;
  auto there = [&](const QualifiedName& name) {
    auto it = present.find(name);
    return it != present.end() && it->second;
  };
  // The net moves: `a TO x, b TO a, x TO b` leaves x as it was and swaps a and b.
  std::vector<std::pair<QualifiedName, QualifiedName>> net;
  for (const auto& [from, to] : step.target_moves) {
    auto it = std::find_if(net.begin(), net.end(), [&](const auto& move) { return move.second == from; });
    if (it != net.end()) it->second = to;
    else net.emplace_back(from, to);
  }
  std::vector<QualifiedName> froms, tos;
  for (const auto& [from, to] : net)
    if (from != to) froms.push_back(from), tos.push_back(to);
  if (froms.empty()) return std::nullopt;  // the names come back where they were: nothing to tell
  auto in = [](const std::vector<QualifiedName>& names, const QualifiedName& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  bool before = true, after = true;
  for (const auto& name : froms) before = before && there(name), after = after && (in(tos, name) || !there(name));
  for (const auto& name : tos) after = after && there(name), before = before && (in(froms, name) || !there(name));
  std::string names;
  for (const auto& [from, to] : step.target_moves) names += (names.empty() ? "" : ", ") + from.str() + " -> " + to.str();
  if (before && after)
    return "the statement only swaps the names of target tables (" + names + "), so whether it already ran before "
           "the process ended cannot be told from the target; see which is which on the target, then `omsrun ddl "
           "applied` (renamed) or `omsrun ddl retry` (not renamed)";
  if (after) {
    step.statements.clear();  // renamed before a crash: only the checkpoint moves
    step.message += " (already renamed on the target)";
    return std::nullopt;
  }
  if (before) return std::nullopt;
  return "the target tables are neither as replay left them nor as the statement leaves them (" + names +
         "): someone changed them. Make them as the statement leaves them, then `omsrun ddl applied`";
}

Result<std::vector<std::string>> at_source_time(std::vector<std::string> statements, const DdlStatement& ddl,
                                                bool local_time) {
  const std::string way_out =
      ". Add the column to the target table by hand with the source's values, then mark the statement "
      "applied (omsrun ddl applied --task DIR)";
  if (ddl.timestamp_us == 0)
    return Status::unsupported(
        "it fills the table's existing rows with the current time (a DEFAULT CURRENT_TIMESTAMP column or kin), and "
        "the spooled statement carries no time of its own (it was captured by an older omsrun), so the target's rows "
        "would get other values" + way_out);
  const std::string zone = to_lower(ddl.time_zone);
  if (local_time && (zone.empty() || zone == "system"))
    return Status::unsupported(
        "it fills the table's existing rows with the local time (a DATETIME, DATE or TIME column with a current-time "
        "default), and the source session's time zone was " +
        (zone.empty() ? std::string("not logged") : std::string("SYSTEM, the source host's own")) +
        ", which the target session cannot be set to, so the target's rows could get other values (run such "
        "statements on the source with an explicit SET time_zone, e.g. '+00:00', to have them replicated)" + way_out);
  std::vector<std::string> out;
  char seconds[48];
  std::snprintf(seconds, sizeof seconds, "%llu.%06llu", static_cast<unsigned long long>(ddl.timestamp_us / 1000000),
                static_cast<unsigned long long>(ddl.timestamp_us % 1000000));
  // The lane session writes TIMESTAMP values as text in its own zone ('+00:00'): the zone is put
  // back as it was, not to the server's default.
  if (local_time) {
    out.push_back("SET @omsql_saved_time_zone = @@SESSION.time_zone");
    out.push_back("SET SESSION time_zone = " + sql::text_literal(ddl.time_zone));
  }
  out.push_back(std::string("SET SESSION timestamp = ") + seconds);
  for (auto& statement : statements) out.push_back(std::move(statement));
  out.push_back("SET SESSION timestamp = DEFAULT");
  if (local_time) out.push_back("SET SESSION time_zone = @omsql_saved_time_zone");
  return out;
}

LaneWork ddl_work(std::vector<std::string> statements, const SourcePosition& at, const std::string& task_id,
                  size_t lanes) {
  LaneWork work;
  work.lane = 0;
  work.ddl = true;
  work.end = at;
  work.statements = std::move(statements);
  for (size_t lane = 1; lane < lanes; ++lane) work.also_checkpoint.push_back(lane_task_id(task_id, lane));
  return work;
}

}  // namespace omsql::apply
