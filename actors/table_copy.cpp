// The in-link copy of one table (actors/copy_actors.hpp spawn_table_copy; docs/architecture.md
// "A table copied inside the live link"): the full copy's own chunker, readers (credits, the row
// budget) and appliers for one table, with this actor as their coordinator and reporter.
#include <optional>

#include "actors/copy_actors.hpp"
#include "actors/rate_limiter.hpp"
#include "actors/supervision.hpp"
#include "src/copy/chunk_tracker.hpp"
#include "src/log/log.hpp"
#include "src/task/actor_graph.hpp"

namespace omsql::actors {

namespace {

struct TableCopyActorState {
  std::shared_ptr<const Plan> plan;
  engine::Engines engines;
  uint32_t index = 0;
  caf::typed_response_promise<TableCopyDone> promise;
  bool running = false;
  bool answered = false;
  Supervisor children;
  chunker_actor chunker;
  rate_limiter_actor budget;
  std::vector<applier_actor> appliers;
  std::vector<reader_actor> readers;
  size_t readers_running = 0;
  copy::ChunkTracker chunks;
  SourcePosition snapshot;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::optional<std::string> table_failure;  // the table's own failure (a DDL under this copy, say)
  static inline const char* name = "table_copy";
};

using Self = table_copy_actor::stateful_pointer<TableCopyActorState>;

void stop_graph(Self self) {
  auto& s = self->state;
  for (auto& r : s.readers) s.children.stop(self, r);
  for (auto& a : s.appliers) s.children.stop(self, a);
  s.children.stop(self, s.chunker);
  s.children.stop(self, s.budget);
}

void answer(Self self, TableCopyDone done) {
  auto& s = self->state;
  if (s.answered) return;
  s.answered = true;
  stop_graph(self);
  done.rows = s.rows;
  s.promise.deliver(std::move(done));
  self->quit();
}

void fail(Self self, const std::string& message) { answer(self, TableCopyDone{message, false, {}, {}, 0}); }

// The source's position now: every row of the copy was read before it.
Result<SourcePosition> position_now(const TableCopyActorState& s) {
  auto source = engine::engine_or_default(s.engines.source, s.plan->source.dialect).open_source(s.plan->source);
  if (!source) return source.status();
  return (*source)->current_position();
}

// Every reader is done: the copy is complete, or its table failed on its own.
void readers_finished(Self self) {
  auto& s = self->state;
  const std::string table = s.plan->tables[s.index].source.str();
  if (s.table_failure) {
    auto position = position_now(s);
    if (!position) return fail(self, "copying " + table + " again: " + *s.table_failure);
    return answer(self, TableCopyDone{*s.table_failure, true, *position, {}, 0});
  }
  if (!s.chunks.complete(s.index))
    return fail(self, "internal error: the copy of " + table + " ended with chunks not committed");
  if (!s.snapshot.empty()) return answer(self, TableCopyDone{"", false, s.snapshot, s.snapshot, 0});
  auto position = position_now(s);
  if (!position) return fail(self, "reading the source position after copying " + table + ": " + position.status().message());
  answer(self, TableCopyDone{"", false, *position, {}, 0});
}

Status empty_target_table(const TableCopyActorState& s) {
  const TableJob& job = s.plan->tables[s.index];
  auto target = engine::engine_or_default(s.engines.target, s.plan->target.dialect).open_target(s.plan->target);
  if (!target) return target.status();
  auto sink = (*target)->open_sink(job, copy::wire_format_for(s.plan->target));
  if (!sink) return sink.status();
  return (*sink)->empty_table();
}

void start(Self self) {
  auto& s = self->state;
  auto& system = self->system();
  // Only this table is copied: every other one counts as done for the chunker.
  auto task = std::make_shared<TaskState>();
  for (size_t i = 0; i < s.plan->tables.size(); ++i) task->tables[s.plan->tables[i].source.str()].copy_done = i != s.index;
  s.chunks = copy::ChunkTracker(s.plan->tables.size());
  const ActorGraph graph = actor_graph(*s.plan);
  copy_events_actor events{self};
  reporter_actor reporter{self};
  s.chunker = spawn_chunker(system, s.plan, task, events, s.engines.source);
  s.children.watch(self, s.chunker, "in-link copy chunker");
  s.budget = spawn_rate_limiter(system, s.plan->options.max_rows_per_sec);
  s.children.watch(self, s.budget, "in-link copy rate limiter");
  for (int i = 0; i < std::max(1, graph.count(ActorRole::kApplier)); ++i) {
    s.appliers.push_back(spawn_applier(system, s.plan, events, reporter, s.engines.target));
    s.children.watch(self, s.appliers.back(), "in-link copy applier #" + std::to_string(i));
  }
  for (int i = 0; i < std::max(1, graph.count(ActorRole::kReader)); ++i) {
    s.readers.push_back(spawn_reader(system, s.plan, s.chunker, s.appliers, events, s.budget, s.engines.source));
    s.children.watch(self, s.readers.back(), "in-link copy reader #" + std::to_string(i));
    self->send(s.readers.back(), start_atom::value);
  }
  s.readers_running = s.readers.size();
}

table_copy_actor::behavior_type table_copy_impl(Self self, std::shared_ptr<const Plan> plan, engine::Engines engines) {
  self->set_exception_handler(exit_with_exception_text);
  self->set_down_handler([=](caf::down_msg& down) {
    if (auto why = self->state.children.on_down(down)) fail(self, *why);
  });
  auto& s = self->state;
  s.plan = std::move(plan);
  s.engines = engines;
  return {
      [=](table_copy_atom, const TableRef& table) -> caf::typed_response_promise<TableCopyDone> {
        auto& s = self->state;
        s.promise = self->make_response_promise<TableCopyDone>();
        if (s.running) {
          s.promise.deliver(TableCopyDone{"internal error: the in-link copy was asked twice", false, {}, {}, 0});
          return s.promise;
        }
        s.running = true;
        s.index = index_of(*s.plan, table);
        // The target table is emptied first: the copy brings every row anew, as of now.
        if (auto st = empty_target_table(s); !st) {
          fail(self, "emptying " + s.plan->tables[s.index].target.str() + " to copy it again: " + st.message());
          return s.promise;
        }
        start(self);
        return s.promise;
      },
      [=](chunk_done_atom, const ChunkDone& done) {
        auto& s = self->state;
        if (!done.snapshot.empty()) s.snapshot = done.snapshot;
        // Counted by committed chunk: the appliers' progress may arrive after the readers' last word.
        s.rows += done.rows;
        s.bytes += done.bytes;
        s.chunks.commit(index_of(*s.plan, done.table), done.range.id, done.range.upper_inclusive);
      },
      [=](chunks_total_atom, const ChunksTotal& total) {
        auto& s = self->state;
        s.chunks.set_total(index_of(*s.plan, total.table), total.chunks);
      },
      [=](reader_done_atom) {
        auto& s = self->state;
        if (s.readers_running > 0 && --s.readers_running == 0) readers_finished(self);
      },
      [=](failed_atom, const std::string& message) { fail(self, message); },
      [=](table_failed_atom, const TableFailure& failure) {
        auto& s = self->state;
        if (s.table_failure) return;
        s.table_failure = failure.message;
        log::warning("replay") << "copying " << failure.table.source.str() << " again inside the link failed ("
                               << failure.message << "); replay goes on, and a later DDL of the table copies it again";
        if (s.chunker) self->send(s.chunker, cancel_atom::value, failure.table);
      },
      [=](progress_atom, const BatchAck&) {},  // rows are counted by chunk_done
      [](tick_atom) {},
      [=](finish_atom) { return CopySummary{self->state.rows, self->state.bytes, 0}; },
  };
}

}  // namespace

table_copy_actor spawn_table_copy(caf::actor_system& system, std::shared_ptr<const Plan> plan, engine::Engines engines) {
  return system.spawn<caf::detached>(table_copy_impl, std::move(plan), engines);
}

}  // namespace omsql::actors
