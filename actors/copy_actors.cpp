#include "actors/copy_actors.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "actors/messages.hpp"
#include "actors/retry.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/binlog/position.hpp"
#include "src/copy/batch_writer.hpp"
#include "src/copy/chunk_cursor.hpp"
#include "src/copy/chunk_planner.hpp"
#include "src/copy/session.hpp"
#include "src/mysql/connection.hpp"

namespace omsql::actors {

namespace {

template <class Self>
void fail(Self* self, const caf::actor& coordinator, const std::string& message) {
  self->send(coordinator, failed_atom::value, message);
}

// --- chunker ---

struct ChunkerState {
  std::shared_ptr<const Plan> plan;
  std::shared_ptr<const TaskState> task;
  caf::actor coordinator;
  std::unique_ptr<Connection> source;
  // Up to `parallel` tables are chunked at once and their chunks handed out in turn, so readers
  // and appliers work on different tables (different B-trees on the target) instead of all
  // appending to the same one.
  std::vector<size_t> open_tables;
  std::map<size_t, std::unique_ptr<copy::ChunkPlanner>> planners;  // by table index
  std::map<size_t, uint64_t> chunks_issued;                        // by table index
  size_t next_table = 0;                                           // the next table to open
  size_t turn = 0;                                                 // round-robin over open_tables
  // Readers waiting for a chunk, answered in order; while the source is down they wait here.
  std::deque<caf::typed_response_promise<ChunkWork>> waiting;
  RetryState retry;
  bool retry_pending = false;
  // FK snapshot groups still to hand out (each one piece of work), and the tables they hold,
  // which are never chunked.
  std::vector<std::vector<size_t>> snapshot_groups;
  std::vector<bool> in_group;
  static inline const char* name = "chunker";
};

bool table_copy_done(const ChunkerState& s, size_t index) {
  auto it = s.task->tables.find(s.plan->tables[index].source.str());
  return it != s.task->tables.end() && it->second.copy_done;
}

// Opens tables until `parallel` are open or none is left.
void open_tables(ChunkerState& s) {
  size_t wanted = static_cast<size_t>(std::max(1, s.plan->options.parallel));
  while (s.open_tables.size() < wanted && s.next_table < s.plan->tables.size()) {
    size_t index = s.next_table++;
    if (table_copy_done(s, index) || s.in_group[index]) continue;
    const TableJob& job = s.plan->tables[index];
    auto planner = std::make_unique<copy::ChunkPlanner>(job, s.plan->options.chunk_rows);
    // Chunk ids restart at 0 after a resume: the coordinator's commit tracking starts afresh too.
    auto it = s.task->tables.find(job.source.str());
    if (it != s.task->tables.end() && it->second.copied_through) planner->resume_after(*it->second.copied_through, 0);
    s.planners[index] = std::move(planner);
    s.chunks_issued[index] = 0;
    s.open_tables.push_back(index);
  }
}

// The next chunk of any open table (has_work = false when every table is handed out). A failure
// leaves the planners unchanged, so the same call may be made again on a new connection.
Result<ChunkWork> next_work(caf::stateful_actor<ChunkerState>* self) {
  auto& s = self->state;
  if (!s.source) {
    auto connection = Connection::open(s.plan->source, "source");
    if (!connection) return connection.status();
    OMSQL_RETURN_IF_ERROR(copy::prepare_source_session(**connection));
    s.source = std::move(connection).value();
  }
  if (!s.snapshot_groups.empty()) {
    // A group is the longest piece of work (one reader, no chunks): hand it out first.
    ChunkWork work{true, static_cast<uint32_t>(s.snapshot_groups.front().front()), copy::ChunkRange{}, {}};
    for (size_t index : s.snapshot_groups.front()) {
      work.snapshot_group.push_back(static_cast<uint32_t>(index));
      self->send(s.coordinator, chunks_total_atom::value, static_cast<uint32_t>(index), uint64_t{1});
    }
    s.snapshot_groups.erase(s.snapshot_groups.begin());
    return work;
  }
  while (true) {
    open_tables(s);
    if (s.open_tables.empty()) return ChunkWork{};
    size_t slot = s.turn % s.open_tables.size();
    size_t index = s.open_tables[slot];
    const TableJob& job = s.plan->tables[index];
    auto next = s.planners[index]->next(*s.source);
    if (!next) return next.status().with_context("chunking " + job.source.str());
    ++s.turn;
    if (next->has_value()) {
      ++s.chunks_issued[index];
      return ChunkWork{true, static_cast<uint32_t>(index), std::move(**next), {}};
    }
    // This table is fully handed out: its chunk count completes the coordinator's tracking.
    self->send(s.coordinator, chunks_total_atom::value, static_cast<uint32_t>(index), s.chunks_issued[index]);
    s.planners.erase(index);
    s.chunks_issued.erase(index);
    s.open_tables.erase(s.open_tables.begin() + static_cast<std::ptrdiff_t>(slot));
  }
}

// Answers the waiting readers in order; a lost source makes them wait for the retry.
void serve_readers(caf::stateful_actor<ChunkerState>* self) {
  auto& s = self->state;
  while (!s.retry_pending && !s.waiting.empty()) {
    auto work = next_work(self);
    if (!work && work.status().is_transient()) {
      s.source.reset();
      auto delay = next_retry(s.retry, s.plan->options.retry, "computing the next chunk", work.status());
      if (delay) {
        s.retry_pending = true;
        self->delayed_send(self, *delay, retry_atom::value, s.retry.token());
        return;
      }
      work = delay.status();
    }
    if (!work) {
      fail(self, s.coordinator, work.status().message());
      for (auto& promise : s.waiting) promise.deliver(ChunkWork{});
      s.waiting.clear();
      return;
    }
    s.retry.succeeded();
    s.waiting.front().deliver(std::move(work).value());
    s.waiting.pop_front();
  }
}

caf::behavior chunker_impl(caf::stateful_actor<ChunkerState>* self, std::shared_ptr<const Plan> plan,
                           std::shared_ptr<const TaskState> task, caf::actor coordinator) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.task = std::move(task);
  s.coordinator = std::move(coordinator);
  s.in_group.assign(s.plan->tables.size(), false);
  for (auto& group : apply::FkGraph::build(*s.plan).snapshot_groups()) {
    bool done = true;
    for (size_t index : group) {
      s.in_group[index] = true;
      done = done && table_copy_done(s, index);
    }
    // The coordinator resets every table of a group that was not copied in full.
    if (!done) s.snapshot_groups.push_back(std::move(group));
  }
  return {
      [=](next_chunk_atom) -> caf::typed_response_promise<ChunkWork> {
        auto& s = self->state;
        auto promise = self->make_response_promise<ChunkWork>();
        s.waiting.push_back(promise);
        serve_readers(self);
        return promise;
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.retry_pending || token != s.retry.token()) return;
        s.retry_pending = false;
        serve_readers(self);
      },
  };
}

