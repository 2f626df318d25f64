#include "actors/incremental_actors.hpp"

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "actors/messages.hpp"
#include "src/apply/change_batch.hpp"
#include "src/binlog/ddl_scan.hpp"
#include "src/binlog/stream.hpp"
#include "src/checkpoint/checkpoint.hpp"
#include "src/copy/session.hpp"
#include "src/mysql/connection.hpp"
#include "src/spool/spool.hpp"

namespace omsql::actors {

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// --- tailer ---

struct TailerState {
  std::shared_ptr<const Plan> plan;
  std::string spool_dir;
  BinlogPosition start;
  caf::actor coordinator;
  caf::actor replayer;
  std::set<QualifiedName> wanted;
  std::map<QualifiedName, const TableDef*> definitions;
  std::unique_ptr<SpoolWriter> spool;
  std::unique_ptr<BinlogStream> stream;
  std::chrono::milliseconds reconnect_delay{250};
  static inline const char* name = "binlog_tailer";
};

// The migrated table `ddl` names, if any: it changes what the task copies, and applying DDL is
// not supported yet, so the link stops with the statement in the message.
std::optional<std::string> ddl_touches(const TailerState& s, const DdlStatement& ddl) {
  for (const auto& table : s.wanted)
    if (ddl_touches_table(ddl.statement, ddl.schema, table)) return table.str();
  return std::nullopt;
}

Status open_stream(TailerState& s) {
  BinlogPosition from = s.spool->resume_position().empty() ? s.start : s.spool->resume_position();
  BinlogDecoderOptions options;
  options.wanted = [&s](const QualifiedName& table) { return s.wanted.count(table) > 0; };
  options.table_definition = [&s](const QualifiedName& table) -> const TableDef* {
    auto it = s.definitions.find(table);
    return it == s.definitions.end() ? nullptr : it->second;
  };
  BinlogStreamOptions stream_options;
  stream_options.heartbeat_period = std::chrono::milliseconds(1000);
  auto stream = BinlogStream::open(s.plan->source, from, std::move(options), stream_options);
  if (!stream) return stream.status();
  s.stream = std::move(stream).value();
  return Status::ok();
}

template <class Self>
void tailer_fail(Self* self, const std::string& message) {
  self->send(self->state.coordinator, failed_atom::value, message);
  self->quit();
}

caf::behavior tailer_impl(caf::stateful_actor<TailerState>* self, std::shared_ptr<const Plan> plan,
                          std::string spool_dir, BinlogPosition start, caf::actor coordinator) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.spool_dir = std::move(spool_dir);
  s.start = std::move(start);
  s.coordinator = std::move(coordinator);
  for (const auto& job : s.plan->tables) {
    s.wanted.insert(job.source);
    s.definitions[job.source] = &job.source_def;
  }
  return {
      [=](start_atom, caf::actor replayer) {
        auto& s = self->state;
        s.replayer = std::move(replayer);
        auto spool = SpoolWriter::open(s.spool_dir);
        if (!spool) return tailer_fail(self, spool.status().message());
        s.spool = std::move(spool).value();
        self->send(self, pull_atom::value);
      },
      [=](pull_atom) {
        auto& s = self->state;
        if (!s.stream) {
          Status opened = open_stream(s);
          if (!opened) {
            if (!opened.is_transient()) return tailer_fail(self, opened.message());
            std::cerr << "warning: " << opened.message() << " (retrying)\n";
            self->delayed_send(self, s.reconnect_delay, pull_atom::value);
            s.reconnect_delay = std::min(s.reconnect_delay * 2, std::chrono::milliseconds(10000));
            return;
          }
        }
        // Read for a bounded time, then fsync and hand the new end to the replayer, so that
        // stop requests are seen within a heartbeat and the spool is synced in groups.
        auto deadline = Clock::now() + std::chrono::milliseconds(200);
        bool appended = false;
        while (Clock::now() < deadline) {
          auto event = s.stream->next();
          if (!event) {
            s.stream.reset();
            if (!event.status().is_transient()) return tailer_fail(self, event.status().message());
            std::cerr << "warning: " << event.status().message() << " (reconnecting)\n";
            break;
          }
          if (!event->has_value()) break;  // stopped
          if (const auto* ddl = std::get_if<DdlStatement>(&**event)) {
            if (auto table = ddl_touches(s, *ddl)) {
              return tailer_fail(self, "source DDL on migrated table " + *table + " at " + ddl->position.str() +
                                           ": \"" + ddl->statement +
                                           "\" — applying DDL during sync is not supported; stop, migrate the "
                                           "change by hand, and rerun");
            }
          }
          auto appended_at = s.spool->append(**event);
          if (!appended_at) return tailer_fail(self, appended_at.status().message());
          appended = true;
          if (std::holds_alternative<Heartbeat>(**event)) break;
        }
        if (appended) {
          if (auto st = s.spool->sync(); !st) return tailer_fail(self, st.message());
          s.reconnect_delay = std::chrono::milliseconds(250);
          self->send(s.replayer, stored_atom::value,
                     SpoolStored{s.spool->synced_end(), s.spool->resume_position(), now_ms()});
        }
        self->send(self, pull_atom::value);
      },
      [=](applied_atom, const SpoolPosition& applied) {
        auto& s = self->state;
        if (s.spool) {
          if (auto st = s.spool->remove_segments_before(applied); !st)
            std::cerr << "warning: " << st.message() << "\n";
        }
      },
  };
}

