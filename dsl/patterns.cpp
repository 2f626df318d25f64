// Name patterns: glob matching with captures, and how MAP carries captures to its target.
#include "dsl/rules.hpp"
#include "src/common/strings.hpp"

namespace omsql::dsl {
namespace {

// Backtracking glob match that records what each wildcard matched. Names are short (<= 64
// characters) and patterns hold few wildcards, so the recursion stays cheap.
bool capture_from(std::string_view pattern, std::string_view name, std::vector<std::string>& captures) {
  if (pattern.empty()) return name.empty();
  char p = pattern.front();
  if (p == '?') {
    if (name.empty()) return false;
    captures.emplace_back(name.substr(0, 1));
    if (capture_from(pattern.substr(1), name.substr(1), captures)) return true;
    captures.pop_back();
    return false;
  }
  if (p == '*') {
    for (size_t take = 0; take <= name.size(); ++take) {
      captures.emplace_back(name.substr(0, take));
      if (capture_from(pattern.substr(1), name.substr(take), captures)) return true;
      captures.pop_back();
    }
    return false;
  }
  return !name.empty() && name.front() == p && capture_from(pattern.substr(1), name.substr(1), captures);
}

bool needs_quotes(std::string_view name) {
  if (name.empty()) return true;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'))
      return true;
  return false;
}

std::string fill(const NamePart& part, const std::vector<std::string>& captures, size_t& next) {
  if (!part.glob) return part.text;
  std::string out;
  for (char c : part.text) {
    if ((c == '*' || c == '?') && next < captures.size()) out += captures[next++];
    else out += c;
  }
  return out;
}

}  // namespace

bool NamePart::matches(std::string_view name) const {
  return glob ? glob_match(text, name) : text == name;
}

bool NamePart::capture(std::string_view name, std::vector<std::string>& captures) const {
  if (!glob) return text == name;
  size_t before = captures.size();
  if (capture_from(text, name, captures)) return true;
  captures.resize(before);
  return false;
}

int NamePart::wildcard_count() const {
  if (!glob) return 0;
  int count = 0;
  for (char c : text) count += (c == '*' || c == '?');
  return count;
}

std::string NamePart::str() const {
  if (glob || !needs_quotes(text)) return text;
  std::string out = "`";
  for (char c : text) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

QualifiedName MapRule::target_of(const QualifiedName& source) const {
  std::vector<std::string> captures;
  from.schema.capture(source.schema, captures);
  from.table.capture(source.table, captures);
  size_t next = 0;
  QualifiedName target;
  target.schema = fill(to.schema, captures, next);
  target.table = fill(to.table, captures, next);
  return target;
}

std::string system_target_message(const std::string& target, const std::string& schema) {
  return "MAP target '" + target + "' is in the system schema " + schema +
         ": omsql never writes into mysql, sys, performance_schema, information_schema or omsql_meta";
}

}  // namespace omsql::dsl