// --- reader ---

using ChunkKey = std::pair<uint32_t, uint64_t>;  // (table index, chunk id)

struct ChunkInFlight {
  ChunkWork work;
  uint64_t unacknowledged = 0;   // batches sent, not yet committed
  bool fully_read = false;
  bool whole = false;            // one chunk: the whole table, read in one consistent snapshot
  bool sent_first = false;       // of this generation: the next batch carries the restart flag if not
  uint32_t generation = 0;       // whole: counts the copies of the table begun by this reader
  uint32_t group = 0;            // an FK snapshot group's id (its first table + 1), 0 for none
  BinlogPosition snapshot;
};

struct ReaderState {
  std::shared_ptr<const Plan> plan;
  caf::actor chunker;
  std::vector<caf::actor> appliers;
  caf::actor coordinator;
  caf::actor budget;                                  // the task's shared row budget (rate limiter)
  std::unique_ptr<Connection> source;
  std::unique_ptr<copy::ChunkCursor> cursor;          // reading to_read.front(), when open
  // Chunks to read, in order: the front is being read; a chunk to read again joins the back.
  std::deque<ChunkKey> to_read;
  std::map<ChunkKey, ChunkInFlight> chunks;
  // FK snapshot groups given to this reader, by id: their tables, read one after another in the
  // snapshot open for `snapshot_group` (0: none open).
  std::map<uint32_t, std::vector<uint32_t>> groups;
  uint32_t snapshot_group = 0;
  BinlogPosition group_snapshot;
  int credits = 0;
  size_t next_applier = 0;
  RetryState retry;                                   // the source's failures while reading
  bool retry_pending = false;                         // a retry_atom is on its way
  bool reopening = false;                             // the next open follows a lost connection
  bool asking = false;                                // a next_chunk request is outstanding
  bool no_more_work = false;
  bool produce_scheduled = false;
  bool paused = false;                                // the task was paused: hold the credits
  // A batch read but not sent: it waits for the budget to grant its rows. One at a time, and it
  // holds a credit, so batch memory stays within credits per reader.
  std::optional<BatchEnvelope> unpaid;
  ChunkKey unpaid_key;
  bool unpaid_last = false;                           // it ends its chunk
  static inline const char* name = "reader";
};

