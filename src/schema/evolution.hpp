#pragma once
// Schema evolution on the target: the statements that take a target table from what one TableJob
// made of it to what another needs, for a source DDL replicated in the live link (issue 12), and
// the "is it already there?" check that makes re-applying one after a crash safe. Pure text
// building, no server: the replayer runs the statements. docs/operations.md ("DDL in the live
// link") is this contract as a table.
//
// How the statements are found: `before` and `after` are rendered by the schema phase's translator
// (src/schema/ddl.hpp, dialect_rules.hpp) piece by piece — each column, index, CHECK, foreign key
// and table option as create_table_sql would write it — and the pieces that differ become clauses.
// The source statement pairs old and new names: a column or index it renames is renamed on the
// target (its data and its place stay), never dropped and added. Everything the rules keep off the
// target (COLUMNS EXCLUDE, what the dialect drops) stays off it. Comparing rendered text means the
// target converges on what the translator makes of `after`, whatever the statement implied
// (CONVERT TO CHARACTER SET, an index that shrank with a dropped column, a key MariaDB promoted).
//
// Names: MAP COLUMN, COLUMNS EXCLUDE and CAST are read from the jobs, as bound:
//   - a column the rules exclude (before and after) changes nothing on the target, whatever the DDL;
//   - a column renamed on the source keeps its target column; the target column is renamed only
//     when the new job maps it to another name. A MAPped column (target name != source name) that
//     the rules no longer map after the rename (the rule names the old name) would lose its MAP:
//     kUnsupported, never a silent rename of the column the user named;
//   - a rename that moves a column into or out of COLUMNS EXCLUDE (the rules name the old name
//     only) would leave a target column unfed or a new one without its copied values: kUnsupported;
//   - a CAST column is rendered with its CAST type while the CAST's FROM type still matches the
//     source type; once it does not, the target column follows the source type (MODIFY).
// Unsupported (kUnsupported, the message names the source table and the clause): partitioning
// changes (rows a DROP/TRUNCATE/EXCHANGE PARTITION removes carry no row events), tablespace,
// system versioning and other clauses the classifier marks kOther, a statement the classifier
// did not understand, a FILTER that names a dropped or renamed column, and the kinds listed in
// docs/operations.md. MariaDB syntax for MariaDB/MySQL targets in one ALTER TABLE (one rebuild);
// OceanBase gets one statement per group (index drops, column changes, index adds, ...) because it
// refuses some mixes of column and index changes in one statement.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/engine/mysql/binlog/ddl_parse.hpp"
#include "src/model/plan.hpp"
#include "src/schema/dialect_rules.hpp"

