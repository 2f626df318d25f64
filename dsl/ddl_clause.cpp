// DDL (...) of a MIGRATE: the script's policy for source DDL in the live link
// (src/model/ddl_policy.hpp), judged rule by rule with the place of each mistake.
#include <cctype>
#include <map>

#include "dsl/rules.hpp"
#include "src/common/strings.hpp"
#include "src/model/ddl_policy.hpp"

namespace omsql::dsl {
namespace {

// The kind as written, upper case, one space between words: "alter  Table" -> "ALTER TABLE".
std::string kind_text(const ast::DdlRule& rule) {
  std::string out;
  for (const auto& word : rule.kind) {
    if (!out.empty()) out += ' ';
    for (char c : word.text) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// A statement kind the classifier knows but the policy does not name (views, routines, ...): the
// link passes those without asking the policy, so a rule for one would be read and never used.
bool is_other_statement_kind(const std::string& text) {
  for (int k = 0; k <= static_cast<int>(StatementKind::kLoadData); ++k) {
    auto kind = static_cast<StatementKind>(k);
    if (kind != StatementKind::kUnknown && text == statement_kind_name(kind)) return true;
  }
  return false;
}

}  // namespace

void apply_ddl_policy(const ast::DdlClause& clause, const SourceText& source, DdlPolicy& policy,
                      std::vector<Diagnostic>& diagnostics) {
  auto error = [&](int offset, std::string message) { diagnostics.push_back(source.at(offset, std::move(message))); };
  auto line_of = [&](int offset) { return source.at(offset, "").line; };
  std::map<std::string, int> seen;  // kind -> offset of its first rule
  for (const auto& rule : clause.rules) {
    const int place = rule.kind.empty() ? rule.offset : rule.kind.front().offset;
    const std::string text = kind_text(rule);
    std::optional<StatementKind> kind;
    if (text != "*") {
      kind = ddl_policy_kind_from_name(text);
      if (!kind) {
        std::string message = "unknown DDL statement kind '" + text + "'; expected one of: " + ddl_policy_kind_names() +
                              ", or * for the kinds not named";
        if (is_other_statement_kind(text))
          message = text + " is not a kind the DDL policy decides: the live link passes it without applying it "
                    "(docs/operations.md, \"DDL in the live link\"); the policy names: " + ddl_policy_kind_names() +
                    ", and * for the kinds not named";
        error(place, std::move(message));
        continue;
      }
    }
    const std::string name = kind ? std::string(statement_kind_name(*kind)) : "*";
    auto [first, inserted] = seen.emplace(name, place);
    if (!inserted) {
      error(place, name + " is given twice in DDL (first at line " + std::to_string(line_of(first->second)) + ")");
      continue;
    }
    auto handling = ddl_handling_from_name(rule.action.text);
    if (!handling || rule.action.quoted) {
      error(rule.action.offset, "unknown DDL action '" + rule.action.text + "' for " + name +
                                    "; expected one of: APPLY, IGNORE, STOP");
      continue;
    }
    DdlPolicy::Rule decided{*handling, line_of(place)};
    if (kind)
      policy.kinds[*kind] = decided;
    else
      policy.others = decided;
  }
}

}  // namespace omsql::dsl