using ReaderSelf = caf::stateful_actor<ReaderState>;

bool queued_for_reading(const ReaderState& s, ChunkKey key) {
  return std::find(s.to_read.begin(), s.to_read.end(), key) != s.to_read.end();
}

void finish_if_idle(ReaderSelf* self) {
  auto& s = self->state;
  if (s.no_more_work && !s.asking && s.to_read.empty() && !s.cursor && s.chunks.empty()) {
    self->send(s.coordinator, reader_done_atom::value);
    self->quit();
  }
}

void schedule_produce(ReaderSelf* self) {
  auto& s = self->state;
  if (s.produce_scheduled || s.paused || s.unpaid || !s.cursor || s.credits <= 0) return;
  s.produce_scheduled = true;
  self->send(self, produce_atom::value);
}

void complete_chunk_if_done(ReaderSelf* self, ChunkKey key) {
  auto& s = self->state;
  auto it = s.chunks.find(key);
  if (it == s.chunks.end() || !it->second.fully_read || it->second.unacknowledged > 0) return;
  if (queued_for_reading(s, key)) return;
  self->send(s.coordinator, chunk_done_atom::value,
             ChunkDone{it->second.work.table_index, it->second.work.range, it->second.snapshot});
  s.chunks.erase(it);
}

// Starts a REPEATABLE READ transaction WITH CONSISTENT SNAPSHOT and returns the binlog position
// that snapshot corresponds to (MariaDB's binlog_snapshot_file/position status).
Result<BinlogPosition> open_snapshot(Connection& source) {
  OMSQL_RETURN_IF_ERROR(source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
  OMSQL_RETURN_IF_ERROR(source.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
  auto status = source.query("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'");
  if (!status) return status.status();
  BinlogPosition position;
  for (const auto& row : status->rows) {
    if (row[0].value_or("") == "Binlog_snapshot_file") position.file = row[1].value_or("");
    if (row[0].value_or("") == "Binlog_snapshot_position") position.offset = std::stoull(row[1].value_or("0"));
  }
  return position;
}

// Drops the source connection and the chunk being read on it, without draining the rest of it.
void drop_source(ReaderState& s) {
  if (s.source) s.source->abandon();
  s.cursor.reset();
  s.source.reset();
  s.snapshot_group = 0;
}

// Opens the front chunk of to_read on the source (connecting first when needed); a keyless table
// or the first table of an FK group gets a new snapshot, and its next batch empties the target
// table before it writes.
Status open_front_chunk(ReaderState& s) {
  ChunkInFlight& chunk = s.chunks.at(s.to_read.front());
  const TableJob& job = s.plan->tables[chunk.work.table_index];
  if (!s.source) {
    auto connection = Connection::open(s.plan->source, "source");
    if (!connection) return connection.status();
    OMSQL_RETURN_IF_ERROR(copy::prepare_source_session(**connection));
    s.source = std::move(connection).value();
  }
  if (chunk.group != 0 && s.snapshot_group == chunk.group) {
    chunk.snapshot = s.group_snapshot;  // the group's next table, in the snapshot already open
  } else if (chunk.whole) {
    // Whole-row changes cannot be replayed twice, and FK actions are derived from the rows of a
    // group's tables at one moment: read the table (the group) in one snapshot whose binlog
    // position tells the replayer where its changes begin.
    auto position = open_snapshot(*s.source);
    if (!position) return position.status();
    chunk.snapshot = *position;
    s.snapshot_group = chunk.group;
    s.group_snapshot = *position;
  }
  copy::BatchLimits limits{s.plan->options.batch_rows, s.plan->options.batch_bytes};
  auto cursor = copy::ChunkCursor::open(*s.source, job, chunk.work.range, limits);
  if (!cursor) return cursor.status();
  s.cursor = std::move(cursor).value();
  return Status::ok();
}

void open_next_chunk(ReaderSelf* self);

// An FK group whose snapshot is lost is read again, every table of it, from a new snapshot: its
// tables go to the front of to_read, in order, each emptying its target table first (tables
// already reported done are copied again too; their second report changes nothing).
void requeue_group(ReaderState& s, uint32_t group) {
  const auto& tables = s.groups.at(group);
  auto in_group = [&](const ChunkKey& key) { return std::find(tables.begin(), tables.end(), key.first) != tables.end(); };
  std::deque<ChunkKey> rest;
  for (const auto& key : s.to_read)
    if (!in_group(key)) rest.push_back(key);
  s.to_read.clear();
  // A chunk of another table being read stays in front: the open cursor is its.
  if (s.cursor && !rest.empty() && !in_group(rest.front()) && s.snapshot_group != group) {
    s.to_read.push_back(rest.front());
    rest.pop_front();
  }
  for (uint32_t table : tables) {
    ChunkKey key{table, 0};
    auto [it, added] = s.chunks.try_emplace(key);
    ChunkInFlight& chunk = it->second;
    if (added) chunk.work = ChunkWork{true, table, copy::ChunkRange{}, {}};
    chunk.whole = true;
    chunk.group = group;
    chunk.fully_read = false;
    chunk.sent_first = false;
    ++chunk.generation;
    s.to_read.push_back(key);
  }
  for (const auto& key : rest) s.to_read.push_back(key);
}

// A failure while opening or reading the front chunk. Transient: the chunk is read again from its
// start on a new connection once the backoff is over — rows already sent are written again,
// which REPLACE by key makes harmless; a keyless table is copied again from a new snapshot, its
// first batch emptying the target table. Permanent (or out of patience): the task fails.
void reading_failed(ReaderSelf* self, const Status& error) {
  auto& s = self->state;
  drop_source(s);
  ChunkInFlight& chunk = s.chunks.at(s.to_read.front());
  const TableJob& job = s.plan->tables[chunk.work.table_index];
  Result<std::chrono::milliseconds> delay = error;
  if (error.is_transient())
    delay = next_retry(s.retry, s.plan->options.retry, "reading " + chunk.work.range.describe(job), error);
  if (!delay) {
    fail(self, s.coordinator, delay.status().message());
    self->quit();
    return;
  }
  if (chunk.group != 0) requeue_group(s, chunk.group);
  else if (chunk.whole) {
    ++chunk.generation;
    chunk.sent_first = false;
  }
  s.reopening = true;
  s.retry_pending = true;
  self->delayed_send(self, *delay, retry_atom::value, s.retry.token());
}

void ask_for_work(ReaderSelf* self);

// Opens the next chunk to read, or asks the chunker for one when there is none.
void open_next_chunk(ReaderSelf* self) {
  auto& s = self->state;
  if (s.cursor || s.retry_pending) return;
  if (s.to_read.empty()) return ask_for_work(self);
  Status opened = open_front_chunk(s);
  if (!opened) return reading_failed(self, opened);
  if (s.reopening) {
    ChunkInFlight& chunk = s.chunks.at(s.to_read.front());
    const TableJob& job = s.plan->tables[chunk.work.table_index];
    std::cerr << (chunk.group ? "warning: source connection lost; copying the FK group of " + job.source.str() +
                                    " again from a new snapshot (its target tables are emptied first)\n"
                  : chunk.whole ? "warning: source connection lost; copying " + job.source.str() +
                                      " again from a new snapshot (its target table is emptied first)\n"
                                : "warning: source connection lost; re-reading " + chunk.work.range.describe(job) +
                                      " from its start\n");
    s.reopening = false;
  }
  schedule_produce(self);
}

void ask_for_work(ReaderSelf* self) {
  auto& s = self->state;
  if (s.asking || s.no_more_work || s.cursor || !s.to_read.empty()) return;
  s.asking = true;
  self->request(s.chunker, caf::infinite, next_chunk_atom::value)
      .then(
          [=](ChunkWork& work) {
            auto& s = self->state;
            s.asking = false;
            if (!work.has_work) {
              s.no_more_work = true;
              finish_if_idle(self);
              return;
            }
            if (!work.snapshot_group.empty()) {
              // An FK snapshot group: its tables read whole, one after another, in one snapshot.
              uint32_t group = work.snapshot_group.front() + 1;
              s.groups[group] = work.snapshot_group;
              requeue_group(s, group);
              open_next_chunk(self);
              return;
            }
            bool keyless = s.plan->tables[work.table_index].key.kind == RowKey::Kind::kNone;
            auto key = std::make_pair(work.table_index, work.range.id);
            s.chunks[key] = ChunkInFlight{std::move(work), 0, false, keyless, false, 0, 0, BinlogPosition{}};
            s.to_read.push_back(key);
            open_next_chunk(self);
          },
          [=](caf::error&) { self->quit(); });
}

// Sends the batch that was read once its rows are paid for, and moves on: the next batch, or the
// next chunk. A batch of a keyless copy that was begun again meanwhile (redo) is dropped.
void dispatch(ReaderSelf* self) {
  auto& s = self->state;
  BatchEnvelope envelope = std::move(*s.unpaid);
  s.unpaid.reset();
  ChunkKey key = s.unpaid_key;
  auto it = s.chunks.find(key);
  if (it == s.chunks.end() || s.to_read.empty() || s.to_read.front() != key ||
      it->second.generation != envelope.generation) {
    schedule_produce(self);
    return;
  }
  ChunkInFlight& current = it->second;
  if (envelope.batch.rows > 0 || envelope.restart_chunk) {
    --s.credits;
    ++current.unacknowledged;
    current.sent_first = true;
    // A whole table's batches all go to one applier, so its restart runs before them.
    auto& applier = current.whole ? s.appliers[key.first % s.appliers.size()]
                                  : s.appliers[s.next_applier++ % s.appliers.size()];
    self->send(applier, std::move(envelope));
  }
  if (s.unpaid_last) {
    current.fully_read = true;
    s.cursor.reset();
    s.to_read.pop_front();
    // The snapshot ends after the table, or after the last table of its FK group.
    bool group_goes_on = current.group != 0 && !s.to_read.empty() &&
                         s.chunks.at(s.to_read.front()).group == current.group;
    if (current.whole && !group_goes_on) {
      s.snapshot_group = 0;
      if (!s.source->execute("COMMIT")) s.source.reset();
    }
    complete_chunk_if_done(self, key);
    open_next_chunk(self);
    finish_if_idle(self);
  } else {
    schedule_produce(self);
  }
}

// The applier could not tell whether a batch of a keyless table was written (the target went
// away in mid-statement): copying the table again from a new snapshot is the only exact answer.
void redo_keyless(ReaderSelf* self, ChunkKey key, uint32_t generation) {
  auto& s = self->state;
  auto it = s.chunks.find(key);
  if (it == s.chunks.end() || it->second.generation != generation) return;  // already being redone
  ChunkInFlight& chunk = it->second;
  std::cerr << ("warning: a batch of keyless table " + s.plan->tables[key.first].source.str() +
                " may or may not have reached the target; copying the table again from a new snapshot\n");
  if (chunk.group != 0) {
    // Its FK group shares the snapshot: the whole group is copied again.
    bool reading_group = !s.to_read.empty() && s.chunks.at(s.to_read.front()).group == chunk.group;
    if (reading_group && s.cursor) drop_source(s);
    if (s.snapshot_group == chunk.group) drop_source(s);
    requeue_group(s, chunk.group);
    open_next_chunk(self);
    return;
  }
  ++chunk.generation;
  chunk.sent_first = false;
  chunk.fully_read = false;
  bool reading_it = !s.to_read.empty() && s.to_read.front() == key;
  if (reading_it && s.cursor) {
    drop_source(s);
    open_next_chunk(self);
  } else if (!queued_for_reading(s, key)) {
    s.to_read.push_back(key);
    open_next_chunk(self);
  }
}

caf::behavior reader_impl(ReaderSelf* self, std::shared_ptr<const Plan> plan, caf::actor chunker,
                          std::vector<caf::actor> appliers, caf::actor coordinator, caf::actor budget) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.chunker = std::move(chunker);
  s.appliers = std::move(appliers);
  s.coordinator = std::move(coordinator);
  s.budget = std::move(budget);
  s.credits = std::max(1, s.plan->options.credits);
  return {
      [=](start_atom) { ask_for_work(self); },
      [=](produce_atom) {
        auto& s = self->state;
        s.produce_scheduled = false;
        if (s.paused || s.unpaid || !s.cursor || s.credits <= 0) return;
        auto batch = s.cursor->next_batch();
        if (!batch) return reading_failed(self, batch.status());
        s.retry.succeeded();
        auto key = s.to_read.front();
        ChunkInFlight& current = s.chunks.at(key);
        bool restart = current.whole && !current.sent_first;
        s.unpaid_last = batch->last_of_chunk;
        s.unpaid_key = key;
        s.unpaid = BatchEnvelope{key.first, std::move(batch).value(), restart, current.generation};
        if (s.unpaid->batch.rows == 0) return dispatch(self);
        // The rows are paid for before they are sent: the budget answers once it has granted them all.
        self->request(s.budget, caf::infinite, take_atom::value, s.unpaid->batch.rows)
            .then([=](uint64_t) { dispatch(self); },
                  [=](caf::error& e) {
                    fail(self, self->state.coordinator, "copy rate limiter: " + caf::to_string(e));
                    self->quit();
                  });
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.retry_pending || token != s.retry.token()) return;
        s.retry_pending = false;
        open_next_chunk(self);
      },
      [=](redo_atom, uint32_t table_index, uint64_t chunk_id, uint32_t generation) {
        redo_keyless(self, std::make_pair(table_index, chunk_id), generation);
      },
      [=](pause_atom) { self->state.paused = true; },
      [=](resume_atom) {
        self->state.paused = false;
        schedule_produce(self);
      },
      [=](credit_atom, const BatchAck& ack) {
        auto& s = self->state;
        ++s.credits;
        auto key = std::make_pair(ack.table_index, ack.chunk_id);
        auto it = s.chunks.find(key);
        if (it != s.chunks.end()) --it->second.unacknowledged;
        complete_chunk_if_done(self, key);
        schedule_produce(self);
        finish_if_idle(self);
      },
  };
}

