#include "actors/copy_actors.hpp"

#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "actors/messages.hpp"
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
    if (table_copy_done(s, index)) continue;
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

caf::behavior chunker_impl(caf::stateful_actor<ChunkerState>* self, std::shared_ptr<const Plan> plan,
                           std::shared_ptr<const TaskState> task, caf::actor coordinator) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.task = std::move(task);
  s.coordinator = std::move(coordinator);
  return {
      [=](next_chunk_atom) -> ChunkWork {
        auto& s = self->state;
        if (!s.source) {
          auto connection = Connection::open(s.plan->source, "source");
          if (!connection) {
            fail(self, s.coordinator, connection.status().message());
            return ChunkWork{};
          }
          s.source = std::move(connection).value();
          if (auto st = copy::prepare_source_session(*s.source); !st) {
            fail(self, s.coordinator, st.message());
            return ChunkWork{};
          }
        }
        while (true) {
          open_tables(s);
          if (s.open_tables.empty()) return ChunkWork{};
          size_t slot = s.turn++ % s.open_tables.size();
          size_t index = s.open_tables[slot];
          const TableJob& job = s.plan->tables[index];
          auto next = s.planners[index]->next(*s.source);
          if (!next && next.status().is_transient()) {
            // A lost source connection: the planner is unchanged on error, so ask again on a new one.
            copy::RetryPolicy policy;
            policy.max_attempts = 8;
            Status retried = copy::retry_with_backoff(
                [&]() -> Status {
                  auto connection = Connection::open(s.plan->source, "source");
                  if (!connection) return connection.status();
                  OMSQL_RETURN_IF_ERROR(copy::prepare_source_session(**connection));
                  s.source = std::move(connection).value();
                  next = s.planners[index]->next(*s.source);
                  return next ? Status::ok() : next.status();
                },
                policy);
            if (!retried) next = retried;
          }
          if (!next) {
            fail(self, s.coordinator, next.status().with_context("chunking " + job.source.str()).message());
            return ChunkWork{};
          }
          if (next->has_value()) {
            ++s.chunks_issued[index];
            return ChunkWork{true, static_cast<uint32_t>(index), std::move(**next)};
          }
          // This table is fully handed out: its chunk count completes the coordinator's tracking.
          self->send(s.coordinator, chunks_total_atom::value, static_cast<uint32_t>(index), s.chunks_issued[index]);
          s.planners.erase(index);
          s.chunks_issued.erase(index);
          s.open_tables.erase(s.open_tables.begin() + static_cast<std::ptrdiff_t>(slot));
        }
      },
  };
}

// --- reader ---

struct ChunkInFlight {
  ChunkWork work;
  uint64_t unacknowledged = 0;   // batches sent, not yet committed
  bool fully_read = false;
  bool keyless = false;          // one chunk: the whole table, read in one consistent snapshot
  bool sent_first = false;
  BinlogPosition snapshot;
};

struct ReaderState {
  std::shared_ptr<const Plan> plan;
  caf::actor chunker;
  std::vector<caf::actor> appliers;
  caf::actor coordinator;
  std::unique_ptr<Connection> source;
  std::unique_ptr<copy::ChunkCursor> cursor;          // the chunk being read, if any
  std::pair<uint32_t, uint64_t> cursor_key;          // (table, chunk id) of `cursor`
  std::map<std::pair<uint32_t, uint64_t>, ChunkInFlight> chunks;  // (table, chunk id)
  int credits = 0;
  size_t next_applier = 0;
  bool asking = false;                                // a next_chunk request is outstanding
  bool no_more_work = false;
  bool produce_scheduled = false;
  bool paused = false;                                // the task was paused: hold the credits
  static inline const char* name = "reader";
};

void finish_if_idle(caf::stateful_actor<ReaderState>* self) {
  auto& s = self->state;
  if (s.no_more_work && !s.cursor && s.chunks.empty()) {
    self->send(s.coordinator, reader_done_atom::value);
    self->quit();
  }
}

void schedule_produce(caf::stateful_actor<ReaderState>* self) {
  auto& s = self->state;
  if (s.produce_scheduled || s.paused || !s.cursor || s.credits <= 0) return;
  s.produce_scheduled = true;
  self->send(self, produce_atom::value);
}

