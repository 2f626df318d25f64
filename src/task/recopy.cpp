#include "src/task/recopy.hpp"

#include <filesystem>
#include <set>
#include <system_error>

#include "src/engine/mysql/checkpoint.hpp"
#include "src/sql/quote.hpp"

namespace omsql {

std::string recopy_advice(const std::string& script) {
  return "the target cannot be brought up to date from the source's binary log (above), and running the task "
         "again would fail the same way. Once the cause is fixed on the source, re-copy the task's tables from a "
         "new binlog position: omsrun " +
         (script.empty() ? std::string("FILE") : script) +
         " --recopy (same task directory; only the target tables this task created are dropped and copied "
         "again)";
}

RecopyDecision decide_recopy(const Plan& plan, const TaskState& state,
                             const std::map<QualifiedName, TargetTableFacts>& target) {
  RecopyDecision decision;
  if (!plan.phases.full)
    decision.refusals.push_back("MODE has no FULL: a re-copy copies every table again (add FULL to MODE, or --mode)");
  for (const auto& job : plan.tables) {
    auto facts = target.find(job.target);
    if (facts == target.end() || !facts->second.exists) continue;  // the copy creates it
    auto progress = state.tables.find(job.source.str());
    bool created_by_task = progress != state.tables.end() && progress->second.created_by_task;
    if (created_by_task) {
      if (!plan.phases.schema)
        decision.refusals.push_back("target table " + job.target.str() +
                                    " was created by this task, but MODE has no SCHEMA to create it again");
      decision.drop.push_back(job.target);
    } else if (facts->second.has_rows) {
      decision.refusals.push_back("target table " + job.target.str() + " (from " + job.source.str() +
                                  ") was not created by this task and holds rows; --recopy empties only tables "
                                  "the task created. If its rows may go, empty it yourself (TRUNCATE TABLE " +
                                  sql::quote_name(job.target) + ") and run --recopy again");
    }
    // An empty table the task did not create is kept: the copy fills it as on_exists says.
  }
  return decision;
}

Result<std::map<QualifiedName, TargetTableFacts>> read_target_facts(Connection& target, const Plan& plan) {
  std::map<QualifiedName, TargetTableFacts> facts;
  for (const auto& job : plan.tables) {
    auto exists = target.query_value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                                     sql::text_literal(job.target.schema) +
                                     " AND TABLE_NAME = " + sql::text_literal(job.target.table));
    if (!exists) return exists.status();
    TargetTableFacts table;
    table.exists = exists->value_or("0") != "0";
    if (table.exists) {
      auto row = target.query("SELECT 1 FROM " + sql::quote_name(job.target) + " LIMIT 1");
      if (!row) return row.status();
      table.has_rows = !row->rows.empty();
    }
    facts[job.target] = table;
  }
  return facts;
}

Result<TaskState> carry_out_recopy(Connection& target, const TaskDirectory& directory, const std::string& task_id,
                                   TaskState state, const std::vector<QualifiedName>& drop) {
  if (state.phase != Phase::kRecopy) {
    state.phase = Phase::kRecopy;
    state.recopy_drop.clear();
    for (const auto& name : drop) state.recopy_drop.emplace_back(name.schema, name.table);
    OMSQL_RETURN_IF_ERROR(directory.save(state));
  }
  // Other tables' foreign keys may reference these; the schema phase adds them again.
  OMSQL_RETURN_IF_ERROR(target.execute("SET SESSION foreign_key_checks = 0"));
  for (const auto& [schema, table] : state.recopy_drop) {
    QualifiedName name{schema, table};
    OMSQL_RETURN_IF_ERROR(target.execute("DROP TABLE IF EXISTS " + sql::quote_name(name))
                              .with_context("re-copy: dropping " + name.str() + ", which this task created"));
  }
  OMSQL_RETURN_IF_ERROR(target.execute("SET SESSION foreign_key_checks = 1"));
  OMSQL_RETURN_IF_ERROR(checkpoint::erase(target, task_id).with_context("re-copy: removing the task's checkpoints"));
  std::error_code error;
  std::filesystem::remove_all(directory.path() + "/spool", error);
  if (error)
    return Status::io_error("re-copy: removing " + directory.path() + "/spool: " + error.message());
  TaskState fresh;
  fresh.script_path = state.script_path;
  OMSQL_RETURN_IF_ERROR(directory.save(fresh));
  return fresh;
}

}  // namespace omsql
