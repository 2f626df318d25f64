#include "actors/incremental_actors.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>

#include "actors/clock.hpp"
#include "actors/messages.hpp"
#include "actors/retry.hpp"
#include "src/binlog/ddl_scan.hpp"
#include "src/binlog/stream.hpp"
#include "src/spool/spool.hpp"

namespace omsql::actors {

namespace {

using Clock = std::chrono::steady_clock;

// --- tailer ---

struct TailerState {
  std::shared_ptr<const Plan> plan;
  std::string spool_dir;
  BinlogPosition start;
  caf::actor coordinator;
  caf::actor replayer;
  std::set<QualifiedName> wanted;
  std::map<QualifiedName, const TableDef*> definitions;
  std::map<QualifiedName, std::vector<bool>> replayed;  // tables with excluded columns only
  std::unique_ptr<SpoolWriter> spool;
  std::unique_ptr<BinlogStream> stream;
  RetryState retry;                       // the source's failures (restart, lost connection)
  bool waiting_for_space = false;         // the spool's filesystem is full: capture paused
  Clock::time_point space_reported;
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
  // Excluded columns are dropped while decoding: their values never reach the spool.
  options.kept_columns = [&s](const QualifiedName& table) -> const std::vector<bool>* {
    auto it = s.replayed.find(table);
    return it == s.replayed.end() ? nullptr : &it->second;
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

// The link cannot go on from this binlog, now or on a rerun: the coordinator says how to re-copy
// and remembers it in the task's state.
template <class Self>
void tailer_needs_recopy(Self* self, const std::string& message) {
  self->send(self->state.coordinator, recopy_atom::value, message);
  self->quit();
}

// The stream failed (to open or in mid-read). A source that restarted or went away is read again
// from the last durable resume point after the backoff (one pull chain: the delayed pull is the
// only one left). A purged binlog cannot be resumed: the coordinator says how to re-copy.
template <class Self>
void stream_failed(Self* self, const Status& error) {
  auto& s = self->state;
  s.stream.reset();
  if (error.code() == Status::Code::kNotFound) {  // the binlog file is purged or unknown
    return tailer_needs_recopy(self, error.message() +
                                         " — to keep this from happening, keep binlogs longer on the source "
                                         "(binlog_expire_logs_seconds / expire_logs_days) than a copy plus any "
                                         "outage lasts");
  }
  // An event the link cannot replay (a partial row image, a compressed event without its data, a
  // column type it does not know): reading again meets the same event.
  if (error.code() == Status::Code::kUnsupported) return tailer_needs_recopy(self, error.message());
  if (!error.is_transient()) return tailer_fail(self, error.message());
  BinlogPosition from = s.spool->resume_position().empty() ? s.start : s.spool->resume_position();
  auto delay = next_retry(s.retry, s.plan->options.retry, "reading the source binlog from " + from.str(), error);
  if (!delay) return tailer_fail(self, delay.status().message());
  self->delayed_send(self, *delay, pull_atom::value);
}

// --- a full spool filesystem (ENOSPC) pauses capture instead of ending the task ---

// How often a paused tailer looks at the free space, and how often it says it still waits.
constexpr std::chrono::seconds kSpaceCheckPeriod{1};
constexpr std::chrono::seconds kSpaceReportPeriod{60};
// A read is synced once it holds this much: a full filesystem then drops at most this much (read
// again after the pause), well below the free space capture waits for (one segment).
constexpr uint64_t kSyncBytes = 1 << 20;

std::string megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", bytes / 1048576.0);
  return text;
}

std::string free_space_text(const std::string& directory) {
  auto free = spool_free_bytes(directory);
  return free ? megabytes(*free) + " free" : free.status().message();
}

// Capture resumes once a whole segment fits again: replay goes on meanwhile, and the segments it
// has applied are removed, which is usually what gives the space back.
bool space_returned(const std::string& directory) {
  auto free = spool_free_bytes(directory);
  return free && *free >= SpoolOptions{}.segment_bytes;
}

// An append or sync found the filesystem full: what was not synced is dropped (the spool ends at
// its last durable record again), the stream is closed, and it is opened again from the durable
// resume point once there is space. Nothing acknowledged is lost; the source keeps the binlog.
template <class Self>
void spool_full(Self* self, const Status& error) {
  auto& s = self->state;
  s.stream.reset();
  if (auto st = s.spool->discard_unsynced(); !st) return tailer_fail(self, st.message());
  if (!s.waiting_for_space) {
    s.waiting_for_space = true;
    s.space_reported = Clock::now();
    self->send(s.coordinator, capture_atom::value,
               "spool " + s.spool_dir + " is out of space (" + free_space_text(s.spool_dir) + ")");
    BinlogPosition from = s.spool->resume_position().empty() ? s.start : s.spool->resume_position();
    std::cerr << "warning: spool " << s.spool_dir << " is out of space (" << free_space_text(s.spool_dir)
              << "; " << error.message() << "): binlog capture paused until " << megabytes(SpoolOptions{}.segment_bytes)
              << " are free again; replay goes on and frees the segments it has applied. Capture resumes from "
              << from.str() << ", which the source must keep (do not purge its binlog meanwhile)\n";
  }
  self->delayed_send(self, kSpaceCheckPeriod, pull_atom::value);
}

// Whether capture may go on; while it may not, the next look is scheduled.
template <class Self>
bool wait_for_space(Self* self) {
  auto& s = self->state;
  if (!s.waiting_for_space) return false;
  if (!space_returned(s.spool_dir)) {
    if (Clock::now() - s.space_reported >= kSpaceReportPeriod) {
      s.space_reported = Clock::now();
      std::cerr << "warning: spool " << s.spool_dir << ": binlog capture still paused (" << free_space_text(s.spool_dir)
                << ", needs " << megabytes(SpoolOptions{}.segment_bytes) << ")\n";
    }
    self->delayed_send(self, kSpaceCheckPeriod, pull_atom::value);
    return true;
  }
  s.waiting_for_space = false;
  self->send(s.coordinator, capture_atom::value, std::string());
  BinlogPosition from = s.spool->resume_position().empty() ? s.start : s.spool->resume_position();
  std::cerr << "spool " << s.spool_dir << ": " << free_space_text(s.spool_dir) << " again: binlog capture resumes from "
            << from.str() << "\n";
  return false;
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
    std::vector<bool> replayed = job.replayed_columns();
    if (std::find(replayed.begin(), replayed.end(), false) != replayed.end()) s.replayed[job.source] = std::move(replayed);
  }
  return {
      [=](start_atom, caf::actor replayer) {
        auto& s = self->state;
        s.replayer = std::move(replayer);
        bool out_of_space = false;
        auto spool = SpoolWriter::open(s.spool_dir, {}, &out_of_space);
        if (!spool) {
          // A full filesystem at start (recovery or the first segment could not be written) waits too.
          if (!out_of_space) return tailer_fail(self, spool.status().message());
          if (!s.waiting_for_space) {
            s.waiting_for_space = true;
            s.space_reported = Clock::now();
            self->send(s.coordinator, capture_atom::value,
                       "spool " + s.spool_dir + " is out of space (" + free_space_text(s.spool_dir) + ")");
            std::cerr << "warning: spool " << s.spool_dir << " is out of space (" << free_space_text(s.spool_dir)
                      << "; " << spool.status().message() << "): binlog capture waits for space\n";
          }
          self->delayed_send(self, kSpaceCheckPeriod, start_atom::value, s.replayer);
          return;
        }
        s.spool = std::move(spool).value();
        // What recovery kept is durable: replay may apply it at once, before anything new is
        // captured (which may have to wait for the space that applying it gives back).
        if (!s.spool->resume_position().empty())
          self->send(s.replayer, stored_atom::value,
                     SpoolStored{s.spool->synced_end(), s.spool->resume_position(), steady_now_ms()});
        self->send(self, pull_atom::value);
      },
      [=](pull_atom) {
        auto& s = self->state;
        if (wait_for_space(self)) return;
        if (!s.stream) {
          Status opened = open_stream(s);
          if (!opened) return stream_failed(self, opened);
        }
        // Read for a bounded time, then fsync and hand the new end to the replayer, so that
        // stop requests are seen within a heartbeat and the spool is synced in groups.
        auto deadline = Clock::now() + std::chrono::milliseconds(200);
        bool appended = false;
        Status lost;
        while (Clock::now() < deadline) {
          auto event = s.stream->next();
          if (!event) {
            lost = event.status();
            break;
          }
          if (!event->has_value()) break;  // stopped
          if (const auto* ddl = std::get_if<DdlStatement>(&**event)) {
            if (auto table = ddl_touches(s, *ddl)) {
              if (is_statement_dml(ddl->statement))
                return tailer_needs_recopy(self, "statement-based change of migrated table " + *table + " at " +
                                             ddl->position.str() + ": \"" + ddl->statement +
                                             "\" — a session wrote it with binlog_format=STATEMENT or MIXED, so "
                                             "the binlog holds no row images to replay; set binlog_format=ROW for "
                                             "every session (SET GLOBAL and the applications' SET SESSION)");
              return tailer_fail(self, "source DDL on migrated table " + *table + " at " + ddl->position.str() +
                                           ": \"" + ddl->statement +
                                           "\" — applying DDL during sync is not supported; stop, migrate the "
                                           "change by hand, and rerun");
            }
          }
          auto appended_at = s.spool->append(**event);
          if (!appended_at && s.spool->out_of_space()) return spool_full(self, appended_at.status());
          if (!appended_at) return tailer_fail(self, appended_at.status().message());
          appended = true;
          if (std::holds_alternative<Heartbeat>(**event) || s.spool->unsynced_bytes() >= kSyncBytes) break;
        }
        // What was read before a failure is kept: an unfinished transaction at the end is read
        // again from its start after the reconnect, and replay drops the partial copy.
        if (appended) {
          if (auto st = s.spool->sync(); !st) {
            if (s.spool->out_of_space()) return spool_full(self, st);
            return tailer_fail(self, st.message());
          }
          s.retry.succeeded();
          self->send(s.replayer, stored_atom::value,
                     SpoolStored{s.spool->synced_end(), s.spool->resume_position(), steady_now_ms()});
        }
        if (!lost.is_ok()) return stream_failed(self, lost);
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

}  // namespace

caf::actor spawn_binlog_tailer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                               BinlogPosition start, caf::actor coordinator) {
  return system.spawn<caf::detached>(tailer_impl, std::move(plan), std::move(spool_dir), std::move(start),
                                     std::move(coordinator));
}

}  // namespace omsql::actors
