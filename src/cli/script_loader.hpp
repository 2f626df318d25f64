#pragma once
// Every omsrun command starts the same way: compile the script (every error findable without a
// server is reported before the first connection), connect to the source, bind the script
// against its catalog. The source connection is kept for the command to use.
#include <memory>
#include <optional>
#include <string>

#include "dsl/compiler.hpp"
#include "src/mysql/connection.hpp"

namespace omsql::cli {

inline constexpr int kExitFailure = 1;      // a run-time failure: server, data, task directory
inline constexpr int kExitScriptError = 2;  // diagnostics printed with file:line:col
inline constexpr int kExitDifferences = 3;  // verification found differences
inline constexpr int kExitUsage = 2;        // a usage error: unknown option, missing argument
// A task stopped by SIGINT or SIGTERM before it finished exits 128 + the signal (130, 143).
inline constexpr int kExitUnsettled = 4;    // verification could not settle some rows (none proven different)

struct BoundScript {
  std::shared_ptr<const dsl::CompiledScript> compiled;
  std::shared_ptr<const Plan> plan;
  std::unique_ptr<Connection> source;  // the connection the catalog was read through
};

// The task directory of a script: `override_dir` (--task-dir), else WITH (task_dir), else
// .omsql/<script name> in the current directory.
std::string task_directory_for(const Plan& plan, const std::string& script, const std::string& override_dir);

// Compiles and binds `path`. Returns nullopt after printing what went wrong to stderr;
// `exit_code` is then kExitScriptError or kExitFailure.
std::optional<BoundScript> load_script(const std::string& path, int* exit_code);

}  // namespace omsql::cli
