// The DDL stop record and the user's resolution in the task directory (src/task/ddl_resolution):
// round trips, 0600, missing files, damaged files named, matching by position and text, the
// sentences the commands print, and the status the records make.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/task/ddl_resolution.hpp"
#include "src/task/task_status.hpp"
#include "tests/support/binlog_positions.hpp"

using namespace omsql;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/omsql-ddl-resolution-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

SourcePosition at(uint64_t offset) { return to_source_position(BinlogPosition{"mariadb-bin.000003", offset, "0-1-42"}); }

unsigned mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

}  // namespace

TEST_CASE("stop record and resolution: missing, written (0600), read back, cleared") {
  TempDir dir;
  auto none = read_ddl_stop(dir.path);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  auto no_resolution = read_ddl_resolution(dir.path);
  REQUIRE(no_resolution);
  CHECK_FALSE(no_resolution->has_value());
  CHECK(clear_ddl_stop(dir.path));        // nothing to clear is fine
  CHECK(clear_ddl_resolution(dir.path));

  const DdlStop stop{at(91734), "ALTER TABLE t ADD `we\"ird` INT -- \xc3\xa9", "shop", "source DDL on migrated table s.t ..."};
  REQUIRE(write_ddl_stop(dir.path, stop));
  CHECK(mode_of(dir.path + "/ddl-stop.json") == 0600);
  auto back = read_ddl_stop(dir.path);
  REQUIRE(back);
  REQUIRE(back->has_value());
  CHECK((*back)->position == stop.position);
  CHECK(test::gtid_of((*back)->position) == "0-1-42");
  CHECK((*back)->statement == stop.statement);
  CHECK((*back)->reason == stop.reason);
  CHECK((*back)->schema == "shop");

  for (auto kind : {DdlResolutionKind::kSkip, DdlResolutionKind::kApplied, DdlResolutionKind::kRetry}) {
    REQUIRE(write_ddl_resolution(dir.path, DdlResolution{stop.position, stop.statement, kind}));
    CHECK(mode_of(dir.path + "/ddl-resolution.json") == 0600);
    auto resolution = read_ddl_resolution(dir.path);
    REQUIRE(resolution);
    REQUIRE(resolution->has_value());
    CHECK((*resolution)->kind == kind);
    CHECK(ddl_resolution_matches(**resolution, stop.position, stop.statement));
  }
  // A symbolic link planted at the name is not followed.
  CHECK(clear_ddl_resolution(dir.path));
  std::filesystem::create_symlink(dir.path + "/ddl-stop.json", dir.path + "/ddl-resolution.json");
  CHECK_FALSE(read_ddl_resolution(dir.path));
  std::filesystem::remove(dir.path + "/ddl-resolution.json");
  CHECK(clear_ddl_stop(dir.path));
  CHECK(clear_ddl_resolution(dir.path));
  CHECK_FALSE(std::filesystem::exists(dir.path + "/ddl-stop.json"));
  CHECK_FALSE(std::filesystem::exists(dir.path + "/ddl-resolution.json"));
}

TEST_CASE("a damaged record is an error naming the file, never an empty one") {
  TempDir dir;
  for (const char* text : {"not json", "[]", "{\"position\": {\"file\": \"f\"}, \"statement\": \"x\"}",
                           "{\"position\": {\"file\": \"f\", \"offset\": 4}, \"statement\": \"x\", \"resolution\": \"nope\"}"}) {
    CAPTURE(text);
    std::ofstream(dir.path + "/ddl-resolution.json") << text;
    auto resolution = read_ddl_resolution(dir.path);
    REQUIRE_FALSE(resolution);
    CHECK(resolution.status().code() == Status::Code::kCorruption);
    CHECK(resolution.status().message().find(dir.path + "/ddl-resolution.json: damaged DDL resolution") == 0);
  }
  std::ofstream(dir.path + "/ddl-stop.json") << "{\"position\": 3}";
  auto stop = read_ddl_stop(dir.path);
  REQUIRE_FALSE(stop);
  CHECK(stop.status().message().find("ddl-stop.json: damaged DDL stop record") != std::string::npos);
}

