#pragma once
// Which DDL of a migrated table the live link replicates instead of stopping for it (issue 12 §2,
// docs/operations.md "DDL in the live link"). One rule for both actors: the tailer spools such a
// statement and reads on, the replayer applies it as a barrier (src/apply/ddl_barrier.hpp). Every
// other statement the decision stops for still stops the link.
#include "src/engine/mysql/binlog/ddl_decision.hpp"
#include "src/engine/mysql/binlog/ddl_parse.hpp"

namespace omsql {

enum class ReplicatedDdl {
  kNone,           // not replicated: ignored, or the link stops as decide_ddl says
  kTruncateTable,  // TRUNCATE [TABLE] of one migrated table: the definition stays, the rows go
  kDropTable,      // DROP TABLE naming migrated tables (with others or not), or DROP DATABASE (CREATE
                   // OR REPLACE DATABASE) of a database holding some: they leave the task
  kAlterTable,     // ALTER TABLE (not a rename) or CREATE/DROP INDEX of one migrated table: its
                   // definition changes (src/schema/evolution.hpp translates it for the target)
  kCreateTable,    // CREATE TABLE (plain, LIKE, ... SELECT) of a table the MIGRATE patterns take:
                   // it joins the task (or, IF NOT EXISTS of a task table, changes nothing)
  kRenameTable,    // RENAME TABLE (or an ALTER TABLE whose only change is RENAME TO) moving task
                   // tables within the patterns (renamed on the target too) or out of them (they
                   // leave the task, their target tables stay), or bringing another table into
                   // them (it joins the task with a copy of its rows, rename_pairs' kInto)
};

// One `from TO to` of a RENAME TABLE (or ALTER TABLE ... RENAME TO), judged against the task's
// tables as the statement's earlier pairs leave them: `RENAME TABLE t TO t_old, t_new TO t` (the
// cut-over of gh-ost and pt-online-schema-change) moves t out of the name t before t_new takes it.
struct RenamePair {
  enum class Fate {
    kWithin,   // a task table to a name the MIGRATE rules take: it stays in the task, renamed
    kOut,      // a task table to a name they do not take: it leaves the task
    kInto,     // another table to a name they take: it joins with rows the binlog lacks (copied)
    kOutside,  // neither name is the task's
  };
  QualifiedName from, to;  // `from` in the task's spelling when it is a task table
  Fate fate = Fate::kOutside;
  friend bool operator==(const RenamePair&, const RenamePair&) = default;
};

// The pairs of `classified` (a RENAME TABLE, or an ALTER TABLE with a RENAME TO clause), in
// statement order; empty for any other statement. A pair's `to` the rules take counts as taken
// by the task for the pairs after it, and its `from` as free.
std::vector<RenamePair> rename_pairs(const ClassifiedStatement& classified, const MigratedTables& migrated);

// What `classified` is to replication, given `decision` = decide_ddl(classified, ...). Only a
// statement the classifier understood on its own (not a list, not the name scan's guess) about a
// table the task already migrates, or a CREATE TABLE of a table its MIGRATE patterns take, is
// replicated. A RENAME is replicated when its pairs move task tables or bring tables into the task
// (`migrated` judges the pairs).
ReplicatedDdl replicated_ddl(const ClassifiedStatement& classified, const DdlDecision& decision,
                             const MigratedTables& migrated);

}  // namespace omsql
