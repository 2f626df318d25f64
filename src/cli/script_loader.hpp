#pragma once
// Every omsrun command starts the same way: compile the script (every error findable without a
// server is reported before the first connection), connect to the source, bind the script
// against its catalog. The source connection is kept for the command to use.
#include <memory>
#include <optional>
#include <string>

#include "dsl/compiler.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/runner/exit_codes.hpp"

namespace omsql::cli {

using runner::kExitDifferences;
using runner::kExitFailure;
using runner::kExitScriptError;
using runner::kExitUnsettled;
using runner::kExitUsage;

struct BoundScript {
  std::shared_ptr<const dsl::CompiledScript> compiled;
  std::shared_ptr<const Plan> plan;
  std::unique_ptr<Connection> source;  // the connection the catalog was read through
  bool task_exists = false;  // load_task_script: the script's task has started (it keeps a table set)
};

// The task directory of a script: `override_dir` (--task-dir), else WITH (task_dir), else
// .omsql/<script name> in the current directory.
std::string task_directory_for(const Plan& plan, const std::string& script, const std::string& override_dir);

// What every command compiles scripts with (`--defaults-extra-file`); set by main before a command runs.
void set_compile_settings(dsl::CompileSettings settings);
const dsl::CompileSettings& compile_settings();

// Compiles and binds `path`. Returns nullopt after printing what went wrong to stderr;
// `exit_code` is then kExitScriptError or kExitFailure. With `task_dir_override` (the command's
// --task-dir, "" for none), the script's task directory is looked at: the tables of the task that
// left the source in its live link (table-set.json's `left`) are bound as tables that departed,
// so the rules that named them still match (dsl::bind_script). Without it (a fresh start, a
// --recopy) they match only what the source has.
std::optional<BoundScript> load_script(const std::string& path, int* exit_code,
                                       const std::optional<std::string>& task_dir_override = std::nullopt);

// load_script, then the plan narrowed to the task's own table set when the script's task exists
// (runner::plan_of_task): what `verify`, `check` and `plan` describe is what a run of that task
// migrates. Tables that appeared on the source since the start are named in a warning.
// `task_dir_override`: the command's --task-dir ("" for the script's own task directory).
std::optional<BoundScript> load_task_script(const std::string& path, int* exit_code,
                                            const std::string& task_dir_override = "");

}  // namespace omsql::cli
