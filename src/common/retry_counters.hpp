#pragma once
// This process's retries of server calls, by kind, for GET /metrics and the status: counted where
// actors/retry.hpp logs each backoff step. Process-wide and thread-safe (actors on several threads
// count; the control endpoint reads): a metric, not task state — nothing decides on it.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omsql {

// The step that failed, from the text the retry log names it with ("writing a batch of t",
// "reading the source binlog from p", ...): binlog, chunking, copy_read, copy_write, apply,
// schema (everything else: tables, indexes, objects).
std::string_view retry_kind_of(std::string_view what);
// Every kind retry_kind_of answers, so a scrape shows each at 0 before its first retry.
const std::vector<std::string_view>& retry_kinds();

// The last retry of this process: what was retried, why, and when (wall clock, epoch ms).
struct LastRetry {
  std::string what;
  std::string error;
  int64_t at_ms = 0;
};

// Counts one retry of `what` after `error` (REQUIRES: nothing; callable from any thread).
void count_retry(std::string_view what, std::string_view error);
// The counts so far, every kind present.
std::map<std::string, uint64_t> retry_counts();
std::optional<LastRetry> last_retry();

}  // namespace omsql
