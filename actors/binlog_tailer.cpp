// The binlog tailer: the change stream into the spool, capture's stops and retries, a full spool
// filesystem. What capture decodes by (schema history, DDL definitions, tables joining and
// leaving) is actors/binlog_tailer_schema.cpp.
#include "actors/incremental_actors.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "actors/clock.hpp"
#include "actors/protocol.hpp"
#include "actors/retry.hpp"
#include "actors/supervision.hpp"
#include "src/capture/capture_policy.hpp"
#include "src/capture/capture_schema.hpp"
#include "src/common/strings.hpp"
#include "src/engine/engine.hpp"
#include "src/log/log.hpp"
#include "src/spool/spool.hpp"

namespace omsql::actors {

namespace {

using Clock = std::chrono::steady_clock;

struct TailerState {
  std::shared_ptr<const Plan> plan;
  std::string spool_dir;
  std::string task_dir;
  SourcePosition start;
  link_events_actor coordinator;
  replayer_actor replayer;
  std::unique_ptr<SpoolWriter> spool;
  // What capture decodes by and does with each DDL; declared before the stream, whose decoder
  // refers to its definitions, so it is destroyed after it.
  std::unique_ptr<capture::CaptureSchema> schema;
  std::unique_ptr<engine::ChangeStream> stream;
  RetryState retry;                // the source's failures (restart, lost connection)
  bool waiting_for_space = false;  // the spool's filesystem is full: capture paused
  bool halted = false;             // a DDL the link stops at is spooled: nothing is read after it
  Clock::time_point space_reported;
  static inline const char* name = "binlog_tailer";
};

// Where capture resumes: the spool's durable end, or the task's start position.
SourcePosition resume_point(const TailerState& s) {
  return capture_resume_point(s.spool->resume_position(), s.start);
}

// --- tailer ---

Status open_stream(TailerState& s) {
  ChangeStreamOptions stream_options;
  stream_options.heartbeat_period = std::chrono::milliseconds(1000);
  // The source's engine decodes its change log (src/engine/engine.hpp; the binlog for MySQL).
  auto stream = engine::engine_for(s.plan->source.dialect)
                    .open_changes(s.plan->source, resume_point(s), s.schema->decoder_options(), stream_options);
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

// The link stops: the task fails, or needs a re-copy, which the coordinator explains and remembers.
template <class Self>
void tailer_stop(Self* self, const CaptureStop& stop) {
  if (stop.needs_recopy) return tailer_needs_recopy(self, stop.message);
  tailer_fail(self, stop.message);
}

// The stream failed (to open or in mid-read). A source that restarted or went away is read again
// from the last durable resume point after the backoff (one pull chain: the delayed pull is the
// only one left); what cannot be resumed stops the link (stream_failure_stop).
template <class Self>
void stream_failed(Self* self, const Status& error) {
  auto& s = self->state;
  s.stream.reset();
  if (auto stop = stream_failure_stop(error)) return tailer_stop(self, *stop);
  auto delay =
      next_retry(s.retry, s.plan->options.retry, "reading the source binlog from " + resume_point(s).str(), error);
  if (!delay) return tailer_fail(self, delay.status().message());
  self->delayed_send(self, *delay, pull_atom::value);
}

// --- a full spool filesystem (ENOSPC) pauses capture instead of ending the task ---

// How often a paused tailer looks at the free space, and how often it says it still waits.
constexpr std::chrono::seconds kSpaceCheckPeriod{1};
constexpr std::chrono::seconds kSpaceReportPeriod{60};

std::string free_space_text(const std::string& directory) {
  auto free = spool_free_bytes(directory);
  return free ? megabytes(*free) + " free" : free.status().message();
}

// Capture resumes once a whole segment fits again (space_returned).
bool spool_has_room(const std::string& directory) {
  auto free = spool_free_bytes(directory);
  return free && space_returned(*free, SpoolOptions{}.segment_bytes);
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
    log::warning("spool") << "spool " << s.spool_dir << " is out of space (" << free_space_text(s.spool_dir)
              << "; " << error.message() << "): binlog capture paused until " << megabytes(SpoolOptions{}.segment_bytes)
              << " are free again; replay goes on and frees the segments it has applied. Capture resumes from "
              << resume_point(s).str() << ", which the source must keep (do not purge its binlog meanwhile)";
  }
  self->delayed_send(self, kSpaceCheckPeriod, pull_atom::value);
}

// Whether capture may go on; while it may not, the next look is scheduled.
template <class Self>
bool wait_for_space(Self* self) {
  auto& s = self->state;
  if (!s.waiting_for_space) return false;
  if (!spool_has_room(s.spool_dir)) {
    if (Clock::now() - s.space_reported >= kSpaceReportPeriod) {
      s.space_reported = Clock::now();
      log::warning("spool") << "spool " << s.spool_dir << ": binlog capture still paused (" << free_space_text(s.spool_dir)
                << ", needs " << megabytes(SpoolOptions{}.segment_bytes) << ")";
    }
    self->delayed_send(self, kSpaceCheckPeriod, pull_atom::value);
    return true;
  }
  s.waiting_for_space = false;
  self->send(s.coordinator, capture_atom::value, std::string());
  log::info("spool") << "spool " << s.spool_dir << ": " << free_space_text(s.spool_dir) << " again: binlog capture resumes from "
            << resume_point(s).str();
  return false;
}

tailer_actor::behavior_type tailer_impl(tailer_actor::stateful_pointer<TailerState> self, std::shared_ptr<const Plan> plan,
                                        std::string spool_dir, std::string task_dir, SourcePosition start,
                                        link_events_actor coordinator) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.plan = std::move(plan);
  s.spool_dir = std::move(spool_dir);
  s.task_dir = std::move(task_dir);
  s.start = std::move(start);
  s.coordinator = std::move(coordinator);
  return {
      [=](start_atom, replayer_actor replayer) {
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
            log::warning("spool") << "spool " << s.spool_dir << " is out of space (" << free_space_text(s.spool_dir)
                      << "; " << spool.status().message() << "): binlog capture waits for space";
          }
          self->delayed_send(self, kSpaceCheckPeriod, start_atom::value, s.replayer);
          return;
        }
        s.spool = std::move(spool).value();
        auto schema = capture::CaptureSchema::open(s.plan, s.task_dir, resume_point(s),
                                                   engine::engine_for(s.plan->source.dialect),
                                                   engine::engine_for(s.plan->target.dialect));
        if (!schema) return tailer_fail(self, schema.status().message());
        s.schema = std::move(schema).value();
        // What recovery kept is durable: replay may apply it at once, before anything new is
        // captured (which may have to wait for the space that applying it gives back).
        if (!s.spool->resume_position().empty())
          self->send(s.replayer, stored_atom::value,
                     SpoolStored{s.spool->synced_end(), s.spool->resume_position(), wall_now_ms()});
        self->send(self, pull_atom::value);
      },
      [=](pull_atom) {
        auto& s = self->state;
        if (s.halted) return;
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
        std::optional<DdlStopReport> stopped;  // a DDL capture cannot take: nothing is read from it on
        while (Clock::now() < deadline) {
          auto event = s.stream->next();
          if (!event) {
            lost = event.status();
            break;
          }
          if (!event->has_value()) break;  // stopped
          bool halt = false;
          if (const auto* ddl = std::get_if<DdlStatement>(&**event)) {
            auto taken = s.schema->take(*ddl);
            if (!taken && taken.status().is_transient()) {
              lost = taken.status();  // read again from the last synced record, the statement included
              break;
            }
            if (!taken) return tailer_fail(self, taken.status().message());
            using Then = capture::DdlTaken::Then;
            if (taken->then == Then::kStop) return tailer_stop(self, taken->stop);
            if (taken->then == Then::kStopBefore) {
              stopped = DdlStopReport{ddl->position, ddl->statement, taken->message, ddl->schema};
              break;
            }
            halt = taken->then == Then::kHalt;
            // A copy of a table the statement changed, still running, is cancelled and redone in
            // the link (the coordinator: src/task/table_copies.hpp).
            for (const auto& table : taken->changed_tables)
              for (size_t i = 0; i < s.plan->tables.size(); ++i)
                if (s.plan->tables[i].source == table)
                  self->send(s.coordinator, copy_ddl_atom::value, CopyDdl{table_ref(*s.plan, i), ddl->position, ddl->statement});
          }
          auto appended_at = s.spool->append(**event);
          if (!appended_at && s.spool->out_of_space()) return spool_full(self, appended_at.status());
          if (!appended_at) return tailer_fail(self, appended_at.status().message());
          appended = true;
          if (halt) {
            s.halted = true;
            log::info("binlog") << "binlog: capture halts at the DDL at " << event_position(**event).str()
                      << "; replay stops there once everything before it is applied";
            break;
          }
          if (sync_after(**event, s.spool->unsynced_bytes())) break;
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
                     SpoolStored{s.spool->synced_end(), s.spool->resume_position(), wall_now_ms()});
        }
        if (stopped) {
          s.halted = true;
          log::info("binlog") << "binlog: capture stops before the DDL at " << stopped->position.str()
                              << "; replay stops there once everything before it is applied";
          self->send(s.replayer, ddl_stop_atom::value, std::move(*stopped));
        }
        if (s.halted) {
          s.stream.reset();
          return;
        }
        if (!lost.is_ok()) return stream_failed(self, lost);
        self->send(self, pull_atom::value);
      },
      [=](applied_atom, const SpoolPosition& applied) {
        auto& s = self->state;
        if (s.spool) {
          if (auto st = s.spool->remove_segments_before(applied); !st)
            log::warning("binlog") << st.message();
        }
      },
  };
}

}  // namespace

tailer_actor spawn_binlog_tailer(caf::actor_system& system, std::shared_ptr<const Plan> plan, std::string spool_dir,
                                 std::string task_dir, SourcePosition start, link_events_actor coordinator) {
  return system.spawn<caf::detached>(tailer_impl, std::move(plan), std::move(spool_dir), std::move(task_dir),
                                     std::move(start), std::move(coordinator));
}

}  // namespace omsql::actors
