#include "src/model/ddl_policy.hpp"

#include <algorithm>
#include <cctype>

namespace omsql {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool in_policy(StatementKind kind) {
  const auto& kinds = ddl_policy_kinds();
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

bool destroys_rows(StatementKind kind) {
  return kind == StatementKind::kDropTable || kind == StatementKind::kDropDatabase ||
         kind == StatementKind::kTruncateTable;
}

int caution(DdlHandling handling) {
  switch (handling) {
    case DdlHandling::kApply: return 0;
    case DdlHandling::kIgnore: return 1;
    case DdlHandling::kStop: return 2;
  }
  return 2;
}

}  // namespace

std::string_view ddl_handling_name(DdlHandling handling) {
  switch (handling) {
    case DdlHandling::kApply: return "APPLY";
    case DdlHandling::kIgnore: return "IGNORE";
    case DdlHandling::kStop: return "STOP";
  }
  return "STOP";
}

std::optional<DdlHandling> ddl_handling_from_name(std::string_view name) {
  const std::string word = upper(name);
  for (DdlHandling h : {DdlHandling::kApply, DdlHandling::kIgnore, DdlHandling::kStop})
    if (word == ddl_handling_name(h)) return h;
  return std::nullopt;
}

const std::vector<StatementKind>& ddl_policy_kinds() {
  static const std::vector<StatementKind> kinds = {
      StatementKind::kCreateTable,    StatementKind::kDropTable,   StatementKind::kTruncateTable,
      StatementKind::kRenameTable,    StatementKind::kAlterTable,  StatementKind::kCreateIndex,
      StatementKind::kDropIndex,      StatementKind::kCreateDatabase, StatementKind::kDropDatabase};
  return kinds;
}

std::optional<StatementKind> ddl_policy_kind_from_name(std::string_view name) {
  const std::string words = upper(name);
  if (words == "TRUNCATE") return StatementKind::kTruncateTable;  // the statement's own short form
  for (StatementKind kind : ddl_policy_kinds())
    if (words == statement_kind_name(kind)) return kind;
  return std::nullopt;
}

std::string ddl_policy_kind_names() {
  std::string out;
  for (StatementKind kind : ddl_policy_kinds()) {
    if (!out.empty()) out += ", ";
    out += statement_kind_name(kind);
  }
  return out;
}

DdlHandling DdlPolicy::default_handling(StatementKind kind) {
  if (!in_policy(kind) || destroys_rows(kind)) return DdlHandling::kStop;
  return DdlHandling::kApply;
}

DdlHandling DdlPolicy::handling(StatementKind kind) const {
  if (auto it = kinds.find(kind); it != kinds.end()) return it->second.handling;
  if (others && in_policy(kind)) return others->handling;
  return default_handling(kind);
}

DdlHandling DdlPolicy::handling(StatementKind kind, bool or_replace) const {
  DdlHandling create = handling(kind);
  if (!or_replace) return create;
  StatementKind drop = kind == StatementKind::kCreateDatabase ? StatementKind::kDropDatabase
                       : kind == StatementKind::kCreateTable  ? StatementKind::kDropTable
                                                              : kind;
  DdlHandling dropped = handling(drop);
  return caution(dropped) > caution(create) ? dropped : create;
}

std::string DdlPolicy::explain(StatementKind kind) const {
  const std::string name(statement_kind_name(kind));
  const std::string handled(ddl_handling_name(handling(kind)));
  auto from_script = [&](const Rule& rule, const std::string& written) {
    return "the script's DDL policy" + (rule.line > 0 ? " (line " + std::to_string(rule.line) + ")" : std::string()) +
           ": " + written + " = " + handled;
  };
  if (auto it = kinds.find(kind); it != kinds.end()) return from_script(it->second, name);
  if (others && in_policy(kind)) return from_script(*others, "*") + " (" + name + " is not named)";
  if (!in_policy(kind))
    return name + " is not a kind the DDL policy can apply or ignore, so the link stops on it";
  if (destroys_rows(kind))
    return name + " stops by default (it destroys rows on the target; DDL (" + name + " = APPLY) applies it)";
  return name + " is applied by default";
}

}  // namespace omsql
