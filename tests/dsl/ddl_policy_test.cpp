// MIGRATE ... DDL (...): the policy the compiler fills in, its defaults, and the exact diagnostics
// of bad policies (file:line:col, message, source line, caret).
#include <doctest/doctest.h>

#include "dsl/compiler.hpp"
#include "src/model/ddl_policy.hpp"

using namespace omsql;
using namespace omsql::dsl;

namespace {

constexpr const char* kEndpoints = "SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2';\n";

Plan compile_plan(const std::string& migrate) {
  auto outcome = compile_script(std::string(kEndpoints) + migrate, "t.omsql");
  for (const auto& d : outcome.diagnostics) MESSAGE(d.format());
  REQUIRE(outcome.ok());
  return unbound_plan(*outcome.script);
}

std::string diagnostics_of(const std::string& migrate) {
  auto outcome = compile_script(std::string(kEndpoints) + migrate, "bad.omsql");
  std::string out;
  for (const auto& d : outcome.diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.format();
  }
  return out;
}

}  // namespace

TEST_CASE("defaults: what omsql translates is applied, the statements that destroy target rows stop") {
  const DdlPolicy policy;
  CHECK(policy.handling(StatementKind::kCreateTable) == DdlHandling::kApply);
  CHECK(policy.handling(StatementKind::kAlterTable) == DdlHandling::kApply);
  CHECK(policy.handling(StatementKind::kRenameTable) == DdlHandling::kApply);
  CHECK(policy.handling(StatementKind::kCreateIndex) == DdlHandling::kApply);
  CHECK(policy.handling(StatementKind::kDropIndex) == DdlHandling::kApply);
  CHECK(policy.handling(StatementKind::kCreateDatabase) == DdlHandling::kApply);
  CHECK(policy.handling(StatementKind::kDropTable) == DdlHandling::kStop);
  CHECK(policy.handling(StatementKind::kDropDatabase) == DdlHandling::kStop);
  CHECK(policy.handling(StatementKind::kTruncateTable) == DdlHandling::kStop);
  // Outside the policy's kinds: always a stop (not understood, not translated).
  CHECK(policy.handling(StatementKind::kUnknown) == DdlHandling::kStop);
  CHECK(policy.handling(StatementKind::kDropSequence) == DdlHandling::kStop);
  CHECK(policy.explain(StatementKind::kDropTable) ==
        "DROP TABLE stops by default (it destroys rows on the target; DDL (DROP TABLE = APPLY) applies it)");
  CHECK(policy.explain(StatementKind::kAlterTable) == "ALTER TABLE is applied by default");
  CHECK(compile_plan("MIGRATE shop.*;").ddl_policy.kinds.empty());
}

TEST_CASE("DDL (...) sets each named kind; * the kinds not named, never those outside the policy") {
  Plan plan = compile_plan(
      "MIGRATE shop.*\n"
      "  DDL (alter table = STOP, Drop  Table = apply,\n"
      "       TRUNCATE = ignore, * = IGNORE);\n");
  const DdlPolicy& policy = plan.ddl_policy;
  CHECK(policy.handling(StatementKind::kAlterTable) == DdlHandling::kStop);
  CHECK(policy.handling(StatementKind::kDropTable) == DdlHandling::kApply);
  CHECK(policy.handling(StatementKind::kTruncateTable) == DdlHandling::kIgnore);
  CHECK(policy.handling(StatementKind::kCreateTable) == DdlHandling::kIgnore);
  CHECK(policy.handling(StatementKind::kDropDatabase) == DdlHandling::kIgnore);
  CHECK(policy.handling(StatementKind::kUnknown) == DdlHandling::kStop);
  CHECK(policy.handling(StatementKind::kCreateView) == DdlHandling::kStop);
  CHECK(policy.explain(StatementKind::kAlterTable) == "the script's DDL policy (line 4): ALTER TABLE = STOP");
  CHECK(policy.explain(StatementKind::kCreateIndex) ==
        "the script's DDL policy (line 5): * = IGNORE (CREATE INDEX is not named)");
  // Clause order is free, and the DDL clause ends a FILTER condition like any other clause.
  Plan filtered = compile_plan("MIGRATE shop.* FILTER shop.t WHERE id > 3 DDL (TRUNCATE TABLE = APPLY) MODE SCHEMA, FULL;");
  CHECK(filtered.ddl_policy.handling(StatementKind::kTruncateTable) == DdlHandling::kApply);
  CHECK_FALSE(filtered.phases.incremental);
}

