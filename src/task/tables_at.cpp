#include "src/task/tables_at.hpp"

#include <algorithm>

#include "src/model/table_binding.hpp"

namespace omsql {

namespace {

bool listed(const std::vector<TableJob>& jobs, const QualifiedName& source) {
  return std::any_of(jobs.begin(), jobs.end(), [&](const TableJob& job) { return job.source == source; });
}

}  // namespace

Result<std::vector<TableJob>> task_tables_at(const std::vector<TableJob>& tables, const MigrationRules& rules,
                                             const std::optional<TableSet>& set, const SchemaHistory& history,
                                             const SourcePosition& at) {
  std::vector<TableJob> out;
  auto bound = [&](const TableDef& definition) -> Status {
    auto job = bind_table(rules, definition);
    if (!job) return job.status().with_context("schema history of " + definition.name.str());
    out.push_back(std::move(job).value());
    return Status::ok();
  };
  for (const auto& job : tables) {
    // Gone by `at`: a DROP or RENAME at or before it (a table of the same name that joined later
    // comes back below, by its own entry).
    const bool departed = set && std::any_of(set->left.begin(), set->left.end(), [&](const DepartedTable& d) {
                            return d.source == job.source && !(at < d.position);
                          });
    if (departed) continue;
    if (!history.knows(job.source)) {
      out.push_back(job);
      continue;
    }
    // None there: `at` is before the history's base (a replay from the start of the spool), so the
    // job's own definition, the start's, holds; a table that went away is in `left` above.
    const std::optional<TableDef> definition = history.at(job.source, at);
    if (!definition || *definition == job.source_def) {
      out.push_back(job);
      continue;
    }
    OMSQL_RETURN_IF_ERROR(bound(*definition));
  }
  if (!set) return out;
  for (const auto& entry : set->tables) {
    if (!entry.joined || at < entry.joined->position || listed(out, entry.source)) continue;
    if (!rules.takes(entry.source)) continue;  // EXCLUDEd since it joined: no longer fed (the tailer says so)
    if (const std::optional<TableDef> definition = history.at(entry.source, at)) OMSQL_RETURN_IF_ERROR(bound(*definition));
  }
  for (const auto& departed : set->left) {
    if (!departed.renamed_to || !(at < departed.position) || listed(out, departed.source)) continue;
    if (const std::optional<TableDef> definition = history.at(departed.source, at)) OMSQL_RETURN_IF_ERROR(bound(*definition));
  }
  return out;
}

Result<Plan> task_plan_at(const Plan& plan, const std::string& task_dir, const SourcePosition& at) {
  auto set = load_table_set(task_dir);
  if (!set) return set.status();
  auto history = SchemaHistory::open(task_dir);
  if (!history) return history.status();
  if (history->empty()) return plan;
  auto tables = task_tables_at(plan.tables, plan.rules, *set, *history, at);
  if (!tables) return tables.status();
  Plan out = plan;
  out.tables = std::move(tables).value();
  return out;
}

}  // namespace omsql
