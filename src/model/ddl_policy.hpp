#pragma once
// What the script says to do with each kind of source DDL the live link meets on a task table
// (`MIGRATE ... DDL (ALTER TABLE = APPLY, DROP TABLE = STOP, * = IGNORE)`, docs/language.md):
// apply it to the target, ignore it (the target keeps its definition), or stop the link there
// (everything before it applied; `omsrun ddl skip|applied|retry` resolves it). Plain data, filled
// by the compiler, read by the replayer at each DDL barrier.
//
// Defaults: every kind omsql translates is applied, except the three that destroy target rows
// (DROP TABLE, DROP DATABASE, TRUNCATE TABLE), which stop: a statement that cannot be undone on
// the target runs there only when the script says so (DDL (DROP TABLE = APPLY)) or the user says
// so for that one statement (`omsrun ddl retry`). Kinds outside the policy's list (a statement not
// understood, sequences) always stop: `*` does not reach them.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/statement_kind.hpp"

namespace omsql {

enum class DdlHandling { kApply, kIgnore, kStop };

// "APPLY", "IGNORE", "STOP".
std::string_view ddl_handling_name(DdlHandling handling);
// The handling a script spells `name` (any case), or nullopt.
std::optional<DdlHandling> ddl_handling_from_name(std::string_view name);

// The kinds a policy names, in the order docs/language.md lists them: CREATE TABLE, DROP TABLE,
// TRUNCATE TABLE, RENAME TABLE, ALTER TABLE, CREATE INDEX, DROP INDEX, CREATE DATABASE, DROP DATABASE.
const std::vector<StatementKind>& ddl_policy_kinds();
// The policy kind a script spells `name` ("alter table", "TRUNCATE" or "TRUNCATE TABLE"; words
// separated by single spaces, any case), or nullopt.
std::optional<StatementKind> ddl_policy_kind_from_name(std::string_view name);
// "CREATE TABLE, DROP TABLE, ...": what an unknown-kind error lists.
std::string ddl_policy_kind_names();

struct DdlPolicy {
  struct Rule {
    DdlHandling handling = DdlHandling::kApply;
    int line = 0;  // the script line that says so (0: not from a script)
  };
  std::map<StatementKind, Rule> kinds;  // named in the script's DDL (...)
  std::optional<Rule> others;           // `* = ...`: the policy kinds not named

  // What to do with a statement of `kind`: the script's rule for it, else `*`, else the default.
  DdlHandling handling(StatementKind kind) const;
  // For CREATE OR REPLACE TABLE / DATABASE (`or_replace`), which drops what exists first: the more
  // cautious of the CREATE's and the DROP's handling (STOP before IGNORE before APPLY).
  DdlHandling handling(StatementKind kind, bool or_replace) const;
  // Why `kind` is handled so, for messages: "the script's DDL policy (line 7): DROP TABLE = STOP"
  // or "DROP TABLE stops by default (it destroys target rows; DDL (DROP TABLE = APPLY) applies it)".
  std::string explain(StatementKind kind) const;

  // The handling of `kind` when the script says nothing about it.
  static DdlHandling default_handling(StatementKind kind);
};

}  // namespace omsql