TEST_CASE("CREATE OR REPLACE is judged as the more cautious of its DROP and its CREATE") {
  DdlPolicy policy;
  CHECK(policy.handling(StatementKind::kCreateTable, true) == DdlHandling::kStop);  // DROP TABLE stops by default
  CHECK(policy.handling(StatementKind::kCreateDatabase, true) == DdlHandling::kStop);
  policy.kinds[StatementKind::kDropTable] = {DdlHandling::kApply, 1};
  CHECK(policy.handling(StatementKind::kCreateTable, true) == DdlHandling::kApply);
  policy.kinds[StatementKind::kDropTable] = {DdlHandling::kIgnore, 1};
  CHECK(policy.handling(StatementKind::kCreateTable, true) == DdlHandling::kIgnore);
  policy.kinds[StatementKind::kCreateTable] = {DdlHandling::kStop, 1};
  CHECK(policy.handling(StatementKind::kCreateTable, true) == DdlHandling::kStop);
  CHECK(policy.handling(StatementKind::kAlterTable, true) == DdlHandling::kApply);  // or_replace means nothing there
}

TEST_CASE("names: kinds and actions round-trip, any case, TRUNCATE is TRUNCATE TABLE") {
  for (StatementKind kind : ddl_policy_kinds())
    CHECK(ddl_policy_kind_from_name(statement_kind_name(kind)) == kind);
  CHECK(ddl_policy_kind_from_name("truncate") == StatementKind::kTruncateTable);
  CHECK_FALSE(ddl_policy_kind_from_name("CREATE VIEW").has_value());
  CHECK_FALSE(ddl_policy_kind_from_name("ALTER  TABLE").has_value());  // the checker joins words with one space
  CHECK(ddl_handling_from_name("Ignore") == DdlHandling::kIgnore);
  CHECK_FALSE(ddl_handling_from_name("skip").has_value());
  CHECK(ddl_policy_kind_names() ==
        "CREATE TABLE, DROP TABLE, TRUNCATE TABLE, RENAME TABLE, ALTER TABLE, CREATE INDEX, DROP INDEX, "
        "CREATE DATABASE, DROP DATABASE");
}

