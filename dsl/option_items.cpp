// WITH (...) and VERIFY (...) lists of a script, through the one option table (src/model/options):
// the script adds the place (file:line:col) and refuses a name given twice in one list.
#include <map>

#include "dsl/rules.hpp"
#include "src/common/strings.hpp"
#include "src/model/options.hpp"

namespace omsql::dsl {
namespace {

// Rejects `name` when it was already given in this list, so the last one does not silently win.
bool first_time(const ast::OptionItem& item, std::map<std::string, int>& seen, const SourceText& source,
                std::vector<Diagnostic>& diagnostics) {
  auto [it, inserted] = seen.emplace(to_lower(item.name.text), item.offset);
  if (inserted) return true;
  diagnostics.push_back(source.at(item.name.offset, "option '" + item.name.text + "' is given twice (first at line " +
                                                        std::to_string(source.at(it->second, "").line) + ")"));
  return false;
}

}  // namespace

void apply_migrate_options(const std::vector<ast::OptionItem>& items, const SourceText& source, Options& options,
                           std::vector<Diagnostic>& diagnostics) {
  std::map<std::string, int> seen;
  for (const auto& item : items) {
    if (!first_time(item, seen, source, diagnostics)) continue;
    if (auto error = set_migrate_option(options, item.name.text, item.value.text))
      diagnostics.push_back(source.at(error->about_name ? item.name.offset : item.value.offset, error->message));
  }
  auto max_delay = seen.find("retry_max_delay");
  if (auto error = check_retry_options(options, max_delay != seen.end()))
    diagnostics.push_back(source.at(max_delay->second, *error));
}

void apply_verify_options(const std::vector<ast::OptionItem>& items, const SourceText& source,
                          VerifyOptions& options, std::vector<Diagnostic>& diagnostics) {
  std::map<std::string, int> seen;
  for (const auto& item : items) {
    if (!first_time(item, seen, source, diagnostics)) continue;
    if (auto error = set_verify_option(options, item.name.text, item.value.text))
      diagnostics.push_back(source.at(error->about_name ? item.name.offset : item.value.offset, error->message));
  }
}

}  // namespace omsql::dsl
