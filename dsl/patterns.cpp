// Name patterns: glob matching with captures, and how MAP carries captures to its target.
#include "dsl/rules.hpp"

namespace omsql::dsl {

// The matching itself is the model's (src/model/migration_rules.hpp), so that the binder and the
// engine's questions about tables the catalog did not have answer alike.
NamePattern NamePart::pattern() const { return NamePattern{text, glob}; }
TableNamePattern TablePattern::pattern() const { return TableNamePattern{schema.pattern(), table.pattern()}; }

bool NamePart::matches(std::string_view name) const { return pattern().matches(name); }

bool NamePart::capture(std::string_view name, std::vector<std::string>& captures) const {
  return pattern().capture(name, captures);
}

int NamePart::wildcard_count() const {
  if (!glob) return 0;
  int count = 0;
  for (char c : text) count += (c == '*' || c == '?');
  return count;
}

std::string NamePart::str() const { return pattern().str(); }

QualifiedName MapRule::target_of(const QualifiedName& source) const {
  return TableRename{from.pattern(), to.pattern()}.target_of(source);
}

std::string system_target_message(const std::string& target, const std::string& schema) {
  return "MAP target '" + target + "' is in the system schema " + schema +
         ": omsql never writes into mysql, sys, performance_schema, information_schema or omsql_meta";
}

}  // namespace omsql::dsl
