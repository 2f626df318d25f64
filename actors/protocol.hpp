#pragma once
// The actor protocol of a task, declared once: every atom (the verbs), every payload (named
// structs, each inspectable and registered by add_message_types), and one typed handle per actor,
// so a handler and its senders that drift apart fail to compile.
//
// Payloads carry data, never process-local things: a table is named by a TableRef (its source
// name, with its index in Plan::tables as the lookup key of the receiver, which holds the same
// Plan), and times are wall-clock milliseconds (actors/clock.hpp) or durations, never
// steady-clock readings. One exception, internal to the replayer: LaneWork (src/apply) goes from
// the replayer to its own lanes only, and its cascades name tables by Plan index.
// CAF 0.17 atoms are at most 10 characters. Messages an actor sends itself (retry, wake, tick)
// are part of its handle too: a typed actor can only receive what its handle names.
#include <caf/all.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "src/apply/lane_transaction.hpp"
#include "src/model/source_position.hpp"
#include "src/copy/types.hpp"
#include "src/model/plan.hpp"
#include "src/spool/spool.hpp"
#include "src/task/task_status.hpp"
#include "src/verify/report.hpp"

namespace omsql::actors {

// --- verbs ---
using run_atom = caf::atom_constant<caf::atom("run")>;              // main -> coordinator: run the task
using next_chunk_atom = caf::atom_constant<caf::atom("nextchunk")>; // reader -> chunker: give me work
using produce_atom = caf::atom_constant<caf::atom("produce")>;      // reader -> itself: read one batch
using credit_atom = caf::atom_constant<caf::atom("credit")>;        // applier -> reader: a batch is committed
using chunk_done_atom = caf::atom_constant<caf::atom("chunkdone")>; // reader -> coordinator
using chunks_total_atom = caf::atom_constant<caf::atom("chunktotal")>;  // chunker -> coordinator
using reader_done_atom = caf::atom_constant<caf::atom("readerdone")>;   // reader -> coordinator
using failed_atom = caf::atom_constant<caf::atom("failed")>;        // anyone -> coordinator: fatal error
using progress_atom = caf::atom_constant<caf::atom("progress")>;    // applier -> reporter
using tick_atom = caf::atom_constant<caf::atom("tick")>;            // reporter, coordinator -> itself
using finish_atom = caf::atom_constant<caf::atom("finish")>;        // coordinator -> reporter: print summary
using schema_atom = caf::atom_constant<caf::atom("schema")>;        // coordinator -> schema migrator
using indexes_atom = caf::atom_constant<caf::atom("indexes")>;      // coordinator -> schema migrator
using objects_atom = caf::atom_constant<caf::atom("objects")>;      // coordinator -> schema migrator
using start_atom = caf::atom_constant<caf::atom("start")>;
using pull_atom = caf::atom_constant<caf::atom("pull")>;            // tailer -> itself: read binlog events
using stored_atom = caf::atom_constant<caf::atom("stored")>;        // tailer -> replayer: spool is durable up to
using replay_atom = caf::atom_constant<caf::atom("replay")>;        // coordinator -> replayer: the copy is done
using apply_atom = caf::atom_constant<caf::atom("apply")>;          // replayer -> itself: apply what is stored
using applied_atom = caf::atom_constant<caf::atom("applied")>;      // replayer -> tailer: spool may shrink
using sync_status_atom = caf::atom_constant<caf::atom("syncstatus")>;  // replayer -> coordinator
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using pause_atom = caf::atom_constant<caf::atom("pause")>;          // coordinator -> readers, replayer
using resume_atom = caf::atom_constant<caf::atom("resume")>;        // coordinator -> readers, replayer
using retry_atom = caf::atom_constant<caf::atom("retry")>;          // any actor -> itself: the backoff is over
using redo_atom = caf::atom_constant<caf::atom("redo")>;            // applier -> reader: copy a keyless table again
using capture_atom = caf::atom_constant<caf::atom("capture")>;      // tailer -> coordinator: capture waits ("why") / goes on ("")
using recopy_atom = caf::atom_constant<caf::atom("recopy")>;        // tailer -> coordinator: the binlog was purged
using ddl_stop_atom = caf::atom_constant<caf::atom("ddlstop")>;     // replayer -> coordinator: the link stops at a DDL;
                                                                    // tailer -> replayer: capture stopped before one
using take_atom = caf::atom_constant<caf::atom("take")>;            // reader -> rate limiter: rows to send
using wake_atom = caf::atom_constant<caf::atom("wake")>;            // rate limiter, replayer -> itself
using throttle_atom = caf::atom_constant<caf::atom("throttle")>;    // control -> coordinator -> limiter, replayer
using control_atom = caf::atom_constant<caf::atom("control")>;      // control endpoint -> coordinator
using verify_atom = caf::atom_constant<caf::atom("verify")>;        // verification -> verifier: one table
using repair_atom = caf::atom_constant<caf::atom("repair")>;        // verification -> verifier #0; coordinator -> replayer
using verify_progress_atom = caf::atom_constant<caf::atom("vprogress")>;  // progress -> listener
using settle_poll_atom = caf::atom_constant<caf::atom("settlepoll")>;     // verifier -> itself
using rows_atom = caf::atom_constant<caf::atom("vrows")>;                 // verifier -> progress
using settling_atom = caf::atom_constant<caf::atom("vsettling")>;         // verifier -> progress
using table_done_atom = caf::atom_constant<caf::atom("vtabledone")>;      // verification -> progress
using progress_end_atom = caf::atom_constant<caf::atom("vend")>;          // verification -> progress
using copy_counts_atom = caf::atom_constant<caf::atom("copycounts")>;     // reporter -> coordinator
// DDL during a table's copy (src/task/table_copies.hpp):
using copy_ddl_atom = caf::atom_constant<caf::atom("copyddl")>;      // tailer -> coordinator: a DDL changed a table
using table_failed_atom = caf::atom_constant<caf::atom("tablefail")>;  // copy actors -> coordinator: one table's copy failed
using position_atom = caf::atom_constant<caf::atom("position")>;     // -> chunker: the source's position now
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;         // coordinator -> chunker: no more chunks of a table
using table_copy_atom = caf::atom_constant<caf::atom("tablecopy")>;  // replayer -> table copy: copy one table again

// --- payloads ---

// A table of the task, as a message names it. `index` is its position in Plan::tables: a lookup
// key for the receiver, valid because every actor of a task holds the same Plan; `source` says
// which table it is without that Plan, and lets a receiver check that its Plan agrees
// (table_of throws on a mismatch, which ends the actor and fails the task naming it).
struct TableRef {
  uint32_t index = 0;
  QualifiedName source;
  friend bool operator==(const TableRef&, const TableRef&) = default;
};
TableRef table_ref(const Plan& plan, size_t index);
// REQUIRES: `table` names a table of `plan` at its index (else std::logic_error).
const TableJob& table_of(const Plan& plan, const TableRef& table);
// The index of `table` in `plan`, checked as table_of does.
uint32_t index_of(const Plan& plan, const TableRef& table);

// A chunk handed from the chunker to a reader.
struct ChunkWork {
  bool has_work = false;
  TableRef table;
  copy::ChunkRange range;
  // Tables that FKs with an action connect (FkGraph::snapshot_groups): read whole, one after
  // another, in one consistent snapshot whose binlog position replay starts each of them after.
  // `table` is the first; empty for any other work.
  std::vector<TableRef> snapshot_group;
};

// A batch on its way from a reader to an applier.
struct BatchEnvelope {
  TableRef table;
  copy::RowBatch batch;
  // First batch of a table read whole in a snapshot (no key, or an FK snapshot group): the
  // applier empties the target table before writing, so a copy interrupted earlier is redone
  // from the snapshot, not doubled or mixed with rows of another moment.
  bool restart_chunk = false;
  // Keyless tables: which copy of the table this batch belongs to (a redone copy counts up).
  uint32_t generation = 0;
};

// An applier's receipt: the batch is committed on the target; the reader may send another.
struct BatchAck {
  TableRef table;
  uint64_t chunk_id = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  bool failed = false;  // not written: the table's copy failed (TableFailure); the chunk never completes
};

// The reporter's counts of this process's copy, by Plan table index (GET /status, /metrics): sent
// every second while the copy runs and once at its end.
struct TableCopyCounts {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  double seconds = 0;  // the table's own time: from its first committed batch to its last
};
struct CopyCounts {
  std::vector<TableCopyCounts> tables;
};

// A reader's report that every batch of a chunk is committed.
struct ChunkDone {
  TableRef table;
  copy::ChunkRange range;
  // Tables without a key are read in one consistent snapshot; this is its source position.
  // Replay skips the table's changes up to it (they are in the copy, and whole-row changes are
  // not idempotent). Empty for tables with a key.
  SourcePosition snapshot;
  // The rows and bytes the chunk's batches committed since it was last read from its start
  // (state.json's rows_copied counts the committed prefix's chunks: a resumed run shows them).
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

// The chunker's count of a table's chunks, once it has handed out the last one.
struct ChunksTotal {
  TableRef table;
  uint64_t chunks = 0;
};

// An applier's request that a reader copy a keyless table again: a batch of copy `generation`
// (of chunk `chunk_id`) may or may not have reached the target.
struct RedoCopy {
  TableRef table;
  uint64_t chunk_id = 0;
  uint32_t generation = 0;
};

// The schema step's answer: the error (empty on success) and the target tables ("db.table") it
// created, also on failure: they are the task's own, the only ones a re-copy may drop.
struct SchemaResult {
  std::string error;
  std::vector<std::string> created;
};

// The tailer's receipt: every event up to `spool_end` is fsync'd; the source was read up to
// `source_position` at `stored_at_ms` (wall clock, milliseconds since the epoch).
struct SpoolStored {
  SpoolPosition spool_end;
  SourcePosition source_position;
  int64_t stored_at_ms = 0;
};

// The link stops at a source DDL (the replayer, at the barrier: every change before it is applied
// and checkpointed). The task ends failed with `reason`; `position` and `statement` say which
// statement, for the task's stop record and the commands that resolve it.
struct DdlStopReport {
  SourcePosition position;  // DdlStatement::position
  std::string statement;
  std::string reason;
  std::string schema;       // DdlStatement::schema (the stop record keeps it for `omsrun ddl applied`)
};

// Capture met a replicated DDL that changes a task table's columns (ALTER) or drops it: a copy
// of the table still running reads rows the target table does not fit (src/task/table_copies.hpp).
struct CopyDdl {
  TableRef table;
  SourcePosition position;  // where the statement ends (DdlStatement::position)
  std::string statement;
};

// A failure that only one table's copy had (a chunk the source no longer answers by the copy's
// definition, a batch the target table refuses): the others go on; the coordinator cancels the
// table's copy when capture says a DDL changed it, and fails the task otherwise.
struct TableFailure {
  TableRef table;
  std::string message;
};

// The in-link copy's answer (actors/copy_actors.hpp spawn_table_copy). `error` empty: every row
// is copied; `read_by` the source position taken after the last chunk (or the snapshot's for a
// keyless table, `snapshot` then set too). `error` set: the copy did not finish; `table_level`
// when the failure was its table's alone (then `read_by` is the position after it).
struct TableCopyDone {
  std::string error;
  bool table_level = false;
  SourcePosition read_by;
  SourcePosition snapshot;
  uint64_t rows = 0;
};

// The incremental link's state, from the replayer.
struct SyncStatus {
  SourcePosition applied;           // committed on the target with the rows it covers
  SourcePosition stored;            // durable in the spool
  uint64_t events_applied = 0;      // row changes applied since this process started
  double events_per_second = 0;
  double lag_seconds = 0;           // age of the oldest stored event not yet applied, when sent
  int64_t oldest_unapplied_ms = 0;  // when it was stored (wall clock ms; 0: all applied): the lag now
  bool reached_catch_up_target = false;  // applied has reached the source position taken when replay began
  uint32_t lanes = 0;               // apply lanes now (the task's lane rows; `parallel` once they agree)
  std::string table_copy;           // the in-link copy under way ("db.t again at POS: why"), empty: none
};

// The copy (and its indexes) is done: replay begins. A table copied from one snapshot (no key,
// or an FK snapshot group) has its changes up to that snapshot's position in the copy already:
// replay skips them.
struct TableSkip {
  TableRef table;
  SourcePosition after;
};
// What the full copy knows of a table's copy (TableProgress::copy_read_by, copy_incomplete), for
// the ALTER barriers that copy it again (src/task/table_copies.hpp).
struct TableCopyState {
  TableRef table;
  bool has_read_by = false;
  SourcePosition read_by;
  std::string incomplete;  // empty: the copy finished
  bool created_by_task = false;
};
struct ReplayStart {
  std::vector<TableSkip> skip;
  std::vector<TableCopyState> copies;
};
// By Plan index, for the replayer's lookups: empty positions for the tables not in `start`.
// REQUIRES: every TableRef names a table of `plan` (else std::logic_error, as table_of).
std::vector<SourcePosition> replay_after_by_index(const Plan& plan, const ReplayStart& start);

// A run-time throttle change (POST /throttle). 0 = unlimited; kKeep leaves that limit as it is.
struct ThrottleChange {
  static constexpr int64_t kKeep = -1;
  int64_t max_rows_per_sec = kKeep;
  int64_t max_events_per_sec = kKeep;
};

// One request of the control endpoint: "status", "pause", "resume", "stop", "verify" and the
// request body (JSON; only /verify has one). Answered with JSON text.
struct ControlRequest {
  std::string command;
  std::string body;
};

// A verification's progress, as the progress actor last counted it (status of a running task).
struct VerifyProgress {
  uint64_t id = 0;                   // the task's verification number
  uint64_t tables_total = 0;
  uint64_t tables_done = 0;
  uint64_t rows = 0;                 // source rows compared so far
  double seconds = 0;
  double rows_per_second = 0;
  std::string settling;              // e.g. "3 row(s) of db.t: waiting for the link to apply FILE:POS"
};

// A verifier's count of the source rows it has compared in a table so far (since its last count).
struct TableRows {
  TableRef table;
  uint64_t rows = 0;
};

// What a table's differing rows wait for (empty: nothing any more).
struct TableSettling {
  TableRef table;
  std::string waiting_for;
};

// A verification's outcome, for whoever ran it: the report, or why there is none.
struct VerificationResult {
  std::string error;                 // not empty: the verification could not run to its end
  verify::VerifyReport report;
};

// Rows a verification found different, for the live link to repair through its apply queue.
struct RepairRows {
  TableRef table;
  std::vector<verify::RowDifference> rows;
};

// --- handles ---

// Receives a verification's progress (the coordinator, for GET /status).
using verify_listener_actor = caf::typed_actor<caf::reacts_to<verify_progress_atom, VerifyProgress>>;

// What the copy actors (and the verification) tell the coordinator.
using copy_events_actor = caf::typed_actor<caf::reacts_to<chunk_done_atom, ChunkDone>,
                                           caf::reacts_to<chunks_total_atom, ChunksTotal>,
                                           caf::reacts_to<reader_done_atom>, caf::reacts_to<failed_atom, std::string>,
                                           caf::reacts_to<table_failed_atom, TableFailure>>;

// The copy's shared row budget (actors/rate_limiter.hpp): take answers the rows once granted.
using rate_limiter_actor =
    caf::typed_actor<caf::replies_to<take_atom, uint64_t>::with<uint64_t>, caf::reacts_to<throttle_atom, int64_t>,
                     caf::reacts_to<wake_atom, uint64_t>>;

// Receives the copy's counts (the coordinator, for GET /status and /metrics).
using copy_counts_listener_actor = caf::typed_actor<caf::reacts_to<copy_counts_atom, CopyCounts>>;

// Progress display of the copy (actors/reporter.hpp): finish prints the summary and answers it.
using reporter_actor = caf::typed_actor<caf::reacts_to<progress_atom, BatchAck>, caf::reacts_to<tick_atom>,
                                        caf::replies_to<finish_atom>::with<CopySummary>>;

// Hands out chunks to readers (actors/copy_actors.hpp).
// position: the source's position now (read on the chunker's source session), the upper
// bound of when a finished table's rows were read; cancel: hand out no more chunks of a table.
using chunker_actor =
    caf::typed_actor<caf::replies_to<next_chunk_atom>::with<ChunkWork>, caf::reacts_to<retry_atom, uint64_t>,
                     caf::replies_to<position_atom>::with<SourcePosition>, caf::reacts_to<cancel_atom, TableRef>>;

// Reads chunks into batches (actors/copy_actors.hpp). Credits come from the appliers.
using reader_actor =
    caf::typed_actor<caf::reacts_to<start_atom>, caf::reacts_to<produce_atom>, caf::reacts_to<retry_atom, uint64_t>,
                     caf::reacts_to<redo_atom, RedoCopy>, caf::reacts_to<pause_atom>, caf::reacts_to<resume_atom>,
                     caf::reacts_to<credit_atom, BatchAck>>;

// Writes batches to the target (actors/copy_actors.hpp); the sender of a batch is its reader.
using applier_actor = caf::typed_actor<caf::reacts_to<BatchEnvelope>, caf::reacts_to<retry_atom, uint64_t>>;

// Target DDL (actors/schema_actor.hpp). Index steps answer the error message, empty on success.
using schema_actor =
    caf::typed_actor<caf::replies_to<schema_atom, bool>::with<SchemaResult>,
                     caf::replies_to<indexes_atom, TableRef>::with<std::string>,
                     caf::replies_to<indexes_atom>::with<std::string>,
                     caf::replies_to<objects_atom>::with<std::vector<std::string>>,
                     caf::reacts_to<retry_atom, uint64_t>>;

// The verification's progress counter (actors/verify_actors.hpp): lines on stderr, and the
// counts to the listener every second.
using verify_progress_actor =
    caf::typed_actor<caf::reacts_to<rows_atom, TableRows>, caf::reacts_to<settling_atom, TableSettling>,
                     caf::reacts_to<table_done_atom, TableRef>, caf::reacts_to<tick_atom>,
                     caf::reacts_to<progress_end_atom>>;

// One table for one verifier: compare it, and settle its differences against the live link
// when `live_task_id` is set.
struct TableWork {
  TableRef table;
  std::string live_task_id;          // apply lanes' checkpoint rows "<live_task_id>#<lane>"
  int64_t settle_ms = 60000;         // give up waiting for the link after this long (per table)
  verify_progress_actor progress;    // may be null
};

// Compares tables (actors/verify_actors.hpp); verifier #0 also writes (and applies) the repairs.
using verifier_actor =
    caf::typed_actor<caf::replies_to<verify_atom, TableWork>::with<verify::TableReport>,
                     caf::reacts_to<settle_poll_atom, uint64_t>,
                     caf::replies_to<repair_atom, verify::VerifyReport>::with<verify::VerifyReport>>;

// What the incremental actors (tailer, replayer and its lanes) tell the coordinator.
using link_events_actor =
    caf::typed_actor<caf::reacts_to<failed_atom, std::string>, caf::reacts_to<recopy_atom, std::string>,
                     caf::reacts_to<capture_atom, std::string>, caf::reacts_to<sync_status_atom, SyncStatus>,
                     caf::reacts_to<ddl_stop_atom, DdlStopReport>, caf::reacts_to<copy_ddl_atom, CopyDdl>>;

// One apply lane (actors/replayer.cpp): commits its share of a group with its checkpoint and
// answers the changes applied. Spawned and linked by the replayer.
using lane_actor = caf::typed_actor<caf::replies_to<apply_atom, apply::LaneWork>::with<uint64_t>,
                                    caf::reacts_to<retry_atom, uint64_t>>;

// Applies the spool (actors/incremental_actors.hpp).
using replayer_actor =
    caf::typed_actor<caf::reacts_to<stored_atom, SpoolStored>, caf::reacts_to<replay_atom, ReplayStart>,
                     caf::reacts_to<retry_atom, uint64_t>, caf::reacts_to<apply_atom>,
                     caf::reacts_to<repair_atom, RepairRows>, caf::reacts_to<wake_atom, uint64_t>,
                     caf::reacts_to<throttle_atom, int64_t>, caf::reacts_to<pause_atom>, caf::reacts_to<resume_atom>,
                     caf::reacts_to<ddl_stop_atom, DdlStopReport>>;

// Reads the binlog into the spool (actors/incremental_actors.hpp); start names its replayer.
using tailer_actor = caf::typed_actor<caf::reacts_to<start_atom, replayer_actor>, caf::reacts_to<pull_atom>,
                                      caf::reacts_to<applied_atom, SpoolPosition>>;

// The in-link copy of one table (actors/copy_actors.hpp spawn_table_copy): table_copy answers once,
// then it quits. It is the coordinator and the reporter of its own copy graph.
using table_copy_actor = caf::typed_actor<
    caf::replies_to<table_copy_atom, TableRef>::with<TableCopyDone>, caf::reacts_to<chunk_done_atom, ChunkDone>,
    caf::reacts_to<chunks_total_atom, ChunksTotal>, caf::reacts_to<reader_done_atom>,
    caf::reacts_to<failed_atom, std::string>, caf::reacts_to<table_failed_atom, TableFailure>,
    caf::reacts_to<progress_atom, BatchAck>, caf::reacts_to<tick_atom>, caf::replies_to<finish_atom>::with<CopySummary>>;

// One verification run to its end (actors/verify_actors.hpp): run answers once, then it quits.
using verification_actor = caf::typed_actor<caf::replies_to<run_atom>::with<VerificationResult>>;

// The coordinator (actors/coordinator.hpp): what its children, the control endpoint and omsrun
// send it. Its children hold the narrower handles above (copy_events_actor, link_events_actor,
// verify_listener_actor): each a subset, so a child can send only what it is meant to.
using coordinator_actor = caf::typed_actor<
    caf::replies_to<run_atom>::with<int>, caf::reacts_to<chunk_done_atom, ChunkDone>,
    caf::reacts_to<chunks_total_atom, ChunksTotal>, caf::reacts_to<reader_done_atom>,
    caf::reacts_to<failed_atom, std::string>, caf::reacts_to<recopy_atom, std::string>,
    caf::reacts_to<capture_atom, std::string>, caf::reacts_to<sync_status_atom, SyncStatus>,
    caf::reacts_to<ddl_stop_atom, DdlStopReport>, caf::reacts_to<verify_progress_atom, VerifyProgress>,
    caf::reacts_to<copy_counts_atom, CopyCounts>, caf::reacts_to<copy_ddl_atom, CopyDdl>,
    caf::reacts_to<table_failed_atom, TableFailure>,
    caf::replies_to<control_atom, ControlRequest>::with<std::string>,
    caf::replies_to<throttle_atom, ThrottleChange>::with<std::string>, caf::reacts_to<stop_atom>,
    caf::reacts_to<tick_atom>>;

}  // namespace omsql::actors

// --- inspection (serialization for CAF; also what makes the types printable in CAF logs) ---
#include "actors/protocol_inspect.hpp"

namespace omsql::actors {

// Registers every payload type with an actor system configuration (needed for remote workers).
void add_message_types(caf::actor_system_config& config);

}  // namespace omsql::actors
