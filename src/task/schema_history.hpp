#pragma once
// The source definition of every task table from the task's start position on: the base (at the
// start position) and one entry per DDL that changed, created, renamed or dropped a table. Kept in
// the task directory (schema-history.jsonl, 0600), appended and fsynced before the DDL is spooled,
// so row events are always decoded with the definition valid at their position (issue 12 §4).
//
// Format: one JSON object per line, each written with one write(2) and fsynced before record*
// returns:
//   {"kind":"base","at":POSITION,"tables":[TABLEDEF...]}
//   {"kind":"ddl","at":POSITION,"table":["db","t"],"after":TABLEDEF|null,"statement":"..."}
// POSITION is {"file","offset","gtid"}; TABLEDEF is src/catalog/table_def_json.hpp's. A position is
// where the DDL's event ends (where the next event starts), as SourcePosition means everywhere: an
// entry at P is valid for every event at or after P. Positions are ordered by SourcePosition's
// operator<=> (file sequence, then offset); records are appended in that order.
//
// One writer per task (the tailer, under the task lock); any reader may open the file at any time
// and sees every complete record. Names are compared exactly: record with the catalog's spelling.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"
#include "src/model/source_position.hpp"

namespace omsql {

class SchemaHistory {
 public:
  // DIR/schema-history.jsonl; empty when the file is missing (nothing is created until a record).
  // A last line without its newline is a write torn by a crash: it is ignored, and the next record
  // cuts it off before appending. Any other line that does not parse is a Corruption (file:line).
  static Result<SchemaHistory> open(const std::string& task_dir);
  // Reads what was appended since open or the last refresh (a reader following the writer).
  Status refresh();

  // Records the definitions at the task's start (once; a rerun keeps the first base).
  Status record_base(const SourcePosition& start, const std::vector<TableDef>& tables);
  // Records what the DDL at `at` left: `after` = the definition, nullopt = the table is gone
  // (dropped or renamed away). A record at a position already recorded for that table is a no-op
  // that keeps the first record (the tailer re-reads the binlog after a reconnect; rows after it
  // may already be spooled as the first one says). kInvalidArgument for a position before the
  // last one recorded.
  Status record(const SourcePosition& at, const QualifiedName& table, const std::optional<TableDef>& after,
                const std::string& statement);

  // The definition valid just after `position` (the last entry at or before it), nullopt if the
  // table does not exist there, or was never known.
  std::optional<TableDef> at(const QualifiedName& table, const SourcePosition& position) const;
  // The definition valid just before `position` (the last entry strictly before it): the "before"
  // of the DDL recorded at `position`, for evaluating it again.
  std::optional<TableDef> before(const QualifiedName& table, const SourcePosition& position) const;
  // Whether a DDL record for `table` was made at exactly `position` (the base is not one): the
  // tailer's word that the statement there changed, created or dropped it.
  bool recorded_at(const QualifiedName& table, const SourcePosition& position) const;
  // Every table that exists at `position` (the task's table set as the history knows it), by name.
  std::vector<TableDef> tables_at(const SourcePosition& position) const;
  // Whether the history has an entry for `table` at all (a table it knows of is decoded by it,
  // not by the current catalog).
  bool knows(const QualifiedName& table) const { return entries_.count(table) > 0; }
  bool empty() const { return entries_.empty() && !base_; }
  const std::optional<SourcePosition>& base_position() const { return base_; }
  // The last position recorded (base or DDL), nullopt when empty.
  const std::optional<SourcePosition>& last_position() const { return last_; }
  const std::string& path() const { return path_; }

 private:
  struct Entry {
    SourcePosition at;
    std::optional<TableDef> definition;
    std::string statement;  // empty for the base
    bool base = false;
  };
  explicit SchemaHistory(std::string path) : path_(std::move(path)) {}
  Status read_from(uint64_t offset);
  Status apply_line(const std::string& line, size_t line_number);
  Status append(const std::string& line);
  const Entry* find(const QualifiedName& table, const SourcePosition& position, bool inclusive) const;

  std::string path_;
  std::optional<SourcePosition> base_, last_;
  std::map<QualifiedName, std::vector<Entry>> entries_;  // each in position order
  uint64_t good_end_ = 0;  // file offset after the last complete record
  size_t lines_ = 0;       // complete lines read or written
};

}  // namespace omsql
