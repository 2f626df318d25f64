// `omsrun ddl skip|applied|retry --task DIR [FILE] [--at POS]`: resolves the DDL the task stopped
// at (src/runner/ddl_resolve.hpp) and says what the next run will do. skip and retry contact no
// server; applied binds the task's script (FILE, else the one state.json names) to check the target.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/cli/commands.hpp"
#include "src/cli/script_loader.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/log/log.hpp"
#include "src/runner/ddl_resolve.hpp"

namespace omsql::cli {

namespace {

// The script state.json names (as the run was given it), empty when there is none.
std::string task_script(const std::string& task_dir) {
  std::ifstream in(task_dir + "/state.json");
  if (!in) return "";
  auto state = nlohmann::json::parse(in, nullptr, false);
  if (state.is_discarded() || !state.is_object() || !state.contains("script") || !state["script"].is_string())
    return "";
  return state["script"].get<std::string>();
}

}  // namespace

int resolve_ddl(const DdlCommandOptions& options) {
  auto kind = ddl_resolution_from_name(options.word);
  if (!kind) {
    log::write_worded(log::Level::kError, "ddl",
                      "ddl: unknown resolution '" + options.word + "'; expected one of: skip, applied, retry");
    return kExitUsage;
  }
  std::optional<SourcePosition> at;
  if (!options.at.empty()) {
    auto binlog = parse_binlog_position(options.at);
    auto parsed = binlog ? checked_source_position(*binlog) : Result<SourcePosition>(binlog.status());
    if (!parsed) {
      log::write_worded(log::Level::kError, "ddl",
                        "ddl: --at " + options.at + ": " + parsed.status().message() +
                            " (give the position omsrun status shows, e.g. mariadb-bin.000003:1234)");
      return kExitUsage;
    }
    at = std::move(parsed).value();
  }
  std::string task_dir = options.task_dir;
  if (task_dir.empty()) {
    if (options.script.empty()) {
      log::write_worded(log::Level::kError, "ddl", "ddl: give the task directory (--task DIR) or the task's script FILE");
      return kExitUsage;
    }
    auto compiled = dsl::compile_file(options.script);
    if (!compiled.ok()) {
      for (const auto& d : compiled.diagnostics) log::write_worded(log::Level::kError, "script", d.format());
      return kExitScriptError;
    }
    task_dir = task_directory_for(dsl::unbound_plan(*compiled.script), options.script, "");
  }
  auto stop = runner::stopped_at_ddl(task_dir);
  if (!stop) {
    log::error("ddl") << stop.status().message();
    return kExitFailure;
  }
  runner::DdlResolveRequest request{*kind, at, nullptr};
  std::optional<BoundScript> bound;
  if (*kind == DdlResolutionKind::kApplied) {
    const std::string script = options.script.empty() ? task_script(task_dir) : options.script;
    if (script.empty()) {
      log::error("ddl") << task_dir << "/state.json names no script: give it (omsrun ddl applied --task " << task_dir
                        << " FILE) to check the target";
      return kExitFailure;
    }
    int code = kExitFailure;
    bound = load_task_script(script, &code);
    if (!bound) return code;
    request.plan = bound->plan.get();
  }
  auto resolved = runner::resolve_ddl_stop(task_dir, request);
  if (!resolved) {
    log::error("ddl") << resolved.status().message();
    return kExitFailure;
  }
  const DdlStop& stopped = resolved->stop;
  std::cout << "task       " << task_dir << "\n"
            << "stopped at " << stopped.position.str() << ": \"" << stopped.statement << "\"\n";
  if (resolved->replaced && resolved->replaced->kind != *kind)
    std::cout << "replaces   " << ddl_resolution_name(resolved->replaced->kind) << "\n";
  if (*kind == DdlResolutionKind::kApplied) std::cout << "target     checked: it is as the statement leaves it\n";
  std::cout << "resolution " << options.word << ": " << ddl_resolution_effect(resolved->resolution) << "\n"
            << "next       run the task again (omsrun FILE) to go on\n";
  return 0;
}

}  // namespace omsql::cli
