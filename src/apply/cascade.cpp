#include "src/apply/cascade.hpp"

#include <algorithm>
#include <set>

#include "src/apply/change_batch.hpp"
#include "src/common/strings.hpp"
#include "src/sql/quote.hpp"

namespace omsql::apply {

namespace {

std::string temp_table(int depth) { return "omsql_meta.`omsql_cascade_" + std::to_string(depth) + "`"; }

// `column` of the table named (or aliased) `prefix`; unqualified when `prefix` is empty.
std::string column_of(const std::string& prefix, const std::string& column) {
  return prefix.empty() ? sql::quote_identifier(column) : prefix + "." + sql::quote_identifier(column);
}

// The parent rows one level of the cascade matches: the trigger's own row (its literals), or the
// rows a cascade changed one level up, whose referenced values a temporary table holds as o<i>
// (and n<i>, the new values, for updates).
struct ParentRows {
  const CascadeTrigger* trigger = nullptr;  // the first level
  std::string temp;                         // deeper levels
  std::vector<std::string> columns;         // target columns the temporary table holds, by slot
  std::set<std::string> changed;            // updates: target columns whose value changes
  bool is_delete = true;

  bool literal() const { return trigger != nullptr; }
  size_t slot(const std::string& column) const {
    return static_cast<size_t>(std::find(columns.begin(), columns.end(), column) - columns.begin());
  }
  std::string old_value(const FkEdge& edge, size_t j) const {
    if (trigger) return trigger->old_values[edge.parent_ordinals[j]];
    return "p.o" + std::to_string(slot(edge.parent_columns[j]));
  }
  std::string new_value(const FkEdge& edge, size_t j) const {
    if (trigger) return trigger->new_values[edge.parent_ordinals[j]];
    return "p.n" + std::to_string(slot(edge.parent_columns[j]));
  }
  bool changes(const FkEdge& edge, size_t j) const {
    if (is_delete) return true;
    if (trigger) return trigger->changed[edge.parent_ordinals[j]] != 0;
    return changed.count(edge.parent_columns[j]) > 0;
  }
};

class Walker {
 public:
  Walker(StatementRunner& runner, const Plan& plan, const FkGraph& graph, const CascadeTrigger& trigger,
         CascadeOutcome* outcome)
      : runner_(runner), plan_(plan), graph_(graph), trigger_(trigger), outcome_(outcome) {
    if (!trigger.is_delete) updated_.push_back(trigger.table);
  }

  Status walk() {
    ParentRows rows;
    rows.trigger = &trigger_;
    rows.is_delete = trigger_.is_delete;
    Status status = visit(trigger_.table, rows, 1);
    if (status && deepest_temp_ > 0) {
      std::vector<std::string> temps;
      for (int depth = 1; depth <= deepest_temp_; ++depth) temps.push_back(temp_table(depth));
      auto dropped = runner_.run("DROP TEMPORARY TABLE IF EXISTS " + join(temps, ", "));
      if (!dropped) return dropped.status();
    }
    return status;
  }

 private:
  std::string target_of(size_t table) const { return plan_.tables[table].target.str(); }

  // The FKs referencing `parent` that act on `rows` at `depth` (1 = the trigger's children). FKs
  // that would act but cannot be followed (too deep, a referenced column not copied) go to `blocked`.
  std::vector<size_t> acting_edges(size_t parent, const ParentRows& rows, int depth, std::vector<std::string>* blocked) {
    std::vector<size_t> out;
    for (size_t e : graph_.referencing(parent)) {
      const FkEdge& edge = graph_.edges()[e];
      const FkAction action = edge.action(rows.is_delete);
      if (action == FkAction::kNone) continue;
      bool any_change = false, null_value = false;
      for (size_t j = 0; j < edge.child_columns.size(); ++j) {
        if (rows.changes(edge, j)) any_change = true;
        if (rows.literal() && rows.old_value(edge, j) == "NULL") null_value = true;
      }
      if (!any_change || null_value) continue;  // an update of other columns; NULL matches no child
      if (std::find(trigger_.skip_tables.begin(), trigger_.skip_tables.end(), edge.child) !=
          trigger_.skip_tables.end())
        continue;
      const bool child_updated = !(rows.is_delete && action == FkAction::kCascade);
      if (child_updated && std::find(updated_.begin(), updated_.end(), edge.child) != updated_.end()) continue;
      if (!rows.literal() && !edge.parent_columns_on_target) {
        blocked->push_back("FK `" + edge.name + "` into " + target_of(edge.child) +
                           " cannot go on: a referenced column of " + target_of(parent) + " is not copied");
        continue;
      }
      if (depth > kMaxCascadeDepth) {
        blocked->push_back("FK `" + edge.name + "` into " + target_of(edge.child) + " is past InnoDB's depth limit (" +
                           std::to_string(kMaxCascadeDepth) + ")");
        continue;
      }
      out.push_back(e);
    }
    return out;
  }

