// The task state on disk: every field survives a save and a load (binary key bytes included),
// a second process cannot take the lock, and a damaged state.json is an error that names the file,
// never a fresh start that would copy everything again over a live link.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/task/task_state.hpp"
#include "tests/support/temp_folder.hpp"

using namespace omsql;
namespace fs = std::filesystem;

namespace {

// The task directory is created by TaskDirectory::open inside a fresh folder.
struct TempFolder {
  testing::TempFolder root{"omsql-task-state"};
  std::string path = root.path + "/task";
};

void overwrite(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

}  // namespace

TEST_CASE("every field of the task state survives save and load") {
  TempFolder folder;
  auto dir = TaskDirectory::open(folder.path);
  REQUIRE(dir);
  TaskState state;
  state.script_path = "/srv/shop.omsql";
  state.phase = Phase::kIncremental;
  state.start_position = to_source_position(BinlogPosition{"mariadb-bin.000007", 18446744073709551615ull, "0-1-42,1-7-3"});
  TableProgress orders;
  orders.schema_created = true;
  orders.created_by_task = true;
  orders.copy_done = false;
  orders.copied_through = std::vector<std::string>{std::string("\x00\xff\n\"\\", 5), "", "caf\xc3\xa9"};
  orders.rows_copied = 123456789;
  orders.bytes_copied = 9876543210;
  TableProgress log;
  log.copy_done = true;
  log.snapshot = to_source_position(BinlogPosition{"mariadb-bin.000006", 4, ""});
  log.copy_read_by = to_source_position(BinlogPosition{"mariadb-bin.000006", 4, "0-1-7"});
  log.copy_incomplete = "cancelled: ALTER TABLE during its copy";
  state.tables["shop.orders"] = orders;
  state.tables["shop.log"] = log;
  state.indexes_done = true;
  state.needs_recopy = "binlog mariadb-bin.000001 was purged";
  state.recopy_drop = {{"shop_v2", "orders"}, {"weird`db", "t w"}};
  state.cut_over = "2026-12-01T16:40:00Z";
  REQUIRE(dir->save(state));

  auto loaded = dir->load();
  REQUIRE(loaded);
  CHECK(loaded->script_path == state.script_path);
  CHECK(loaded->phase == Phase::kIncremental);
  REQUIRE(loaded->start_position);
  CHECK(*loaded->start_position == *state.start_position);
  CHECK(loaded->start_position->payload == "mariadb-bin.000007:18446744073709551615 gtid 0-1-42,1-7-3");
  REQUIRE(loaded->tables.size() == 2);
  const TableProgress& o = loaded->tables.at("shop.orders");
  CHECK(o.schema_created);
  CHECK(o.created_by_task);
  CHECK_FALSE(o.copy_done);
  REQUIRE(o.copied_through.has_value());
  CHECK(*o.copied_through == *orders.copied_through);
  CHECK(o.rows_copied == 123456789);
  CHECK(o.bytes_copied == 9876543210);
  CHECK_FALSE(o.snapshot.has_value());
  const TableProgress& l = loaded->tables.at("shop.log");
  CHECK(l.copy_done);
  CHECK_FALSE(l.copied_through.has_value());
  REQUIRE(l.snapshot);
  CHECK(*l.snapshot == *log.snapshot);
  CHECK(l.snapshot->payload == "mariadb-bin.000006:4");
  REQUIRE(l.copy_read_by);
  CHECK(*l.copy_read_by == *log.copy_read_by);
  CHECK(l.copy_read_by->payload == "mariadb-bin.000006:4 gtid 0-1-7");
  CHECK(l.copy_incomplete == log.copy_incomplete);
  CHECK_FALSE(o.copy_read_by.has_value());
  CHECK_FALSE(o.copy_incomplete.has_value());
  CHECK(loaded->indexes_done);
  CHECK(loaded->needs_recopy == state.needs_recopy);
  CHECK(loaded->recopy_drop == state.recopy_drop);
  CHECK(loaded->cut_over == state.cut_over);
}

TEST_CASE("a state.json written before the opaque position resumes, and is saved in the new form") {
  TempFolder folder;
  auto dir = TaskDirectory::open(folder.path);
  REQUIRE(dir);
  // Literally what the previous version wrote (flat start fields, snapshot_file/offset, and
  // copy_read_by as {"file","offset","gtid"}).
  overwrite(folder.path + "/state.json", R"({
  "script": "/srv/shop.omsql", "phase": "incremental",
  "start_binlog_file": "mariadb-bin.000007", "start_binlog_offset": 18446744073709551615, "start_gtid": "0-1-42,1-7-3",
  "indexes_done": true,
  "tables": {
    "shop.log": {"schema_created": true, "copy_done": true, "rows_copied": 3, "bytes_copied": 30,
                 "snapshot_file": "mariadb-bin.000006", "snapshot_offset": 4,
                 "copy_read_by": {"file": "mariadb-bin.000006", "offset": 4, "gtid": "0-1-7"},
                 "copy_incomplete": "cancelled"},
    "shop.orders": {"schema_created": true, "copy_done": false, "rows_copied": 0, "bytes_copied": 0}
  }
})");
  auto loaded = dir->load();
  REQUIRE(loaded);
  REQUIRE(loaded->start_position);
  CHECK(loaded->start_position->engine == "mysql");
  CHECK(loaded->start_position->order == std::vector<uint64_t>{7, 18446744073709551615ull});
  auto start = to_binlog_position(*loaded->start_position);
  REQUIRE(start);
  CHECK(start->file == "mariadb-bin.000007");
  CHECK(start->offset == 18446744073709551615ull);
  CHECK(start->gtid == "0-1-42,1-7-3");
  const TableProgress& l = loaded->tables.at("shop.log");
  REQUIRE(l.snapshot);
  CHECK(*l.snapshot == to_source_position(BinlogPosition{"mariadb-bin.000006", 4, ""}));
  REQUIRE(l.copy_read_by);
  auto read_by = to_binlog_position(*l.copy_read_by);
  REQUIRE(read_by);
  CHECK(read_by->file == "mariadb-bin.000006");
  CHECK(read_by->offset == 4);
  CHECK(read_by->gtid == "0-1-7");
  CHECK_FALSE(loaded->tables.at("shop.orders").snapshot);
  CHECK_FALSE(loaded->tables.at("shop.orders").copy_read_by);

