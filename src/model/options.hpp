#pragma once
// The one table of WITH (...) options (and of VERIFY (...) options) and the one reader of MODE phases. The script's WITH and MODE
// clauses, `omsrun run --set NAME=VALUE`, `omsrun run --mode` and `omsrun bench --vary` all go
// through here, so an option has one name, one type, one range and one error wording everywhere;
// callers add only the place (file:line:col for a script, the flag and its argument on the CLI).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/plan.hpp"

namespace omsql {

enum class OptionType {
  kInteger,   // decimal digits, within [min, max]
  kByteSize,  // parse_byte_size syntax ('4MB', '512KB', '1GB', bytes), within [min, max]
  kDuration,  // parse_duration syntax ('10m', '30s', '500ms', '1h', bare seconds), at least min ms
  kChoice,    // one of `choices`, any case
  kText,      // any non-empty text
};

struct OptionSpec {
  std::string_view name;                  // lower case; names compare case-insensitively
  OptionType type;
  int64_t min = 0, max = 0;               // kInteger, kByteSize: the range; kDuration: min in ms
  std::vector<std::string_view> choices;  // kChoice, lower case
  std::string_view doc;                   // one line: what it does, the default
  std::string_view expected = {};         // kText: what a bad (empty) value is told to be instead
};

// Every WITH option, in the order docs/language.md lists them.
const std::vector<OptionSpec>& migrate_option_table();
// The spec of `name` (any case), or null.
const OptionSpec* find_migrate_option(std::string_view name);
// What a value of `spec` must look like ("an integer >= 0", "one of: 'fail', ..."): the tail of
// every "bad value" error, for callers that read values from elsewhere (the control endpoint's JSON).
std::string option_expected_text(const OptionSpec& spec);
// "parallel, chunk_rows, ...": what an unknown-option error lists.
std::string migrate_option_names();
// The table as text, one option a line: name, accepted values, doc (for `omsrun --help`).
std::string migrate_option_help();

struct OptionError {
  bool about_name = false;  // the name is unknown (else the value is bad)
  std::string message;      // "bad value '2k' for parallel: expected an integer from 1 to 256"
};

// Parses `value` for option `name` and stores it in `options`, or says why not. Does not check the
// rules between options (check_retry_options does, once all are set).
std::optional<OptionError> set_migrate_option(Options& options, std::string_view name, std::string_view value);

// VERIFY (...) options (`MIGRATE ... VERIFY (...)`, `VERIFY ... WITH (...)`, `omsrun verify
// --settle-seconds`): the same machinery, their own table.
const std::vector<OptionSpec>& verify_option_table();
std::optional<OptionError> set_verify_option(VerifyOptions& options, std::string_view name, std::string_view value);

// retry_max_delay must not exceed retry_patience. When retry_max_delay was not given in this list
// (`max_delay_given` false) a short patience shortens the cap too; given and contradicting is the error.
std::optional<std::string> check_retry_options(Options& options, bool max_delay_given);

// Applies "name=value" overrides (`--set`) over `options` (the script's WITH), then the rules between
// options. Returns "" or the error for `flag` ("--set parallel=2k: bad value '2k' for parallel: ...").
// A name given twice is refused, as in a WITH list, so the last one does not silently win.
std::string apply_option_overrides(Options& options, const std::vector<std::string>& name_values,
                                   std::string_view flag = "--set");

// MODE phases: "SCHEMA, FULL, INCREMENTAL", as the errors list them.
inline constexpr std::string_view kPhaseNames = "SCHEMA, FULL, INCREMENTAL";
// Adds phase `word` (any case) to `phases`, or returns why not (unknown, or listed twice).
std::optional<std::string> add_phase(Phases& phases, std::string_view word);

struct PhaseList {
  Phases phases{false, false, false};
  std::string error;  // "" when phases is valid
};
// The `--mode` syntax: phases separated by commas ("schema,full"), at least one.
PhaseList parse_phase_list(std::string_view text);

// "4MB", "512KB", "1GB", "4096" -> bytes (binary units); nullopt when malformed or over 1 TB.
std::optional<int64_t> parse_byte_size(std::string_view text);

}  // namespace omsql
