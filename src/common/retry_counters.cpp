#include "src/common/retry_counters.hpp"

#include <mutex>

namespace omsql {

namespace {

struct Counters {
  std::mutex mutex;
  std::map<std::string, uint64_t> counts;
  std::optional<LastRetry> last;
};

Counters& counters() {
  static Counters instance;
  return instance;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string_view retry_kind_of(std::string_view what) {
  // The prefixes are the retry descriptions of actors/*.cpp (next_retry's `what`).
  if (starts_with(what, "reading the source binlog")) return "binlog";
  if (starts_with(what, "computing the next chunk")) return "chunking";
  if (starts_with(what, "writing a batch")) return "copy_write";
  if (starts_with(what, "applying ") || starts_with(what, "reading the apply checkpoints")) return "apply";
  if (starts_with(what, "reading ")) return "copy_read";
  return "schema";
}

const std::vector<std::string_view>& retry_kinds() {
  static const std::vector<std::string_view> kinds = {"apply",     "binlog",     "chunking",
                                                                "copy_read", "copy_write", "schema"};
  return kinds;
}

void count_retry(std::string_view what, std::string_view error) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  Counters& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  ++c.counts[std::string(retry_kind_of(what))];
  c.last = LastRetry{std::string(what), std::string(error), now_ms};
}

std::map<std::string, uint64_t> retry_counts() {
  Counters& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  std::map<std::string, uint64_t> counts = c.counts;
  for (std::string_view kind : retry_kinds()) counts.emplace(std::string(kind), 0);
  return counts;
}

std::optional<LastRetry> last_retry() {
  Counters& c = counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.last;
}

}  // namespace omsql
