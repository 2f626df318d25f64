// bind_script: the checked rules resolved against the source catalog, one TableJob per table.
// Every rule remembers whether it matched something, so a rule that selects nothing is reported at
// its own file:line:col instead of silently doing nothing.
#include <algorithm>
#include <map>
#include <set>

#include "dsl/rules.hpp"
#include "src/common/strings.hpp"
#include "src/model/table_binding.hpp"

namespace omsql::dsl {
namespace {

class Binder {
 public:
  Binder(const CompiledScript& script, const Catalog& catalog, const std::vector<QualifiedName>& departed,
         std::vector<Diagnostic>& diagnostics)
      : script_(script), source_(script.source), catalog_(catalog), departed_(departed), diagnostics_(diagnostics) {}

  std::optional<Plan> bind() {
    Plan plan = script_.plan;
    auto listed = catalog_.list_tables();
    if (!listed) {
      diagnostics_.push_back(source_.nowhere("cannot list the source tables: " + listed.status().message()));
      return std::nullopt;
    }
    all_tables_ = std::move(*listed);
    std::sort(all_tables_.begin(), all_tables_.end());
    if (script_.migrate) bind_migrate(*script_.migrate, plan);
    for (const auto& rule : script_.verifies) bind_verify(rule, plan);
    std::sort(plan.tables.begin(), plan.tables.end(),
              [](const TableJob& a, const TableJob& b) { return a.source < b.source; });
    if (!diagnostics_.empty()) return std::nullopt;
    return plan;
  }

 private:
  void error(int offset, std::string message) { diagnostics_.push_back(source_.at(offset, std::move(message))); }
  // Why a rule that matches no base table matches nothing, when it names sequences or
  // system-versioned tables (listed by `omsrun check` with their fate).
  template <typename Pattern>
  std::string other_tables_note(const Pattern& pattern) const {
    auto others = catalog_.list_other_tables();
    if (!others) return "";
    std::vector<std::string> named;
    for (const auto& [name, type] : *others)
      if (pattern.matches(name)) named.push_back(name.str() + (type == "SEQUENCE" ? " (a sequence)" : " (SYSTEM VERSIONED)"));
    if (named.empty()) return "";
    return "; it names " + join(named, ", ") +
           ", which are not migrated as tables: system-versioned tables are refused (their history rows cannot be "
           "written on the target), sequences come with the objects of a migrated database";
  }
  std::string at_line(int offset) const { return "line " + std::to_string(source_.at(offset, "").line); }

  void bind_migrate(const MigrateRules& rules, Plan& plan) {
    plan.rules = model_rules(rules);
    std::vector<QualifiedName> selected;
    for (const auto& include : rules.include) {
      bool matched = false, kept = false;
      for (const auto& table : all_tables_) {
        if (!include.matches(table)) continue;
        matched = true;
        if (excluded(rules, table)) continue;
        kept = true;
        selected.push_back(table);
      }
      for (const auto& table : departed_) {
        if (!include.matches(table)) continue;
        matched = true;
        if (!excluded(rules, table)) kept = true;
      }
      if (!matched)
        error(include.offset, "'" + include.str() + "' matches no table in the source" + system_schema_note(include) +
                                  other_tables_note(include));
      else if (!kept)
        error(include.offset, "every table that '" + include.str() + "' matches is EXCLUDEd");
    }
    std::sort(selected.begin(), selected.end());
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());

    used_.clear();
    std::map<QualifiedName, std::pair<QualifiedName, int>> targets;  // target -> (source, rule offset)
    for (const auto& name : selected) {
      auto def = catalog_.describe(name);
      if (!def) {
        diagnostics_.push_back(source_.nowhere("cannot describe source table " + name.str() + ": " +
                                               def.status().message()));
        continue;
      }
      BindingTrace trace;
      TableJob job = bind_table_traced(plan.rules, *def, trace);
      note_trace(rules, trace);
      std::optional<size_t> map = plan.rules.choose_map(name).rule;
      int map_offset = map ? rules.maps[*map].offset : rules.offset;
      if (report_issues(rules, name, job, trace)) continue;  // a system-schema target: nothing more to say
      auto [it, inserted] = targets.emplace(job.target, std::make_pair(name, map_offset));
      if (!inserted) {
        // Point at a MAP when either table has one; a table without MAP keeps its own name.
        int place = map_offset != rules.offset ? map_offset : it->second.second;
        error(place, "tables " + it->second.first.str() + " and " + name.str() + " would both be migrated to " +
                         job.target.str());
      }
      plan.tables.push_back(std::move(job));
    }
    for (const auto& table : departed_) note_departed(rules, plan.rules, table);
    report_unused(rules);
  }

