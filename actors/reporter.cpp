#include "actors/reporter.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <vector>

#include "actors/supervision.hpp"
#include "src/log/log.hpp"
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
  bool terminal = false;
  int ticks = 0;
  static inline const char* name = "reporter";
};

std::string human_rate(double per_second) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(per_second < 100 ? 1 : 0) << per_second;
  return out.str();
}

std::string eta(uint64_t done, uint64_t estimate, double rows_per_second) {
  if (estimate <= done || rows_per_second <= 0) return "-";
  auto seconds = static_cast<uint64_t>((estimate - done) / rows_per_second);
  std::ostringstream out;
  out << seconds / 60 << "m" << std::setw(2) << std::setfill('0') << seconds % 60 << "s";
  return out.str();
}

// One table of lines: per table and total. `final` shows elapsed time instead of ETA.
std::vector<std::string> render(const ReporterState& s, bool final) {
  double elapsed = std::chrono::duration<double>(Clock::now() - s.started).count();
  if (elapsed <= 0) elapsed = 1e-9;
  std::vector<std::string> lines;
  std::ostringstream header;
  header << std::left << std::setw(40) << "table" << std::right << std::setw(12) << "rows" << std::setw(12)
         << "rows/s" << std::setw(10) << "MB/s" << std::setw(10) << (final ? "" : "ETA");
  lines.push_back(header.str());
  uint64_t total_rows = 0, total_bytes = 0, total_estimate = 0;
  for (size_t i = 0; i < s.tables.size(); ++i) {
    const auto& job = s.plan->tables[i];
    const auto& c = s.tables[i];
    total_rows += c.rows;
    total_bytes += c.bytes;
    total_estimate += std::max<uint64_t>(job.source_def.estimated_rows, c.rows);
    std::ostringstream line;
    std::string name = job.source.str() + " -> " + job.target.str();
    if (name.size() > 39) name = name.substr(0, 36) + "...";
    double rows_per_second = c.rows / elapsed;
    line << std::left << std::setw(40) << name << std::right << std::setw(12) << c.rows << std::setw(12)
         << human_rate(rows_per_second) << std::setw(10) << human_rate(c.bytes / elapsed / 1e6) << std::setw(10)
         << (final ? "" : eta(c.rows, job.source_def.estimated_rows, rows_per_second));
    lines.push_back(line.str());
  }
  std::ostringstream total;
  double total_rate = total_rows / elapsed;
  total << std::left << std::setw(40) << "total" << std::right << std::setw(12) << total_rows << std::setw(12)
        << human_rate(total_rate) << std::setw(10) << human_rate(total_bytes / elapsed / 1e6) << std::setw(10)
        << (final ? "" : eta(total_rows, total_estimate, total_rate));
  lines.push_back(total.str());
  if (final) {
    std::ostringstream footer;
    footer << "copied " << total_rows << " rows (" << std::fixed << std::setprecision(1) << total_bytes / 1e6
           << " MB) in " << std::setprecision(2) << elapsed << " s";
    lines.push_back(footer.str());
  }
  return lines;
}

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
  s.terminal = log::terminal_is_tty();
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
        ++s.ticks;
        if (s.listener) self->send(s.listener, copy_counts_atom::value, counts_of(s));
        // The terminal redraws the table in place; the file (and stderr when it is no terminal)
        // gets the total line every 10 s.
        if (s.terminal) log::show_area(render(s, false));
        if (s.ticks % 10 == 0)
          log::write(log::Level::kInfo, "progress", "progress: " + render(s, false).back(),
                     s.terminal ? log::Destination::kFile : log::Destination::kBoth);
        self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
      },
      [=](finish_atom) {
        auto& s = self->state;
        if (s.terminal) log::clear_area();
        std::string table;
        for (const auto& line : render(s, true)) table += line + "\n";
        log::result("copy", table);
        CopySummary summary;
        for (const auto& c : s.tables) {
          summary.rows += c.rows;
          summary.bytes += c.bytes;
        }
        summary.seconds = std::chrono::duration<double>(Clock::now() - s.started).count();
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
