#pragma once
// The task's table set (issue 12 §6): the source and target names of every table a task started
// with, and the MIGRATE patterns and MAPs they came from, kept in the task directory
// (table-set.json, written atomically, 0600) on the task's first run. A resumed run migrates
// exactly that set: the script is bound again against the current source, and what differs is
// explained here instead of silently merged (a table that appeared later is not added; one that
// disappeared, or a script whose patterns or MAPs now give another set, refuses the run).
#include <optional>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/model/source_position.hpp"
#include "src/model/migration_rules.hpp"
#include "src/model/plan.hpp"

namespace omsql {

// Where a table joined the task in the live link (a replicated CREATE TABLE, issue 12 §2): its
// rows come from the binlog from there on, so a rerun neither creates it in the schema phase nor
// copies it; replay creates it on the target at that position.
struct JoinedAt {
  SourcePosition position;  // of the CREATE statement in the source binlog
  std::string statement;
  bool operator==(const JoinedAt&) const = default;
};

struct TableSetEntry {
  QualifiedName source, target;
  // The column rules that applied to the table at the start (column_rules_of); nullopt in a set
  // written by an omsql that did not keep them (then they are not compared).
  std::optional<std::vector<std::string>> column_rules;
  std::optional<JoinedAt> joined;  // nullopt: the table was in the task from its start
  bool operator==(const TableSetEntry&) const = default;
};

// The script's column rules that apply to `source`, one text each, sorted ("MAP COLUMN amt TO
// amount", "COLUMNS EXCLUDE (a, b)", "CAST flag FROM tinyint(1) TO BOOLEAN", "FILTER WHERE ..."):
// what a resumed run compares, since the target table holds what these rules made of the rows.
// Rules, not the resulting columns, so a column added by replicated DDL is not a change.
std::vector<std::string> column_rules_of(const MigrationRules& rules, const QualifiedName& source);

// A table that left the task through a replicated DROP TABLE in the live link (issue 12 §2): the
// tailer records it here before it spools the statement, so a rerun neither misses the table on
// the source nor forgets to drop its target table when replay has not passed the DROP yet.
struct DepartedTable {
  QualifiedName source, target;
  SourcePosition position;  // of the DROP statement in the source binlog
  std::string statement;
  // Set when a RENAME TABLE took it away (the source name it got): its target table is renamed
  // with it (within the patterns) or stays as it was (out of them), never dropped; until replay
  // passes the statement, its rows before it are still the task's.
  std::optional<QualifiedName> renamed_to;
  bool operator==(const DepartedTable&) const = default;
};

struct TableSet {
  std::vector<TableSetEntry> tables;  // sorted by source
  std::vector<DepartedTable> left;    // in binlog order; not in `tables`
  // The rules the set was bound from (include, exclude, MAP): they tell a table that appeared on
  // the source after the start from one that a changed script takes.
  MigrationRules rules;
};

// The set a plan migrates (its TableJobs' names, its rules' patterns and MAPs).
TableSet table_set_of(const Plan& plan);

std::string table_set_to_json(const TableSet& set);
// `file` names the file in errors.
Result<TableSet> table_set_from_json(const std::string& text, const std::string& file);

// DIR/table-set.json: nullopt when the task has none yet (a first run, or a task started by an
// omsql that did not keep one).
Result<std::optional<TableSet>> load_table_set(const std::string& directory);
Status save_table_set(const std::string& directory, const TableSet& set);

// Moves the tables `sources` of DIR/table-set.json from `tables` to `left` (the DROP at
// `position`), atomically. A table already gone from `tables` is left as it is (the tailer reads
// the statement again after a reconnect); a task without table-set.json keeps none (nothing to do).
Status record_tables_left(const std::string& directory, const std::vector<QualifiedName>& sources,
                          const SourcePosition& position, const std::string& statement);

// One table a replicated RENAME TABLE moved: `from` leaves `tables` for `left` (renamed_to =
// `to_source`); `to` (nullopt: renamed out of the patterns) joins, with `joined` set.
struct TableRenamed {
  QualifiedName from, to_source;
  std::optional<TableSetEntry> to;
};
// Records a RENAME TABLE's moves in statement order, in one atomic write (a rerun sees all of them
// or none). A pair whose `from` is already gone from `tables` at this position is left as it is
// (the tailer reads the statement again after a reconnect); no table-set.json: nothing to do.
Status record_tables_renamed(const std::string& directory, const std::vector<TableRenamed>& renames,
                             const SourcePosition& position, const std::string& statement);

// Adds `entry` (a table that joined: entry.joined set) to DIR/table-set.json's `tables`,
// atomically. A table already there is left as it is (the tailer reads the statement again after a
// reconnect); a task without table-set.json keeps none (nothing to do).
Status record_table_joined(const std::string& directory, const TableSetEntry& entry);

// The entries of tables that joined in the live link, in source order.
std::vector<TableSetEntry> joined_tables(const TableSet& set);
// Those of DIR/table-set.json (none without one).
Result<std::vector<TableSetEntry>> load_joined_tables(const std::string& directory);

// What a resumed run finds when it binds the script again. Pure.
struct TableSetComparison {
  // The script now gives another set (refuse): each line names the table and what differs.
  std::vector<std::string> script_changes;
  // Tables of the set the script still takes but the source no longer has (refuse); a table that
  // joined in the live link is never missing (the schema history knows it).
  std::vector<QualifiedName> missing;
  // Tables the task's own rules take that appeared on the source after the start: not added.
  std::vector<QualifiedName> appeared;
  // Tables of the set whose column rules changed (refuse): "db.t: no longer X; now Y".
  std::vector<std::string> column_changes;
  bool refused() const { return !script_changes.empty() || !missing.empty() || !column_changes.empty(); }
};
TableSetComparison compare_table_set(const TableSet& started, const Plan& now);

// The refusal for a comparison that refused(), as printed after "error: ": what differs and
// the ways out (revert the script, or `--recopy` to start the task afresh with the new set).
std::string table_set_refusal(const TableSetComparison& comparison, const std::string& directory,
                              const std::string& script);

// `plan` with only the tables of `set` (jobs and standalone VERIFY requests) that were in the task
// from its start: the tables that joined in the live link are bound by the tailer and the replayer
// from the schema history (joined_tables), at the position each one resumes from.
Plan restrict_to_table_set(const Plan& plan, const TableSet& set);

}  // namespace omsql