void complete_chunk_if_done(caf::stateful_actor<ReaderState>* self, std::pair<uint32_t, uint64_t> key) {
  auto& s = self->state;
  auto it = s.chunks.find(key);
  if (it == s.chunks.end() || !it->second.fully_read || it->second.unacknowledged > 0) return;
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

// Reconnects to the source with backoff and reopens `work`'s chunk from its start.
Status reopen_chunk(caf::stateful_actor<ReaderState>* self, const ChunkWork& work) {
  auto& s = self->state;
  s.cursor.reset();
  s.source.reset();
  copy::RetryPolicy policy;
  policy.max_attempts = 8;
  return copy::retry_with_backoff(
      [&]() -> Status {
        auto connection = Connection::open(s.plan->source, "source");
        if (!connection) return connection.status();
        OMSQL_RETURN_IF_ERROR(copy::prepare_source_session(**connection));
        copy::BatchLimits limits{s.plan->options.batch_rows, s.plan->options.batch_bytes};
        auto cursor = copy::ChunkCursor::open(**connection, s.plan->tables[work.table_index], work.range, limits);
        if (!cursor) return cursor.status();
        s.source = std::move(connection).value();
        s.cursor = std::move(cursor).value();
        std::cerr << "warning: source connection lost; re-reading "
                  << work.range.describe(s.plan->tables[work.table_index]) << "\n";
        return Status::ok();
      },
      policy);
}

void ask_for_work(caf::stateful_actor<ReaderState>* self) {
  auto& s = self->state;
  if (s.asking || s.no_more_work || s.cursor) return;
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
            const TableJob& job = s.plan->tables[work.table_index];
            copy::BatchLimits limits{s.plan->options.batch_rows, s.plan->options.batch_bytes};
            BinlogPosition snapshot;
            bool keyless = job.key.kind == RowKey::Kind::kNone;
            if (keyless) {
              // Whole-row changes cannot be replayed twice: read the table in one snapshot whose
              // binlog position tells the replayer where this table's changes begin.
              auto position = open_snapshot(*s.source);
              if (!position) {
                fail(self, s.coordinator, position.status().message());
                self->quit();
                return;
              }
              snapshot = *position;
            }
            auto cursor = copy::ChunkCursor::open(*s.source, job, work.range, limits);
            if (!cursor) {
              fail(self, s.coordinator, cursor.status().message());
              self->quit();
              return;
            }
            s.cursor = std::move(cursor).value();
            auto key = std::make_pair(work.table_index, work.range.id);
            s.cursor_key = key;
            s.chunks[key] = ChunkInFlight{std::move(work), 0, false, keyless, false, snapshot};
            schedule_produce(self);
          },
          [=](caf::error&) { self->quit(); });
}

