#pragma once
// The TableJob the MIGRATE rules make of one source table: target name (MAP), columns (MAP COLUMN,
// COLUMNS EXCLUDE, CAST), FILTER, row key. The binder (dsl/binder.cpp) uses the same function, so
// a table bound at start and one rebound after a DDL or joining later get the same rules.
//
// A FILTER is taken as MigrationRules carries it: the condition, the names the script's analysis
// found in it (filter_columns = the table's columns among them, in the catalog's spelling: names
// are case-insensitive) and its replay problem, already placed at file:line:col. The analysis
// (dsl/filter_sql.hpp) stays in dsl/ because only there are the script's places known; the binder
// stores its result in RowFilter once.
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"
#include "src/model/migration_rules.hpp"
#include "src/model/plan.hpp"

namespace omsql {

// kInvalidArgument when the rules do not take the table or cannot bind it (names the table/column):
// two wildcard MAPs, a MAP into a system schema, two FILTERs, an excluded key column, every column
// excluded, a MAP COLUMN of an excluded column, two columns with one target name. A rule that names
// a column the table does not have is no error here (after a DDL a column may be gone; the binder
// reports it for the script as written).
Result<TableJob> bind_table(const MigrationRules& rules, const TableDef& source_def);

// What binding one table met, by rule index into MigrationRules' vectors (the binder's rules are
// index-aligned with them and report each at the rule's file:line:col).
struct BindingIssue {
  enum class Kind {
    kAmbiguousMap,         // rule: a conflicting wildcard MAP; other: the deciding one
    kSystemTarget,         // rule: the deciding MAP, none when the table keeps its own name
    kSecondFilter,         // rule: a further FILTER on the table; other: the first one
    kExcludedKeyColumn,    // rule: a column exclusion; item: the column's index in it
    kEveryColumnExcluded,  // rule: the column exclusion after which no column is left
    kRenameOfExcluded,     // rule: a column rename of a column that is excluded
    kTargetColumnClash,    // rule / other: the renames of `column` / `other_column`, if any
  };
  Kind kind;
  std::optional<size_t> rule, other;
  size_t item = 0;
  std::string column, other_column;
  std::string message;     // names table and column; no script place
};

struct BindingTrace {
  std::vector<BindingIssue> issues;
  // The rules that apply to the table (their table pattern matches it).
  std::set<size_t> maps, filters, column_exclusions, column_renames, casts;
  // Column names found in the table: (exclusion, item), renames, casts whose column pattern
  // matched a column, casts whose from-type matched too; types of named columns a CAST's type missed.
  std::set<std::pair<size_t, size_t>> excluded_found;
  std::set<size_t> renames_found, casts_named, casts_matched;
  std::map<size_t, std::set<std::string>> cast_types_seen;
  // Column names the table does not have: (exclusion, item), renames.
  std::vector<std::pair<size_t, size_t>> excluded_unknown;
  std::vector<size_t> renames_unknown;
};

// The binding itself, for the binder: every issue recorded instead of the first returned. The job
// is complete unless an issue of kind kSystemTarget ends it after the target. Does not ask
// whether the include/exclude patterns take the table (the binder selected it).
TableJob bind_table_traced(const MigrationRules& rules, const TableDef& source_def, BindingTrace& trace);

}  // namespace omsql