  // The rules a table of the task that left the source would have used count as used: they were
  // checked against its definition when the task bound it. Its columns are unknown now, so every
  // column a rule on it names counts as found.
  void note_departed(const MigrateRules& rules, const MigrationRules& model, const QualifiedName& table) {
    bool taken = std::any_of(rules.include.begin(), rules.include.end(),
                             [&](const TablePattern& p) { return p.matches(table); });
    if (!taken || excluded(rules, table)) return;
    if (std::optional<size_t> map = model.choose_map(table).rule) used_.insert(rules.maps[*map].offset);
    for (const auto& rule : rules.filters)
      if (rule.table.matches(table)) used_.insert(rule.offset);
    for (const auto& rule : rules.column_excludes) {
      if (!rule.table.matches(table)) continue;
      used_.insert(rule.offset);
      for (const auto& column : rule.columns) found_columns_.insert({column.offset, 0});
    }
    for (const auto& rule : rules.map_columns)
      if (rule.column.table.matches(table)) used_.insert(rule.offset), found_columns_.insert({rule.offset, 0});
    for (const auto& rule : rules.casts)
      if (rule.column.table.matches(table))
        used_.insert(rule.offset), found_columns_.insert({rule.offset, 1}), found_columns_.insert({rule.offset, 2});
  }

  // The rules as the model keeps them (no offsets; a FILTER's place as text): for tables that appear after the bind.
  MigrationRules model_rules(const MigrateRules& rules) const {
    MigrationRules out;
    for (const auto& p : rules.include) out.include.push_back(p.pattern());
    for (const auto& p : rules.exclude) out.exclude.push_back(p.pattern());
    for (const auto& m : rules.maps) out.maps.push_back(TableRename{m.from.pattern(), m.to.pattern()});
    for (const auto& r : rules.map_columns)
      out.column_renames.push_back(ColumnRename{r.column.table.pattern(), r.column.column.text, r.to});
    for (const auto& r : rules.column_excludes) {
      ColumnExclusion exclusion{r.table.pattern(), {}};
      for (const auto& c : r.columns) exclusion.columns.push_back(c.name);
      out.column_exclusions.push_back(std::move(exclusion));
    }
    for (const auto& r : rules.casts)
      out.casts.push_back(ColumnCast{r.column.table.pattern(), r.column.column.pattern(), r.from_type, r.to_type});
    for (const auto& r : rules.filters) {
      RowFilter filter{r.table.pattern(), r.condition, r.names, std::nullopt, {}};
      const Diagnostic place = script_.source.at(r.offset, "");
      filter.place = place.file + ":" + std::to_string(place.line) + ":" + std::to_string(place.column);
      if (r.replay_problem) {
        const Diagnostic& d = *r.replay_problem;
        filter.replay_problem = d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
      }
      out.filters.push_back(std::move(filter));
    }
    return out;
  }

  // For a pattern that matched nothing: the system schemas its database part would have matched.
  static std::string system_schema_note(const TablePattern& pattern) {
    std::vector<std::string> named;
    for (auto schema : kSystemSchemas)
      if (pattern.schema.matches(schema)) named.emplace_back(schema);
    if (named.empty()) return "";
    return " (" + join(named, ", ") + (named.size() > 1 ? " are system schemas" : " is a system schema") +
           ", not migrated)";
  }

  bool excluded(const MigrateRules& rules, const QualifiedName& table) const {
    return std::any_of(rules.exclude.begin(), rules.exclude.end(),
                       [&](const TablePattern& p) { return p.matches(table); });
  }

  // The rules are index-aligned with plan.rules (model_rules keeps their order): what bind_table
  // used and found, recorded under the rules' offsets for report_unused.
  void note_trace(const MigrateRules& rules, const BindingTrace& trace) {
    for (size_t i : trace.maps) used_.insert(rules.maps[i].offset);
    for (size_t i : trace.filters) used_.insert(rules.filters[i].offset);
    for (size_t i : trace.column_exclusions) used_.insert(rules.column_excludes[i].offset);
    for (size_t i : trace.column_renames) used_.insert(rules.map_columns[i].offset);
    for (size_t i : trace.casts) used_.insert(rules.casts[i].offset);
    for (auto [rule, item] : trace.excluded_found) found_columns_.insert({rules.column_excludes[rule].columns[item].offset, 0});
    for (size_t i : trace.renames_found) found_columns_.insert({rules.map_columns[i].offset, 0});
    for (size_t i : trace.casts_named) found_columns_.insert({rules.casts[i].offset, 1});
    for (size_t i : trace.casts_matched) found_columns_.insert({rules.casts[i].offset, 2});
    for (const auto& [i, types] : trace.cast_types_seen) cast_types_seen_[rules.casts[i].offset].insert(types.begin(), types.end());
  }

