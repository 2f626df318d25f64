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
  kDropTable,      // DROP TABLE naming migrated tables (with others or not): they leave the task
  kAlterTable,     // ALTER TABLE (not a rename) or CREATE/DROP INDEX of one migrated table: its
                   // definition changes (src/schema/evolution.hpp translates it for the target)
  kCreateTable,    // CREATE TABLE (plain, LIKE, ... SELECT) of a table the MIGRATE patterns take:
                   // it joins the task (or, IF NOT EXISTS of a task table, changes nothing)
};

// What `classified` is to replication, given `decision` = decide_ddl(classified, ...). Only a
// statement the classifier understood on its own (not a list, not the name scan's guess) about a
// table the task already migrates, or a CREATE TABLE of a table its MIGRATE patterns take, is
// replicated.
ReplicatedDdl replicated_ddl(const ClassifiedStatement& classified, const DdlDecision& decision);

}  // namespace omsql
