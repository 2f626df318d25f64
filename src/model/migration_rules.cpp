#include "src/model/migration_rules.hpp"

#include <algorithm>

#include "src/catalog/catalog.hpp"
#include "src/catalog/shadow_names.hpp"
#include "src/common/strings.hpp"

namespace omsql {
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

std::string fill(const NamePattern& part, const std::vector<std::string>& captures, size_t& next) {
  if (!part.glob) return part.text;
  std::string out;
  for (char c : part.text) {
    if ((c == '*' || c == '?') && next < captures.size()) out += captures[next++];
    else out += c;
  }
  return out;
}

}  // namespace

bool NamePattern::matches(std::string_view name, bool ignore_case) const {
  if (glob) return glob_match(text, name, ignore_case);
  return ignore_case ? iequals(text, name) : text == name;
}

bool NamePattern::capture(std::string_view name, std::vector<std::string>& captures) const {
  if (!glob) return text == name;
  size_t before = captures.size();
  if (capture_from(text, name, captures)) return true;
  captures.resize(before);
  return false;
}

std::string NamePattern::str() const {
  if (glob || !needs_quotes(text)) return text;
  std::string out = "`";
  for (char c : text) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

QualifiedName TableRename::target_of(const QualifiedName& source) const {
  std::vector<std::string> captures;
  from.schema.capture(source.schema, captures);
  from.table.capture(source.table, captures);
  size_t next = 0;
  QualifiedName target;
  target.schema = fill(to.schema, captures, next);
  target.table = fill(to.table, captures, next);
  return target;
}

bool MigrationRules::takes(const QualifiedName& source, bool ignore_case) const {
  // The catalog never lists the system schemas, so no pattern takes their tables.
  for (auto schema : kSystemSchemas)
    if (ignore_case ? iequals(schema, source.schema) : schema == source.schema) return false;
  if (is_shadow_schema(source.schema)) return false;  // the link's own scratch databases on the target
  auto any = [&](const std::vector<TableNamePattern>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const TableNamePattern& p) { return p.matches(source, ignore_case); });
  };
  return any(include) && !any(exclude);
}

MapChoice MigrationRules::choose_map(const QualifiedName& source) const {
  MapChoice choice;
  std::optional<size_t> literal, wildcard;
  for (size_t i = 0; i < maps.size(); ++i) {
    if (!maps[i].from.matches(source)) continue;
    choice.matching.push_back(i);
    if (maps[i].from.literal()) literal = i;
    else if (!wildcard) wildcard = i;
    else choice.conflicting.push_back(i);
  }
  if (literal) choice.conflicting.clear();
  choice.rule = literal ? literal : wildcard;
  return choice;
}

TableFate MigrationRules::fate_of(const QualifiedName& source) const {
  TableFate fate;
  if (!takes(source)) return fate;
  fate.migrated = true;
  MapChoice choice = choose_map(source);
  if (!choice.conflicting.empty()) {
    const TableRename& first = maps[*choice.rule];
    const TableRename& second = maps[choice.conflicting.front()];
    fate.ambiguity = "matches both MAP " + first.from.str() + " TO " + first.to.str() + " and MAP " +
                     second.from.str() + " TO " + second.to.str();
  }
  fate.target = choice.rule ? maps[*choice.rule].target_of(source) : source;
  return fate;
}

}  // namespace omsql