  // bind_table's issues at the rules' places, in the binder's words; true when the table is dropped
  // from the plan (its target is in a system schema).
  bool report_issues(const MigrateRules& rules, const QualifiedName& name, const TableJob& job, const BindingTrace& trace) {
    bool dropped = false;
    // A wildcard table rule may name a column only some of its tables have; a literal one may not.
    for (auto [rule, item] : trace.excluded_unknown)
      if (rules.column_excludes[rule].table.literal())
        error(rules.column_excludes[rule].columns[item].offset,
              "unknown column '" + rules.column_excludes[rule].columns[item].name + "' in " + name.str());
    for (size_t rule : trace.renames_unknown)
      if (rules.map_columns[rule].column.table.literal())
        error(rules.map_columns[rule].column.offset,
              "unknown column '" + rules.map_columns[rule].column.column.text + "' in " + name.str());
    for (const auto& issue : trace.issues) {
      switch (issue.kind) {
        case BindingIssue::Kind::kAmbiguousMap:
          error(rules.maps[*issue.rule].offset, "table " + name.str() + " matches both this MAP and the MAP at " +
                                                    at_line(rules.maps[*issue.other].offset) +
                                                    "; add a MAP for the table itself");
          break;
        case BindingIssue::Kind::kSystemTarget:
          error(issue.rule ? rules.maps[*issue.rule].offset : rules.offset,
                system_target_message(job.target.str(), job.target.schema));
          dropped = true;
          break;
        case BindingIssue::Kind::kSecondFilter:
          error(rules.filters[*issue.rule].offset,
                "table " + name.str() + " already has the FILTER at " + at_line(rules.filters[*issue.other].offset));
          break;
        case BindingIssue::Kind::kExcludedKeyColumn:
          error(rules.column_excludes[*issue.rule].columns[issue.item].offset,
                "cannot exclude column '" + issue.column + "' of " + name.str() + ": it is part of the row key " +
                    job.key.index_name);
          break;
        case BindingIssue::Kind::kEveryColumnExcluded:
          error(rules.column_excludes[*issue.rule].offset, "COLUMNS ... EXCLUDE removes every column of " + name.str());
          break;
        case BindingIssue::Kind::kRenameOfExcluded:
          error(rules.map_columns[*issue.rule].offset,
                "MAP COLUMN of '" + issue.column + "', which COLUMNS ... EXCLUDE removes from " + name.str());
          break;
        case BindingIssue::Kind::kTargetColumnClash: {
          int place = issue.rule ? rules.map_columns[*issue.rule].offset
                      : issue.other ? rules.map_columns[*issue.other].offset
                                    : rules.offset;
          const ColumnMapping* mapping = job.find_column(issue.column);
          error(place, "columns '" + issue.other_column + "' and '" + issue.column + "' of " + name.str() +
                           " would both be named '" + (mapping ? mapping->target : issue.column) + "' in the target");
          break;
        }
      }
    }
    return dropped;
  }