TEST_CASE("bad policies are errors at file:line:col") {
  struct Case {
    const char* migrate;
    const char* expected;
  };
  const Case cases[] = {
      {"MIGRATE shop.* DDL (ALTER VIEW = STOP);\n",
       "bad.omsql:3:21: error: ALTER VIEW is not a kind the DDL policy decides: the live link passes it without "
       "applying it (docs/operations.md, \"DDL in the live link\"); the policy names: CREATE TABLE, DROP TABLE, "
       "TRUNCATE TABLE, RENAME TABLE, ALTER TABLE, CREATE INDEX, DROP INDEX, CREATE DATABASE, DROP DATABASE, and * "
       "for the kinds not named\n"
       "MIGRATE shop.* DDL (ALTER VIEW = STOP);\n"
       "                    ^"},
      {"MIGRATE shop.* DDL (ALTER TABEL = STOP);\n",
       "bad.omsql:3:21: error: unknown DDL statement kind 'ALTER TABEL'; expected one of: CREATE TABLE, DROP TABLE, "
       "TRUNCATE TABLE, RENAME TABLE, ALTER TABLE, CREATE INDEX, DROP INDEX, CREATE DATABASE, DROP DATABASE, or * "
       "for the kinds not named\n"
       "MIGRATE shop.* DDL (ALTER TABEL = STOP);\n"
       "                    ^"},
      {"MIGRATE shop.* DDL (ALTER TABLE = SKIP);\n",
       "bad.omsql:3:35: error: unknown DDL action 'SKIP' for ALTER TABLE; expected one of: APPLY, IGNORE, STOP\n"
       "MIGRATE shop.* DDL (ALTER TABLE = SKIP);\n"
       "                                  ^"},
      {"MIGRATE shop.* DDL (TRUNCATE = STOP,\n  truncate table = APPLY);\n",
       "bad.omsql:4:3: error: TRUNCATE TABLE is given twice in DDL (first at line 3)\n"
       "  truncate table = APPLY);\n"
       "  ^"},
      {"MIGRATE shop.* DDL (* = STOP, * = APPLY);\n",
       "bad.omsql:3:31: error: * is given twice in DDL (first at line 3)\n"
       "MIGRATE shop.* DDL (* = STOP, * = APPLY);\n"
       "                              ^"},
      {"MIGRATE shop.* DDL (* = STOP)\n  DDL (ALTER TABLE = STOP);\n",
       "bad.omsql:4:3: error: DDL is given twice (first at line 3)\n"
       "  DDL (ALTER TABLE = STOP);\n"
       "  ^"},
      {"MIGRATE shop.* DDL (ALTER TABLE STOP);\n",
       "bad.omsql:3:37: error: expected '=' after the statement kind\n"
       "MIGRATE shop.* DDL (ALTER TABLE STOP);\n"
       "                                    ^"},
      {"MIGRATE shop.* DDL ALTER TABLE = STOP;\n",
       "bad.omsql:3:20: error: expected '(' after DDL\n"
       "MIGRATE shop.* DDL ALTER TABLE = STOP;\n"
       "                   ^"},
      {"MIGRATE shop.* DDL ();\n",
       "bad.omsql:3:21: error: expected a statement kind and its action, such as ALTER TABLE = APPLY\n"
       "MIGRATE shop.* DDL ();\n"
       "                    ^"},
      {"MIGRATE shop.* DDL (DROP TABLE = STOP,);\n",
       "bad.omsql:3:39: error: expected a statement kind after ','\n"
       "MIGRATE shop.* DDL (DROP TABLE = STOP,);\n"
       "                                      ^"},
      {"MIGRATE shop.* DDL (DROP TABLE = 'STOP');\n",
       "bad.omsql:3:34: error: expected one of: APPLY, IGNORE, STOP\n"
       "MIGRATE shop.* DDL (DROP TABLE = 'STOP');\n"
       "                                 ^"},
      {"MIGRATE shop.* DDL (DROP TABLE = STOP;\n",
       "bad.omsql:3:38: error: expected ',' or ')' after the DDL rule\n"
       "MIGRATE shop.* DDL (DROP TABLE = STOP;\n"
       "                                     ^"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.migrate);
    CHECK(diagnostics_of(c.migrate) == c.expected);
  }
  // Several mistakes in one clause are all reported, in order.
  CHECK(diagnostics_of("MIGRATE shop.* DDL (CREATE TABEL = STOP, DROP TABLE = NOPE);\n") ==
        "bad.omsql:3:21: error: unknown DDL statement kind 'CREATE TABEL'; expected one of: CREATE TABLE, DROP TABLE, "
        "TRUNCATE TABLE, RENAME TABLE, ALTER TABLE, CREATE INDEX, DROP INDEX, CREATE DATABASE, DROP DATABASE, or * "
        "for the kinds not named\n"
        "MIGRATE shop.* DDL (CREATE TABEL = STOP, DROP TABLE = NOPE);\n"
        "                    ^\n"
        "bad.omsql:3:55: error: unknown DDL action 'NOPE' for DROP TABLE; expected one of: APPLY, IGNORE, STOP\n"
        "MIGRATE shop.* DDL (CREATE TABEL = STOP, DROP TABLE = NOPE);\n"
        "                                                      ^");
}
