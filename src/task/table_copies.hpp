#pragma once
// DDL during a table's copy (issue 12 §4; docs/architecture.md "A table copied inside the live
// link"). A copy reads the source's current rows by the definition it was started with, while
// the source may change that definition under it: rows read after an ALTER are laid out by the
// definition after it but written into a target table of the definition before it (values cut,
// converted, columns missing), and replay after the copy repeats only the rows that change again.
// So each copy remembers the source position by which it had read its rows (`read_by`, taken
// after its last chunk), and replay, when it applies a column-changing ALTER of the table at or
// before that position, copies the table again at that barrier (the in-link copy): every row
// then comes from after the statement, and replay on from the barrier is idempotent over them
// exactly as after the first copy. A copy cut off (a DDL seen by capture, or a failure its table
// alone had) is `incomplete` and must be redone at such a barrier by `read_by`; replay passing
// that position without it stops the link loudly.
#include <map>
#include <optional>
#include <string>

#include "src/common/status.hpp"
#include "src/model/source_position.hpp"
#include "src/model/plan.hpp"

namespace omsql {

struct TableCopyFacts {
  std::optional<SourcePosition> read_by;  // the copy read its rows by this source position (at most)
  std::optional<std::string> incomplete;  // not finished: why (then read_by says by when to redo it)
  // The copy was read in one consistent snapshot at this position (a keyless table): it holds every
  // change of the table up to it, so replay skips those (ReplayGroup::in_snapshot).
  std::optional<SourcePosition> replay_after;
  friend bool operator==(const TableCopyFacts&, const TableCopyFacts&) = default;
};

// Whether replay copies the table again after applying a column-changing ALTER that ends at `ddl`:
// its copy may have read rows at or after the statement (or never finished).
bool copy_again_at(const TableCopyFacts& facts, const SourcePosition& ddl);

// An incomplete copy that replay has passed (its checkpoint at or past `read_by`) without copying
// the table again — a DDL that should have redone it was skipped, or the failure was not the
// source's DDL at all: why the link stops. nullopt while nothing is wrong.
std::optional<std::string> unresolved_copy(const QualifiedName& table, const TableCopyFacts& facts,
                                           const SourcePosition& checkpoint);

// The later of two facts about one table (the in-link copy's over the full copy's).
TableCopyFacts newer_facts(const TableCopyFacts& full_copy, const std::optional<TableCopyFacts>& in_link);

// The replayer's record (table-copies.json in the task directory, 0600, replaced atomically):
// the in-link copy under way — written before its barrier's statements run, so a crash during
// the copy makes the next run empty the table and copy it again before replaying past the
// barrier — and each table's facts from its last in-link copy.
struct TableCopyRecord {
  struct Copying {
    QualifiedName table;
    SourcePosition at;   // the barrier: every lane's checkpoint once its statements ran
    std::string reason;  // for the log and status
    bool joined = false; // the table's first copy: it joined the task there (renamed into it)
    friend bool operator==(const Copying&, const Copying&) = default;
  };
  std::optional<Copying> copying;
  std::map<std::string, TableCopyFacts> tables;  // by source "db.table"
  friend bool operator==(const TableCopyRecord&, const TableCopyRecord&) = default;
};

// Empty when the file is missing; a damaged file is a Corruption naming it.
Result<TableCopyRecord> read_table_copies(const std::string& task_dir);
Status write_table_copies(const std::string& task_dir, const TableCopyRecord& record);

// Whether the table may be emptied and copied again inside the link: only a target table this
// task created (`created_by_task` in its progress) and not one it appends into. Why not, else.
std::optional<std::string> refuse_recopy(const Plan& plan, const TableJob& job, bool created_by_task);

}  // namespace omsql
