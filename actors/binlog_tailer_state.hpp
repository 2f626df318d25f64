#pragma once
// The binlog tailer's state, shared by its two files: actors/binlog_tailer.cpp (the stream, the
// spool, stops and retries: the actor) and actors/binlog_tailer_schema.cpp (what capture decodes
// by: the schema history, a DDL's definition after it from the shadow schema, tables joining,
// leaving and renamed). Internal to the tailer.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "actors/retry.hpp"
#include "src/engine/engine.hpp"
#include "src/engine/mysql/binlog/capture.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/engine/mysql/shadow_schema.hpp"
#include "src/spool/spool.hpp"
#include "src/task/ddl_resolution.hpp"
#include "src/task/schema_history.hpp"

namespace omsql::actors::tailer_detail {

using Clock = std::chrono::steady_clock;

struct TailerState {
  std::shared_ptr<const Plan> plan;
  std::string spool_dir;
  std::string task_dir;
  SourcePosition start;
  link_events_actor coordinator;
  replayer_actor replayer;
  std::unique_ptr<CaptureRules> rules;  // what is decoded; which statements and failures stop the link
  std::unique_ptr<SpoolWriter> spool;
  std::unique_ptr<engine::ChangeStream> stream;
  RetryState retry;                       // the source's failures (restart, lost connection)
  bool waiting_for_space = false;         // the spool's filesystem is full: capture paused
  bool halted = false;                    // a DDL the link stops at is spooled: nothing is read after it
  std::optional<SchemaHistory> history;   // the task's table definitions by position (schema-history.jsonl)
  std::unique_ptr<Connection> shadow_server;  // the target, where ShadowSchema evaluates a DDL
  std::unique_ptr<ShadowSchema> shadow;
  std::unique_ptr<Connection> source_catalog;  // the source, for a table renamed into the patterns
  std::optional<DdlResolution> resolution;  // `omsrun ddl skip` of a DDL capture stopped before
  Clock::time_point space_reported;
  // DDL that changed a task table's columns or dropped it, for the coordinator (a copy of the
  // table still running is cancelled and redone in the link: src/task/table_copies.hpp).
  std::vector<CopyDdl> copy_ddls;
  static inline const char* name = "binlog_tailer";
};

// Where capture resumes: the spool's durable end, or the task's start position.
inline SourcePosition resume_point(const TailerState& s) {
  return capture_resume_point(s.spool->resume_position(), s.start);
}

// The definitions capture decodes by, from the schema history at the resume position (a task
// without a history records its base there), and the tables that joined or were renamed away.
Status load_history(TailerState& s);
// A replicated ALTER TABLE / CREATE INDEX / DROP INDEX: the table's definition after it, recorded
// in the schema history before the statement is spooled.
Status evolve_definition(TailerState& s, const DdlStatement& ddl);
// A CREATE TABLE (plain, LIKE, ... SELECT) in the MIGRATE patterns: the table joins the task.
Status tables_join(TailerState& s, const DdlStatement& ddl);
// A replicated DROP TABLE / DROP DATABASE: its tables leave the task.
Status tables_leave(TailerState& s, const DdlStatement& ddl);
// A replicated RENAME TABLE: the tables it moves keep, change or leave their place in the task, and
// one renamed into the patterns joins.
Status tables_rename(TailerState& s, const DdlStatement& ddl);

}  // namespace omsql::actors::tailer_detail
