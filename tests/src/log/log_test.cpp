#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "src/log/log.hpp"
#include "src/log/redact.hpp"
#include "src/log/text_width.hpp"

using namespace omsql::log;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string temp_dir() {
  std::string dir = std::filesystem::temp_directory_path() / ("omsql_log_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("levels: the words --log-level accepts, and nothing else") {
  CHECK(parse_level("debug") == Level::kDebug);
  CHECK(parse_level("info") == Level::kInfo);
  CHECK(parse_level("warning") == Level::kWarning);
  CHECK(parse_level("warn") == Level::kWarning);
  CHECK(parse_level("error") == Level::kError);
  CHECK_FALSE(parse_level("Info"));
  CHECK_FALSE(parse_level("verbose"));
  CHECK_FALSE(parse_level(""));
  for (Level level : {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError})
    CHECK(parse_level(level_name(level)) == level);
}

TEST_CASE("terminal text keeps the words omsrun always printed") {
  CHECK(terminal_text(Level::kInfo, "binlog", "binlog: capture halts at the DDL") == "binlog: capture halts at the DDL");
  CHECK(terminal_text(Level::kWarning, "spool", "spool /x is out of space") == "warning: spool /x is out of space");
  CHECK(terminal_text(Level::kError, "task", "boom") == "error: boom");
  CHECK(terminal_text(Level::kDebug, "coordinator", "phase full") == "debug: coordinator: phase full");
}

TEST_CASE("redact: registered secrets and password syntax") {
  CHECK(redact("access denied for root (using s3cr3t!)", {"s3cr3t!"}) == "access denied for root (using ***)");
  // Longest first: a secret inside another does not leave the rest of the longer one.
  CHECK(redact("pw=abcdef", {"abc", "abcdef"}) == "pw=***");
  CHECK(redact("nothing here", {""}) == "nothing here");
  CHECK(redact("\"CREATE USER 'u'@'%' IDENTIFIED BY 'hunter2'\"", {}) == "\"CREATE USER 'u'@'%' IDENTIFIED BY '***'\"");
  CHECK(redact("ALTER USER u IDENTIFIED BY PASSWORD '*94BD'", {}) == "ALTER USER u IDENTIFIED BY PASSWORD '***'");
  CHECK(redact("create user u identified via ed25519 using 'x y'", {}) == "create user u identified via ed25519 using '***'");
  CHECK(redact("IDENTIFIED WITH mysql_native_password BY 'pw'", {}) == "IDENTIFIED WITH mysql_native_password BY '***'");
  CHECK(redact("SET PASSWORD FOR 'u'@'h' = PASSWORD('it''s')", {}) == "SET PASSWORD FOR 'u'@'h' = PASSWORD('***')");
  CHECK(redact("SET PASSWORD = 'plain'", {}) == "SET PASSWORD = '***'");
  CHECK(redact("CHANGE MASTER TO MASTER_PASSWORD='m', MASTER_HOST='h'", {}) ==
        "CHANGE MASTER TO MASTER_PASSWORD='***', MASTER_HOST='h'");
  CHECK(redact("~/.my.cnf:3: password = hunter2", {}) == "~/.my.cnf:3: password = ***");
  CHECK(redact("mysqldump --password=hunter2 db", {}) == "mysqldump --password=*** db");
  CHECK(redact("password: \"quoted pw\"", {}) == "password: '***'");
  CHECK(redact("mysql://root:hunter2@127.0.0.1:3306/db", {}) == "mysql://root:***@127.0.0.1:3306/db");
  CHECK(redact("SOURCE mysql 'root:hunter2@127.0.0.1:3306'", {}) == "SOURCE mysql 'root:***@127.0.0.1:3306'");
  // What is no password stays: an endpoint, PASSWORD ENV, a position.
  CHECK(redact("source root@127.0.0.1:3306: environment variable PW (PASSWORD ENV) is not set", {}) ==
        "source root@127.0.0.1:3306: environment variable PW (PASSWORD ENV) is not set");
  CHECK(redact("binlog: capture halts at mysql-bin.000003:1234", {}) == "binlog: capture halts at mysql-bin.000003:1234");
}

TEST_CASE("display width and cutting to it") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("a→b") == 3);
  CHECK(display_width("表") == 2);
  CHECK(display_width("e\xCC\x81") == 1);  // e + combining acute
  CHECK(display_width("\xFF") == 1);       // not UTF-8: one column
  CHECK(cut_to_width("abcdef", 6) == "abcdef");
  CHECK(cut_to_width("abcdef", 5) == "abcd…");
  CHECK(display_width(cut_to_width("abcdef", 5)) == 5);
  CHECK(cut_to_width("ab表cd", 4) == "ab…");  // the wide character does not fit in 3 columns
  CHECK(cut_to_width("abc", 0) == "");
  CHECK(cut_to_width("abc", 1) == "…");
  CHECK(fit_to_width("ab", 4) == "ab  ");
  CHECK(fit_to_width("ab", 4, true) == "  ab");
  CHECK(fit_to_width("abcdef", 4) == "abc…");
}