  // Saved again: the new form only, and it reads back the same.
  REQUIRE(dir->save(*loaded));
  std::ifstream in(folder.path + "/state.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("start_binlog_file") == std::string::npos);
  CHECK(text.find("snapshot_file") == std::string::npos);
  CHECK(nlohmann::json::parse(text)["start_position"] ==
        nlohmann::json::parse(R"({"engine": "mysql", "order": [7, 18446744073709551615],
                                  "payload": "mariadb-bin.000007:18446744073709551615 gtid 0-1-42,1-7-3"})"));
  auto again = dir->load();
  REQUIRE(again);
  CHECK(*again->start_position == *loaded->start_position);
  CHECK(again->start_position->payload == loaded->start_position->payload);
  CHECK(*again->tables.at("shop.log").snapshot == *l.snapshot);
  CHECK(again->tables.at("shop.log").copy_read_by->payload == l.copy_read_by->payload);
}

TEST_CASE("a position in state.json that no engine wrote is a Corruption naming the field") {
  TempFolder folder;
  auto dir = TaskDirectory::open(folder.path);
  REQUIRE(dir);
  overwrite(folder.path + "/state.json", R"({"phase": "full", "start_binlog_file": "no-suffix", "tables": {}})");
  auto old_form = dir->load();
  REQUIRE_FALSE(old_form);
  CHECK(old_form.status().code() == Status::Code::kCorruption);
  CHECK(old_form.status().message().find("start_binlog_file") != std::string::npos);
  overwrite(folder.path + "/state.json", R"({"phase": "full", "start_position": {"engine": "mysql"}, "tables": {}})");
  auto new_form = dir->load();
  REQUIRE_FALSE(new_form);
  CHECK(new_form.status().code() == Status::Code::kCorruption);
  CHECK(new_form.status().message().find("start_position") != std::string::npos);
  overwrite(folder.path + "/state.json",
            R"({"phase": "full", "tables": {"a.b": {"copy_read_by": {"file": "bin.000001"}}}})");
  auto torn = dir->load();
  REQUIRE_FALSE(torn);
  CHECK(torn.status().message().find("a.b copy_read_by") != std::string::npos);
}

TEST_CASE("a directory without state.json is a fresh task; the state file is private") {
  TempFolder folder;
  auto dir = TaskDirectory::open(folder.path);
  REQUIRE(dir);
  auto fresh = dir->load();
  REQUIRE(fresh);
  CHECK(fresh->phase == Phase::kNew);
  CHECK(fresh->tables.empty());
  REQUIRE(dir->save(*fresh));
  auto perms = fs::status(folder.path + "/state.json").permissions();
  CHECK((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
}

TEST_CASE("a damaged state.json is an error naming the file, not a fresh start") {
  TempFolder folder;
  auto dir = TaskDirectory::open(folder.path);
  REQUIRE(dir);
  TaskState state;
  state.phase = Phase::kFull;
  REQUIRE(dir->save(state));
  const std::string file = folder.path + "/state.json";

  overwrite(file, "{\"phase\": \"full\", \"tables\": {");  // torn by hand (save itself never tears)
  auto torn = dir->load();
  REQUIRE_FALSE(torn);
  CHECK(torn.status().message().find("state.json") != std::string::npos);

  overwrite(file, "{\"phase\": \"sideways\"}");
  auto unknown = dir->load();
  REQUIRE_FALSE(unknown);
  CHECK(unknown.status().message().find("unknown phase 'sideways'") != std::string::npos);

  overwrite(file, "{\"phase\": \"full\", \"tables\": {\"a.b\": {\"copied_through_hex\": [\"0g\"]}}}");
  auto bad_hex = dir->load();
  REQUIRE_FALSE(bad_hex);
  CHECK(bad_hex.status().message().find("bad key hex in table a.b") != std::string::npos);
}

TEST_CASE("one process at a time: a second open of a locked task directory is refused") {
  TempFolder folder;
  auto first = TaskDirectory::open(folder.path);
  REQUIRE(first);
  CHECK(task_directory_in_use(folder.path));  // held by this process
  pid_t child = ::fork();
  if (child == 0) {
    // Another process: the lock is held by the parent.
    auto second = TaskDirectory::open(folder.path);
    ::_exit(second ? 1 : 0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the task id is the directory's absolute path, cut to the key length from the left") {
  CHECK(task_id_for_directory("/srv/tasks/shop") == "/srv/tasks/shop");
  std::string deep = "/srv/" + std::string(300, 'd') + "/shop";
  std::string id = task_id_for_directory(deep);
  CHECK(id.size() == 191);
  CHECK(id == deep.substr(deep.size() - 191));
}
