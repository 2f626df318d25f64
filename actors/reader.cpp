// The reader: streams chunks from the source into batches under credits (actors/copy_actors.hpp).
#include <algorithm>
#include <chrono>
#include <deque>
#include <iostream>
#include <map>
#include <optional>

#include "actors/copy_actors.hpp"
#include "actors/retry.hpp"
#include "actors/supervision.hpp"
#include "src/engine/engine.hpp"
#include "src/log/log.hpp"

namespace omsql::actors {

namespace {

using ChunkKey = std::pair<uint32_t, uint64_t>;  // (table index, chunk id)

struct ChunkInFlight {
  ChunkWork work;
  uint64_t unacknowledged = 0;   // batches sent, not yet committed
  bool fully_read = false;
  bool whole = false;            // one chunk: the whole table, read in one consistent snapshot
  bool sent_first = false;       // of this generation: the next batch carries the restart flag if not
  uint32_t generation = 0;       // whole: counts the copies of the table begun by this reader
  uint32_t group = 0;            // an FK snapshot group's id (its first table + 1), 0 for none
  SourcePosition snapshot;
  bool failed = false;           // its table's copy failed (TableFailure): it never completes
  uint64_t rows = 0;             // committed since the chunk was last read from its start
  uint64_t bytes = 0;
};

struct ReaderState {
  std::shared_ptr<const Plan> plan;
  chunker_actor chunker;
  std::vector<applier_actor> appliers;
  copy_events_actor coordinator;
  rate_limiter_actor budget;                                 // the task's shared row budget (rate limiter)
  const engine::Engine* engine = nullptr;             // the source's (engine seam; a fake in tests/actors)
  std::unique_ptr<engine::SourceSession> source;
  std::unique_ptr<engine::RowStream> cursor;          // reading to_read.front(), when open
  // Chunks to read, in order: the front is being read; a chunk to read again joins the back.
  std::deque<ChunkKey> to_read;
  std::map<ChunkKey, ChunkInFlight> chunks;
  // FK snapshot groups given to this reader, by id: their tables, read one after another in the
  // snapshot open for `snapshot_group` (0: none open).
  std::map<uint32_t, std::vector<uint32_t>> groups;
  uint32_t snapshot_group = 0;
  SourcePosition group_snapshot;
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

using ReaderSelf = reader_actor::stateful_pointer<ReaderState>;

bool queued_for_reading(const ReaderState& s, ChunkKey key) {
  return std::find(s.to_read.begin(), s.to_read.end(), key) != s.to_read.end();
}

void finish_if_idle(ReaderSelf self) {
  auto& s = self->state;
  if (s.no_more_work && !s.asking && s.to_read.empty() && !s.cursor && s.chunks.empty()) {
    self->send(s.coordinator, reader_done_atom::value);
    self->quit();
  }
}

void schedule_produce(ReaderSelf self) {
  auto& s = self->state;
  if (s.produce_scheduled || s.paused || s.unpaid || !s.cursor || s.credits <= 0) return;
  s.produce_scheduled = true;
  self->send(self, produce_atom::value);
}

void complete_chunk_if_done(ReaderSelf self, ChunkKey key) {
  auto& s = self->state;
  auto it = s.chunks.find(key);
  if (it == s.chunks.end()) return;
  if (it->second.failed) {
    if (it->second.unacknowledged == 0 && !queued_for_reading(s, key)) s.chunks.erase(it);
    return;
  }
  if (!it->second.fully_read || it->second.unacknowledged > 0) return;
  if (queued_for_reading(s, key)) return;
  self->send(s.coordinator, chunk_done_atom::value,
             ChunkDone{it->second.work.table, it->second.work.range, it->second.snapshot, it->second.rows,
                       it->second.bytes});
  s.chunks.erase(it);
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
  const TableJob& job = table_of(*s.plan, chunk.work.table);
  if (!s.source) {
    auto session = s.engine->open_source(s.plan->source);
    if (!session) return session.status();
    s.source = std::move(session).value();
  }
  if (chunk.group != 0 && s.snapshot_group == chunk.group) {
    chunk.snapshot = s.group_snapshot;  // the group's next table, in the snapshot already open
  } else if (chunk.whole) {
    // Whole-row changes cannot be replayed twice, and FK actions are derived from the rows of a
    // group's tables at one moment: read the table (the group) in one snapshot whose binlog
    // position tells the replayer where its changes begin.
    auto position = s.source->begin_snapshot();
    if (!position) return position.status();
    chunk.snapshot = *position;
    s.snapshot_group = chunk.group;
    s.group_snapshot = *position;
  }
  copy::BatchLimits limits{s.plan->options.batch_rows, s.plan->options.batch_bytes};
  auto cursor = s.source->read_rows(job, chunk.work.range, limits, copy::wire_format_for(s.plan->target));
  if (!cursor) return cursor.status();
  s.cursor = std::move(cursor).value();
  return Status::ok();
}

void open_next_chunk(ReaderSelf self);

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
    if (added) chunk.work = ChunkWork{true, table_ref(*s.plan, table), copy::ChunkRange{}, {}};
    chunk.whole = true;
    chunk.group = group;
    chunk.fully_read = false;
    chunk.sent_first = false;
    chunk.rows = chunk.bytes = 0;
    ++chunk.generation;
    s.to_read.push_back(key);
  }
  for (const auto& key : rest) s.to_read.push_back(key);
}

// A failure while opening or reading the front chunk. Transient: the chunk is read again from its
// start on a new connection once the backoff is over — rows already sent are written again,
// which REPLACE by key makes harmless; a keyless table is copied again from a new snapshot, its
// first batch emptying the target table. Permanent (or out of patience): the task fails.
void reading_failed(ReaderSelf self, const Status& error) {
  auto& s = self->state;
  drop_source(s);
  ChunkInFlight& chunk = s.chunks.at(s.to_read.front());
  const TableJob& job = table_of(*s.plan, chunk.work.table);
  Result<std::chrono::milliseconds> delay = error;
  if (error.is_transient())
    delay = next_retry(s.retry, s.plan->options.retry, "reading " + chunk.work.range.describe(job), error);
  if (!error.is_transient() && s.plan->phases.incremental && !chunk.whole && chunk.group == 0) {
    // This table alone (a DDL may have changed it under the copy): its chunk is dropped, the
    // coordinator decides, and this reader goes on with the other tables' chunks.
    const ChunkKey key = s.to_read.front();
    self->send(s.coordinator, table_failed_atom::value,
               TableFailure{chunk.work.table, error.with_context("reading " + chunk.work.range.describe(job)).message()});
    chunk.failed = true;
    s.to_read.pop_front();
    complete_chunk_if_done(self, key);
    open_next_chunk(self);
    finish_if_idle(self);
    return;
  }
  if (!delay) {
    self->send(s.coordinator, failed_atom::value, delay.status().message());
    self->quit();
    return;
  }
  // Read again from its start: its rows are written again and counted again.
  chunk.rows = chunk.bytes = 0;
  if (chunk.group != 0) requeue_group(s, chunk.group);
  else if (chunk.whole) {
    ++chunk.generation;
    chunk.sent_first = false;
  }
  s.reopening = true;
  s.retry_pending = true;
  self->delayed_send(self, *delay, retry_atom::value, s.retry.token());
}

void ask_for_work(ReaderSelf self);

// Opens the next chunk to read, or asks the chunker for one when there is none.
void open_next_chunk(ReaderSelf self) {
  auto& s = self->state;
  if (s.cursor || s.retry_pending) return;
  if (s.to_read.empty()) return ask_for_work(self);
  Status opened = open_front_chunk(s);
  if (!opened) return reading_failed(self, opened);
  if (s.reopening) {
    ChunkInFlight& chunk = s.chunks.at(s.to_read.front());
    const TableJob& job = table_of(*s.plan, chunk.work.table);
    log::warning("copy") << (chunk.group ? "source connection lost; copying the FK group of " + job.source.str() +
                                               " again from a new snapshot (its target tables are emptied first)"
                             : chunk.whole ? "source connection lost; copying " + job.source.str() +
                                                 " again from a new snapshot (its target table is emptied first)"
                                           : "source connection lost; re-reading " + chunk.work.range.describe(job) +
                                                 " from its start");
    s.reopening = false;
  }
  schedule_produce(self);
}

void ask_for_work(ReaderSelf self) {
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
              uint32_t group = work.snapshot_group.front().index + 1;
              for (const TableRef& table : work.snapshot_group) {
                (void)table_of(*s.plan, table);  // the chunker's plan is this one
                s.groups[group].push_back(table.index);
              }
              requeue_group(s, group);
              open_next_chunk(self);
              return;
            }
            bool keyless = table_of(*s.plan, work.table).key.kind == RowKey::Kind::kNone;
            auto key = std::make_pair(work.table.index, work.range.id);
            s.chunks[key] = ChunkInFlight{std::move(work), 0, false, keyless, false, 0, 0, SourcePosition{}};
            s.to_read.push_back(key);
            open_next_chunk(self);
          },
          [=](caf::error&) { self->quit(); });
}

