// MySQL option files as the mysql client reads them (src/common/option_file.hpp): syntax, groups,
// refusals, permissions, and that no message ever holds a value from the file.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "src/common/option_file.hpp"

using namespace omsql;

namespace {

const std::vector<std::string> kSource = {"client", "omsql-source"};

ClientOptions parsed(std::string_view text, const std::vector<std::string>& groups = kSource) {
  auto result = parse_client_options(text, "/home/u/.my.cnf", groups);
  REQUIRE_MESSAGE(result.is_ok(), result.status().message());
  return *result;
}

std::string refusal(std::string_view text) {
  auto result = parse_client_options(text, "/home/u/.my.cnf", kSource);
  REQUIRE_FALSE(result.is_ok());
  return result.status().message();
}

// A file in a fresh directory with `mode`; removed by the caller's TempDir.
struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/omsql_option_file_XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name, const std::string& text, mode_t mode) const {
    std::string full = path + "/" + name;
    std::ofstream(full) << text;
    REQUIRE(::chmod(full.c_str(), mode) == 0);
    return full;
  }
};

}  // namespace

TEST_CASE("the connection options of [client], as the mysql client reads them") {
  auto options = parsed(
      "# a comment\n"
      "; another\n"
      "[mysqld]\n"
      "port = 1111\n"
      "[client]\n"
      "  user = app   \n"
      "password=\"s3cr#t\"   # a quoted '#' is text, this one starts a comment\n"
      "host=db.example\n"
      "port=3307\n"
      "default-character-set=utf8mb4\n");
  CHECK(options.user == std::optional<std::string>("app"));
  CHECK(options.password == std::optional<std::string>("s3cr#t"));
  CHECK(options.host == std::optional<std::string>("db.example"));
  CHECK(options.port == std::optional<int>(3307));
}

TEST_CASE("values: quotes, escapes, comments, '-' and '_', the last one wins") {
  CHECK(parsed("[client]\npassword='a b'\n").password == std::optional<std::string>("a b"));
  CHECK(parsed("[client]\npassword=a\\sb\\\\c\\td\n").password == std::optional<std::string>("a b\\c\td"));
  CHECK(parsed("[client]\npassword=a\\qb\n").password == std::optional<std::string>("a\\qb"));  // not an escape
  CHECK(parsed("[client]\npassword='it\\'s'\n").password == std::optional<std::string>("it's"));
  CHECK(parsed("[client]\npassword=x#y\n").password == std::optional<std::string>("x"));
  CHECK(parsed("[client]\npassword='x\n").password == std::optional<std::string>("'x"));  // unbalanced: kept
  CHECK(parsed("[client]\npassword=\n").password == std::optional<std::string>(""));     // an empty password
  CHECK(parsed("[client]\npassword=one\n[omsql-source]\npassword=two\n").password == std::optional<std::string>("two"));
  CHECK(parsed("[omsql-source]\npassword=two\n[client]\npassword=one\n").password == std::optional<std::string>("one"));
  CHECK(parsed("[CLIENT]\nuser=u\n").user == std::optional<std::string>("u"));
  CHECK_FALSE(parsed("[omsql-target]\npassword=t\n").password.has_value());
  CHECK(parsed("[client]\npassword\npassword=later\n").password == std::optional<std::string>("later"));
  CHECK(parsed("[client]\r\nuser=crlf\r\n").user == std::optional<std::string>("crlf"));
  CHECK(parsed("[client]\nsocket=/run/mysqld.sock\nssl-ca=/x\n").user == std::nullopt);  // not used by omsql
}

TEST_CASE("refusals name the file and the line, never a value") {
  CHECK(refusal("[client]\npassword\n") ==
        "option file '/home/u/.my.cnf' line 2: password without a value makes the mysql client ask for it, and "
        "omsrun runs unattended: write password=... (password= for an empty one)");
  CHECK(refusal("[client]\n!include /etc/mysql/secret.cnf\n") ==
        "option file '/home/u/.my.cnf' line 2: !include is not followed: omsql reads only the file it is given "
        "(whose permissions it checked); put the options in this file, or name the included file instead");
  CHECK(refusal("[client]\n!includedir /etc/mysql/conf.d/\n").find("line 2: !includedir is not followed") !=
        std::string::npos);
  CHECK(refusal("!frobnicate\n") ==
        "option file '/home/u/.my.cnf' line 1: unknown directive '!frobnicate'; option files know !include and "
        "!includedir");
  CHECK(refusal("password=Hunter2\n") ==
        "option file '/home/u/.my.cnf' line 1: an option before the first [group]; put it under [client]");
  CHECK(refusal("[client\npassword=Hunter2\n") ==
        "option file '/home/u/.my.cnf' line 1: a group name without its closing ']'");
  CHECK(refusal("[client]\nport=33o6\n") == "option file '/home/u/.my.cnf' line 2: port is not a number from 1 to 65535");
  CHECK(refusal("[client]\nuser\n") == "option file '/home/u/.my.cnf' line 2: user needs a value (user=...)");
  // Other groups are not judged.
  CHECK(parsed("[mysqld]\nport=nonsense\n[client]\nuser=u\n").user == std::optional<std::string>("u"));
}

TEST_CASE("a file others may read or write is refused; ~ is $HOME") {
  TempDir dir;
  const std::string text = "[client]\nuser=u\npassword=Hunter2\n";
  auto ok = read_client_options(dir.file("ok.cnf", text, 0600), kSource);
  REQUIRE(ok.is_ok());
  CHECK(ok->password == std::optional<std::string>("Hunter2"));
  CHECK(read_client_options(dir.file("group.cnf", text, 0640), kSource).is_ok());

  const std::string world = dir.file("world.cnf", text, 0644);
  auto readable = read_client_options(world, kSource);
  REQUIRE_FALSE(readable.is_ok());
  CHECK(readable.status().message() == "option file '" + world +
                                           "': readable by other users (mode 0644); a file that holds a password must "
                                           "not be: chmod o-rwx '" + world + "'");
  const std::string writable = dir.file("writable.cnf", text, 0602);
  CHECK(read_client_options(writable, kSource).status().message().find("writable by other users (mode 0602)") !=
        std::string::npos);
  CHECK(read_client_options(dir.path, kSource).status().message() == "option file '" + dir.path + "': not a regular file");
  CHECK(read_client_options(dir.path + "/none.cnf", kSource).status().message() ==
        "option file '" + dir.path + "/none.cnf': No such file or directory");
  for (const char* name : {"ok.cnf", "world.cnf", "writable.cnf"}) {
    auto result = read_client_options(dir.path + "/" + name, kSource);
    if (!result.is_ok()) CHECK(result.status().message().find("Hunter2") == std::string::npos);
  }

  setenv("HOME", "/home/someone", 1);
  CHECK(expand_home("~/.my.cnf").value() == "/home/someone/.my.cnf");
  CHECK(expand_home("/etc/x.cnf").value() == "/etc/x.cnf");
  CHECK(expand_home("~bob/.my.cnf").status().message() ==
        "option file '~bob/.my.cnf': ~user is not expanded; write the full path");
}