namespace omsql {

using schema::DialectTarget;

// How the row key (TableJob::key: what the apply lanes route by and identify rows by) changed.
// The DDL is a barrier, so every lane has applied and checkpointed every change before it: the
// changes after it may be routed by the new key without one key's changes on two lanes. What the
// replayer must do (docs/operations.md):
//   kChanged  route the table's later changes by the new key's columns and write them by it (the
//             after job's key); nothing it holds may still be folded by the old key;
//   kLost     the table has no usable key any more (no PRIMARY KEY, no UNIQUE NOT NULL): its later
//             changes go to lane 0, in order, by whole-row identity (as a keyless table's do);
//   kGained   a keyless table got a key: route it by key from here on.
enum class RowKeyChange { kSame, kChanged, kLost, kGained };
RowKeyChange row_key_change(const TableJob& before, const TableJob& after);
const char* row_key_change_name(RowKeyChange change);

struct TargetEvolution {
  std::vector<std::string> statements;  // run in order; empty: the target does not change
  std::vector<std::string> warnings;    // what the dialect rules dropped or changed in the new pieces
  RowKeyChange key_change = RowKeyChange::kSame;
  // An added column fills the existing rows with the statement's time (DEFAULT CURRENT_TIMESTAMP,
  // NOW(), ...): equal to the source's only when the target session runs the statements at the
  // source's time, as a MariaDB replica does: SET TIMESTAMP = the QUERY event's timestamp (with its
  // microseconds for a fractional default) and the event's time_zone (for DATETIME), then
  // SET TIMESTAMP = DEFAULT. Other values each server would compute for existing rows (UUID(),
  // RAND(), an AUTO_INCREMENT numbered in an order the target may not share) are kUnsupported.
  bool needs_source_timestamp = false;
  // ... and a filled column keeps local time (DATETIME, DATE, TIME): the session's time_zone too.
  bool needs_source_time_zone = false;
};

// The target statements that take the target table from what `before` created to what `after`
// needs, for the source statement `source` (classified): ALTER TABLE ADD/DROP/MODIFY/CHANGE COLUMN
// (with FIRST/AFTER so the target's column order follows the source's), ADD/DROP INDEX/UNIQUE/
// PRIMARY/FOREIGN KEY/CHECK, RENAME INDEX, comments and kept table options; TRUNCATE TABLE; DROP
// TABLE; CREATE TABLE with every index and its foreign keys for a table that joins (before ==
// nullptr); RENAME TABLE within the task (after->target, the MAP of the new source name); nothing
// for a table that leaves the task (after == nullptr on a rename: the target table stays as it is,
// no longer fed). `task_tables`: the task's tables, to resolve a new foreign key's parent (its
// target name and columns); without them a foreign key to another table that changes is
// kUnsupported. A multi-table RENAME TABLE is translated pair by pair, in statement order.
Result<TargetEvolution> evolve_target(const TableJob* before, const TableJob* after, const ClassifiedStatement& source,
                                      const DialectTarget& dialect,
                                      const std::vector<TableJob>* task_tables = nullptr);

// evolve_target's statements (the DDL_DESIGN contract).
Result<std::vector<std::string>> evolve_statements(const TableJob* before, const TableJob* after,
                                                   const ClassifiedStatement& source, const DialectTarget& dialect,
                                                   const std::vector<TableJob>* task_tables = nullptr);

// The pieces of a target table a change from one job to another touches, as target_difference
// compares them: the list of target columns (names and order), columns (by source name), indexes,
// CHECKs and foreign keys (by the name target_difference keys them with, lower-case), the table's
// comment, default charset, and engine with its options. For a DDL barrier's settle: the target
// may differ from the job before it in pieces a DDL the link passed left alone (an index skipped
// by `omsrun ddl skip` or the policy's IGNORE), and those are none of the barrier's business.
struct TablePieces {
  bool column_list = false;
  std::set<std::string> columns, indexes, checks, foreign_keys;
  bool comment = false, charset = false, options = false;
  bool empty() const {
    return !column_list && columns.empty() && indexes.empty() && checks.empty() && foreign_keys.empty() &&
           !comment && !charset && !options;
  }
};
TablePieces changed_pieces(const TableJob& before, const TableJob& after);

// Whether the target table's current definition (as MysqlCatalog reads it from the target) is what
// the translator makes of `expected`: column names, order, types, nullability, defaults, comments,
// charsets, generation; indexes (name, uniqueness, parts); CHECKs; foreign keys (name, columns,
// rules); table comment, default charset. Normalised away: AUTO_INCREMENT, row estimates, integer
// display widths, type aliases a CAST may use (BOOLEAN, INTEGER), quoting of numeric defaults,
// spacing and quoting in expressions, and on OceanBase the storage options it does not keep.
// For crash idempotence of a DDL: true after it was applied, false before (for a change the
// target can show).
bool target_has(const TableDef& target_actual, const TableJob& expected, const DialectTarget& dialect,
                const std::vector<TableJob>* task_tables = nullptr);
// The first difference target_has finds ("column `a`: type int vs bigint(20)"), nullopt when none:
// for the message of a stop when the target is neither before nor after.
// `only`: compare only those pieces (nullptr: all).
std::optional<std::string> target_difference(const TableDef& target_actual, const TableJob& expected,
                                             const DialectTarget& dialect,
                                             const std::vector<TableJob>* task_tables = nullptr,
                                             const TablePieces* only = nullptr);

}  // namespace omsql
