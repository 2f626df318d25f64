// The chunker: hands out key-range chunks to the readers (actors/copy_actors.hpp).
#include <algorithm>
#include <deque>
#include <map>
#include <optional>

#include "actors/copy_actors.hpp"
#include "actors/retry.hpp"
#include "actors/supervision.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/copy/chunk_planner.hpp"
#include "src/engine/engine.hpp"

namespace omsql::actors {

namespace {

struct ChunkerState {
  std::shared_ptr<const Plan> plan;
  std::shared_ptr<const TaskState> task;
  copy_events_actor coordinator;
  const engine::Engine* engine = nullptr;  // the source's (engine seam; a fake in tests/actors)
  std::unique_ptr<engine::SourceSession> source;
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
  std::vector<bool> cancelled;  // tables whose copy the coordinator cancelled (a DDL changed them)
  // A chunking failure of one table (not transient) in a task with a live link: that table is
  // dropped and reported (table_failed), the others go on.
  std::optional<TableFailure> table_failure;
  static inline const char* name = "chunker";
};

using Self = chunker_actor::stateful_pointer<ChunkerState>;

bool table_copy_done(const ChunkerState& s, size_t index) {
  auto it = s.task->tables.find(s.plan->tables[index].source.str());
  return it != s.task->tables.end() && it->second.copy_done;
}

// Opens tables until `parallel` are open or none is left.
void open_tables(ChunkerState& s) {
  size_t wanted = static_cast<size_t>(std::max(1, s.plan->options.parallel));
  while (s.open_tables.size() < wanted && s.next_table < s.plan->tables.size()) {
    size_t index = s.next_table++;
    if (table_copy_done(s, index) || s.in_group[index] || s.cancelled[index]) continue;
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
Result<ChunkWork> next_work(Self self) {
  auto& s = self->state;
  if (!s.source) {
    auto session = s.engine->open_source(s.plan->source);
    if (!session) return session.status();
    s.source = std::move(session).value();
  }
  if (!s.snapshot_groups.empty()) {
    // A group is the longest piece of work (one reader, no chunks): hand it out first.
    ChunkWork work{true, table_ref(*s.plan, s.snapshot_groups.front().front()), copy::ChunkRange{}, {}};
    for (size_t index : s.snapshot_groups.front()) {
      work.snapshot_group.push_back(table_ref(*s.plan, index));
      self->send(s.coordinator, chunks_total_atom::value, ChunksTotal{table_ref(*s.plan, index), 1});
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
    auto next = s.planners[index]->next([&](const std::optional<copy::KeyTuple>& lower, int64_t offset) {
      return s.source->key_at_offset(job, lower, offset);
    });
    if (!next && !next.status().is_transient() && s.plan->phases.incremental) {
      // The table alone (a DDL may have changed its key or dropped it): the others go on; the
      // coordinator decides. No chunk count is sent, so its copy never counts as complete.
      self->send(s.coordinator, table_failed_atom::value,
                 TableFailure{table_ref(*s.plan, index), next.status().with_context("chunking " + job.source.str()).message()});
      s.planners.erase(index);
      s.chunks_issued.erase(index);
      s.open_tables.erase(s.open_tables.begin() + static_cast<std::ptrdiff_t>(slot));
      continue;
    }
    if (!next) return next.status().with_context("chunking " + job.source.str());
    ++s.turn;
    if (next->has_value()) {
      ++s.chunks_issued[index];
      return ChunkWork{true, table_ref(*s.plan, index), std::move(**next), {}};
    }
    // This table is fully handed out: its chunk count completes the coordinator's tracking.
    self->send(s.coordinator, chunks_total_atom::value, ChunksTotal{table_ref(*s.plan, index), s.chunks_issued[index]});
    s.planners.erase(index);
    s.chunks_issued.erase(index);
    s.open_tables.erase(s.open_tables.begin() + static_cast<std::ptrdiff_t>(slot));
  }
}

// Answers the waiting readers in order; a lost source makes them wait for the retry.
void serve_readers(Self self) {
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
      self->send(s.coordinator, failed_atom::value, work.status().message());
      for (auto& promise : s.waiting) promise.deliver(ChunkWork{});
      s.waiting.clear();
      return;
    }
    s.retry.succeeded();
    s.waiting.front().deliver(std::move(work).value());
    s.waiting.pop_front();
  }
}

chunker_actor::behavior_type chunker_impl(Self self, std::shared_ptr<const Plan> plan,
                                          std::shared_ptr<const TaskState> task, copy_events_actor coordinator,
                                          const engine::Engine* source_engine) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.plan = std::move(plan);
  s.engine = &engine::engine_or_default(source_engine, s.plan->source.dialect);
  s.task = std::move(task);
  s.coordinator = std::move(coordinator);
  s.in_group.assign(s.plan->tables.size(), false);
  s.cancelled.assign(s.plan->tables.size(), false);
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
      [=](position_atom) -> caf::result<SourcePosition> {
        auto& s = self->state;
        if (!s.source) {
          auto session = s.engine->open_source(s.plan->source);
          if (!session) return caf::make_error(caf::sec::runtime_error, session.status().message());
          s.source = std::move(session).value();
        }
        auto position = s.source->current_position();
        if (!position) {
          s.source.reset();
          return caf::make_error(caf::sec::runtime_error, position.status().message());
        }
        return *position;
      },
      [=](cancel_atom, const TableRef& table) {
        auto& s = self->state;
        const uint32_t index = index_of(*s.plan, table);
        s.cancelled[index] = true;
        auto open = std::find(s.open_tables.begin(), s.open_tables.end(), index);
        if (open == s.open_tables.end()) return;
        s.open_tables.erase(open);
        s.planners.erase(index);
        s.chunks_issued.erase(index);
      },
  };
}

}  // namespace

chunker_actor spawn_chunker(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                            std::shared_ptr<const TaskState> state, copy_events_actor coordinator,
                            const engine::Engine* source_engine) {
  return system.spawn<caf::detached>(chunker_impl, std::move(plan), std::move(state), std::move(coordinator),
                                     source_engine);
}

}  // namespace omsql::actors
