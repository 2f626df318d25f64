// bind_script: the checked rules resolved against the source catalog, one TableJob per table.
// Every rule remembers whether it matched something, so a rule that selects nothing is reported at
// its own file:line:col instead of silently doing nothing.
#include <algorithm>
#include <map>
#include <set>

#include "dsl/rules.hpp"
#include "src/common/strings.hpp"

namespace omsql::dsl {
namespace {

class Binder {
 public:
  Binder(const CompiledScript& script, const Catalog& catalog, std::vector<Diagnostic>& diagnostics)
      : script_(script), source_(script.source), catalog_(catalog), diagnostics_(diagnostics) {}

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
      TableJob job;
      job.source = name;
      job.source_def = std::move(*def);
      job.key = choose_row_key(job.source_def);
      int map_offset = rules.offset;
      job.target = target_of(rules, name, map_offset);
      if (is_system_schema(job.target.schema)) {
        error(map_offset, system_target_message(job.target.str(), job.target.schema));
        continue;
      }
      auto [it, inserted] = targets.emplace(job.target, std::make_pair(name, map_offset));
      if (!inserted) {
        // Point at a MAP when either table has one; a table without MAP keeps its own name.
        int place = map_offset != rules.offset ? map_offset : it->second.second;
        error(place, "tables " + it->second.first.str() + " and " + name.str() + " would both be migrated to " +
                         job.target.str());
      }
      if (const FilterRule* filter = filter_of(rules, name)) {
        job.filter = filter->condition;
        // Column names are case-insensitive in MariaDB: the job keeps the catalog's spelling.
        for (const auto& column : job.source_def.columns)
          for (const auto& named : filter->names)
            if (iequals(named, column.name)) {
              job.filter_columns.push_back(column.name);
              break;
            }
        if (filter->replay_problem) {
          const Diagnostic& d = *filter->replay_problem;
          job.filter_replay_problem =
              d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
        }
      }
      bind_columns(rules, job);
      plan.tables.push_back(std::move(job));
    }
    report_unused(rules);
  }