TEST_CASE("a resolution is about one statement: its position and its text") {
  const DdlResolution resolution{at(500), "TRUNCATE t", DdlResolutionKind::kSkip};
  CHECK(ddl_resolution_matches(resolution, at(500), "TRUNCATE t"));
  CHECK_FALSE(ddl_resolution_matches(resolution, at(501), "TRUNCATE t"));
  CHECK_FALSE(ddl_resolution_matches(resolution, at(500), "TRUNCATE u"));
  SourcePosition other_file = test::binlog_at("mariadb-bin.000004", 500, "0-1-42");
  CHECK_FALSE(ddl_resolution_matches(resolution, other_file, "TRUNCATE t"));
  SourcePosition other_gtid = test::binlog_at("mariadb-bin.000003", 500, "0-1-43");  // informational: the position is file:offset
  CHECK(ddl_resolution_matches(resolution, other_gtid, "TRUNCATE t"));
  CHECK_FALSE(ddl_resolution_matches(DdlResolution{{}, "", DdlResolutionKind::kSkip}, {}, ""));
}

TEST_CASE("names and what the next run does") {
  CHECK(ddl_resolution_from_name("skip") == DdlResolutionKind::kSkip);
  CHECK(ddl_resolution_from_name("applied") == DdlResolutionKind::kApplied);
  CHECK(ddl_resolution_from_name("retry") == DdlResolutionKind::kRetry);
  CHECK_FALSE(ddl_resolution_from_name("Skip").has_value());
  const SourcePosition p = to_source_position(BinlogPosition{"mariadb-bin.000003", 7, ""});
  CHECK(ddl_resolution_effect({p, "x", DdlResolutionKind::kSkip}).find(
            "the next run passes the statement at mariadb-bin.000003:7 without applying it to the target") == 0);
  CHECK(ddl_resolution_effect({p, "x", DdlResolutionKind::kApplied}).find(
            "the next run checks that the target is as the statement at mariadb-bin.000003:7 leaves it") == 0);
  CHECK(ddl_resolution_effect({p, "x", DdlResolutionKind::kRetry}).find(
            "the next run runs the target statements of the statement at mariadb-bin.000003:7 again") == 0);
  const auto commands = ddl_resolution_commands("/t/task");
  REQUIRE(commands.size() == 3);
  CHECK(commands[0].rfind("omsrun ddl skip --task /t/task ", 0) == 0);
  CHECK(commands[1].rfind("omsrun ddl applied --task /t/task ", 0) == 0);
  CHECK(commands[2].rfind("omsrun ddl retry --task /t/task ", 0) == 0);
}

TEST_CASE("the status a stop makes, and its JSON round trip") {
  const DdlStop stop{at(9), "DROP TABLE t", "s", "source DDL at ...: DROP TABLE stops by default"};
  DdlStopStatus plain = ddl_stop_status_of(stop, std::nullopt, "/t/task");
  CHECK(plain.commands == ddl_resolution_commands("/t/task"));
  CHECK(plain.position == at(9).str());
  CHECK_FALSE(plain.resolution.has_value());
  CHECK_FALSE(plain.next_run.has_value());
  // A resolution of another statement says nothing about this stop.
  CHECK_FALSE(ddl_stop_status_of(stop, DdlResolution{at(8), "DROP TABLE t", DdlResolutionKind::kSkip}, "/t/task").resolution);
  DdlStopStatus resolved =
      ddl_stop_status_of(stop, DdlResolution{stop.position, stop.statement, DdlResolutionKind::kApplied}, "/t/task");
  CHECK(resolved.resolution == std::optional<std::string>("applied"));
  CHECK(resolved.next_run->find("checks that the target is as the statement") != std::string::npos);

  TaskStatus status;
  status.ddl_stop = resolved;
  auto parsed = parse_task_status(task_status_text(status));
  REQUIRE(parsed);
  REQUIRE(parsed->ddl_stop.has_value());
  CHECK(parsed->ddl_stop->position == resolved.position);
  CHECK(parsed->ddl_stop->statement == "DROP TABLE t");
  CHECK(parsed->ddl_stop->reason == stop.reason);
  CHECK(parsed->ddl_stop->resolution == resolved.resolution);
  CHECK(parsed->ddl_stop->next_run == resolved.next_run);
  CHECK(parsed->ddl_stop->commands == resolved.commands);
  CHECK(nlohmann::json::parse(task_status_text(status))["ddl_stop"]["waiting"] == false);
  status.ddl_stop = plain;
  CHECK(nlohmann::json::parse(task_status_text(status))["ddl_stop"]["waiting"] == true);
  CHECK_FALSE(parse_task_status(task_status_text(TaskStatus{}))->ddl_stop.has_value());
}