// --- replayer ---

struct PendingTransaction {
  std::vector<RowChange> rows;
};

struct ReplayerState {
  std::shared_ptr<const Plan> plan;
  std::string spool_dir;
  std::string task_id;
  caf::actor tailer;
  caf::actor coordinator;
  std::map<QualifiedName, size_t> job_index;
  std::unique_ptr<Connection> target;
  std::unique_ptr<Connection> source;              // for the catch-up position only
  std::unique_ptr<SpoolReader> reader;
  std::vector<std::unique_ptr<apply::ChangeBatch>> batches;  // by table index
  PendingTransaction open_transaction;
  BinlogPosition checkpoint;                       // committed on the target
  BinlogPosition folded_through;                   // the last transaction end folded into `batches`
  SpoolPosition folded_spool_end;
  BinlogPosition catch_up_target;                  // source position when replay began
  SpoolStored stored;                              // from the tailer
  bool replaying = false;
  bool apply_scheduled = false;
  bool caught_up = false;
  bool paused = false;                             // hold applying; the spool keeps growing
  uint64_t events_applied = 0;
  uint64_t events_folded = 0;
  int64_t oldest_unapplied_ms = 0;
  Clock::time_point rate_start = Clock::now();
  uint64_t rate_events = 0;
  double events_per_second = 0;
  static inline const char* name = "replayer";
};

Status connect(ReplayerState& s) {
  if (s.target) return Status::ok();
  auto target = Connection::open(s.plan->target, "target");
  if (!target) return target.status();
  s.target = std::move(target).value();
  OMSQL_RETURN_IF_ERROR(copy::prepare_target_session(*s.target));
  OMSQL_RETURN_IF_ERROR(s.target->execute("SET SESSION foreign_key_checks = 0"));
  return checkpoint::ensure_table(*s.target);
}