caf::behavior reader_impl(caf::stateful_actor<ReaderState>* self, std::shared_ptr<const Plan> plan,
                          caf::actor chunker, std::vector<caf::actor> appliers, caf::actor coordinator) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.chunker = std::move(chunker);
  s.appliers = std::move(appliers);
  s.coordinator = std::move(coordinator);
  s.credits = std::max(1, s.plan->options.credits);
  return {
      [=](start_atom) {
        auto& s = self->state;
        auto connection = Connection::open(s.plan->source, "source");
        if (!connection) {
          fail(self, s.coordinator, connection.status().message());
          self->quit();
          return;
        }
        s.source = std::move(connection).value();
        if (auto st = copy::prepare_source_session(*s.source); !st) {
          fail(self, s.coordinator, st.message());
          self->quit();
          return;
        }
        ask_for_work(self);
      },
      [=](produce_atom) {
        auto& s = self->state;
        s.produce_scheduled = false;
        if (s.paused || !s.cursor || s.credits <= 0) return;
        auto batch = s.cursor->next_batch();
        auto key = s.cursor_key;
        auto current = s.chunks.find(key);
        if (!batch && batch.status().is_transient() &&
            s.plan->tables[key.first].key.kind != RowKey::Kind::kNone) {
          // The source went away in mid-chunk: read the chunk again from its start on a new
          // connection. Rows already sent are written again, which REPLACE by key makes harmless.
          // (A table without a key has no such guarantee: it fails, and a rerun copies it anew.)
          Status reopened = reopen_chunk(self, current->second.work);
          if (reopened) {
            schedule_produce(self);
            return;
          }
          batch = reopened;
        }
        if (!batch) {
          fail(self, s.coordinator, batch.status().message());
          self->quit();
          return;
        }
        bool last = batch->last_of_chunk;
        bool restart = current->second.keyless && !current->second.sent_first;
        if (batch->rows > 0 || restart) {
          --s.credits;
          ++current->second.unacknowledged;
          current->second.sent_first = true;
          // A keyless table's batches all go to one applier, so its restart runs before them.
          auto& applier = current->second.keyless ? s.appliers[key.first % s.appliers.size()]
                                                  : s.appliers[s.next_applier++ % s.appliers.size()];
          self->send(applier, BatchEnvelope{key.first, std::move(batch).value(), restart});
        }
        if (last) {
          current->second.fully_read = true;
          s.cursor.reset();
          if (current->second.keyless) (void)s.source->execute("COMMIT");  // ends the snapshot
          complete_chunk_if_done(self, key);
          ask_for_work(self);
          finish_if_idle(self);
        } else {
          schedule_produce(self);
        }
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

struct ApplierState {
  std::shared_ptr<const Plan> plan;
  caf::actor coordinator;
  caf::actor reporter;
  std::unique_ptr<Connection> target;
  std::map<uint32_t, std::unique_ptr<copy::BatchWriter>> writers;  // by table index
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

Status write_once(ApplierState& s, const BatchEnvelope& envelope) {
  if (!s.target) OMSQL_RETURN_IF_ERROR(connect_target(s));
  auto& writer = s.writers[envelope.table_index];
  if (!writer) {
    auto opened = copy::BatchWriter::open(*s.target, s.plan->tables[envelope.table_index]);
    if (!opened) return opened.status();
    writer = std::move(opened).value();
  }
  if (envelope.restart_chunk) OMSQL_RETURN_IF_ERROR(writer->restart_chunk(copy::ChunkRange{}));
  if (envelope.batch.rows == 0) return Status::ok();
  return writer->write(envelope.batch);
}

// Transient failures (lost connection, deadlock) are retried on a fresh connection: the batch is
// one idempotent statement, so writing it again is safe. Blocking here is fine: the applier runs
// detached, and holding the batch is exactly the backpressure the reader should feel.
Status write_with_retry(ApplierState& s, const BatchEnvelope& envelope) {
  auto delay = std::chrono::milliseconds(250);
  constexpr int kAttempts = 8;
  Status status;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    status = write_once(s, envelope);
    if (status || !status.is_transient()) return status;
    s.target.reset();
    s.writers.clear();
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(8000));
  }
  return status.with_context("gave up after " + std::to_string(kAttempts) + " attempts");
}

caf::behavior applier_impl(caf::stateful_actor<ApplierState>* self, std::shared_ptr<const Plan> plan,
                           caf::actor coordinator, caf::actor reporter) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.coordinator = std::move(coordinator);
  s.reporter = std::move(reporter);
  return {
      [=](const BatchEnvelope& envelope) {
        auto& s = self->state;
        Status status = write_with_retry(s, envelope);
        if (!status) {
          fail(self, s.coordinator, status.message());
          self->quit();
          return;
        }
        BatchAck ack{envelope.table_index, envelope.batch.chunk_id, envelope.batch.rows, envelope.batch.data.size()};
        self->send(caf::actor_cast<caf::actor>(self->current_sender()), credit_atom::value, ack);
        self->send(s.reporter, progress_atom::value, ack);
      },
  };
}

}  // namespace

caf::actor spawn_chunker(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                         std::shared_ptr<const TaskState> state, caf::actor coordinator) {
  return system.spawn<caf::detached>(chunker_impl, std::move(plan), std::move(state), std::move(coordinator));
}

caf::actor spawn_reader(caf::actor_system& system, std::shared_ptr<const Plan> plan, caf::actor chunker,
                        std::vector<caf::actor> appliers, caf::actor coordinator) {
  return system.spawn<caf::detached>(reader_impl, std::move(plan), std::move(chunker), std::move(appliers),
                                     std::move(coordinator));
}

caf::actor spawn_applier(caf::actor_system& system, std::shared_ptr<const Plan> plan, caf::actor coordinator,
                         caf::actor reporter) {
  return system.spawn<caf::detached>(applier_impl, std::move(plan), std::move(coordinator), std::move(reporter));
}

}  // namespace omsql::actors