TEST_CASE("the log file: 0600, UTC timestamps, level and component, redacted, rotated") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/omsrun.log";
  ::umask(0);  // the file's mode must not depend on it
  FileSettings settings;
  settings.level = Level::kInfo;
  settings.max_bytes = 4096;
  settings.max_files = 2;
  REQUIRE(open_file(path, settings));
  CHECK(file_path() == path);
  add_secret("t0p-s3cret");
  set_terminal_level(Level::kError);  // keep the test's output quiet
  write(Level::kInfo, "binlog", "binlog: capture halts at mysql-bin.000001:4\n");
  write(Level::kWarning, "connection", "login with t0p-s3cret refused");
  write(Level::kDebug, "coordinator", "not kept: below the file's level");
  write(Level::kInfo, "console", "console: http://127.0.0.1:1/?token=abc", Destination::kTerminal);
  result("copy", "copied 10 rows");

  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  const std::string text = slurp(path);
  CHECK(std::regex_search(text, std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info    \[binlog\] binlog: capture halts at mysql-bin\.000001:4\n)")));
  CHECK(text.find("warning [connection] login with *** refused") != std::string::npos);
  CHECK(text.find("t0p-s3cret") == std::string::npos);
  CHECK(text.find("not kept") == std::string::npos);
  CHECK(text.find("token") == std::string::npos);
  CHECK(text.find("info    [copy] copied 10 rows") != std::string::npos);

  // Rotation: past 4 KB the file becomes omsrun.1.log, then omsrun.2.log; no more are kept.
  for (int i = 0; i < 300; ++i) write(Level::kInfo, "copy", "line " + std::to_string(i) + std::string(40, 'x'));
  CHECK(std::filesystem::exists(dir + "/omsrun.1.log"));
  CHECK(std::filesystem::exists(dir + "/omsrun.2.log"));
  CHECK_FALSE(std::filesystem::exists(dir + "/omsrun.3.log"));
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    REQUIRE(::stat(entry.path().c_str(), &info) == 0);
    CHECK_MESSAGE((info.st_mode & 0777) == 0600, entry.path().string());
    CHECK(std::filesystem::file_size(entry.path()) <= 4096);
  }
  CHECK(slurp(path).find("line 299") != std::string::npos);
  close_file();
  CHECK(file_path().empty());
  write(Level::kInfo, "copy", "after close");
  CHECK(slurp(path).find("after close") == std::string::npos);
  ::umask(022);
  set_terminal_level(Level::kInfo);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a message of several lines is one record per line in the file") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/omsrun.log";
  REQUIRE(open_file(path, FileSettings{}));
  set_terminal_level(Level::kError);
  result("copy", "table  rows\nt      10\ntotal  10\n");
  close_file();
  set_terminal_level(Level::kInfo);
  std::istringstream lines(slurp(path));
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) CHECK(std::regex_search(line, std::regex(R"(^\d{4}-.*Z info    \[copy\] )")));
  CHECK(count == 3);
  std::filesystem::remove_all(dir);
}
