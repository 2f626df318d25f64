#pragma once
// The engine seam: what the copy pipeline needs from a source server and a target server, as
// interfaces, so the actors never name a client library, a SQL dialect or a binlog. An engine
// (src/engine/mysql/ for MySQL, MariaDB and OceanBase in MySQL mode) implements them and is listed
// in src/engine/registry.cpp under the Dialects it serves. Actors receive the engines they use when
// they are spawned, so tests drive the real actors with fakes (tests/actors/).
//
// Sessions are single-threaded (one actor owns one) and may fail with Status::transient when the
// server goes away: the caller drops the session and opens a new one after a backoff.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/catalog/catalog.hpp"
#include "src/catalog/table_def.hpp"
#include "src/engine/change_event.hpp"
#include "src/model/source_position.hpp"
#include "src/engine/change_stream_options.hpp"
#include "src/common/status.hpp"
#include "src/copy/types.hpp"
#include "src/model/plan.hpp"

// The live link's pieces above the seam that ApplySession takes (src/apply): what one lane commits,
// the task's FK graph, what a DDL taken as applied by hand must have left on the target.
namespace omsql::apply {
struct LaneWork;
class FkGraph;
struct TargetExpectation;
}  // namespace omsql::apply

// What verification reports and re-checks (src/verify), which a VerifySession hands on.
namespace omsql::verify {
struct TableReport;
struct RowDifference;
class SettledRecheck;
}  // namespace omsql::verify

namespace omsql::engine {

// The rows of one chunk, in key order, batch by batch; at most one batch in memory.
class RowStream {
 public:
  virtual ~RowStream() = default;
  // The batch with last_of_chunk=true ends the chunk (it may hold no row).
  virtual Result<copy::RowBatch> next_batch() = 0;
};

// One connection to the source, prepared for copying.
class SourceSession {
 public:
  virtual ~SourceSession() = default;
  // Chunk planning (copy::ChunkPlanner keeps the walk's state, so it survives a new session): the
  // key `offset` rows after `lower` (exclusive; nullopt = from the start) in `job`'s key order, or
  // nullopt when fewer rows remain. Comparisons are the server's (collation-aware).
  virtual Result<std::optional<copy::KeyTuple>> key_at_offset(const TableJob& job,
                                                              const std::optional<copy::KeyTuple>& lower,
                                                              int64_t offset) = 0;
  // Streams `range` of `job`. The session is busy until the stream is destroyed.
  virtual Result<std::unique_ptr<RowStream>> read_rows(const TableJob& job, const copy::ChunkRange& range,
                                                       copy::BatchLimits limits, copy::WireFormat format) = 0;
  // Starts a consistent snapshot on this session (every later read sees one moment) and returns
  // the source position of that moment: replay of a table read in it starts there.
  virtual Result<SourcePosition> begin_snapshot() = 0;
  // Ends the snapshot begun by begin_snapshot (reads see the present again).
  virtual Status end_snapshot() = 0;
  // Where the source's change log is now: the start position of a task, the catch-up target.
  virtual Result<SourcePosition> current_position() = 0;
  // Gives the connection up without reading the rest of a stream (a read cut off for a retry);
  // destroy the session right after.
  virtual void abandon() = 0;
};

// The source's changes from a position on, decoded: transactions, row images, DDL statements,
// heartbeats (src/engine/change_event.hpp). One stream is one connection; Transient on a lost one.
class ChangeStream {
 public:
  virtual ~ChangeStream() = default;
  // Blocks until the next event; nullopt once stop() was called. NotFound: `from` is gone (purged).
  virtual Result<std::optional<Event>> next() = 0;
  // From any thread: ends a blocked next().
  virtual void stop() = 0;
};

// A database's default charset and collation, as a DdlEvaluator is told them.
struct DatabaseDefaults {
  std::string name;
  std::optional<std::string> charset, collation;
};

// What a source DDL statement leaves of the tables it touches: the definitions after it of every
// table it creates, changes or renames to (by the source's names), and the tables it drops or
// renames away.
struct DdlEvaluation {
  std::vector<TableDef> after;
  std::vector<QualifiedName> gone;
};

// Works out a source DDL statement's effect by a server's own DDL rules, so omsql never
// re-implements them (src/capture/capture_schema.hpp asks it for a table's definition after an
// ALTER, and for a table that a CREATE TABLE brings into the task). The MySQL family evaluates the
// statement on empty copies of the tables in private databases on the target
// (src/engine/mysql/shadow_schema.hpp) and touches nothing else there.
class DdlEvaluator {
 public:
  virtual ~DdlEvaluator() = default;
  // `before`: the definitions of the tables the statement reads or changes, as valid before it;
  // `databases`: default charsets and collations the evaluation may need. Unsupported: the
  // statement, or a before table, cannot be evaluated exactly; ServerError: the server refused the
  // statement; Transient: the server went away (drop the evaluator, open a new one).
  virtual Result<DdlEvaluation> evaluate(const DdlStatement& ddl, const std::vector<TableDef>& before,
                                         const std::vector<DatabaseDefaults>& databases) = 0;
};

// Writes copied rows into one target table with REPLACE semantics (src/engine/mysql/copy/batch_writer.hpp).
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  virtual Status write(const copy::RowBatch& batch) = 0;
  // Before a chunk is written again after a failure part-way through it (keyless: empties the table).
  virtual Status restart_chunk(const copy::ChunkRange& range) = 0;
  // Deletes every row of the target table: before a whole-table copy from a snapshot.
  virtual Status empty_table() = 0;
};

