#pragma once
// The web console's chart data: one sample a second of the link's lag and apply rate, kept in
// memory for the last hour (bounded: `capacity` samples, the oldest dropped first), so a page
// opened late still shows the hour. Thread-safe: the control endpoint's sampler adds, its HTTP
// threads read.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "src/task/task_status.hpp"

namespace omsql::console {

struct Sample {
  int64_t at = 0;            // epoch seconds (the status's updated_at)
  double lag_seconds = 0;
  double events_per_second = 0;
  uint64_t events_applied = 0;
  uint64_t rows_copied = 0;  // all tables, this process
};

// The sample a status gives (nullopt without updated_at).
std::optional<Sample> sample_of(const TaskStatus& status);

class History {
 public:
  static constexpr size_t kHour = 3600;
  explicit History(size_t capacity = kHour) : capacity_(capacity) {}

  // Keeps `sample` unless it is not newer than the last one kept (two answers in one second).
  void add(const Sample& sample);
  size_t size() const;
  // {"samples": [[at, lag_seconds, events_per_second, events_applied, rows_copied], ...]}, oldest first.
  std::string json() const;

 private:
  mutable std::mutex mutex_;
  size_t capacity_;
  std::deque<Sample> samples_;
};

}  // namespace omsql::console
