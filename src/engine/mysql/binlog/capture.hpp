#pragma once
// What the binlog tailer captures of a task, without a server: which tables and columns are
// decoded, which statements stop the link (and whether a re-copy is the only way on), which it
// replicates. The MySQL family's DDL classifier (ddl_parse.hpp) judges the statements; the tailer's
// schema side (src/capture/capture_schema.hpp) and replay's DDL barrier (src/apply/ddl_barrier.hpp)
// ask the same rules.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/engine/mysql/binlog/ddl_decision.hpp"
#include "src/engine/mysql/binlog/ddl_replication.hpp"
#include "src/engine/mysql/binlog/decoder.hpp"
#include "src/engine/change_event.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/capture/capture_policy.hpp"
#include "src/common/status.hpp"
#include "src/model/plan.hpp"

namespace omsql {

// A statement the link replicates: its kind and the migrated tables it changes or drops (the
// task's spelling, in statement order).
struct DdlReplication {
  ReplicatedDdl kind = ReplicatedDdl::kNone;
  std::vector<QualifiedName> tables;
  // kRenameTable: the pairs that move a task table (kWithin, kOut), in statement order; `tables`
  // holds their `from`s.
  std::vector<RenamePair> renames;
};

class CaptureRules {
 public:
  // REQUIRES: `plan` outlives the rules.
  explicit CaptureRules(const Plan& plan);
  CaptureRules(const CaptureRules&) = delete;
  CaptureRules& operator=(const CaptureRules&) = delete;

  // The decoder's options: only the plan's tables, with their source definitions; excluded
  // columns are dropped while decoding, so their values never reach the spool.
  // REQUIRES: the rules outlive every decoder given these options.
  BinlogDecoderOptions decoder_options() const;

  // A statement read from the binlog: nullopt when decide_ddl (ddl_decision.hpp) ignores it (it is
  // spooled and moves the position on); else why the link stops, naming the statement's kind.
  // Statement-based DML of a migrated table holds no row images to replay (re-copy). DDL the link
  // replicates (ddl_replication.hpp) is spooled: the replayer applies it as a barrier; a CREATE
  // TABLE the MIGRATE rules take is one (the table joins: the tailer records it first). Other DDL
  // of a migrated table is not replicated yet and stops the link. A statement that renames a
  // table into the patterns stops too: the table would join without its rows.
  std::optional<CaptureStop> on_statement(const DdlStatement& ddl) const;
  // Whether the link replicates the statement, and the table; kNone for every statement that
  // on_statement ignores or stops for. The replayer asks the same rules (src/apply/ddl_barrier).
  DdlReplication replication_of(const DdlStatement& ddl) const;
  // `definition`'s table joins the task (a replicated CREATE TABLE): its rows are decoded by it
  // from here on, and later statements naming it are judged as for any task table.
  void join(const TableDef& definition, std::vector<bool> replayed);
  // The default charset and collation of `database` as a task table of it knows them (its
  // TableDef's schema_charset/collation), nullopt when no task table of it knows them.
  std::optional<std::pair<std::optional<std::string>, std::optional<std::string>>> database_defaults(
      std::string_view database) const;
  // `table` left the task (a replicated DROP TABLE): it is no longer decoded nor migrated, so a
  // later statement naming it is judged as for any table outside the task.
  void forget(const QualifiedName& table);
  // A replicated RENAME TABLE at `at` moved the task's tables: `gone` (its `from`s) leave, `arrived`
  // (the definitions under their new names, with their replayed_columns()) join. The statement at
  // `at`, if read again (capture resumed from before it after a lost stream or a full spool), is
  // still judged against the tables as they were before it.
  void renamed(const SourcePosition& at, const std::vector<QualifiedName>& gone,
               const std::vector<std::pair<TableDef, std::vector<bool>>>& arrived);
  // The task's spelling of `table` (names compare case-insensitively), nullptr when not the task's.
  const QualifiedName* task_name(const QualifiedName& table) const { return migrated_.find(table); }
  // The definition rows of `table` are decoded by now (nullptr: not the task's).
  const TableDef* definition(const QualifiedName& table) const;
  // `definition` is the table's from here on (a replicated ALTER, or the schema history at the
  // resume position); `replayed` = the TableJob's replayed_columns() for it.
  void set_definition(const TableDef& definition, std::vector<bool> replayed);

 private:
  void rebuild_migrated();
  // The tables a statement at `at` is judged against (the ones before a rename read again).
  const MigratedTables& migrated_at(const SourcePosition& at) const {
    return renamed_at_ && *renamed_at_ == at ? before_rename_ : migrated_;
  }

  const MigrationRules* rules_;
  std::set<QualifiedName> wanted_;
  MigratedTables migrated_{{}};
  std::optional<SourcePosition> renamed_at_;
  MigratedTables before_rename_{{}};
  std::map<QualifiedName, TableDef> definitions_;  // map nodes are stable: the decoder keeps pointers
  std::map<QualifiedName, std::vector<bool>> replayed_;  // tables with excluded columns only
};

}  // namespace omsql
