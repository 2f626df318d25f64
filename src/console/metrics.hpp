#pragma once
// GET /metrics of a running task: its status (TaskStatus) in the Prometheus text exposition format
// 0.0.4, every name prefixed omsql_ (docs/operations.md, "Metrics", lists them). Pure rendering
// plus the two reads of this process's facts the status does not hold (RSS, spool size).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/task/task_status.hpp"

namespace omsql::console {

// A label value as the format wants it between double quotes: \ -> \\, " -> \", newline -> \n.
std::string escape_label_value(std::string_view value);

// The resident set size from the text of /proc/self/statm ("size resident shared ..." in pages)
// and the page size; nullopt when the text is not that.
std::optional<uint64_t> resident_bytes_from_statm(std::string_view statm, uint64_t page_size);
// This process's resident set size (/proc/self/statm); nullopt where it cannot be read.
std::optional<uint64_t> process_resident_bytes();

// The bytes of the regular files under `dir` (symlinks not followed); 0 when it does not exist.
uint64_t directory_bytes(const std::string& dir);

// What /metrics shows beyond the status.
struct ProcessFacts {
  std::optional<uint64_t> resident_bytes;
};

// The exposition text (ends with a newline). Families whose facts the status lacks (no link yet,
// no verification finished) are left out rather than shown as 0.
std::string render_metrics(const TaskStatus& status, const ProcessFacts& process);

// The Content-Type of that text.
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace omsql::console
