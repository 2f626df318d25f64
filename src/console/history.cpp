#include "src/console/history.hpp"

#include <nlohmann/json.hpp>

namespace omsql::console {

std::optional<Sample> sample_of(const TaskStatus& status) {
  if (!status.updated_at) return std::nullopt;
  Sample sample;
  sample.at = *status.updated_at;
  if (status.link) {
    sample.lag_seconds = status.link->lag_seconds.value_or(0.0);
    sample.events_per_second = status.link->events_per_second.value_or(0.0);
    sample.events_applied = status.link->events_applied;
  }
  if (status.copy_progress)
    for (const TableCopyStatus& table : *status.copy_progress) sample.rows_copied += table.rows;
  return sample;
}

void History::add(const Sample& sample) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!samples_.empty() && sample.at <= samples_.back().at) return;
  samples_.push_back(sample);
  while (samples_.size() > capacity_) samples_.pop_front();
}

size_t History::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return samples_.size();
}

std::string History::json() const {
  nlohmann::json rows = nlohmann::json::array();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Sample& s : samples_)
      rows.push_back({s.at, s.lag_seconds, s.events_per_second, s.events_applied, s.rows_copied});
  }
  return nlohmann::json{{"samples", std::move(rows)}}.dump();
}

}  // namespace omsql::console