// One connection to the target, prepared for copying.
class TargetSession {
 public:
  virtual ~TargetSession() = default;
  // REQUIRES: `job` and this session outlive the sink.
  virtual Result<std::unique_ptr<BatchSink>> open_sink(const TableJob& job, copy::WireFormat format) = 0;
};

// A net change set of one table: what replay folded from a run of its row changes
// (src/apply/change_batch.hpp), for the target's ChangeRenderer. Images are full source row images
// (every source column, in ordinal order), owned by the batch that made the set.
struct NetChanges {
  // With a key: each key the changes touched, once, in the batch's order: the key columns' cells
  // (in key order), how a message names the key (filled only when row keys are asked for), and
  // the final image (null: the key ends deleted).
  struct KeyChange {
    std::vector<Cell> key;
    std::string described;
    const std::vector<Cell>* image = nullptr;
  };
  // Without a key: one whole-row operation, in binlog order: insert the image, or delete one row
  // equal to it.
  struct RowOperation {
    bool insert = false;
    const std::vector<Cell>* image = nullptr;
  };
  bool keyed = false;
  std::vector<KeyChange> keys;             // keyed
  std::vector<RowOperation> operations;    // keyless
};

// Renders the net change sets of one table as the target's statements. Pure (no session): replay
// folds and renders without a server, and the lanes run the statements (ApplySession::commit).
class ChangeRenderer {
 public:
  virtual ~ChangeRenderer() = default;
  // The statements that make the target reflect `changes`, each at most about
  // `max_statement_bytes` (one may pass it by a row). For a keyed table they are idempotent
  // (safe mode: applied twice, they leave the same rows); a keyless table's apply in order. With
  // `row_keys`, also each statement's rows' keys in the statement's row order (KeyChange::
  // described; "" where the server's row numbers cannot be trusted, and for a keyless table), so a
  // failure "at row N" names the key.
  virtual std::vector<std::string> statements(const NetChanges& changes, size_t max_statement_bytes,
                                              std::vector<std::vector<std::string>>* row_keys) const = 0;
};

