// PASSWORD FILE and --defaults-extra-file in the compiler (dsl/endpoint_check.cpp): what the option
// file supplies to an endpoint, and every refusal at its exact file:line:col, never with a value
// read from the file.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "dsl/compiler.hpp"

using namespace omsql;
using namespace omsql::dsl;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/omsql_password_file_XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    std::string full = path + "/" + name;
    std::ofstream(full) << text;
    REQUIRE(::chmod(full.c_str(), mode) == 0);
    return full;
  }
};

std::string all_diagnostics(const CompileOutcome& outcome) {
  std::string out;
  for (const auto& d : outcome.diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.format();
  }
  return out;
}

const char* kSecret = "Hunter2-not-in-any-message";

}  // namespace

TEST_CASE("PASSWORD FILE: the password stays in the file; what the address leaves out comes from it") {
  TempDir dir;
  const std::string cnf = dir.file("my.cnf",
                                   "[client]\nuser = app\npassword = " + std::string(kSecret) +
                                       "\nhost = db.example\nport = 3310\n[omsql-target]\nuser = loader\nport = 3320\n");
  const std::string script = dir.path + "/task.omsql";
  auto outcome = compile_script("SOURCE mysql 'root@127.0.0.1:3306' PASSWORD FILE 'my.cnf';\n"
                                "TARGET mysql '' PASSWORD FILE '" + cnf + "';\n"
                                "MIGRATE a.b;\n",
                                script);
  REQUIRE_MESSAGE(outcome.ok(), all_diagnostics(outcome));
  const Plan& plan = unbound_plan(*outcome.script);
  // The address wins over the file; a relative path is the script's directory's.
  CHECK(plan.source.describe() == "root@127.0.0.1:3306");
  CHECK(plan.source.password_file == std::optional<std::string>(cnf));
  CHECK(plan.source.password_group == "omsql-source");
  CHECK_FALSE(plan.source.password_env.has_value());
  // '' takes all from the file; [omsql-target] after [client] wins for the target.
  CHECK(plan.target.describe() == "loader@db.example:3320");
  CHECK(plan.target.password_group == "omsql-target");

  auto partial = compile_script("SOURCE mysql '10.0.0.5' PASSWORD FILE 'my.cnf';\n"
                                "TARGET mysql 'bulk@10.0.0.6' PASSWORD FILE 'my.cnf';\nMIGRATE a.b;\n",
                                script);
  REQUIRE_MESSAGE(partial.ok(), all_diagnostics(partial));
  CHECK(unbound_plan(*partial.script).source.describe() == "app@10.0.0.5:3310");
  CHECK(unbound_plan(*partial.script).target.describe() == "bulk@10.0.0.6:3320");
}

TEST_CASE("--defaults-extra-file serves the endpoints without a PASSWORD clause") {
  TempDir dir;
  const std::string cnf = dir.file("extra.cnf", "[client]\nuser=app\n[omsql-target]\npassword=" + std::string(kSecret) + "\n");
  CompileSettings settings;
  settings.defaults_extra_file = cnf;
  auto outcome = compile_script("SOURCE mysql '127.0.0.1:3306';\n"
                                "TARGET mysql 'root@127.0.0.1:3307';\n"
                                "MIGRATE a.b;\n",
                                dir.path + "/t.omsql", settings);
  REQUIRE_MESSAGE(outcome.ok(), all_diagnostics(outcome));
  const Plan& plan = unbound_plan(*outcome.script);
  CHECK(plan.source.describe() == "app@127.0.0.1:3306");
  // No password for the source in the file: it connects without one, as the mysql client would.
  CHECK_FALSE(plan.source.password_file.has_value());
  CHECK(plan.target.password_file == std::optional<std::string>(cnf));

  setenv("OMSQL_TEST_PW", "x", 1);
  auto env = compile_script("SOURCE mysql 'root@h:1' PASSWORD ENV 'OMSQL_TEST_PW';\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n",
                            dir.path + "/t.omsql", settings);
  REQUIRE(env.ok());
  CHECK_FALSE(unbound_plan(*env.script).source.password_file.has_value());  // PASSWORD ENV wins
}

