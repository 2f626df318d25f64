#pragma once
// omsrun's exit codes, one list for the tool and the runner.
namespace omsql::runner {

inline constexpr int kExitFailure = 1;      // a run-time failure: server, data, task directory
inline constexpr int kExitScriptError = 2;  // diagnostics printed with file:line:col
inline constexpr int kExitDifferences = 3;  // verification found differences
inline constexpr int kExitUsage = 2;        // a usage error: unknown option, missing argument
inline constexpr int kExitUnsettled = 4;    // verification could not settle some rows (none proven different)
// A task stopped by SIGINT or SIGTERM before it finished exits 128 + the signal (130, 143).

}  // namespace omsql::runner