  void report_unused(const MigrateRules& rules) {
    auto unused = [&](int offset, const std::string& what, const std::string& pattern) {
      if (!used_.count(offset)) error(offset, what + " '" + pattern + "' matches no migrated table");
    };
    for (const auto& rule : rules.maps) unused(rule.offset, "MAP of", rule.from.str());
    for (const auto& rule : rules.filters) unused(rule.offset, "FILTER on", rule.table.str());
    for (const auto& rule : rules.column_excludes) unused(rule.offset, "COLUMNS on", rule.table.str());
    for (const auto& rule : rules.casts) {
      unused(rule.offset, "CAST of", rule.column.str());
      if (!used_.count(rule.offset)) continue;
      if (!found_columns_.count({rule.offset, 1}))
        error(rule.column.offset, "unknown column '" + rule.column.column.text + "': no table that '" +
                                      rule.column.table.str() + "' matches has it");
      else if (!found_columns_.count({rule.offset, 2}))
        error(rule.column.offset, "CAST of '" + rule.column.str() + "' from " + rule.from_type +
                                      " matches no column: the columns it names are " +
                                      join(std::vector<std::string>(cast_types_seen_[rule.offset].begin(),
                                                                    cast_types_seen_[rule.offset].end()),
                                           ", "));
    }
    for (const auto& rule : rules.map_columns) {
      unused(rule.offset, "MAP COLUMN of", rule.column.str());
      if (used_.count(rule.offset) && !rule.column.table.literal() && !found_columns_.count({rule.offset, 0}))
        error(rule.column.offset, "unknown column '" + rule.column.column.text + "': no table that '" +
                                      rule.column.table.str() + "' matches has it");
    }
    for (const auto& rule : rules.column_excludes) {
      if (!used_.count(rule.offset) || rule.table.literal()) continue;
      for (const auto& column : rule.columns)
        if (!found_columns_.count({column.offset, 0}))
          error(column.offset, "unknown column '" + column.name + "': no table that '" + rule.table.str() +
                                   "' matches has it");
    }
  }

  // Standalone VERIFY: after a MIGRATE its patterns pick among the migrated tables; in a script with
  // only VERIFY statements they pick source tables, each verified against a same-named target.
  void bind_verify(const VerifyRule& rule, Plan& plan) {
    VerifyRequest request;
    request.options = rule.options;
    for (const auto& pattern : rule.patterns) {
      bool matched = false;
      if (script_.migrate) {
        for (const auto& job : plan.tables) {
          if (!pattern.matches(job.source)) continue;
          matched = true;
          request.tables.push_back(job.source);
        }
        if (!matched && std::any_of(departed_.begin(), departed_.end(),
                                     [&](const QualifiedName& table) { return pattern.matches(table); }))
          matched = true;  // it verified a table of the task that has left since
        if (!matched) error(pattern.offset, "VERIFY pattern '" + pattern.str() + "' matches no migrated table");
        continue;
      }
      for (const auto& table : all_tables_) {
        if (!pattern.matches(table)) continue;
        matched = true;
        request.tables.push_back(table);
        bool known = std::any_of(plan.tables.begin(), plan.tables.end(),
                                 [&](const TableJob& job) { return job.source == table; });
        if (!known) plan.tables.push_back(identity_job(table));
      }
      if (!matched)
        error(pattern.offset, "'" + pattern.str() + "' matches no table in the source" + system_schema_note(pattern));
    }
    std::sort(request.tables.begin(), request.tables.end());
    request.tables.erase(std::unique(request.tables.begin(), request.tables.end()), request.tables.end());
    plan.verify_requests.push_back(std::move(request));
  }

  TableJob identity_job(const QualifiedName& name) {
    TableJob job;
    job.source = job.target = name;
    auto def = catalog_.describe(name);
    if (!def) {
      diagnostics_.push_back(source_.nowhere("cannot describe source table " + name.str() + ": " +
                                             def.status().message()));
      return job;
    }
    job.source_def = std::move(*def);
    job.key = choose_row_key(job.source_def);
    for (const auto& column : job.source_def.columns)
      job.columns.push_back(ColumnMapping{column.name, column.name, std::nullopt, column.is_generated});
    return job;
  }

  const CompiledScript& script_;
  const SourceText& source_;
  const Catalog& catalog_;
  const std::vector<QualifiedName>& departed_;
  std::vector<Diagnostic>& diagnostics_;
  std::vector<QualifiedName> all_tables_;
  std::set<int> used_;                           // offsets of rules that matched a selected table
  std::set<std::pair<int, int>> found_columns_;  // offsets of column names found in some table
  // (a CAST's offset with 1: its column name found, 2: name and from-type found)
  std::map<int, std::set<std::string>> cast_types_seen_;  // CAST offset -> types of named columns that differ
};

}  // namespace

BindOutcome bind_script(const CompiledScript& script, const Catalog& source_catalog,
                        const std::vector<QualifiedName>& departed) {
  BindOutcome outcome;
  Binder binder(script, source_catalog, departed, outcome.diagnostics);
  outcome.plan = binder.bind();
  std::stable_sort(outcome.diagnostics.begin(), outcome.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  if (!outcome.diagnostics.empty()) outcome.plan.reset();
  return outcome;
}

}  // namespace omsql::dsl
