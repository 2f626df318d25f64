// The one WITH option table and MODE reader: the script's WITH/MODE and the CLI's --set/--vary/--mode
// must accept the same values and refuse the rest with the same words.
#include <doctest/doctest.h>

#include <string>

#include "dsl/compiler.hpp"
#include "src/model/options.hpp"

using namespace omsql;
using namespace omsql::dsl;

namespace {

// The diagnostic messages (without place) of a script whose MIGRATE has `with_list` as its WITH.
std::vector<std::string> with_errors(const std::string& with_list) {
  auto outcome = compile_script("SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2';\nMIGRATE shop.* WITH (" +
                                    with_list + ");\n",
                                "o.omsql");
  std::vector<std::string> messages;
  for (const auto& d : outcome.diagnostics) messages.push_back(d.message);
  return messages;
}

// The Options a script's WITH list compiles to (the list must be valid).
Options with_options(const std::string& with_list) {
  auto outcome = compile_script("SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2';\nMIGRATE shop.* WITH (" +
                                    with_list + ");\n",
                                "o.omsql");
  REQUIRE(outcome.ok());
  return unbound_plan(*outcome.script).options;
}

bool same(const Options& a, const Options& b) {
  return a.parallel == b.parallel && a.chunk_rows == b.chunk_rows && a.batch_rows == b.batch_rows &&
         a.batch_bytes == b.batch_bytes && a.credits == b.credits && a.max_rows_per_sec == b.max_rows_per_sec &&
         a.max_events_per_sec == b.max_events_per_sec && a.on_exists == b.on_exists &&
         a.same_server_allowed == b.same_server_allowed && a.keep_definer == b.keep_definer &&
         a.task_dir == b.task_dir && a.retry.patience == b.retry.patience && a.retry.max_delay == b.retry.max_delay;
}

// A valid, non-default value for each option of the table (the table must not grow without one).
std::string sample_value(std::string_view name) {
  if (name == "parallel") return "7";
  if (name == "chunk_rows") return "1234";
  if (name == "batch_rows") return "999";
  if (name == "batch_bytes") return "2MB";
  if (name == "credits") return "9";
  if (name == "max_rows_per_sec") return "5000";
  if (name == "max_events_per_sec") return "300";
  if (name == "on_exists") return "truncate";
  if (name == "same_server") return "allow";
  if (name == "definer") return "keep";
  if (name == "task_dir") return "/tmp/t";
  if (name == "retry_patience") return "2h";
  if (name == "retry_max_delay") return "30s";
  return "";
}

}  // namespace

TEST_CASE("every WITH option is accepted by --set and gives the same Options") {
  for (const auto& spec : migrate_option_table()) {
    std::string name(spec.name), value = sample_value(spec.name);
    CAPTURE(name);
    REQUIRE_MESSAGE(!value.empty(), "no sample value for a new option: add one here");
    Options from_cli;
    CHECK(apply_option_overrides(from_cli, {name + "=" + value}) == "");
    Options from_script = with_options(name + " = '" + value + "'");
    CHECK(same(from_cli, from_script));
    CHECK(!same(from_cli, Options{}));  // the sample really changes something
  }
}

