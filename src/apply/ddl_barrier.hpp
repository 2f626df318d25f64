#pragma once
// A replicated DDL in replay, without a server (issue 12 §3, docs/operations.md "DDL in the live
// link"). The spool holds the DdlStatement at its place in the stream; replay treats a statement
// the link replicates as a barrier:
//   1. the group folded before it is flushed, and every lane commits it (LaneProgress::check_barrier
//      holds: nothing in flight, no lane at or past the DDL) — no earlier change is overtaken;
//   2. the target statements run on lane 0, alone (ddl_work), and one transaction then records the
//      DDL's position in every lane's checkpoint row — no later change can be applied before it,
//      since the next group is cut only after that commit;
//   3. a crash between 2's statements and its checkpoint leaves every lane before the DDL, so replay
//      meets it again: each kind's target statements are safe to run again there, since no change
//      after the DDL was applied yet (TRUNCATE empties an empty table; DROP TABLE IF EXISTS of a
//      table that is gone does nothing).
// CREATE TABLE of a table the MIGRATE patterns take: the table joins the task. The tailer recorded
// its definition (schema history) and table-set.json's entry before it spooled the statement; the
// target table is created at the barrier (CREATE TABLE by the schema phase's translator), and a
// rerun after a crash before the checkpoint finds it there, empty, and only moves the checkpoint.
// DROP TABLE: the tables leave the task. The tailer recorded them in table-set.json (`departed`)
// before it spooled the statement, so a rerun whose plan no longer has them (the source does not)
// still drops their target tables at the DROP's position.
// The replayer only decides when: DdlBarrier says what, the lanes do it.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "src/apply/lane_transaction.hpp"
#include "src/apply/replay_group.hpp"
#include "src/engine/mysql/binlog/capture.hpp"
#include "src/engine/change_event.hpp"
#include "src/model/plan.hpp"
#include "src/task/schema_history.hpp"
#include "src/task/table_set.hpp"

namespace omsql::apply {

// What the target must hold for a statement taken as applied by hand (`omsrun ddl applied`,
// src/apply/ddl_decided_step.hpp): the table as the statement leaves it, gone, or empty.
struct TargetExpectation {
  enum class What { kDefinition, kAbsent, kEmpty };
  What what = What::kDefinition;
  QualifiedName source;             // the source table the statement changes
  QualifiedName target;             // its target table
  std::optional<TableJob> job;      // kDefinition: the job of the definition after the statement
  std::optional<TableJob> before;   // kDefinition of an ALTER: the job before it (only what the
                                    // statement changes is compared: changed_pieces)
};

// What replay does with one DdlStatement record.
struct DdlStep {
  enum class Action {
    kPass,   // not a barrier: it only moves the position (ignored, or its table's copy holds it)
    kApply,  // a barrier: run `statements` on the target, then checkpoint every lane past it
    kStop,   // a barrier: the link stops here with `message`, everything before it applied
  };
  Action action = Action::kPass;
  ReplicatedDdl kind = ReplicatedDdl::kNone;
  std::vector<QualifiedName> tables;    // kApply: the source tables it changes or drops
  std::vector<std::string> statements;  // kApply: the target statements, in order
  std::string message;                  // kStop: why; kApply: what is applied, for the log
  // kAlterTable: the Plan table, its job before the DDL, and the job the rules make of its
  // definition after it (the replayer rebinds the table to it, src/model/table_binding.hpp).
  // kCreateTable: the table joins: `after_job` is its job; `table_index` is its Plan index, or
  // the Plan's size when the plan does not have it yet (the replayer appends it).
  size_t table_index = 0;
  std::optional<TableJob> before_job, after_job;
  // kRenameTable: each task table it moves (its Plan index) and its job under the name it ends with
  // (nullopt: it left the task, its target table stays as it was); `target_moves` are the target
  // tables the statements rename, from -> to, in the statement's order.
  struct Renamed {
    size_t index = 0;
    std::optional<TableJob> job;
  };
  std::vector<Renamed> renamed;
  std::vector<std::pair<QualifiedName, QualifiedName>> target_moves;
  // kRenameTable that brings another table into the MIGRATE patterns: it joins the task
  // (`after_job`, `table_index` the Plan's size) and `join_statements` create its target table
  // after `statements` ran; the replayer then copies its rows at the barrier (the in-link copy).
  std::vector<std::string> join_statements;
  // kApply of `omsrun ddl applied`: what the target must already hold; the replayer checks it
  // (ddl_decided_step.hpp: unmet_expectation) before the checkpoint moves, and stops if it does not.
  std::vector<TargetExpectation> expect;
};

class DdlBarrier {
 public:
  // REQUIRES: `plan` outlives the barrier. `departed`: the tables table-set.json says left the
  // task (a DROP the tailer captured), which the plan of a rerun no longer has.
  explicit DdlBarrier(const Plan& plan, std::vector<DepartedTable> departed = {});

