#include "src/cli/script_loader.hpp"

#include <filesystem>
#include <iostream>

#include "src/common/strings.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/runner/task_plan.hpp"
#include "src/task/table_set.hpp"
#include "src/log/log.hpp"

namespace omsql::cli {

namespace {
dsl::CompileSettings g_compile_settings;

void print_diagnostics(const std::vector<dsl::Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) log::write_worded(log::Level::kError, "script", d.format());
}
}  // namespace

std::string task_directory_for(const Plan& plan, const std::string& script, const std::string& override_dir) {
  if (!override_dir.empty()) return override_dir;
  if (!plan.options.task_dir.empty()) return plan.options.task_dir;
  return ".omsql/" + std::filesystem::path(script).stem().string();
}

void set_compile_settings(dsl::CompileSettings settings) { g_compile_settings = std::move(settings); }
const dsl::CompileSettings& compile_settings() { return g_compile_settings; }

namespace {
// The source tables of the task in `directory` that the live link saw leave. A table set that
// cannot be read gives none here: the run reads it again and says what is wrong with it.
std::vector<QualifiedName> departed_tables(const std::string& directory) {
  std::vector<QualifiedName> out;
  auto set = load_table_set(directory);
  if (!set || !set->has_value()) return out;
  for (const auto& table : (**set).left) out.push_back(table.source);
  return out;
}
}  // namespace

std::optional<BoundScript> load_script(const std::string& path, int* exit_code,
                                       const std::optional<std::string>& task_dir_override) {
  auto compiled = dsl::compile_file(path, g_compile_settings);
  if (!compiled.ok()) {
    print_diagnostics(compiled.diagnostics);
    *exit_code = kExitScriptError;
    return std::nullopt;
  }
  const Plan& unbound = dsl::unbound_plan(*compiled.script);
  auto source = Connection::open(unbound.source, "source");
  if (!source) {
    log::error("script") << source.status().message();
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  MysqlCatalog catalog(**source);
  const std::vector<QualifiedName> departed =
      task_dir_override ? departed_tables(task_directory_for(unbound, path, *task_dir_override))
                        : std::vector<QualifiedName>{};
  auto bound = dsl::bind_script(*compiled.script, catalog, departed);
  if (!bound.ok()) {
    print_diagnostics(bound.diagnostics);
    *exit_code = kExitScriptError;
    return std::nullopt;
  }
  return BoundScript{compiled.script, std::make_shared<const Plan>(std::move(*bound.plan)), std::move(source).value()};
}

std::optional<BoundScript> load_task_script(const std::string& path, int* exit_code,
                                            const std::string& task_dir_override) {
  auto bound = load_script(path, exit_code, task_dir_override);
  if (!bound) return bound;
  const std::string task_dir = task_directory_for(*bound->plan, path, task_dir_override);
  auto settled = runner::plan_of_task(bound->plan, task_dir, path);
  if (!settled) {
    log::error("script") << settled.status().message();
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  if (!settled->appeared.empty())
    log::warning("script") << join(settled->appeared, ", ") << " appeared"
              << " on the source after the task in " << task_dir
              << " started: not in its table set, so left out here as a run of it leaves them out";
  bound->plan = settled->plan;
  bound->task_exists = settled->has_set;
  return bound;
}

}  // namespace omsql::cli
