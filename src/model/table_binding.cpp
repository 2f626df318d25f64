#include "src/model/table_binding.hpp"

#include <algorithm>

#include "src/catalog/catalog.hpp"
#include "src/common/strings.hpp"
#include "src/model/column_types.hpp"

namespace omsql {
namespace {

void issue(BindingTrace& trace, BindingIssue::Kind kind, std::optional<size_t> rule, std::string message) {
  BindingIssue i{kind, rule, std::nullopt, 0, "", "", std::move(message)};
  trace.issues.push_back(std::move(i));
}

void bind_filter(const MigrationRules& rules, TableJob& job, BindingTrace& trace) {
  std::optional<size_t> found;
  for (size_t i = 0; i < rules.filters.size(); ++i) {
    if (!rules.filters[i].table.matches(job.source)) continue;
    trace.filters.insert(i);
    if (found) {
      issue(trace, BindingIssue::Kind::kSecondFilter, i,
            "table " + job.source.str() + " has two FILTERs: " + rules.filters[*found].table.str() + " and " +
                rules.filters[i].table.str());
      trace.issues.back().other = found;
      continue;
    }
    found = i;
  }
  if (!found) return;
  const RowFilter& filter = rules.filters[*found];
  job.filter = filter.condition;
  // Column names are case-insensitive in MariaDB: the job keeps the catalog's spelling.
  for (const auto& column : job.source_def.columns)
    for (const auto& named : filter.names)
      if (iequals(named, column.name)) {
        job.filter_columns.push_back(column.name);
        break;
      }
  job.filter_replay_problem = filter.replay_problem;
  job.filter_place = filter.place;
}

void bind_columns(const MigrationRules& rules, TableJob& job, BindingTrace& trace) {
  const TableDef& def = job.source_def;
  std::set<std::string> excluded_columns;
  for (size_t r = 0; r < rules.column_exclusions.size(); ++r) {
    const ColumnExclusion& rule = rules.column_exclusions[r];
    if (!rule.table.matches(job.source)) continue;
    trace.column_exclusions.insert(r);
    for (size_t c = 0; c < rule.columns.size(); ++c) {
      const std::string& name = rule.columns[c];
      if (!def.find_column(name)) {
        trace.excluded_unknown.emplace_back(r, c);
        continue;
      }
      trace.excluded_found.emplace(r, c);
      if (std::find(job.key.columns.begin(), job.key.columns.end(), name) != job.key.columns.end()) {
        issue(trace, BindingIssue::Kind::kExcludedKeyColumn, r,
              "cannot exclude column '" + name + "' of " + job.source.str() + ": it is part of the row key " +
                  job.key.index_name);
        trace.issues.back().item = c;
        trace.issues.back().column = name;
        continue;
      }
      excluded_columns.insert(name);
    }
    if (excluded_columns.size() == def.columns.size() && !def.columns.empty())
      issue(trace, BindingIssue::Kind::kEveryColumnExcluded, r,
            "COLUMNS ... EXCLUDE removes every column of " + job.source.str());
  }
  for (size_t r = 0; r < rules.column_renames.size(); ++r) {
    const ColumnRename& rule = rules.column_renames[r];
    if (!rule.table.matches(job.source)) continue;
    trace.column_renames.insert(r);
    if (!def.find_column(rule.column)) {
      trace.renames_unknown.push_back(r);
      continue;
    }
    trace.renames_found.insert(r);
    if (excluded_columns.count(rule.column)) {
      issue(trace, BindingIssue::Kind::kRenameOfExcluded, r,
            "MAP COLUMN of '" + rule.column + "', which COLUMNS ... EXCLUDE removes from " + job.source.str());
      trace.issues.back().column = rule.column;
    }
  }
  std::map<std::string, std::pair<std::string, std::optional<size_t>>> renamed;  // target -> (source, rename)
  for (const auto& column : def.columns) {
    if (excluded_columns.count(column.name)) continue;
    ColumnMapping mapping{column.name, column.name, std::nullopt, column.is_generated};
    std::optional<size_t> rename;
    for (size_t r = 0; r < rules.column_renames.size(); ++r) {
      const ColumnRename& rule = rules.column_renames[r];
      if (rule.table.matches(job.source) && rule.column == column.name) {
        mapping.target = rule.to;
        rename = r;
      }
    }
    for (size_t r = 0; r < rules.casts.size(); ++r) {
      const ColumnCast& rule = rules.casts[r];
      if (!rule.table.matches(job.source)) continue;
      trace.casts.insert(r);
      if (!rule.column.matches(column.name)) continue;
      trace.casts_named.insert(r);
      if (!type_matches(rule.from_type, column)) {
        trace.cast_types_seen[r].insert(column.column_type);
        continue;
      }
      trace.casts_matched.insert(r);
      mapping.cast_to = rule.to_type;
    }
    auto [it, inserted] = renamed.emplace(mapping.target, std::make_pair(column.name, rename));
    if (!inserted) {
      issue(trace, BindingIssue::Kind::kTargetColumnClash, rename,
            "columns '" + it->second.first + "' and '" + column.name + "' of " + job.source.str() +
                " would both be named '" + mapping.target + "' in the target");
      trace.issues.back().other = it->second.second;
      trace.issues.back().column = column.name;
      trace.issues.back().other_column = it->second.first;
    }
    job.columns.push_back(std::move(mapping));
  }
}

}  // namespace

TableJob bind_table_traced(const MigrationRules& rules, const TableDef& source_def, BindingTrace& trace) {
  TableJob job;
  job.source = source_def.name;
  job.source_def = source_def;
  job.key = choose_row_key(job.source_def);
  MapChoice map = rules.choose_map(job.source);
  trace.maps.insert(map.matching.begin(), map.matching.end());
  for (size_t conflicting : map.conflicting) {
    const TableRename& first = rules.maps[*map.rule];
    const TableRename& second = rules.maps[conflicting];
    issue(trace, BindingIssue::Kind::kAmbiguousMap, conflicting,
          "table " + job.source.str() + " matches both MAP " + first.from.str() + " TO " + first.to.str() +
              " and MAP " + second.from.str() + " TO " + second.to.str() + "; add a MAP for the table itself");
    trace.issues.back().other = map.rule;
  }
  job.target = map.rule ? rules.maps[*map.rule].target_of(job.source) : job.source;
  if (is_system_schema(job.target.schema)) {
    issue(trace, BindingIssue::Kind::kSystemTarget, map.rule,
          "table " + job.source.str() + " would be migrated to " + job.target.str() + ", in the system schema " +
              job.target.schema + ": omsql never writes into mysql, sys, performance_schema, information_schema "
              "or omsql_meta");
    return job;
  }
  bind_filter(rules, job, trace);
  bind_columns(rules, job, trace);
  return job;
}

Result<TableJob> bind_table(const MigrationRules& rules, const TableDef& source_def) {
  if (!rules.takes(source_def.name))
    return Status::invalid_argument("table " + source_def.name.str() + " is not taken by the MIGRATE patterns");
  BindingTrace trace;
  TableJob job = bind_table_traced(rules, source_def, trace);
  if (!trace.issues.empty()) return Status::invalid_argument(trace.issues.front().message);
  return job;
}

}  // namespace omsql
