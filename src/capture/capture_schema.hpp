#pragma once
// Capture's schema side: the table definitions the change stream is decoded by, and what capture
// does with each DDL statement it reads (issue 12, docs/operations.md "DDL in the live link").
// The binlog tailer (actors/binlog_tailer.cpp) owns one and only decides when and to whom; this
// class decides what, and keeps the task files that say it:
//   - the definitions: the schema history's at the resume position (schema-history.jsonl; a task
//     without one records its base there), the tables that joined in the link (table-set.json)
//     and the ones a RENAME took away after it;
//   - a replicated ALTER TABLE / CREATE INDEX / DROP INDEX: the table's definition after it,
//     recorded in the schema history before the statement is spooled;
//   - a CREATE TABLE the MIGRATE patterns take: the table joins the task;
//   - DROP TABLE / DROP DATABASE: their tables leave it;
//   - RENAME TABLE: the tables it moves keep, change or leave their place, and one renamed into
//     the patterns joins (its definition read on the source's catalog).
// A definition after a statement comes from a server's own DDL rules (engine::DdlEvaluator on the
// target's engine), never from re-implementing them; what the engines serve is reached through the
// seam (src/engine/engine.hpp), so unit tests drive this class with fakes. The statements are
// judged by the capture rules (src/engine/mysql/binlog/capture.hpp): DDL in a change stream is the
// MySQL family's, and replay's barrier asks the same rules (src/apply/ddl_barrier.hpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/capture/capture_policy.hpp"
#include "src/common/status.hpp"
#include "src/engine/change_stream_options.hpp"
#include "src/engine/engine.hpp"
#include "src/model/plan.hpp"
#include "src/task/ddl_resolution.hpp"
#include "src/task/schema_history.hpp"

namespace omsql {
class CaptureRules;
}

namespace omsql::capture {

// What capture does with one DDL statement it read.
struct DdlTaken {
  enum class Then {
    kSpool,       // spool it and read on
    kHalt,        // spool it and read nothing after it: a DDL the link does not replicate, at
                  // which replay stops once everything before it is applied (`stop` says why)
    kStopBefore,  // do not spool it and read nothing more: replay stops at its place once
                  // everything before it is applied, with a stop record the user resolves
                  // (`omsrun ddl skip|retry`); `message` says why
    kStop,        // the link stops now (`stop`: the task fails, or needs a re-copy)
  };
  Then then = Then::kSpool;
  CaptureStop stop;     // kHalt, kStop
  std::string message;  // kStopBefore
  // The task tables whose columns the statement changed, or that it dropped or renamed: a copy of
  // one still running is cancelled and redone in the link (src/task/table_copies.hpp).
  std::vector<QualifiedName> changed_tables;
};

class CaptureSchema {
 public:
  // Loads the definitions at `from` (where capture resumes) and the task's `omsrun ddl skip`
  // decision (ddl-resolution.json). `engines` serve the plan's source (its catalog) and target
  // (the DDL evaluator); each is opened on first use. REQUIRES: the engines outlive the object.
  static Result<std::unique_ptr<CaptureSchema>> open(std::shared_ptr<const Plan> plan, std::string task_dir,
                                                     const SourcePosition& from, const engine::Engine& source,
                                                     const engine::Engine& target);
  ~CaptureSchema();
  CaptureSchema(const CaptureSchema&) = delete;
  CaptureSchema& operator=(const CaptureSchema&) = delete;

  // What the change stream decodes, by the definitions as they stand (only the task's tables;
  // excluded columns are dropped while decoding, so their values never reach the spool).
  // REQUIRES: this object outlives every decoder given these options.
  ChangeDecoding decoder_options() const;

  // Takes `ddl`, read from the change stream: the task files that record what it does are written
  // before the caller spools it. Transient: a server the statement needed went away; read it again
  // (from the last synced record) after the backoff. Any other error: the link fails with it.
  Result<DdlTaken> take(const DdlStatement& ddl);

  // The definition `table` (the task's spelling) is decoded by now; nullptr when not the task's.
  const TableDef* definition(const QualifiedName& table) const;

 private:
  CaptureSchema(std::shared_ptr<const Plan> plan, std::string task_dir, const engine::Engine& source,
                const engine::Engine& target);
  Status load(const SourcePosition& from);
  Result<engine::DdlEvaluation> evaluate(const DdlStatement& ddl, const std::vector<TableDef>& before,
                                         const std::vector<engine::DatabaseDefaults>& databases = {});
  void changed(const QualifiedName& table);
  Status evolve_definition(const DdlStatement& ddl);
  Status tables_join(const DdlStatement& ddl);
  Status tables_leave(const DdlStatement& ddl);
  Status tables_rename(const DdlStatement& ddl);
  Result<TableDef> renamed_into_definition(const DdlStatement& ddl, const QualifiedName& table);

  std::shared_ptr<const Plan> plan_;
  std::string task_dir_;
  const engine::Engine* source_engine_;
  const engine::Engine* target_engine_;
  std::unique_ptr<CaptureRules> rules_;
  std::optional<SchemaHistory> history_;
  std::optional<DdlResolution> resolution_;
  std::unique_ptr<engine::DdlEvaluator> evaluator_;  // on the target, opened on first use
  std::unique_ptr<Catalog> source_catalog_;          // for a table renamed into the patterns
  std::vector<QualifiedName> changed_;               // the statement being taken's changed_tables
};

}  // namespace omsql::capture