// --- applier ---

struct PendingBatch {
  BatchEnvelope envelope;
  caf::actor reader;
};

struct ApplierState {
  std::shared_ptr<const Plan> plan;
  caf::actor coordinator;
  caf::actor reporter;
  std::unique_ptr<Connection> target;
  std::map<uint32_t, std::unique_ptr<copy::BatchWriter>> writers;  // by table index
  // Batches in arrival order (at most readers × credits): the front is written, or waits for the
  // retry while the target is down; the rest wait behind it.
  std::deque<PendingBatch> queue;
  // Keyless tables whose copy is being redone: their batches are dropped until the next restart.
  std::set<uint32_t> discarding;
  RetryState retry;
  bool retry_pending = false;
  static inline const char* name = "applier";
};

Status connect_target(ApplierState& s) {
  s.writers.clear();
  s.target.reset();
  auto connection = Connection::open(s.plan->target, "target");
  if (!connection) return connection.status();
  s.target = std::move(connection).value();
  return copy::prepare_target_session(*s.target);
}

// Writes one batch. `reached_write` tells whether the failure (if any) came from the write
// itself, whose outcome is then unknown, rather than from connecting.
Status write_once(ApplierState& s, const BatchEnvelope& envelope, bool* reached_write) {
  *reached_write = false;
  if (!s.target) OMSQL_RETURN_IF_ERROR(connect_target(s));
  auto& writer = s.writers[envelope.table_index];
  if (!writer) {
    auto opened = copy::BatchWriter::open(*s.target, s.plan->tables[envelope.table_index]);
    if (!opened) return opened.status();
    writer = std::move(opened).value();
  }
  *reached_write = true;
  if (envelope.restart_chunk) OMSQL_RETURN_IF_ERROR(writer->empty_table());
  if (envelope.batch.rows == 0) return Status::ok();
  return writer->write(envelope.batch);
}