// One connection to the target for the live link: the apply lanes' transactions (a lane's rows
// commit together with its checkpoint row, so after any crash the two agree), the task's lane
// rows, and what replay reads of the target at a DDL barrier. The statements of a LaneWork are
// already rendered for the target (src/apply/change_batch.hpp); the session runs them.
class ApplySession {
 public:
  virtual ~ApplySession() = default;
  // The largest statement a new session of the target accepts (MySQL: max_allowed_packet), or
  // nullopt when the target does not say: replay cuts its multi-row statements below it.
  virtual Result<std::optional<uint64_t>> max_statement_bytes() = 0;
  // The committed position of every apply lane of `task_id`, by lane (a lane that has committed
  // nothing: an empty position); empty when the task has no lane rows. Their count is the task's
  // lane count, which routing depends on.
  virtual Result<std::vector<SourcePosition>> lane_checkpoints(const std::string& task_id) = 0;
  // Replaces the task's lane rows by `lanes` rows at `position`, in one transaction.
  // REQUIRES: no lane is applying, and every lane has committed `position` (or none anything).
  virtual Status set_lanes(const std::string& task_id, size_t lanes, const SourcePosition& position) = 0;
  // The committed position of checkpoint row `lane_id` ("<task>#<lane>"), nullopt when none.
  virtual Result<std::optional<SourcePosition>> checkpoint(const std::string& lane_id) = 0;
  // Commits `work` as lane `lane_id` (apply::run_lane_transaction says how: its statements and FK
  // actions, then `work.end` in its own checkpoint row and in work.also_checkpoint's, in one
  // transaction; a repair moves no checkpoint; a DDL's statements run before it). Fails before
  // anything runs when a statement is longer than this session accepts, naming its row's key.
  // FK actions' warnings go to `warnings`. Transient: drop the session; the COMMIT may have
  // committed, which checkpoint() on a new session tells.
  virtual Status commit(const apply::LaneWork& work, const std::string& lane_id, std::vector<std::string>* warnings) = 0;
  // The target table as the target's catalog reads it; NotFound when it does not exist.
  virtual Result<TableDef> describe_table(const QualifiedName& table) = 0;
  // Whether the target table holds at least one row.
  virtual Result<bool> has_rows(const QualifiedName& table) = 0;
  // The first of `expectations` the target does not meet, as a sentence (nullopt: all are met).
  virtual Result<std::optional<std::string>> unmet_expectation(
      const std::vector<apply::TargetExpectation>& expectations) = 0;
};

// Verification of a task's tables (src/verify): both sides' rows of a table compared, the rows that
// differed re-read while the live link applies, the link's applied position and repairs on the
// target. One session holds a connection to each side, prepared for reading consistently (MySQL:
// verify::prepare_verify_session); Transient on a lost one: the caller drops the session and opens
// a new one for the next table.
class VerifySession {
 public:
  virtual ~VerifySession() = default;
  // Called as the comparison advances, with the source rows compared since the last call.
  using RowsCompared = std::function<void(uint64_t source_rows)>;
  // Compares one table; differences are in the report, not errors.
  virtual Result<verify::TableReport> verify_table(const TableJob& job, const VerifyOptions& options,
                                                   const RowsCompared& on_rows) = 0;
  // One round of a re-check beside the live link (verify::SettledRecheck): reads the pending rows
  // on the source and returns the source's position just after them.
  virtual Result<SourcePosition> recheck_read_source(verify::SettledRecheck& recheck) = 0;
  // Then, once the link has applied that position, compares them with the target's.
  virtual Status recheck_compare(verify::SettledRecheck& recheck) = 0;
  // The rows of `differences` (of `job`) as both sides hold them now: the ones that still differ.
  virtual Result<std::vector<verify::RowDifference>> rows_now(const TableJob& job,
                                                              const std::vector<verify::RowDifference>& differences) = 0;
  // The position every apply lane of the live task `task_id` has committed on the target (empty
  // when it has no lane rows or some lane committed nothing yet).
  virtual Result<SourcePosition> applied_position(const std::string& task_id) = 0;
  // Runs repair statements (verify::repair_statements) on the target, in order.
  virtual Status apply_repairs(const std::vector<std::string>& statements) = 0;
};