TEST_CASE("--set refuses what WITH refuses, in the same words") {
  struct Case {
    const char* name;
    const char* value;
    const char* message;
  };
  const Case cases[] = {
      {"parallel", "2k", "bad value '2k' for parallel: expected an integer from 1 to 256"},
      {"parallel", "0", "bad value '0' for parallel: expected an integer from 1 to 256"},
      {"parallel", "257", "bad value '257' for parallel: expected an integer from 1 to 256"},
      {"chunk_rows", "1MB", "bad value '1MB' for chunk_rows: expected an integer >= 1"},
      {"credits", "1025", "bad value '1025' for credits: expected an integer from 1 to 1024"},
      {"batch_bytes", "0", "bad value '0' for batch_bytes: expected a size such as '4MB', '512KB', '1GB' or a number of bytes"},
      {"batch_bytes", "4XB", "bad value '4XB' for batch_bytes: expected a size such as '4MB', '512KB', '1GB' or a number of bytes"},
      {"max_rows_per_sec", "-1", "bad value '-1' for max_rows_per_sec: expected an integer >= 0"},
      {"on_exists", "replace", "bad value 'replace' for on_exists: expected one of: 'fail', 'truncate', 'append'"},
      {"definer", "root", "bad value 'root' for definer: expected one of: 'keep', 'current_user'"},
      {"retry_patience", "500ms",
       "bad value '500ms' for retry_patience: expected a duration of at least 1s such as '10m', '30s', '500ms' or "
       "'1h' (a bare number is seconds)"},
      {"retry_max_delay", "50ms",
       "bad value '50ms' for retry_max_delay: expected a duration of at least 100ms such as '10m', '30s', '500ms' or "
       "'1h' (a bare number is seconds)"},
      {"task_dir", "", "task_dir must not be empty"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CAPTURE(c.value);
    Options options;
    std::string argument = std::string(c.name) + "=" + c.value;
    CHECK(apply_option_overrides(options, {argument}) == "--set " + argument + ": " + c.message);
    CHECK(same(options, Options{}));  // a refused value changes nothing
    auto script = with_errors(std::string(c.name) + " = '" + c.value + "'");
    REQUIRE(script.size() == 1);
    CHECK(script[0] == c.message);
  }
}

TEST_CASE("an unknown option lists the known ones, on the CLI as in a script") {
  Options options;
  std::string error = apply_option_overrides(options, {"paralel=4"});
  CHECK(error == "--set paralel=4: unknown option 'paralel'; expected one of: " + migrate_option_names());
  for (const auto& spec : migrate_option_table()) CHECK(error.find(std::string(spec.name)) != std::string::npos);
  auto script = with_errors("paralel = 4");
  REQUIRE(script.size() == 1);
  CHECK(script[0] == "unknown option 'paralel'; expected one of: " + migrate_option_names());
  CHECK(apply_option_overrides(options, {"parallel=4"}, "--vary") == "");
  CHECK(apply_option_overrides(options, {"paralel"}) == "--set paralel: expected name=value, such as parallel=8");
  CHECK(apply_option_overrides(options, {"=4"}) == "--set =4: expected name=value, such as parallel=8");
}

TEST_CASE("--set: names in any case, a name twice refused, the retry rule as in WITH") {
  Options options;
  CHECK(apply_option_overrides(options, {"PARALLEL=3", "On_Exists=APPEND"}) == "");
  CHECK(options.parallel == 3);
  CHECK(options.on_exists == OnExists::kAppend);
  CHECK(apply_option_overrides(options, {"parallel=2", "Parallel=5"}) ==
        "--set Parallel=5: option 'Parallel' is given twice (first --set parallel=2)");

  // A short patience alone shortens the cap; both given and contradicting is an error.
  Options shortened;
  CHECK(apply_option_overrides(shortened, {"retry_patience=5s"}) == "");
  CHECK(shortened.retry.max_delay == std::chrono::seconds(5));
  Options contradicting;
  CHECK(apply_option_overrides(contradicting, {"retry_patience=30s", "retry_max_delay=1m"}) ==
        "--set: retry_max_delay (1m) is longer than retry_patience (30s)");
  CHECK(with_errors("retry_patience = '30s', retry_max_delay = '1m'") ==
        std::vector<std::string>{"retry_max_delay (1m) is longer than retry_patience (30s)"});
}

TEST_CASE("the table describes every option for --help") {
  std::string help = migrate_option_help();
  for (const auto& spec : migrate_option_table()) {
    CAPTURE(spec.name);
    CHECK(!spec.doc.empty());
    CHECK(find_migrate_option(spec.name) == &spec);
    CHECK(help.find("  " + std::string(spec.name) + " ") != std::string::npos);
  }
  CHECK(help.find("integer 1..256") != std::string::npos);
  CHECK(find_migrate_option("PARALLEL") != nullptr);
  CHECK(find_migrate_option("mode") == nullptr);
}

TEST_CASE("MODE phases: one reader for the script and --mode") {
  auto list = parse_phase_list("schema,full");
  CHECK(list.error == "");
  CHECK((list.phases.schema && list.phases.full && !list.phases.incremental));
  list = parse_phase_list("INCREMENTAL, Full");
  CHECK(list.error == "");
  CHECK((!list.phases.schema && list.phases.full && list.phases.incremental));
  CHECK(parse_phase_list("schema,fast").error == "unknown phase 'fast'; expected one of: SCHEMA, FULL, INCREMENTAL");
  CHECK(parse_phase_list("full,full").error == "phase full is listed twice");
  CHECK(parse_phase_list("").error == "unknown phase ''; expected one of: SCHEMA, FULL, INCREMENTAL");
  CHECK(parse_phase_list("schema,").error == "unknown phase ''; expected one of: SCHEMA, FULL, INCREMENTAL");

  auto outcome = compile_script("SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2';\nMIGRATE shop.* MODE SCHEMA, fast;\n",
                                "o.omsql");
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].message == parse_phase_list("schema,fast").error);
}

TEST_CASE("VERIFY options: one table for the script and omsrun verify --settle-seconds") {
  VerifyOptions options;
  CHECK(!set_verify_option(options, "SETTLE_SECONDS", "120"));
  CHECK(options.settle_seconds == 120);
  CHECK(!set_verify_option(options, "repair", "fix.sql"));
  CHECK((options.repair_file == "fix.sql" && !options.repair_apply));
  CHECK(!set_verify_option(options, "repair", "APPLY"));
  CHECK((options.repair_file.empty() && options.repair_apply));
  CHECK(set_verify_option(options, "settle_seconds", "0")->message ==
        "bad value '0' for settle_seconds: expected an integer from 1 to 86400");
  CHECK(set_verify_option(options, "repair", "")->message ==
        "bad value '' for repair: expected a file name such as 'repair.sql' or 'apply'");
  auto unknown = set_verify_option(options, "parallel", "2");
  REQUIRE(unknown);
  CHECK(unknown->about_name);
  CHECK(unknown->message == "unknown VERIFY option 'parallel'; expected one of: chunk_rows, repair, settle_seconds");
  CHECK(verify_option_table().size() == 3);

  auto outcome = compile_script(
      "SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2';\nMIGRATE shop.* VERIFY (settle_seconds = 0);\n", "o.omsql");
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].message == "bad value '0' for settle_seconds: expected an integer from 1 to 86400");
}
