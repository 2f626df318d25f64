// WITH (...) and VERIFY (...) options: names and values are checked here, before any connection.
// The WITH table below is the only place an option's name, type and range are written down.
#include "src/model/options.hpp"

#include <charconv>
#include <limits>
#include <map>

#include "src/common/retry.hpp"
#include "src/common/strings.hpp"

namespace omsql {
namespace {

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxByteSize = int64_t{1} << 40;

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// A value read by its option's type, before it is stored.
struct ParsedValue {
  int64_t number = 0;
  std::chrono::milliseconds duration{0};
  std::string text;  // kChoice: the choice in lower case; kText: as given
};

template <typename OptionsT>
struct OptionEntry {
  OptionSpec spec;
  void (*store)(OptionsT&, const ParsedValue&);
};

const std::vector<OptionEntry<Options>>& entries() {
  using T = OptionType;
  static const std::vector<OptionEntry<Options>> table = {
      {{"parallel", T::kInteger, 1, 256, {}, "reader and applier pool sizes (default 4)"},
       [](Options& o, const ParsedValue& v) { o.parallel = static_cast<int>(v.number); }},
      {{"chunk_rows", T::kInteger, 1, kNoLimit, {}, "target rows per key-range chunk (default 20000)"},
       [](Options& o, const ParsedValue& v) { o.chunk_rows = v.number; }},
      {{"batch_rows", T::kInteger, 1, kNoLimit, {}, "a batch closes at batch_rows or batch_bytes (default 50000)"},
       [](Options& o, const ParsedValue& v) { o.batch_rows = v.number; }},
      {{"batch_bytes", T::kByteSize, 1, kMaxByteSize, {}, "a batch closes at batch_rows or batch_bytes (default 4MB)"},
       [](Options& o, const ParsedValue& v) { o.batch_bytes = v.number; }},
      {{"credits", T::kInteger, 1, 1024, {}, "batches in flight per reader (default 4)"},
       [](Options& o, const ParsedValue& v) { o.credits = static_cast<int>(v.number); }},
      {{"max_rows_per_sec", T::kInteger, 0, kNoLimit, {}, "copy rows per second, all readers together (0 = unthrottled, default)"},
       [](Options& o, const ParsedValue& v) { o.max_rows_per_sec = v.number; }},
      {{"max_events_per_sec", T::kInteger, 0, kNoLimit, {}, "replayed row changes per second (0 = unthrottled, default)"},
       [](Options& o, const ParsedValue& v) { o.max_events_per_sec = v.number; }},
      {{"on_exists", T::kChoice, 0, 0, {"fail", "truncate", "append"}, "a target table that exists (default 'fail')"},
       [](Options& o, const ParsedValue& v) {
         o.on_exists = v.text == "truncate" ? OnExists::kTruncate : v.text == "append" ? OnExists::kAppend : OnExists::kFail;
       }},
      {{"same_server", T::kChoice, 0, 0, {"refuse", "allow"}, "SOURCE and TARGET may be one server (default 'refuse')"},
       [](Options& o, const ParsedValue& v) { o.same_server_allowed = v.text == "allow"; }},
      {{"definer", T::kChoice, 0, 0, {"keep", "current_user"}, "DEFINER of views, routines, triggers, events (default 'current_user')"},
       [](Options& o, const ParsedValue& v) { o.keep_definer = v.text == "keep"; }},
      {{"task_dir", T::kText, 0, 0, {}, "task directory (default .omsql/<script name>)"},
       [](Options& o, const ParsedValue& v) { o.task_dir = v.text; }},
      {{"retry_patience", T::kDuration, 1000, 0, {}, "how long a failing server call is retried (default 10m)"},
       [](Options& o, const ParsedValue& v) { o.retry.patience = v.duration; }},
      {{"retry_max_delay", T::kDuration, 100, 0, {}, "the longest wait between retries (default 10s)"},
       [](Options& o, const ParsedValue& v) { o.retry.max_delay = v.duration; }},
  };
  return table;
}

// VERIFY (...) options, in the order their errors list them.
const std::vector<OptionEntry<VerifyOptions>>& verify_entries() {
  using T = OptionType;
  static const std::vector<OptionEntry<VerifyOptions>> table = {
      {{"chunk_rows", T::kInteger, 1, kNoLimit, {}, "rows per compared chunk (default 10000)"},
       [](VerifyOptions& o, const ParsedValue& v) { o.chunk_rows = v.number; }},
      {{"repair", T::kText, 0, 0, {}, "write the repair SQL to this file, or 'apply' it (default none)",
        "a file name such as 'repair.sql' or 'apply'"},
       [](VerifyOptions& o, const ParsedValue& v) {
         o.repair_apply = iequals(v.text, "apply");
         o.repair_file = o.repair_apply ? "" : v.text;
       }},
      {{"settle_seconds", T::kInteger, 1, 86400, {}, "how long differing rows may wait for the live link (default 60)"},
       [](VerifyOptions& o, const ParsedValue& v) { o.settle_seconds = v.number; }},
  };
  return table;
}

template <typename OptionsT>
const OptionEntry<OptionsT>* find_entry(const std::vector<OptionEntry<OptionsT>>& table, std::string_view name) {
  std::string lower = to_lower(name);
  for (const auto& entry : table)
    if (entry.spec.name == lower) return &entry;
  return nullptr;
}

template <typename OptionsT>
std::string names_of(const std::vector<OptionEntry<OptionsT>>& table) {
  std::string out;
  for (const auto& entry : table) out += (out.empty() ? "" : ", ") + std::string(entry.spec.name);
  return out;
}

}  // namespace

// What the value must look like: the tail of "bad value 'x' for NAME: expected ...".
std::string option_expected_text(const OptionSpec& spec) {
  switch (spec.type) {
    case OptionType::kInteger:
      if (spec.max == kNoLimit) return "an integer >= " + std::to_string(spec.min);
      return "an integer from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
    case OptionType::kByteSize:
      return "a size such as '4MB', '512KB', '1GB' or a number of bytes";
    case OptionType::kDuration:
      return "a duration of at least " + duration_option_text(std::chrono::milliseconds(spec.min)) +
             " such as '10m', '30s', '500ms' or '1h' (a bare number is seconds)";
    case OptionType::kChoice: {
      std::string out = "one of: ";
      for (size_t i = 0; i < spec.choices.size(); ++i)
        out += (i ? ", '" : "'") + std::string(spec.choices[i]) + "'";
      return out;
    }
    case OptionType::kText:
      return spec.expected.empty() ? "a non-empty text" : std::string(spec.expected);
  }
  return "";
}

namespace {

// The short form for `--help`: "1..256", "'fail' | 'truncate' | 'append'", "duration >= 1s".
std::string accepted_text(const OptionSpec& spec) {
  switch (spec.type) {
    case OptionType::kInteger:
      return spec.max == kNoLimit ? "integer >= " + std::to_string(spec.min)
                                  : "integer " + std::to_string(spec.min) + ".." + std::to_string(spec.max);
    case OptionType::kByteSize: return "size (4MB, 512KB, bytes)";
    case OptionType::kDuration: return "duration >= " + duration_option_text(std::chrono::milliseconds(spec.min));
    case OptionType::kChoice: {
      std::string out;
      for (size_t i = 0; i < spec.choices.size(); ++i) out += (i ? "|" : "") + std::string(spec.choices[i]);
      return out;
    }
    case OptionType::kText: return "text";
  }
  return "";
}

std::optional<ParsedValue> parse_value(const OptionSpec& spec, std::string_view value) {
  ParsedValue parsed;
  switch (spec.type) {
    case OptionType::kInteger: {
      auto number = parse_integer(value);
      if (!number || *number < spec.min || *number > spec.max) return std::nullopt;
      parsed.number = *number;
      return parsed;
    }
    case OptionType::kByteSize: {
      auto bytes = parse_byte_size(value);
      if (!bytes || *bytes < spec.min || *bytes > spec.max) return std::nullopt;
      parsed.number = *bytes;
      return parsed;
    }
    case OptionType::kDuration: {
      auto duration = parse_duration(value);
      if (!duration || duration->count() < spec.min) return std::nullopt;
      parsed.duration = *duration;
      return parsed;
    }
    case OptionType::kChoice: {
      std::string lower = to_lower(value);
      for (auto choice : spec.choices)
        if (choice == lower) {
          parsed.text = lower;
          return parsed;
        }
      return std::nullopt;
    }
    case OptionType::kText:
      if (value.empty()) return std::nullopt;
      parsed.text = std::string(value);
      return parsed;
  }
  return std::nullopt;
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Parses and stores one option of `table`; `what` names the list in the unknown-option error.
template <typename OptionsT>
std::optional<OptionError> set_option(const std::vector<OptionEntry<OptionsT>>& table, std::string_view what,
                                      OptionsT& options, std::string_view name, std::string_view value) {
  const auto* entry = find_entry(table, name);
  if (!entry)
    return OptionError{true, "unknown " + std::string(what) + "'" + std::string(name) + "'; expected one of: " +
                                 names_of(table)};
  auto parsed = parse_value(entry->spec, value);
  if (!parsed) {
    if (entry->spec.type == OptionType::kText && entry->spec.expected.empty())
      return OptionError{false, std::string(entry->spec.name) + " must not be empty"};
    return OptionError{false, "bad value '" + std::string(value) + "' for " + std::string(entry->spec.name) +
                                  ": expected " + option_expected_text(entry->spec)};
  }
  entry->store(options, *parsed);
  return std::nullopt;
}

}  // namespace

const std::vector<OptionSpec>& migrate_option_table() {
  static const std::vector<OptionSpec> specs = [] {
    std::vector<OptionSpec> out;
    for (const auto& entry : entries()) out.push_back(entry.spec);
    return out;
  }();
  return specs;
}

const OptionSpec* find_migrate_option(std::string_view name) {
  std::string lower = to_lower(name);
  for (const auto& spec : migrate_option_table())
    if (spec.name == lower) return &spec;
  return nullptr;
}

std::string migrate_option_names() { return names_of(entries()); }

std::string migrate_option_help() {
  std::string out;
  for (const auto& entry : entries()) {
    std::string name(entry.spec.name), accepted = accepted_text(entry.spec);
    out += "  " + name + std::string(name.size() < 20 ? 20 - name.size() : 1, ' ') + accepted +
           std::string(accepted.size() < 26 ? 26 - accepted.size() : 1, ' ') + std::string(entry.spec.doc) + "\n";
  }
  return out;
}

std::optional<OptionError> set_migrate_option(Options& options, std::string_view name, std::string_view value) {
  return set_option(entries(), "option ", options, name, value);
}

const std::vector<OptionSpec>& verify_option_table() {
  static const std::vector<OptionSpec> specs = [] {
    std::vector<OptionSpec> out;
    for (const auto& entry : verify_entries()) out.push_back(entry.spec);
    return out;
  }();
  return specs;
}

std::optional<OptionError> set_verify_option(VerifyOptions& options, std::string_view name, std::string_view value) {
  return set_option(verify_entries(), "VERIFY option ", options, name, value);
}

std::optional<std::string> check_retry_options(Options& options, bool max_delay_given) {
  if (options.retry.max_delay <= options.retry.patience) return std::nullopt;
  if (!max_delay_given) {
    options.retry.max_delay = options.retry.patience;
    return std::nullopt;
  }
  return "retry_max_delay (" + duration_option_text(options.retry.max_delay) + ") is longer than retry_patience (" +
         duration_option_text(options.retry.patience) + ")";
}

std::string apply_option_overrides(Options& options, const std::vector<std::string>& name_values,
                                   std::string_view flag) {
  const std::string where(flag);
  std::map<std::string, std::string> seen;  // lower-case name -> the argument that gave it
  for (const auto& name_value : name_values) {
    auto eq = name_value.find('=');
    if (eq == std::string::npos || eq == 0)
      return where + " " + name_value + ": expected name=value, such as parallel=8";
    std::string_view name = std::string_view(name_value).substr(0, eq);
    std::string_view value = std::string_view(name_value).substr(eq + 1);
    if (auto error = set_migrate_option(options, name, value)) return where + " " + name_value + ": " + error->message;
    auto [it, inserted] = seen.emplace(to_lower(name), name_value);
    if (!inserted)
      return where + " " + name_value + ": option '" + std::string(name) + "' is given twice (first " + where + " " +
             it->second + ")";
  }
  if (auto error = check_retry_options(options, seen.count("retry_max_delay") > 0)) return where + ": " + *error;
  return "";
}

std::optional<std::string> add_phase(Phases& phases, std::string_view word) {
  std::string name = to_lower(word);
  bool* phase = name == "schema"        ? &phases.schema
                : name == "full"        ? &phases.full
                : name == "incremental" ? &phases.incremental
                                        : nullptr;
  if (!phase) return "unknown phase '" + std::string(word) + "'; expected one of: " + std::string(kPhaseNames);
  if (*phase) return "phase " + name + " is listed twice";
  *phase = true;
  return std::nullopt;
}

PhaseList parse_phase_list(std::string_view text) {
  PhaseList list;
  for (size_t start = 0;;) {
    size_t comma = text.find(',', start);
    std::string_view word = trim_spaces(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    if (auto error = add_phase(list.phases, word)) {
      list.error = *error;
      return list;
    }
    if (comma == std::string_view::npos) return list;
    start = comma + 1;
  }
}

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
  if (*number > kMaxByteSize >> shift) return std::nullopt;
  return *number << shift;
}

}  // namespace omsql
