#include "actors/reporter.hpp"

#include <chrono>
#include <optional>
#include <vector>

#include "actors/supervision.hpp"
#include "src/task/task_status.hpp"

namespace omsql::actors {

namespace {

using Clock = std::chrono::steady_clock;

struct TableCounters {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::optional<Clock::time_point> first;  // the table's first committed batch
  Clock::time_point last;
};

struct ReporterState {
  std::shared_ptr<const Plan> plan;
  std::vector<TableCounters> tables;
  copy_counts_listener_actor listener;
  Clock::time_point started = Clock::now();
  static inline const char* name = "reporter";
};

CopyCounts counts_of(const ReporterState& s) {
  CopyCounts counts;
  for (const TableCounters& c : s.tables)
    counts.tables.push_back(
        TableCopyCounts{c.rows, c.bytes, c.first ? std::chrono::duration<double>(c.last - *c.first).count() : 0.0});
  return counts;
}


reporter_actor::behavior_type reporter_impl(reporter_actor::stateful_pointer<ReporterState> self,
                                            std::shared_ptr<const Plan> plan,
                                            copy_counts_listener_actor listener) {
  self->set_exception_handler(exit_with_exception_text);
  auto& s = self->state;
  s.plan = std::move(plan);
  s.tables.resize(s.plan->tables.size());
  s.listener = std::move(listener);
  self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
  return {
      [=](progress_atom, const BatchAck& ack) {
        auto& c = self->state.tables.at(index_of(*self->state.plan, ack.table));
        c.rows += ack.rows;
        c.bytes += ack.bytes;
        c.last = Clock::now();
        if (!c.first) c.first = c.last;
      },
      [=](tick_atom) {
        auto& s = self->state;
        if (s.listener) self->send(s.listener, copy_counts_atom::value, counts_of(s));
        self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
      },
      [=](finish_atom) {
        auto& s = self->state;
        CopySummary summary;
        for (const auto& c : s.tables) {
          summary.rows += c.rows;
          summary.bytes += c.bytes;
        }
        summary.seconds = std::chrono::duration<double>(Clock::now() - s.started).count();
        // Before the answer: the listener's table then holds every row the summary counts.
        if (s.listener) self->send(s.listener, copy_counts_atom::value, counts_of(s));
        self->quit();
        return summary;
      },
  };
}

}  // namespace

reporter_actor spawn_reporter(caf::actor_system& system, std::shared_ptr<const Plan> plan,
                              copy_counts_listener_actor listener) {
  return system.spawn(reporter_impl, std::move(plan), std::move(listener));
}

}  // namespace omsql::actors
