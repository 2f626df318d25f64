#include "src/console/metrics.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "src/task/phase.hpp"

namespace omsql::console {

namespace {

// Every phase a task can be in, in order: the phase gauge shows each (1 for the current one).
constexpr Phase kPhases[] = {Phase::kNew,         Phase::kSchema, Phase::kFull,  Phase::kIndexes,
                             Phase::kIncremental, Phase::kDone,   Phase::kRecopy};

// HELP text escaping: \ -> \\, newline -> \n (quotes stay).
std::string escape_help(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
 public:
  // Starts a family: its HELP and TYPE lines.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ << "# HELP " << name << ' ' << escape_help(help) << '\n' << "# TYPE " << name << ' ' << type << '\n';
  }
  void sample(std::string_view name, const Labels& labels, const std::string& value) {
    out_ << name;
    if (!labels.empty()) {
      out_ << '{';
      for (size_t i = 0; i < labels.size(); ++i)
        out_ << (i ? "," : "") << labels[i].first << "=\"" << escape_label_value(labels[i].second) << '"';
      out_ << '}';
    }
    out_ << ' ' << value << '\n';
  }
  void sample(std::string_view name, const Labels& labels, uint64_t value) {
    sample(name, labels, std::to_string(value));
  }
  void sample(std::string_view name, const Labels& labels, double value) { sample(name, labels, number(value)); }
  // A family of one unlabelled sample.
  template <class T>
  void single(std::string_view name, std::string_view type, std::string_view help, T value) {
    family(name, type, help);
    sample(name, {}, value);
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

uint64_t flag(bool value) { return value ? 1 : 0; }

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::optional<uint64_t> resident_bytes_from_statm(std::string_view statm, uint64_t page_size) {
  std::istringstream in{std::string(statm)};
  uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return std::nullopt;
  return resident * page_size;
}

std::optional<uint64_t> process_resident_bytes() {
  std::ifstream in("/proc/self/statm");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  long page = ::sysconf(_SC_PAGESIZE);
  return resident_bytes_from_statm(line, page > 0 ? static_cast<uint64_t>(page) : 4096);
}

uint64_t directory_bytes(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  uint64_t total = 0;
  fs::recursive_directory_iterator it(dir, error), end;
  // A segment given back while we walk is simply not counted.
  for (; !error && it != end; it.increment(error)) {
    std::error_code entry_error;
    if (it->is_regular_file(entry_error)) {
      auto size = it->file_size(entry_error);
      if (!entry_error) total += size;
    }
  }
  return total;
}

std::string render_metrics(const TaskStatus& status, const ProcessFacts& process) {
  Exposition e;
  e.family("omsql_phase", "gauge", "The task's phase: 1 for the phase it is in, 0 for the others.");
  for (Phase phase : kPhases) {
    const std::string name(phase_name(phase));
    e.sample("omsql_phase", {{"phase", name}}, flag(status.phase && *status.phase == name));
  }
  e.single("omsql_paused", "gauge", "1 while the task is paused (omsrun pause).", flag(status.paused));
  if (status.copy_progress && !status.copy_progress->empty()) {
    const auto& tables = *status.copy_progress;
    auto per_table = [&](const char* name, const char* type, const char* help, auto value_of) {
      e.family(name, type, help);
      for (const TableCopyStatus& t : tables)
        e.sample(name, {{"source_table", t.source}, {"target_table", t.target}}, value_of(t));
    };
    per_table("omsql_copy_rows_total", "counter", "Rows copied by this process, per table.",
              [](const TableCopyStatus& t) { return t.rows; });
    per_table("omsql_copy_bytes_total", "counter", "Bytes of row data copied by this process, per table.",
              [](const TableCopyStatus& t) { return t.bytes; });
    per_table("omsql_copy_chunks_total", "counter", "Chunks committed on the target by this process, per table.",
              [](const TableCopyStatus& t) { return t.chunks_done; });
    per_table("omsql_copy_estimated_rows", "gauge", "The source's row estimate when the plan was made, per table.",
              [](const TableCopyStatus& t) { return t.estimated_rows; });
    per_table("omsql_copy_table_done", "gauge", "1 once the table's copy is complete (this run or an earlier one).",
              [](const TableCopyStatus& t) { return flag(t.done); });
  }
  if (status.link) {
    const LinkStatus& link = *status.link;
    e.single("omsql_apply_events_total", "counter", "Row changes applied to the target by this process.",
             link.events_applied);
    e.single("omsql_apply_events_per_second", "gauge", "Row changes applied per second, recently.",
             link.events_per_second.value_or(0.0));
    e.single("omsql_lag_seconds", "gauge",
             "Age of the oldest change stored in the spool but not applied yet (0: all applied).",
             link.lag_seconds.value_or(0.0));
    e.single("omsql_caught_up", "gauge", "1 while the link is caught up with the source.", flag(link.caught_up));
    if (link.apply_lanes) e.single("omsql_apply_lanes", "gauge", "Apply lanes of the link.", uint64_t{*link.apply_lanes});
    e.single("omsql_capture_paused", "gauge", "1 while binlog capture waits for spool space.",
             flag(link.capture_paused.has_value()));
    if (link.spool_bytes)
      e.single("omsql_spool_bytes", "gauge", "Bytes of the spool's segment files on disk.", *link.spool_bytes);
  }
  if (status.retries) {
    e.family("omsql_retries_total", "counter", "Retries of server calls after transient errors, by kind of step.");
    for (const auto& [kind, count] : *status.retries) e.sample("omsql_retries_total", {{"kind", kind}}, count);
  }
  if (status.verification) {
    const VerificationStatus& v = *status.verification;
    e.single("omsql_verifications_started_total", "counter", "Verifications started by this process.", v.id);
    e.single("omsql_verification_running", "gauge", "1 while a verification runs.", flag(v.running));
    if (v.last && v.last->differences)
      e.single("omsql_verification_differences", "gauge",
               "Rows the last finished verification found different (missing, extra or changed).",
               *v.last->differences);
  }
  if (status.max_rows_per_sec)
    e.single("omsql_throttle_rows_per_second", "gauge", "The copy's row limit in force (0: unlimited).",
             static_cast<uint64_t>(std::max<int64_t>(0, *status.max_rows_per_sec)));
  if (status.max_events_per_sec)
    e.single("omsql_throttle_events_per_second", "gauge", "The replay's row change limit in force (0: unlimited).",
             static_cast<uint64_t>(std::max<int64_t>(0, *status.max_events_per_sec)));
  if (process.resident_bytes)
    e.single("omsql_process_resident_memory_bytes", "gauge", "Resident memory of the omsrun process.",
             *process.resident_bytes);
  return e.text();
}

}  // namespace omsql::console
