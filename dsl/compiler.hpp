#pragma once
// The .omsql compiler: the one header the CLI needs. Two steps, so that every problem that can be
// found without a server is reported before any connection is tried:
//   compile_script / compile_file  text -> CompiledScript (syntax, options, endpoints, rule conflicts)
//   bind_script                    CompiledScript + source Catalog -> Plan (tables, columns, keys)
// Errors are Diagnostics (file:line:col + message), never exceptions; passwords never appear in them.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/diagnostic.hpp"
#include "src/model/options.hpp"  // the WITH option table, also for `--set`, `--vary`, `--mode`
#include "src/model/plan.hpp"
#include "src/catalog/catalog.hpp"

namespace omsql::dsl {

// A parsed and checked script: the unbound Plan plus the MIGRATE/VERIFY rules waiting for a catalog.
// Immutable; defined in dsl/rules.hpp.
struct CompiledScript;

struct CompileOutcome {
  std::shared_ptr<const CompiledScript> script;  // null when there are diagnostics
  std::vector<Diagnostic> diagnostics;           // in script order
  bool ok() const { return script != nullptr && diagnostics.empty(); }
};

// What the command line adds to a script.
struct CompileSettings {
  // `omsrun --defaults-extra-file PATH`: the MySQL option file of every endpoint without a PASSWORD
  // clause (its [client] user, password, host, port; docs/language.md, "Option files").
  std::string defaults_extra_file;
};

// Parses and checks `text`; `file_name` is what diagnostics name. ${NAME} in endpoint strings is
// expanded from the process environment here, and option files (PASSWORD FILE,
// --defaults-extra-file) are read and checked here (their passwords are read again when connecting).
CompileOutcome compile_script(std::string_view text, std::string file_name, const CompileSettings& settings = {});
// Reads `path` and compiles it; an unreadable file, one that is not a regular file (a device or a
// pipe, which may never end) or one larger than kMaxScriptBytes is a diagnostic, found before
// anything is read. Plan::script_path = path.
inline constexpr int64_t kMaxScriptBytes = int64_t{16} << 20;
CompileOutcome compile_file(const std::string& path, const CompileSettings& settings = {});

// Endpoints, phases, options and verify options filled in; tables and verify_requests empty.
const Plan& unbound_plan(const CompiledScript& script);

struct BindOutcome {
  std::optional<Plan> plan;             // set when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // each names the rule (file:line:col) that could not be bound
  bool ok() const { return plan.has_value() && diagnostics.empty(); }
};

// Resolves the script's patterns against the source catalog: one TableJob per selected table,
// sorted by source name. Reads the catalog only (list_tables, describe).
// `departed`: source tables a running task had that the source no longer has, because the live
// link replicated their DROP (or RENAME out): a pattern, MAP or column rule that matches one of
// them matched a table of the task, so it is not "matching no table"; they get no TableJob.
BindOutcome bind_script(const CompiledScript& script, const Catalog& source_catalog,
                        const std::vector<QualifiedName>& departed = {});

// The target name of `source_column` in `job`, or nullopt when the column is not copied (excluded
// by COLUMNS ... EXCLUDE or unknown).
std::optional<std::string> target_column(const TableJob& job, std::string_view source_column);

}  // namespace omsql::dsl