  // The rules as the model keeps them (no offsets): for tables that appear after the bind.
  static MigrationRules model_rules(const MigrateRules& rules) {
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
    for (const auto& r : rules.filters) out.filters.push_back(RowFilter{r.table.pattern(), r.condition});
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

  // A MAP naming the table itself wins over wildcard MAPs; two wildcard MAPs for one table are
  // ambiguous. `rule_offset` is set to the deciding rule's place.
  QualifiedName target_of(const MigrateRules& rules, const QualifiedName& name, int& rule_offset) {
    const MapRule* literal = nullptr;
    const MapRule* wildcard = nullptr;
    for (const auto& map : rules.maps) {
      if (!map.from.matches(name)) continue;
      used_.insert(map.offset);
      if (map.from.literal()) {
        literal = &map;
      } else if (wildcard && !literal) {
        error(map.offset, "table " + name.str() + " matches both this MAP and the MAP at " + at_line(wildcard->offset) +
                              "; add a MAP for the table itself");
      } else {
        wildcard = wildcard ? wildcard : &map;
      }
    }
    const MapRule* rule = literal ? literal : wildcard;
    if (!rule) return name;
    rule_offset = rule->offset;
    return rule->target_of(name);
  }

  const FilterRule* filter_of(const MigrateRules& rules, const QualifiedName& name) {
    const FilterRule* found = nullptr;
    for (const auto& filter : rules.filters) {
      if (!filter.table.matches(name)) continue;
      used_.insert(filter.offset);
      if (found)
        error(filter.offset, "table " + name.str() + " already has the FILTER at " + at_line(found->offset));
      else
        found = &filter;
    }
    return found;
  }

  void bind_columns(const MigrateRules& rules, TableJob& job) {
    const TableDef& def = job.source_def;
    std::set<std::string> excluded_columns;
    for (const auto& rule : rules.column_excludes) {
      if (!rule.table.matches(job.source)) continue;
      used_.insert(rule.offset);
      for (const auto& column : rule.columns) {
        if (!def.find_column(column.name)) {
          // A wildcard table rule may name a column only some of its tables have.
          if (rule.table.literal()) error(column.offset, "unknown column '" + column.name + "' in " + job.source.str());
          continue;
        }
        found_columns_.insert({column.offset, 0});
        if (std::find(job.key.columns.begin(), job.key.columns.end(), column.name) != job.key.columns.end()) {
          error(column.offset, "cannot exclude column '" + column.name + "' of " + job.source.str() +
                                   ": it is part of the row key " + job.key.index_name);
          continue;
        }
        excluded_columns.insert(column.name);
      }
      if (excluded_columns.size() == def.columns.size() && !def.columns.empty())
        error(rule.offset, "COLUMNS ... EXCLUDE removes every column of " + job.source.str());
    }
    for (const auto& rule : rules.map_columns) {
      if (!rule.column.table.matches(job.source)) continue;
      used_.insert(rule.offset);
      const std::string& name = rule.column.column.text;
      if (!def.find_column(name)) {
        if (rule.column.table.literal())
          error(rule.column.offset, "unknown column '" + name + "' in " + job.source.str());
        continue;
      }
      found_columns_.insert({rule.offset, 0});
      if (excluded_columns.count(name))
        error(rule.offset, "MAP COLUMN of '" + name + "', which COLUMNS ... EXCLUDE removes from " + job.source.str());
    }
    std::map<std::string, std::pair<std::string, int>> renamed;  // target name -> (source name, MAP COLUMN offset)
    for (const auto& column : def.columns) {
      if (excluded_columns.count(column.name)) continue;
      ColumnMapping mapping{column.name, column.name, std::nullopt, column.is_generated};
      int rename_offset = -1;
      for (const auto& rule : rules.map_columns) {
        if (rule.column.table.matches(job.source) && rule.column.column.text == column.name) {
          mapping.target = rule.to;
          rename_offset = rule.offset;
        }
      }
      for (const auto& rule : rules.casts) {
        if (!rule.column.table.matches(job.source)) continue;
        used_.insert(rule.offset);
        if (!rule.column.column.matches(column.name)) continue;
        found_columns_.insert({rule.offset, 1});
        if (!type_matches(rule.from_type, column)) {
          cast_types_seen_[rule.offset].insert(column.column_type);
          continue;
        }
        found_columns_.insert({rule.offset, 2});
        mapping.cast_to = rule.to_type;
      }
      auto [it, inserted] = renamed.emplace(mapping.target, std::make_pair(column.name, rename_offset));
      if (!inserted) {
        int place = rename_offset >= 0 ? rename_offset : it->second.second >= 0 ? it->second.second : rules.offset;
        error(place, "columns '" + it->second.first + "' and '" + column.name + "' of " + job.source.str() +
                         " would both be named '" + mapping.target + "' in the target");
      }
      job.columns.push_back(std::move(mapping));
    }
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
  std::vector<Diagnostic>& diagnostics_;
  std::vector<QualifiedName> all_tables_;
  std::set<int> used_;                           // offsets of rules that matched a selected table
  std::set<std::pair<int, int>> found_columns_;  // offsets of column names found in some table
  // (a CAST's offset with 1: its column name found, 2: name and from-type found)
  std::map<int, std::set<std::string>> cast_types_seen_;  // CAST offset -> types of named columns that differ
};

}  // namespace

BindOutcome bind_script(const CompiledScript& script, const Catalog& source_catalog) {
  BindOutcome outcome;
  Binder binder(script, source_catalog, outcome.diagnostics);
  outcome.plan = binder.bind();
  std::stable_sort(outcome.diagnostics.begin(), outcome.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  if (!outcome.diagnostics.empty()) outcome.plan.reset();
  return outcome;
}

}  // namespace omsql::dsl