  // What to do with `ddl`; `group` says which tables' copies already hold it (in_snapshot).
  // The same rules as the tailer's (CaptureRules): what it spools instead of stopping is applied.
  // An ALTER needs the definition capture recorded for it in `history` (a stop without it).
  // The plan's DDL policy then says whether a statement the link can apply is applied, passed
  // (IGNORE; a stop when it changes the columns replay writes) or stops the link (STOP).
  DdlStep step(const DdlStatement& ddl, const ReplayGroup& group, const SchemaHistory* history = nullptr) const;
  // The step was applied: a dropped table is no longer the task's for the statements after it.
  void applied(const DdlStep& step);

  // `step` before the policy: what the link would do with the statement (also what `omsrun ddl
  // retry` runs, src/apply/ddl_decided_step.hpp).
  DdlStep replicated_step(const DdlStatement& ddl, const ReplayGroup& group, const SchemaHistory* history) const;
  const CaptureRules& rules() const { return rules_; }
  const std::vector<DepartedTable>& departed() const { return departed_; }

 private:

  const Plan& plan_;
  CaptureRules rules_;
  std::vector<DepartedTable> departed_;
};

// Crash idempotence of an ALTER (DDL is not transactional in MariaDB, so a crash may fall between
// the statements and the checkpoint): `target_actual` is the target table as its catalog reads it
// now, compared in the pieces the statement changes (changed_pieces: what a DDL passed earlier
// left alone is not this one's business). As the DDL leaves it: the statements are dropped (only
// the checkpoint moves). As the job before it: they run. Neither: why the link stops (someone changed the target table). Other kinds
// are left as they are (their statements are safe to run again).
std::optional<std::string> settle_against_target(DdlStep& step, const TableDef& target_actual, const Plan& plan);

// Crash idempotence of a table joining (CREATE TABLE): `target_actual` is the target table as its
// catalog reads it now (nullopt: it does not exist), `target_empty` whether it holds no row. Absent:
// the statements run. Present, empty and as the statement makes it: created before a crash, so
// only the checkpoint moves. Otherwise why the link stops: the table is someone else's.
std::optional<std::string> settle_join_against_target(DdlStep& step, const std::optional<TableDef>& target_actual,
                                                     bool target_empty, const Plan& plan);

// Crash idempotence of a RENAME TABLE: `present` says which of the target tables in
// step.target_moves exist now. Every `to` there and no `from` that is not also a `to`: renamed before
// a crash (the statements are dropped, only the checkpoint moves). Every `from` there and no `to`
// that is not also a `from`: they run. Otherwise (or both: a rename that only permutes names, which
// the tables' presence cannot tell apart) why the link stops.
std::optional<std::string> settle_rename_against_target(DdlStep& step, const std::map<QualifiedName, bool>& present);

// Whether `target_actual` (`target_empty`) is the table step's join_statements make: the target of
// the table a RENAME TABLE brings into the task, created and still empty.
bool is_joined_table(const DdlStep& step, const TableDef& target_actual, bool target_empty, const Plan& plan);

// Crash idempotence of the table a RENAME TABLE brings into the task: as settle_join_against_target
// for its `join_statements` (absent: they run; present, empty and as they make it: created before a
// crash, they are dropped; otherwise why the link stops: the table is someone else's). Its rows are
// copied only after the barrier's checkpoint, so the table a crash left before it is empty.
std::optional<std::string> settle_rename_join_against_target(DdlStep& step, const std::optional<TableDef>& target_actual,
                                                            bool target_empty, const Plan& plan);

// `statements` run at the source's time of `ddl`, as a MariaDB replica runs them: SET timestamp to
// the event's time (with its microseconds) first and back to DEFAULT after; with `local_time` (a
// filled DATETIME, DATE or TIME column) also the session's time_zone, saved and put back. Unsupported
// when the time is not known, or local time is needed and the zone was the source host's SYSTEM.
Result<std::vector<std::string>> at_source_time(std::vector<std::string> statements, const DdlStatement& ddl,
                                                bool local_time);

// The DDL at `at` for lane 0 of the task's `lanes` lanes: its statements, then `at` in every
// lane's checkpoint row in one transaction.
LaneWork ddl_work(std::vector<std::string> statements, const SourcePosition& at, const std::string& task_id,
                  size_t lanes);

}  // namespace omsql::apply