void acknowledge(caf::stateful_actor<ApplierState>* self, const PendingBatch& pending, bool written) {
  auto& s = self->state;
  const BatchEnvelope& envelope = pending.envelope;
  BatchAck ack{envelope.table_index, envelope.batch.chunk_id, written ? envelope.batch.rows : 0,
               written ? envelope.batch.data.size() : 0};
  self->send(pending.reader, credit_atom::value, ack);
  if (written) self->send(s.reporter, progress_atom::value, ack);
}

// Writes the queued batches in order. A transient failure is retried on a fresh connection after
// the backoff (the batch is one idempotent statement); meanwhile the queue holds, which is the
// backpressure the readers should feel. A keyless batch whose write was cut off may or may not
// have been committed, so its table is copied again instead (REPLACE cannot make that harmless).
void write_queued(caf::stateful_actor<ApplierState>* self) {
  auto& s = self->state;
  while (!s.retry_pending && !s.queue.empty()) {
    PendingBatch& pending = s.queue.front();
    const BatchEnvelope& envelope = pending.envelope;
    const TableJob& job = s.plan->tables[envelope.table_index];
    bool keyless = job.key.kind == RowKey::Kind::kNone;
    if (keyless && s.discarding.count(envelope.table_index)) {
      if (!envelope.restart_chunk) {
        acknowledge(self, pending, false);
        s.queue.pop_front();
        continue;
      }
      s.discarding.erase(envelope.table_index);
    }
    bool reached_write = false;
    Status status = write_once(s, envelope, &reached_write);
    if (status) {
      s.retry.succeeded();
      acknowledge(self, pending, true);
      s.queue.pop_front();
      continue;
    }
    if (status.is_transient()) {
      s.target.reset();
      s.writers.clear();
      if (keyless && reached_write && !envelope.restart_chunk) {
        self->send(pending.reader, redo_atom::value, envelope.table_index, envelope.batch.chunk_id, envelope.generation);
        s.discarding.insert(envelope.table_index);
        acknowledge(self, pending, false);
        s.queue.pop_front();
        continue;
      }
      auto delay = next_retry(s.retry, s.plan->options.retry, "writing a batch of " + job.target.str(), status);
      if (delay) {
        s.retry_pending = true;
        self->delayed_send(self, *delay, retry_atom::value, s.retry.token());
        return;
      }
      status = delay.status();
    }
    fail(self, s.coordinator, status.message());
    self->quit();
    return;
  }
}

