#include "src/cli/script_loader.hpp"

#include <filesystem>
#include <iostream>

#include "src/engine/mysql/mysql_catalog.hpp"

namespace omsql::cli {

namespace {
void print_diagnostics(const std::vector<dsl::Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) std::cerr << d.format() << "\n";
}
}  // namespace

std::string task_directory_for(const Plan& plan, const std::string& script, const std::string& override_dir) {
  if (!override_dir.empty()) return override_dir;
  if (!plan.options.task_dir.empty()) return plan.options.task_dir;
  return ".omsql/" + std::filesystem::path(script).stem().string();
}

std::optional<BoundScript> load_script(const std::string& path, int* exit_code) {
  auto compiled = dsl::compile_file(path);
  if (!compiled.ok()) {
    print_diagnostics(compiled.diagnostics);
    *exit_code = kExitScriptError;
    return std::nullopt;
  }
  const Plan& unbound = dsl::unbound_plan(*compiled.script);
  auto source = Connection::open(unbound.source, "source");
  if (!source) {
    std::cerr << "error: " << source.status().message() << "\n";
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  MysqlCatalog catalog(**source);
  auto bound = dsl::bind_script(*compiled.script, catalog);
  if (!bound.ok()) {
    print_diagnostics(bound.diagnostics);
    *exit_code = kExitScriptError;
    return std::nullopt;
  }
  return BoundScript{compiled.script, std::make_shared<const Plan>(std::move(*bound.plan)), std::move(source).value()};
}

}  // namespace omsql::cli