// Commits every folded change and the checkpoint in one target transaction.
Status flush(ReplayerState& s) {
  if (s.folded_through.empty() || s.folded_through == s.checkpoint) return Status::ok();
  OMSQL_RETURN_IF_ERROR(connect(s));
  std::string script = "START TRANSACTION";
  OMSQL_RETURN_IF_ERROR(s.target->execute(script));
  for (auto& batch : s.batches) {
    if (!batch || batch->empty()) continue;
    for (const auto& statement : batch->statements()) {
      Status st = s.target->execute(statement);
      if (!st) {
        (void)s.target->execute("ROLLBACK");
        return st;
      }
    }
  }
  Status st = s.target->execute(checkpoint::upsert_sql(s.task_id, s.folded_through, 0));
  if (st) st = s.target->execute("COMMIT");
  if (!st) {
    (void)s.target->execute("ROLLBACK");
    return st;
  }
  for (auto& batch : s.batches)
    if (batch) batch->clear();
  s.checkpoint = s.folded_through;
  s.events_applied += s.events_folded;
  s.rate_events += s.events_folded;
  s.events_folded = 0;
  return Status::ok();
}

Status fold_transaction(ReplayerState& s, const BinlogPosition& end) {
  for (const auto& change : s.open_transaction.rows) {
    auto it = s.job_index.find(change.table);
    if (it == s.job_index.end()) continue;
    auto& batch = s.batches[it->second];
    if (!batch) batch = std::make_unique<apply::ChangeBatch>(s.plan->tables[it->second]);
    OMSQL_RETURN_IF_ERROR(batch->add(change));
    ++s.events_folded;
  }
  s.open_transaction.rows.clear();
  s.folded_through = end;
  return Status::ok();
}

uint64_t folded_bytes(const ReplayerState& s) {
  uint64_t total = 0;
  for (const auto& batch : s.batches)
    if (batch) total += batch->approximate_bytes();
  return total;
}

SyncStatus status_of(ReplayerState& s) {
  double elapsed = std::chrono::duration<double>(Clock::now() - s.rate_start).count();
  if (elapsed >= 2) {
    s.events_per_second = s.rate_events / elapsed;
    s.rate_events = 0;
    s.rate_start = Clock::now();
  }
  SyncStatus status;
  status.applied = s.checkpoint;
  status.stored = s.stored.source_position;
  status.events_applied = s.events_applied;
  status.events_per_second = s.events_per_second;
  bool behind = s.checkpoint < s.stored.source_position;
  status.lag_seconds = behind && s.oldest_unapplied_ms ? (now_ms() - s.oldest_unapplied_ms) / 1000.0 : 0;
  status.caught_up = s.caught_up;
  return status;
}

template <class Self>
void replayer_fail(Self* self, const std::string& message) {
  self->send(self->state.coordinator, failed_atom::value, message);
  self->quit();
}

// Applies what the spool holds in groups of transactions, up to what the tailer has synced.
template <class Self>
void apply_stored(Self* self) {
  auto& s = self->state;
  s.apply_scheduled = false;
  if (!s.replaying || s.paused) return;
  constexpr uint64_t kFlushBytes = 8 << 20;
  constexpr int kRecordsPerRound = 20000;
  for (int i = 0; i < kRecordsPerRound; ++i) {
    auto record = s.reader->next(s.stored.spool_end);
    if (!record) return replayer_fail(self, record.status().message());
    if (!record->has_value()) break;
    const Event& event = (*record)->event;
    const BinlogPosition& position = event_position(event);
    bool already_applied = !s.checkpoint.empty() && !(s.checkpoint < position);
    if (const auto* rows = std::get_if<RowsEvent>(&event)) {
      if (!already_applied)
        for (const auto& row : rows->rows) s.open_transaction.rows.push_back(row);
    } else if (std::holds_alternative<TransactionBegin>(event)) {
      s.open_transaction.rows.clear();
    } else if (!already_applied) {
      // TransactionCommit, DdlStatement (of other tables) and Heartbeat end a unit: fold it.
      if (auto st = fold_transaction(s, position); !st) return replayer_fail(self, st.message());
      s.folded_spool_end = (*record)->next;
      if (folded_bytes(s) >= kFlushBytes) {
        if (auto st = flush(s); !st) return replayer_fail(self, st.message());
      }
    }
  }
  if (auto st = flush(s); !st) return replayer_fail(self, st.message());
  self->send(s.tailer, applied_atom::value, s.folded_spool_end);
  if (!(s.checkpoint < s.stored.source_position)) s.oldest_unapplied_ms = 0;
  if (!s.caught_up && !s.catch_up_target.empty() && !(s.checkpoint < s.catch_up_target)) s.caught_up = true;
  self->send(s.coordinator, sync_status_atom::value, status_of(s));
  // More may be waiting in the spool (the round was cut short): continue without waiting.
  if (s.reader && s.checkpoint < s.stored.source_position && !s.apply_scheduled) {
    s.apply_scheduled = true;
    self->send(self, apply_atom::value);
  }
}