// The schema phase on the target (src/schema): the task's databases and tables before the copy
// (without secondary indexes and foreign keys), one table's secondary indexes once its copy is done,
// the rest of the indexes and then the foreign keys after the copy, and the other objects (views,
// routines, sequences, events, triggers) read from the source after the data. Every step is safe
// to repeat after a lost connection (Transient: drop the session, open a new one).
class SchemaSession {
 public:
  virtual ~SchemaSession() = default;
  // Creates what `plan` needs on the target; every table this call creates is added to `created`
  // before its CREATE runs; translation warnings go to `warnings`.
  virtual Status create_tables(const Plan& plan, std::vector<std::string>* warnings, std::set<QualifiedName>* created) = 0;
  // Adds the secondary indexes of `job` that are missing.
  virtual Status add_secondary_indexes(const Plan& plan, const TableJob& job) = 0;
  // Adds every index still missing, then the foreign keys.
  virtual Status finish(const Plan& plan) = 0;
  // Creates the planned objects other than tables, reading them on `source` (all of them and the
  // sequences' values again when `cut_over`); one line per object for the run's output.
  virtual Result<std::vector<std::string>> create_objects(const Endpoint& source, const Plan& plan, bool cut_over) = 0;
};

// An engine: opens sessions on the endpoints it serves. `role` names the side in messages ("source").
class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;
  virtual Result<std::unique_ptr<SourceSession>> open_source(const Endpoint& endpoint) const = 0;
  virtual Result<std::unique_ptr<TargetSession>> open_target(const Endpoint& endpoint) const = 0;
  // How the target writes the net changes of `job` (a table of a Plan whose TARGET this engine
  // serves). REQUIRES: `job` outlives the renderer.
  virtual std::unique_ptr<ChangeRenderer> change_renderer(const TableJob& job) const = 0;
  // A session for applying the live link's changes. REQUIRES: `plan` and `graph` (the FK actions
  // replay derives) outlive the session.
  virtual Result<std::unique_ptr<ApplySession>> open_apply(const Endpoint& endpoint, const Plan& plan,
                                                           const apply::FkGraph& graph) const = 0;
  // A session for the schema phase on `endpoint`, a target this engine serves.
  virtual Result<std::unique_ptr<SchemaSession>> open_schema(const Endpoint& endpoint) const = 0;
  // A verification session between `source` and `target` (this is the target's engine; the
  // source is one whose rows it can compare: the MySQL family's with the MySQL family's).
  virtual Result<std::unique_ptr<VerifySession>> open_verify(const Endpoint& source, const Endpoint& target) const = 0;
  // The catalog of `endpoint` on a session of its own (`role` names the side in messages); it
  // reads the server as it is now. Transient on a lost connection: open a new one.
  virtual Result<std::unique_ptr<Catalog>> open_catalog(const Endpoint& endpoint, const char* role) const = 0;
  // A DDL evaluator on `target`, a server this engine serves and omsql may write to. Opening it
  // removes what an evaluator of a killed process left there.
  virtual Result<std::unique_ptr<DdlEvaluator>> open_ddl_evaluator(const Endpoint& target) const = 0;
  // The changes after `from` (a transaction boundary), decoded for the tables `decoder` selects.
  virtual Result<std::unique_ptr<ChangeStream>> open_changes(const Endpoint& endpoint, const SourcePosition& from,
                                                             ChangeDecoding decoder,
                                                             ChangeStreamOptions options) const = 0;
};

// The engine that serves `dialect` (src/engine/registry.cpp). Engines are stateless and live for the
// whole process.
const Engine& engine_for(Dialect dialect);

// `given`, or the engine that serves `dialect` when it is null: actors take an optional engine so
// tests can pass fakes (tests/actors/fake_engine.hpp).
const Engine& engine_or_default(const Engine* given, Dialect dialect);

// The engines of one task's two sides, as the actors receive them (null: engine_or_default).
struct Engines {
  const Engine* source = nullptr;
  const Engine* target = nullptr;
};

}  // namespace omsql::engine