TEST_CASE("option file refusals are at the script's place and name the file, never its content") {
  TempDir dir;
  dir.file("world.cnf", "[client]\npassword=" + std::string(kSecret) + "\n", 0644);
  dir.file("nopw.cnf", "[client]\nuser=app\n");
  dir.file("prompt.cnf", "[client]\nuser=app\npassword\n");
  dir.file("include.cnf", "[client]\n!include /etc/mysql/secret.cnf\n");
  dir.file("nouser.cnf", "[client]\npassword=" + std::string(kSecret) + "\n");
  const std::string d = dir.path;
  struct Case {
    const char* name;
    std::string script_line;
    std::string expected;
  };
  const Case cases[] = {
      {"world-readable", "SOURCE mysql 'root@h:1' PASSWORD FILE 'world.cnf';",
       "t.omsql:1:40: error: option file '" + d + "/world.cnf': readable by other users (mode 0644); a file that holds a "
       "password must not be: chmod o-rwx '" + d + "/world.cnf'"},
      {"no password", "SOURCE mysql 'root@h:1' PASSWORD FILE 'nopw.cnf';",
       "t.omsql:1:40: error: option file '" + d + "/nopw.cnf' has no password in [client] or [omsql-source]: add "
       "password=... there, or use PASSWORD ENV"},
      {"password without a value", "SOURCE mysql 'root@h:1' PASSWORD FILE 'prompt.cnf';",
       "t.omsql:1:40: error: option file '" + d + "/prompt.cnf' line 3: password without a value makes the mysql client "
       "ask for it, and omsrun runs unattended: write password=... (password= for an empty one)"},
      {"!include", "SOURCE mysql 'root@h:1' PASSWORD FILE 'include.cnf';",
       "t.omsql:1:40: error: option file '" + d + "/include.cnf' line 2: !include is not followed: omsql reads only the "
       "file it is given (whose permissions it checked); put the options in this file, or name the included file instead"},
      {"missing file", "SOURCE mysql 'root@h:1' PASSWORD FILE 'none.cnf';",
       "t.omsql:1:40: error: option file '" + d + "/none.cnf': No such file or directory"},
      {"no user anywhere", "SOURCE mysql 'h:1' PASSWORD FILE 'nouser.cnf';",
       "t.omsql:1:15: error: endpoint 'h:1' has no user, and option file '" + d + "/nouser.cnf' gives none in [client] "
       "or [omsql-source]"},
      {"FILE without a path", "SOURCE mysql 'root@h:1' PASSWORD FILE ;",
       "t.omsql:1:39: error: expected an option file path in quotes, such as '~/.my.cnf'"},
      {"empty path", "SOURCE mysql 'root@h:1' PASSWORD FILE '';",
       "t.omsql:1:40: error: empty option file path after PASSWORD FILE"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto outcome = compile_script(c.script_line + "\nTARGET mysql 'root@h:2';\nMIGRATE a.b;\n", d + "/t.omsql");
    REQUIRE_FALSE(outcome.diagnostics.empty());
    CHECK(outcome.diagnostics[0].format().substr(0, outcome.diagnostics[0].format().find('\n')) ==
          d + "/" + c.expected);
    for (const auto& diagnostic : outcome.diagnostics) CHECK(diagnostic.format().find(kSecret) == std::string::npos);
  }

  CompileSettings settings;
  settings.defaults_extra_file = d + "/world.cnf";
  auto cli = compile_script("SOURCE mysql 'root@h:1';\nTARGET mysql 'root@h:2' PASSWORD ENV 'X';\nMIGRATE a.b;\n",
                            d + "/t.omsql", settings);
  CHECK(all_diagnostics(cli) ==
        d + "/t.omsql:1:15: error: --defaults-extra-file: option file '" + d + "/world.cnf': readable by other users "
        "(mode 0644); a file that holds a password must not be: chmod o-rwx '" + d + "/world.cnf'\n"
        "SOURCE mysql 'root@h:1';\n"
        "              ^");
}
