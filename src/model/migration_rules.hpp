#pragma once
// The script's MIGRATE rules as plain data: which source tables a task takes (include and exclude
// patterns) and how it renames and reshapes them (MAP of databases/tables, MAP COLUMN, COLUMNS
// EXCLUDE, CAST, FILTER). The binder fills them next to the TableJobs it expands them into, so the
// engine can ask about a table that did not exist at bind time (a CREATE TABLE in the live link,
// a table that appeared on the source before a rerun) without the parser.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/catalog/table_def.hpp"

namespace omsql {

// One dot-separated part of a name pattern: a glob ('*', '?') or a literal name.
struct NamePattern {
  std::string text;
  bool glob = false;
  // `ignore_case`: ASCII case-insensitive, for names read from binlog statement text, whose
  // spelling may differ from the catalog's.
  bool matches(std::string_view name, bool ignore_case = false) const;
  // Appends what each wildcard matched, left to right; false (nothing appended) when `name` does not match.
  bool capture(std::string_view name, std::vector<std::string>& captures) const;
  std::string str() const;  // as the user could write it: back-quoted when needed
  bool operator==(const NamePattern&) const = default;
};

struct TableNamePattern {
  NamePattern schema, table;
  bool literal() const { return !schema.glob && !table.glob; }
  bool matches(const QualifiedName& name, bool ignore_case = false) const {
    return schema.matches(name.schema, ignore_case) && table.matches(name.table, ignore_case);
  }
  std::string str() const { return schema.str() + "." + table.str(); }
  bool operator==(const TableNamePattern&) const = default;
};

// MAP from TO to: each wildcard of `to` takes the text the wildcard at the same position in `from` matched.
struct TableRename {
  TableNamePattern from, to;
  QualifiedName target_of(const QualifiedName& source) const;  // REQUIRES: from.matches(source)
  bool operator==(const TableRename&) const = default;
};

struct ColumnRename {  // MAP COLUMN table.column TO name
  TableNamePattern table;
  std::string column, to;
  bool operator==(const ColumnRename&) const = default;
};

struct ColumnExclusion {  // COLUMNS table EXCLUDE (a, b)
  TableNamePattern table;
  std::vector<std::string> columns;
  bool operator==(const ColumnExclusion&) const = default;
};

struct ColumnCast {  // CAST table.column FROM type TO type
  TableNamePattern table;
  NamePattern column;
  std::string from_type;  // normalized: lower case, single spaces ("tinyint(1)")
  std::string to_type;    // as written, upper-cased ("BOOLEAN")
  bool operator==(const ColumnCast&) const = default;
};

struct RowFilter {  // FILTER table WHERE condition
  TableNamePattern table;
  std::string condition;
  // What the script's FILTER analysis (dsl/filter_sql.hpp: a SQL tokenizer the model does not link,
  // run once where the script's places are known) found in `condition`: every name it may read
  // (over-inclusive: keywords such as DAY too), and "file:line:col: why" incremental replay cannot
  // evaluate it on a row image. bind_table takes both as they are.
  std::vector<std::string> names;
  std::optional<std::string> replay_problem;
  std::string place;  // "file:line:col" of the FILTER clause, for pre-flight's messages
  bool operator==(const RowFilter&) const = default;
};

// Which MAPs decide a table's target (indexes into MigrationRules::maps): a MAP naming the table
// itself wins over wildcard MAPs (the last such MAP when several do); without one, the first
// wildcard MAP, and every further wildcard MAP that matches is a conflict.
struct MapChoice {
  std::optional<size_t> rule;            // the deciding MAP; none: the table keeps its name
  std::vector<size_t> matching;          // every MAP whose from-pattern matches, in order
  std::vector<size_t> conflicting;       // wildcard MAPs after the first, when no literal MAP matches
};

// What the rules would do with one source table.
struct TableFate {
  bool migrated = false;
  QualifiedName target;     // migrated: the target name (the MAP's, or the source's own)
  std::string ambiguity;    // migrated: non-empty when two wildcard MAPs match it (the binder refuses that)
};

struct MigrationRules {
  std::vector<TableNamePattern> include, exclude;
  std::vector<TableRename> maps;
  std::vector<ColumnRename> column_renames;
  std::vector<ColumnExclusion> column_exclusions;
  std::vector<ColumnCast> casts;
  std::vector<RowFilter> filters;

  bool empty() const { return include.empty(); }
  // Whether the script migrates source table `source` (an include pattern takes it, no exclude
  // does, it is not in a system schema) and to which target, as the binder would decide for it:
  // a MAP naming the table itself wins over wildcard MAPs. Pure: for a table the catalog did not
  // have at bind time.
  TableFate fate_of(const QualifiedName& source) const;
  // The MAPs that decide `source`'s target, whether or not the patterns take it.
  MapChoice choose_map(const QualifiedName& source) const;
  // fate_of(...).migrated, comparing names ASCII case-insensitively when `ignore_case`: for a
  // name read from a statement, where a false "taken" stops the link and a false "not taken"
  // would let the target drift silently.
  bool takes(const QualifiedName& source, bool ignore_case = false) const;

  bool operator==(const MigrationRules&) const = default;
};

}  // namespace omsql