caf::behavior applier_impl(caf::stateful_actor<ApplierState>* self, std::shared_ptr<const Plan> plan,
                           caf::actor coordinator, caf::actor reporter) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.coordinator = std::move(coordinator);
  s.reporter = std::move(reporter);
  return {
      [=](BatchEnvelope& envelope) {
        auto& s = self->state;
        s.queue.push_back(PendingBatch{std::move(envelope), caf::actor_cast<caf::actor>(self->current_sender())});
        write_queued(self);
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.retry_pending || token != s.retry.token()) return;
        s.retry_pending = false;
        write_queued(self);
      },
  };
}

}  // namespace

caf::actor spawn_chunker(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                         std::shared_ptr<const TaskState> state, caf::actor coordinator) {
  return system.spawn<caf::detached>(chunker_impl, std::move(plan), std::move(state), std::move(coordinator));
}

caf::actor spawn_reader(caf::actor_system& system, std::shared_ptr<const Plan> plan, caf::actor chunker,
                        std::vector<caf::actor> appliers, caf::actor coordinator, caf::actor budget) {
  return system.spawn<caf::detached>(reader_impl, std::move(plan), std::move(chunker), std::move(appliers),
                                     std::move(coordinator), std::move(budget));
}

caf::actor spawn_applier(caf::actor_system& system, std::shared_ptr<const Plan> plan, caf::actor coordinator,
                         caf::actor reporter) {
  return system.spawn<caf::detached>(applier_impl, std::move(plan), std::move(coordinator), std::move(reporter));
}

}  // namespace omsql::actors
