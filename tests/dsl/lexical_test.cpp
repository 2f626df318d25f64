// The byte-level rough edges of a script (dsl/lexical.cpp): each case with its exact diagnostics
// (file:line:col, message, the echoed line with a caret), found by compile_script alone.
#include <doctest/doctest.h>

#include <string>

#include "dsl/compiler.hpp"

using namespace omsql::dsl;

namespace {

constexpr const char* kEndpoints = "SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2';\n";

std::string all_diagnostics(const CompileOutcome& outcome) {
  std::string out;
  for (const auto& d : outcome.diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.format();
  }
  return out;
}

struct LexicalCase {
  const char* name;
  std::string script;  // after kEndpoints: line 3 on
  const char* expected;
};

}  // namespace

TEST_CASE("a UTF-8 byte order mark is accepted and columns count from after it") {
  auto ok = compile_script("\xEF\xBB\xBF" + std::string(kEndpoints) + "MIGRATE a.b;\n", "bom.omsql");
  CHECK(ok.ok());
  auto bad = compile_script("\xEF\xBB\xBFSOURCE mysql 'root@h:1'\n", "bom.omsql");
  CHECK(all_diagnostics(bad) ==
        "bom.omsql:1:24: error: expected ';' after SOURCE statement\n"
        "SOURCE mysql 'root@h:1'\n"
        "                       ^");
}

TEST_CASE("byte-level problems are named at their place") {
  const LexicalCase cases[] = {
      {"NUL byte", std::string("MIGRATE a.b\0;\n", 14),
       "bad.omsql:3:12: error: NUL byte (0x00) in the script: it is binary, or UTF-16 without a byte order mark; a "
       "script is UTF-8 text\n"
       "MIGRATE a.b?;\n"
       "           ^"},
      {"non-ASCII in a bare name", "MIGRATE caf\xC3\xA9.orders;\n",
       "bad.omsql:3:12: error: non-ASCII character '\xC3\xA9' (U+00E9) in a bare name: a bare name is ASCII letters, "
       "digits, '_' and '$'; back-quote the name: `caf\xC3\xA9`\n"
       "MIGRATE caf\xC3\xA9.orders;\n"
       "           ^"},
      {"non-ASCII at the start of a table name", "MIGRATE shop.\xC3\xB6rders;\n",
       "bad.omsql:3:14: error: non-ASCII character '\xC3\xB6' (U+00F6) in a bare name: a bare name is ASCII letters, "
       "digits, '_' and '$'; back-quote the name: `\xC3\xB6rders`\n"
       "MIGRATE shop.\xC3\xB6rders;\n"
       "             ^"},
      {"full-width semicolon", "MIGRATE shop.orders\xEF\xBC\x9B\n",
       "bad.omsql:3:20: error: a full-width semicolon (U+FF1B) where the ASCII ';' belongs; expected ';' after "
       "MIGRATE statement\n"
       "MIGRATE shop.orders\xEF\xBC\x9B\n"
       "                   ^"},
      {"no-break space", "MIGRATE shop.orders\xC2\xA0MODE FULL;\n",
       "bad.omsql:3:20: error: a no-break space (U+00A0) where a plain space belongs; expected ';' after MIGRATE "
       "statement\n"
       "MIGRATE shop.orders\xC2\xA0MODE FULL;\n"
       "                   ^"},
      {"typographic quotes", "VERIFY shop.orders WITH (repair = \xE2\x80\x98" "fix.sql\xE2\x80\x99);\n",
       "bad.omsql:3:35: error: a typographic quote (U+2018) where the ASCII quote ' belongs; expected an option "
       "value\n"
       "VERIFY shop.orders WITH (repair = \xE2\x80\x98" "fix.sql\xE2\x80\x99);\n"
       "                                  ^"},
      {"unterminated block comment", "MIGRATE a.b;\n/* the rest\nVERIFY a.b;\n",
       "bad.omsql:4:1: error: unterminated comment: this '/*' has no closing '*/', so the rest of the script is a "
       "comment\n"
       "/* the rest\n"
       "^"},
      {"'/*' inside a string is not a comment", "MIGRATE a.b FILTER a.b WHERE note = '/*' MODE FULL /* x */;\n",
       ""},
      {"space before a pattern's dot", "MIGRATE shop .orders;\n",
       "bad.omsql:3:14: error: expected ';' after MIGRATE statement; a pattern has no spaces around its dots: write "
       "shop.orders\n"
       "MIGRATE shop .orders;\n"
       "             ^"},
      {"space after a pattern's dot", "MIGRATE a.b EXCLUDE shop. `tmp`;\n",
       "bad.omsql:3:27: error: expected a name or '*' after '.'; a pattern has no spaces around its dots: write "
       "shop.`tmp`\n"
       "MIGRATE a.b EXCLUDE shop. `tmp`;\n"
       "                          ^"},
      {"spaces on both sides", "MIGRATE a.b MAP shop . * TO v2.*;\n",
       "bad.omsql:3:22: error: expected TO after the MAP pattern; a pattern has no spaces around its dots: write "
       "shop.*\n"
       "MIGRATE a.b MAP shop . * TO v2.*;\n"
       "                     ^"},
      {"RIGHT-TO-LEFT OVERRIDE in a quoted name", "MIGRATE shop.`ord\xE2\x80\xAE" "ers`;\n",
       "bad.omsql:3:18: error: bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE): it makes the text "
       "display in another order than it is read, in names, strings and comments alike; remove it\n"
       "MIGRATE shop.`ord???ers`;\n"
       "                 ^"},
      {"LEFT-TO-RIGHT ISOLATE in a comment", "MIGRATE a.b; -- \xE2\x81\xA6x\n",
       "bad.omsql:3:17: error: bidirectional control character U+2066 (LEFT-TO-RIGHT ISOLATE): it makes the text "
       "display in another order than it is read, in names, strings and comments alike; remove it\n"
       "MIGRATE a.b; -- ???x\n"
       "                ^"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto outcome = compile_script(std::string(kEndpoints) + c.script, "bad.omsql");
    CHECK(all_diagnostics(outcome) == c.expected);
  }
}

TEST_CASE("a UTF-16 script is named as such") {
  auto outcome = compile_script(std::string("\xFF\xFES\0O\0", 6), "wide.omsql");
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].message ==
        "the script is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
  CHECK(outcome.diagnostics[0].line == 1);
  CHECK(outcome.diagnostics[0].column == 1);
}

TEST_CASE("non-ASCII text is fine where the grammar takes any character") {
  auto outcome = compile_script(std::string(kEndpoints) +
                                    "MIGRATE `caf\xC3\xA9`.* FILTER `caf\xC3\xA9`.t WHERE name <> 'Zo\xC3\xAB' "
                                    "MODE FULL; -- \xE5\xB1\xB1\xE7\x94\xB0\n",
                                "utf8.omsql");
  CHECK(all_diagnostics(outcome) == "");
}
