// `omsrun ddl` without a server (src/runner/ddl_resolve): what it refuses (no task, not stopped at
// a DDL, another --at, applied without the task's plan) writes nothing; what it accepts is written
// 0600 for the stop on record, and a second word says which it replaces.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/runner/ddl_resolve.hpp"

using namespace omsql;

namespace {

struct TaskDir {
  std::string path;
  TaskDir() {
    char name[] = "/tmp/omsql-ddl-resolve-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~TaskDir() { std::filesystem::remove_all(path); }
};

const SourcePosition kAt = to_source_position(BinlogPosition{"mariadb-bin.000002", 4711, "0-1-9"});

}  // namespace

TEST_CASE("omsrun ddl: refusals write nothing; a word is for the stop on record") {
  TaskDir dir;
  runner::DdlResolveRequest skip{DdlResolutionKind::kSkip, std::nullopt, nullptr};
  auto none = runner::resolve_ddl_stop(dir.path, skip);
  REQUIRE_FALSE(none);
  CHECK(none.status().code() == Status::Code::kNotFound);
  CHECK(none.status().message().find("holds no task") != std::string::npos);

  std::ofstream(dir.path + "/state.json") << "{\"script\": \"x.omsql\", \"phase\": \"incremental\"}";
  auto not_stopped = runner::resolve_ddl_stop(dir.path, skip);
  REQUIRE_FALSE(not_stopped);
  CHECK(not_stopped.status().message().find("the task is not stopped at a DDL") != std::string::npos);

  REQUIRE(write_ddl_stop(dir.path, DdlStop{kAt, "ALTER TABLE t ADD INDEX iv (v)", "shop", "policy"}));
  runner::DdlResolveRequest elsewhere = skip;
  elsewhere.at = to_source_position(BinlogPosition{"mariadb-bin.000002", 4712, ""});
  auto wrong = runner::resolve_ddl_stop(dir.path, elsewhere);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.status().message().find("not at mariadb-bin.000002:4712: a resolution is only for the statement the "
                                      "task stopped at") != std::string::npos);
  auto applied = runner::resolve_ddl_stop(dir.path, {DdlResolutionKind::kApplied, std::nullopt, nullptr});
  REQUIRE_FALSE(applied);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/ddl-resolution.json"));

  runner::DdlResolveRequest here = skip;
  here.at = to_source_position(BinlogPosition{"mariadb-bin.000002", 4711, ""});  // the gtid part is not needed
  auto done = runner::resolve_ddl_stop(dir.path, here);
  REQUIRE_MESSAGE(done, done.status().message());
  CHECK_FALSE(done->replaced.has_value());
  struct stat info {};
  REQUIRE(::stat((dir.path + "/ddl-resolution.json").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  auto written = read_ddl_resolution(dir.path);
  REQUIRE(written);
  REQUIRE(written->has_value());
  CHECK((*written)->kind == DdlResolutionKind::kSkip);
  CHECK((*written)->position == kAt);
  CHECK((*written)->statement == "ALTER TABLE t ADD INDEX iv (v)");

  auto again = runner::resolve_ddl_stop(dir.path, {DdlResolutionKind::kRetry, std::nullopt, nullptr});
  REQUIRE(again);
  REQUIRE(again->replaced.has_value());
  CHECK(again->replaced->kind == DdlResolutionKind::kSkip);
  CHECK((*read_ddl_resolution(dir.path))->kind == DdlResolutionKind::kRetry);
}