caf::behavior replayer_impl(caf::stateful_actor<ReplayerState>* self, std::shared_ptr<const Plan> plan,
                            std::string spool_dir, std::string task_id, caf::actor tailer, caf::actor coordinator) {
  auto& s = self->state;
  s.plan = std::move(plan);
  s.spool_dir = std::move(spool_dir);
  s.task_id = std::move(task_id);
  s.tailer = std::move(tailer);
  s.coordinator = std::move(coordinator);
  for (size_t i = 0; i < s.plan->tables.size(); ++i) s.job_index[s.plan->tables[i].source] = i;
  s.batches.resize(s.plan->tables.size());
  return {
      [=](stored_atom, const SpoolStored& stored) {
        auto& s = self->state;
        if (!s.oldest_unapplied_ms && s.checkpoint < stored.source_position) s.oldest_unapplied_ms = stored.stored_at_ms;
        s.stored = stored;
        // Paused, the status still shows the source moving on and the lag growing.
        if (s.paused) self->send(s.coordinator, sync_status_atom::value, status_of(s));
        if (s.replaying && !s.apply_scheduled) {
          s.apply_scheduled = true;
          self->send(self, apply_atom::value);
        }
      },
      [=](replay_atom) {
        auto& s = self->state;
        if (auto st = connect(s); !st) return replayer_fail(self, st.message());
        auto committed = checkpoint::read(*s.target, s.task_id);
        if (!committed) return replayer_fail(self, committed.status().message());
        if (*committed) s.checkpoint = **committed;
        auto source = Connection::open(s.plan->source, "source");
        if (!source) return replayer_fail(self, source.status().message());
        auto position = current_position(**source);
        if (!position) return replayer_fail(self, position.status().message());
        s.catch_up_target = *position;
        auto reader = SpoolReader::open(s.spool_dir);
        if (!reader) return replayer_fail(self, reader.status().message());
        s.reader = std::move(reader).value();
        s.replaying = true;
        std::cerr << "incremental: replaying from " << (s.checkpoint.empty() ? "the start of the spool" : s.checkpoint.str())
                  << "; catching up to " << s.catch_up_target.str() << "\n";
        s.apply_scheduled = true;
        self->send(self, apply_atom::value);
      },
      [=](apply_atom) { apply_stored(self); },
      [=](pause_atom) { self->state.paused = true; },
      [=](resume_atom) {
        auto& s = self->state;
        s.paused = false;
        if (s.replaying && !s.apply_scheduled) {
          s.apply_scheduled = true;
          self->send(self, apply_atom::value);
        }
      },
  };
}

}  // namespace

caf::actor spawn_binlog_tailer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                               BinlogPosition start, caf::actor coordinator) {
  return system.spawn<caf::detached>(tailer_impl, std::move(plan), std::move(spool_dir), std::move(start),
                                     std::move(coordinator));
}

caf::actor spawn_replayer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                          std::string task_id, caf::actor tailer, caf::actor coordinator) {
  return system.spawn<caf::detached>(replayer_impl, std::move(plan), std::move(spool_dir), std::move(task_id),
                                     std::move(tailer), std::move(coordinator));
}

}  // namespace omsql::actors