  void warn(std::string message) {
    message = trigger_.where + ": " + message;
    if (std::find(outcome_->warnings.begin(), outcome_->warnings.end(), message) == outcome_->warnings.end())
      outcome_->warnings.push_back(std::move(message));
  }

  // The condition on the rows of `edge`'s child (named `child`) that reference `rows`: the
  // trigger's literals, or `p`, the temporary table of the level above.
  std::string match(const FkEdge& edge, const ParentRows& rows, const std::string& child = "c") const {
    std::vector<std::string> terms;
    for (size_t j = 0; j < edge.child_columns.size(); ++j)
      terms.push_back(column_of(child, edge.child_columns[j]) + " = " + rows.old_value(edge, j));
    return join(terms, " AND ");
  }

  Status visit(size_t parent, const ParentRows& rows, int depth) {
    std::vector<std::string> unused;
    for (size_t e : acting_edges(parent, rows, depth, &unused)) {
      const FkEdge& edge = graph_.edges()[e];
      const FkAction action = edge.action(rows.is_delete);
      const bool child_deleted = rows.is_delete && action == FkAction::kCascade;
      const std::string child = sql::quote_name(plan_.tables[edge.child].target);

      // The child's rows as parents one level down: which of their columns change, and (below)
      // which referenced columns the next level needs.
      ParentRows next;
      next.temp = temp_table(depth);
      next.is_delete = child_deleted;
      if (!child_deleted)
        for (size_t j = 0; j < edge.child_columns.size(); ++j)
          if (action == FkAction::kSetNull || rows.changes(edge, j)) next.changed.insert(edge.child_columns[j]);
      std::vector<std::string> blocked;
      const std::vector<size_t> below = acting_edges(edge.child, next, depth + 1, &blocked);
      for (size_t e2 : below)
        for (const auto& column : graph_.edges()[e2].parent_columns)
          if (std::find(next.columns.begin(), next.columns.end(), column) == next.columns.end())
            next.columns.push_back(column);

      std::string from = " FROM " + child + " AS c" +
                         (rows.literal() ? " WHERE " + match(edge, rows)
                                         : " JOIN " + rows.temp + " AS p ON " + match(edge, rows));
      // The new value of child column `column`: what the FK writes into it, or itself.
      auto new_value = [&](const std::string& column) {
        for (size_t j = 0; j < edge.child_columns.size(); ++j)
          if (edge.child_columns[j] == column) return action == FkAction::kSetNull ? std::string("NULL") : rows.new_value(edge, j);
        return column_of("c", column);
      };

      if (!next.columns.empty()) {
        auto dropped = runner_.run("DROP TEMPORARY TABLE IF EXISTS " + next.temp);
        if (!dropped) return dropped.status();
        std::string select;
        for (size_t i = 0; i < next.columns.size(); ++i) {
          if (i) select += ", ";
          select += column_of("c", next.columns[i]) + " AS o" + std::to_string(i);
          if (!child_deleted) select += ", " + new_value(next.columns[i]) + " AS n" + std::to_string(i);
        }
        auto kept = runner_.run("CREATE TEMPORARY TABLE " + next.temp + " SELECT DISTINCT " + select + from);
        if (!kept) return kept.status();
        deepest_temp_ = std::max(deepest_temp_, depth);
        if (*kept == 0) continue;  // no child row matches
      }

      // MariaDB resolves a multi-table DELETE's alias in the default database, which lanes do not
      // have: a DELETE names the child in full, without an alias.
      const std::string remove = rows.literal() ? "DELETE FROM " + child + " WHERE " + match(edge, rows, "")
                                                : "DELETE " + child + " FROM " + child + " JOIN " + rows.temp +
                                                      " AS p ON " + match(edge, rows, child);
      uint64_t changed_rows = 0;
      if (!child_deleted) {
        // An update writes the new rows with REPLACE, then deletes the rows still holding the old
        // values (those whose key holds the FK columns), rather than UPDATE: a copy read while the
        // source was changing may already hold a row's new version, which an UPDATE of the old
        // one would collide with (safe mode, as for logged changes).
        std::vector<std::string> columns, values;
        for (const auto& mapping : plan_.tables[edge.child].columns) {
          if (mapping.generated) continue;
          columns.push_back(mapping.target);
          values.push_back(new_value(mapping.target));
        }
        auto replaced = runner_.run("REPLACE INTO " + child + " (" + sql::quote_identifier_list(columns) + ") SELECT " +
                                    join(values, ", ") + from);
        if (!replaced) return replaced.status();
        changed_rows += *replaced;
      }
      auto removed = runner_.run(remove);
      if (!removed) return removed.status();
      changed_rows += *removed;
      outcome_->rows += changed_rows;

      if (changed_rows > 0)
        for (const auto& why : blocked) warn(why + ": the rows it would change were left as they are");
      if (next.columns.empty()) continue;
      if (!child_deleted) updated_.push_back(edge.child);
      Status status = visit(edge.child, next, depth + 1);
      if (!child_deleted) updated_.pop_back();
      OMSQL_RETURN_IF_ERROR(status);
    }
    return Status::ok();
  }

