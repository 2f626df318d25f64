// WITH (...) and VERIFY (...) options: names and values are checked here, before any connection.
#include <charconv>
#include <limits>
#include <map>

#include "dsl/rules.hpp"
#include "src/common/retry.hpp"
#include "src/common/strings.hpp"

namespace omsql::dsl {
namespace {

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// Rejects `name` when it was already given in this list, so the last one does not silently win.
bool first_time(const ast::OptionItem& item, std::map<std::string, int>& seen, const SourceText& source,
                std::vector<Diagnostic>& diagnostics) {
  auto [it, inserted] = seen.emplace(to_lower(item.name.text), item.offset);
  if (inserted) return true;
  diagnostics.push_back(source.at(item.name.offset, "option '" + item.name.text + "' is given twice (first at line " +
                                                        std::to_string(source.at(it->second, "").line) + ")"));
  return false;
}

struct IntegerRange {
  int64_t min, max;
};

// Parses the option's value as an integer in `range`, or records why not.
std::optional<int64_t> integer_value(const ast::OptionItem& item, IntegerRange range, const SourceText& source,
                                     std::vector<Diagnostic>& diagnostics) {
  auto value = parse_integer(item.value.text);
  if (value && *value >= range.min && *value <= range.max) return value;
  std::string expected = range.max == std::numeric_limits<int64_t>::max()
                             ? (range.min == 0 ? "an integer >= 0" : "an integer >= " + std::to_string(range.min))
                             : "an integer from " + std::to_string(range.min) + " to " + std::to_string(range.max);
  diagnostics.push_back(source.at(item.value.offset, "bad value '" + item.value.text + "' for " +
                                                         to_lower(item.name.text) + ": expected " + expected));
  return std::nullopt;
}

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

}  // namespace

std::optional<int64_t> parse_byte_size(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  auto number = parse_integer(text.substr(0, digits));
  if (!number) return std::nullopt;
  std::string unit = to_lower(text.substr(digits));
  int shift = 0;
  if (unit.empty() || unit == "b") shift = 0;
  else if (unit == "k" || unit == "kb") shift = 10;
  else if (unit == "m" || unit == "mb") shift = 20;
  else if (unit == "g" || unit == "gb") shift = 30;
  else return std::nullopt;
  if (*number > (int64_t{1} << 40) >> shift) return std::nullopt;
  return *number << shift;
}

void apply_migrate_options(const std::vector<ast::OptionItem>& items, const SourceText& source, Options& options,
                           std::vector<Diagnostic>& diagnostics) {
  std::map<std::string, int> seen;
  for (const auto& item : items) {
    if (!first_time(item, seen, source, diagnostics)) continue;
    std::string name = to_lower(item.name.text);
    const std::string& value = item.value.text;
    if (name == "parallel") {
      if (auto v = integer_value(item, {1, 256}, source, diagnostics)) options.parallel = static_cast<int>(*v);
    } else if (name == "chunk_rows") {
      if (auto v = integer_value(item, {1, kNoLimit}, source, diagnostics)) options.chunk_rows = *v;
    } else if (name == "batch_rows") {
      if (auto v = integer_value(item, {1, kNoLimit}, source, diagnostics)) options.batch_rows = *v;
    } else if (name == "batch_bytes") {
      auto bytes = parse_byte_size(value);
      if (bytes && *bytes > 0) {
        options.batch_bytes = *bytes;
      } else {
        diagnostics.push_back(source.at(item.value.offset, "bad value '" + value +
                                                               "' for batch_bytes: expected a size such as "
                                                               "'4MB', '512KB', '1GB' or a number of bytes"));
      }
    } else if (name == "credits") {
      if (auto v = integer_value(item, {1, 1024}, source, diagnostics)) options.credits = static_cast<int>(*v);
    } else if (name == "max_rows_per_sec") {
      if (auto v = integer_value(item, {0, kNoLimit}, source, diagnostics)) options.max_rows_per_sec = *v;
    } else if (name == "max_events_per_sec") {
      if (auto v = integer_value(item, {0, kNoLimit}, source, diagnostics)) options.max_events_per_sec = *v;
    } else if (name == "on_exists") {
      std::string mode = to_lower(value);
      if (mode == "fail") options.on_exists = OnExists::kFail;
      else if (mode == "truncate") options.on_exists = OnExists::kTruncate;
      else if (mode == "append") options.on_exists = OnExists::kAppend;
      else
        diagnostics.push_back(source.at(item.value.offset, "bad value '" + value +
                                                               "' for on_exists: expected one of: 'fail', "
                                                               "'truncate', 'append'"));
    } else if (name == "same_server") {
      std::string mode = to_lower(value);
      if (mode == "refuse") options.same_server_allowed = false;
      else if (mode == "allow") options.same_server_allowed = true;
      else
        diagnostics.push_back(source.at(item.value.offset, "bad value '" + value +
                                                               "' for same_server: expected one of: 'refuse', "
                                                               "'allow'"));
    } else if (name == "definer") {
      std::string mode = to_lower(value);
      if (mode == "keep") options.keep_definer = true;
      else if (mode == "current_user") options.keep_definer = false;
      else
        diagnostics.push_back(source.at(item.value.offset, "bad value '" + value +
                                                               "' for definer: expected one of: 'keep', "
                                                               "'current_user'"));
    } else if (name == "retry_patience" || name == "retry_max_delay") {
      // Checked against each other below, once both are known.
      auto duration = parse_duration(value);
      bool patience = name == "retry_patience";
      auto minimum = patience ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(100);
      if (duration && *duration >= minimum) {
        (patience ? options.retry.patience : options.retry.max_delay) = *duration;
      } else {
        diagnostics.push_back(source.at(item.value.offset,
                                        "bad value '" + value + "' for " + name + ": expected a duration of at least " +
                                            (patience ? "1s" : "100ms") +
                                            " such as '10m', '30s', '500ms' or '1h' (a bare number is seconds)"));
      }
    } else if (name == "task_dir") {
      if (value.empty())
        diagnostics.push_back(source.at(item.value.offset, "task_dir must not be empty"));
      else
        options.task_dir = value;
    } else {
      diagnostics.push_back(source.at(item.name.offset,
                                      "unknown option '" + item.name.text +
                                          "'; expected one of: parallel, chunk_rows, batch_rows, batch_bytes, "
                                          "credits, max_rows_per_sec, max_events_per_sec, on_exists, same_server, definer, task_dir, retry_patience, retry_max_delay"));
    }
  }
  if (options.retry.max_delay > options.retry.patience) {
    // A short patience alone shortens the cap too; both given and contradicting is an error.
    auto it = seen.find("retry_max_delay");
    if (it == seen.end()) {
      options.retry.max_delay = options.retry.patience;
    } else {
      diagnostics.push_back(source.at(it->second, "retry_max_delay (" + duration_option_text(options.retry.max_delay) +
                                                      ") is longer than retry_patience (" +
                                                      duration_option_text(options.retry.patience) + ")"));
    }
  }
}

void apply_verify_options(const std::vector<ast::OptionItem>& items, const SourceText& source,
                          VerifyOptions& options, std::vector<Diagnostic>& diagnostics) {
  std::map<std::string, int> seen;
  for (const auto& item : items) {
    if (!first_time(item, seen, source, diagnostics)) continue;
    std::string name = to_lower(item.name.text);
    if (name == "chunk_rows") {
      if (auto v = integer_value(item, {1, kNoLimit}, source, diagnostics)) options.chunk_rows = *v;
    } else if (name == "settle_seconds") {
      if (auto v = integer_value(item, {1, 86400}, source, diagnostics)) options.settle_seconds = *v;
    } else if (name == "repair") {
      if (item.value.text.empty()) {
        diagnostics.push_back(source.at(item.value.offset,
                                        "bad value '' for repair: expected a file name such as 'repair.sql' or "
                                        "'apply'"));
      } else if (iequals(item.value.text, "apply")) {
        options.repair_apply = true;
        options.repair_file.clear();
      } else {
        options.repair_file = item.value.text;
        options.repair_apply = false;
      }
    } else {
      diagnostics.push_back(source.at(
          item.name.offset, "unknown VERIFY option '" + item.name.text + "'; expected one of: chunk_rows, repair, settle_seconds"));
    }
  }
}

}  // namespace omsql::dsl
