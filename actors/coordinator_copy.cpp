// The coordinator's full copy: spawning the copy graph, recording each table's committed chunks
// and the position its rows were read by, cancelling a table's copy that a DDL cut off, and moving
// on to the indexes once every table is copied (actors/coordinator.cpp: the other phases).
#include "actors/coordinator_state.hpp"
#include "actors/copy_actors.hpp"
#include "actors/rate_limiter.hpp"
#include "actors/schema_actor.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/task/actor_graph.hpp"
#include "src/log/log.hpp"

namespace omsql::actors::coordination {

// The table's secondary indexes now, overlapping the copy of the other tables; the INDEXES phase
// after the copy only adds what is still missing, and the foreign keys.
void build_indexes_of(Self self, uint32_t table_index) {
  auto& s = self->state;
  if (!s.plan->phases.schema || s.index_builders.empty()) return;
  ++s.index_builds_running;
  auto& builder = s.index_builders[s.next_index_builder++ % s.index_builders.size()];
  self->request(builder, caf::infinite, indexes_atom::value, table_ref(*s.plan, table_index))
      .then(
          [=](const std::string& error) {
            if (!error.empty()) return fail_task(self, error);
            --self->state.index_builds_running;
            maybe_finish_copy(self);
          },
          [=](caf::error& e) { fail_task(self, "index builder: " + caf::to_string(e)); });
}

void mark_table_done_if_complete(Self self, uint32_t table_index) {
  auto& s = self->state;
  if (!s.chunks.complete(table_index)) return;
  auto& progress = s.task.tables[s.plan->tables[table_index].source.str()];
  if (progress.copy_done) return;
  if (!s.plan->phases.incremental) {
    progress.copy_done = true;
    build_indexes_of(self, table_index);
    return;
  }
  // With a live link the table's copy keeps the source position its rows were read by: a DDL of
  // the table at or before it is met by replay, which copies the table again there
  // (src/task/table_copies.hpp). A snapshot copy read them at its snapshot.
  if (progress.snapshot) {
    progress.copy_done = true;
    progress.copy_read_by = *progress.snapshot;
    build_indexes_of(self, table_index);
    return;
  }
  if (!s.positions_asked.insert(table_index).second) return;  // asked already
  self->request(s.chunker, caf::infinite, position_atom::value)
      .then(
          [=](const SourcePosition& position) {
            auto& s = self->state;
            s.positions_asked.erase(table_index);
            auto& progress = s.task.tables[s.plan->tables[table_index].source.str()];
            // Cancelled meanwhile (capture saw a DDL of it): the later of the two positions.
            const bool cancelled = progress.copy_done;
            if (!progress.copy_read_by || progress.copy_read_by->empty() || *progress.copy_read_by < position)
              progress.copy_read_by = position;
            progress.copy_done = true;
            if (auto st = save(self); !st) return fail_task(self, st.message());
            if (!cancelled) build_indexes_of(self, table_index);
            maybe_finish_copy(self);
          },
          [=](caf::error& e) {
            fail_task(self, "reading the source position after the copy of " +
                                s.plan->tables[table_index].source.str() + ": " + describe_exit(e));
          });
}

// Capture saw a DDL that changes the table's columns (or drops it) at `at` while its copy runs,
// or its copy failed on its own and capture showed such a DDL: its copy stops here, and replay
// copies it again at that DDL's barrier (src/task/table_copies.hpp, copy_again_at).
void cancel_table_copy(Self self, uint32_t table_index, const SourcePosition& at, const std::string& why) {
  auto& s = self->state;
  const TableJob& job = s.plan->tables[table_index];
  auto& progress = s.task.tables[job.source.str()];
  s.table_failures.erase(table_index);
  if (!progress.copy_read_by || progress.copy_read_by->empty() || *progress.copy_read_by < at) progress.copy_read_by = at;
  if (!progress.copy_incomplete) {
    progress.copy_incomplete = why;
    log::info("copy") << "copy: " << job.source.str() << " changed on the source during its copy (" << why
                      << "): its copy stops, and the live link copies it again when replay reaches the DDL at "
                      << progress.copy_read_by->str();
  }
  progress.copy_done = true;
  if (s.chunker) self->send(s.chunker, cancel_atom::value, table_ref(*s.plan, table_index));
  if (auto st = save(self); !st) return fail_task(self, st.message());
  write_status(self, true);
  maybe_finish_copy(self);
}

void maybe_finish_copy(Self self) {
  auto& s = self->state;
  if (s.readers_running > 0 || s.index_builds_running > 0 || s.failed) return;
  // A finished table's read position, or a table's own failure waiting for capture to explain it.
  if (!s.positions_asked.empty() || !s.table_failures.empty() || s.task.phase != Phase::kFull) return;
  for (size_t i = 0; i < s.plan->tables.size(); ++i) {
    if (!s.task.tables[s.plan->tables[i].source.str()].copy_done) {
      fail_task(self, "internal error: full copy ended but " + s.plan->tables[i].source.str() + " is not complete");
      return;
    }
  }
  if (!enter_phase(self, Phase::kIndexes)) return;
  if (auto st = save(self); !st) return fail_task(self, st.message());
  // The graph's readers have quit; stop the appliers and the chunker, keep the reporter for the summary.
  for (auto& a : s.appliers) s.children.stop(self, a);
  s.appliers.clear();
  s.children.stop(self, s.chunker);
  s.children.stop(self, s.budget);
  for (auto& b : s.index_builders) s.children.stop(self, b);
  s.index_builders.clear();
  start_indexes(self);
}

void start_full_copy(Self self) {
  auto& s = self->state;
  start_capture(self);
  if (!s.plan->phases.full) {
    start_indexes(self);
    return;
  }
  if (!enter_phase(self, Phase::kFull)) return;
  s.cancellable.assign(s.plan->tables.size(), true);
  for (size_t i = 0; i < s.plan->tables.size(); ++i)
    if (s.plan->tables[i].key.kind == RowKey::Kind::kNone) s.cancellable[i] = false;
  for (const auto& group : apply::FkGraph::build(*s.plan).snapshot_groups())
    for (size_t index : group) s.cancellable[index] = false;
  // The tables of an FK snapshot group come from one snapshot: a group copied in part (killed
  // between its tables) is copied again in full, from a new one.
  for (const auto& group : apply::FkGraph::build(*s.plan).snapshot_groups()) {
    bool all_done = true;
    for (size_t index : group) all_done = all_done && s.task.tables[s.plan->tables[index].source.str()].copy_done;
    if (all_done) continue;
    for (size_t index : group) {
      auto& progress = s.task.tables[s.plan->tables[index].source.str()];
      bool created = progress.schema_created;
      progress = TableProgress{};
      progress.schema_created = created;
    }
  }
  if (auto st = save(self); !st) return fail_task(self, st.message());
  for (const auto& job : s.plan->tables)
    if (!s.task.tables[job.source.str()].copy_done) s.copied_this_run = true;
  s.rows_before_resume.clear();
  s.bytes_before_resume.clear();
  for (const auto& job : s.plan->tables) {
    const TableProgress& progress = s.task.tables[job.source.str()];
    s.rows_before_resume.push_back(progress.rows_copied);
    s.bytes_before_resume.push_back(progress.bytes_copied);
  }
  s.copy_started = std::chrono::steady_clock::now();
  auto& system = self->system();
  auto snapshot = std::make_shared<const TaskState>(s.task);
  // The chunker restarts each table's chunk ids at 0 after its saved prefix.
  s.chunks = copy::ChunkTracker(s.plan->tables.size());
  for (size_t i = 0; i < s.plan->tables.size(); ++i)
    s.chunks.resume_after(i, s.task.tables[s.plan->tables[i].source.str()].copied_through);
  // The pools are sized by the actor graph spec, the same data `omsrun plan --dot` draws.
  const ActorGraph graph = actor_graph(*s.plan);
  copy_events_actor events{self};
  s.chunker = spawn_chunker(system, s.plan, snapshot, events, s.control.engines.source);
  s.children.watch(self, s.chunker, "chunker");
  s.budget = spawn_rate_limiter(system, s.max_rows_per_sec);
  s.children.watch(self, s.budget, "copy rate limiter");
  if (s.plan->phases.schema && !s.task.indexes_done) {
    for (int i = 0; i < graph.count(ActorRole::kIndexBuilder); ++i) {
      s.index_builders.push_back(spawn_schema_migrator(system, s.plan));
      s.children.watch(self, s.index_builders.back(), "index builder #" + std::to_string(i));
    }
  }
  for (int i = 0; i < graph.count(ActorRole::kApplier); ++i) {
    s.appliers.push_back(spawn_applier(system, s.plan, events, s.reporter, s.control.engines.target));
    s.children.watch(self, s.appliers.back(), "applier #" + std::to_string(i));
  }
  for (int i = 0; i < graph.count(ActorRole::kReader); ++i) {
    auto reader = spawn_reader(system, s.plan, s.chunker, s.appliers, events, s.budget, s.control.engines.source);
    s.children.watch(self, reader, "reader #" + std::to_string(i));
    s.readers.push_back(reader);
    if (s.paused) self->send(reader, pause_atom::value);  // paused before the copy began
    self->send(reader, start_atom::value);
  }
  s.readers_running = s.readers.size();
}

}  // namespace omsql::actors::coordination