// Sends the batch that was read once its rows are paid for, and moves on: the next batch, or the
// next chunk. A batch of a keyless copy that was begun again meanwhile (redo) is dropped.
void dispatch(ReaderSelf self) {
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
      if (!s.source->end_snapshot()) s.source.reset();
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
void redo_keyless(ReaderSelf self, ChunkKey key, uint32_t generation) {
  auto& s = self->state;
  auto it = s.chunks.find(key);
  if (it == s.chunks.end() || it->second.generation != generation) return;  // already being redone
  ChunkInFlight& chunk = it->second;
  log::warning("copy") << "a batch of keyless table " << s.plan->tables[key.first].source.str()
                       << " may or may not have reached the target; copying the table again from a new snapshot";
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
  chunk.rows = chunk.bytes = 0;
  bool reading_it = !s.to_read.empty() && s.to_read.front() == key;
  if (reading_it && s.cursor) {
    drop_source(s);
    open_next_chunk(self);
  } else if (!queued_for_reading(s, key)) {
    s.to_read.push_back(key);
    open_next_chunk(self);
  }
}

reader_actor::behavior_type reader_impl(ReaderSelf self, std::shared_ptr<const Plan> plan, chunker_actor chunker,
                                        std::vector<applier_actor> appliers, copy_events_actor coordinator,
                                        rate_limiter_actor budget, const engine::Engine* source_engine) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.plan = std::move(plan);
  s.engine = &engine::engine_or_default(source_engine, s.plan->source.dialect);
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
        s.unpaid = BatchEnvelope{current.work.table, std::move(batch).value(), restart, current.generation};
        if (s.unpaid->batch.rows == 0) return dispatch(self);
        // The rows are paid for before they are sent: the budget answers once it has granted them all.
        self->request(s.budget, caf::infinite, take_atom::value, s.unpaid->batch.rows)
            .then([=](uint64_t) { dispatch(self); },
                  [=](caf::error& e) {
                    self->send(self->state.coordinator, failed_atom::value, "copy rate limiter: " + caf::to_string(e));
                    self->quit();
                  });
      },
      [=](retry_atom, uint64_t token) {
        auto& s = self->state;
        if (!s.retry_pending || token != s.retry.token()) return;
        s.retry_pending = false;
        open_next_chunk(self);
      },
      [=](redo_atom, const RedoCopy& redo) {
        redo_keyless(self, std::make_pair(index_of(*self->state.plan, redo.table), redo.chunk_id),
                     redo.generation);
      },
      [=](pause_atom) { self->state.paused = true; },
      [=](resume_atom) {
        self->state.paused = false;
        schedule_produce(self);
      },
      [=](credit_atom, const BatchAck& ack) {
        auto& s = self->state;
        ++s.credits;
        auto key = std::make_pair(ack.table.index, ack.chunk_id);
        auto it = s.chunks.find(key);
        if (it != s.chunks.end()) {
          --it->second.unacknowledged;
          if (ack.failed) it->second.failed = true;
          it->second.rows += ack.rows;
          it->second.bytes += ack.bytes;
        }
        complete_chunk_if_done(self, key);
        schedule_produce(self);
        finish_if_idle(self);
      },
  };
}

}  // namespace

reader_actor spawn_reader(caf::actor_system& system, std::shared_ptr<const Plan> plan, chunker_actor chunker,
                          std::vector<applier_actor> appliers, copy_events_actor coordinator,
                          rate_limiter_actor budget, const engine::Engine* source_engine) {
  return system.spawn<caf::detached>(reader_impl, std::move(plan), std::move(chunker), std::move(appliers),
                                     std::move(coordinator), std::move(budget), source_engine);
}

}  // namespace omsql::actors