  StatementRunner& runner_;
  const Plan& plan_;
  const FkGraph& graph_;
  const CascadeTrigger& trigger_;
  CascadeOutcome* outcome_;
  std::vector<size_t> updated_;  // tables an enclosing update of this cascade changed
  int deepest_temp_ = 0;
};

}  // namespace

std::optional<CascadeTrigger> make_trigger(const Plan& plan, const FkGraph& graph, size_t table,
                                           const RowChange& change, std::vector<uint32_t> skip_tables) {
  if (!graph.triggers(table, change)) return std::nullopt;
  const TableDef& def = plan.tables[table].source_def;
  CascadeTrigger trigger;
  trigger.table = static_cast<uint32_t>(table);
  trigger.is_delete = change.kind == RowChange::kDelete;
  trigger.old_values.assign(def.columns.size(), "");
  if (!trigger.is_delete) {
    trigger.new_values.assign(def.columns.size(), "");
    trigger.changed.assign(def.columns.size(), 0);
  }
  for (size_t e : graph.referencing(table)) {
    for (size_t ordinal : graph.edges()[e].parent_ordinals) {
      trigger.old_values[ordinal] = cell_literal(def.columns[ordinal], change.before[ordinal]);
      if (trigger.is_delete) continue;
      trigger.new_values[ordinal] = cell_literal(def.columns[ordinal], change.after[ordinal]);
      trigger.changed[ordinal] = !(change.before[ordinal] == change.after[ordinal]);
    }
  }
  trigger.skip_tables = std::move(skip_tables);
  trigger.where = plan.tables[table].source.str() + " at " + change.position.str();
  return trigger;
}

Result<uint64_t> ConnectionRunner::run(const std::string& sql) { return connection_.execute_counted(sql); }

Status run_cascade(StatementRunner& runner, const Plan& plan, const FkGraph& graph, const CascadeTrigger& trigger,
                   CascadeOutcome* outcome) {
  Walker walker(runner, plan, graph, trigger, outcome);
  return walker.walk().with_context("FK actions of the change of " + trigger.where);
}

Status run_program(StatementRunner& runner, const Plan& plan, const FkGraph& graph, const LaneProgram& program,
                   CascadeOutcome* outcome) {
  size_t next_cascade = 0;
  auto cascades_before = [&](size_t statement) -> Status {
    for (; next_cascade < program.cascades.size() && program.cascades[next_cascade].before_statement <= statement;
         ++next_cascade)
      OMSQL_RETURN_IF_ERROR(run_cascade(runner, plan, graph, program.cascades[next_cascade], outcome));
    return Status::ok();
  };
  for (size_t i = 0; i < program.statements.size(); ++i) {
    OMSQL_RETURN_IF_ERROR(cascades_before(i));
    auto ran = runner.run(program.statements[i]);
    if (!ran) return ran.status();
  }
  return cascades_before(program.statements.size());
}

}  // namespace omsql::apply
