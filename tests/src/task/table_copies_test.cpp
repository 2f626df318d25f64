// DDL during a table's copy (src/task/table_copies): when replay copies a table again at an ALTER
// barrier, when an unfinished copy stops the link, and the replayer's record file.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/task/table_copies.hpp"

using namespace omsql;
namespace fs = std::filesystem;

namespace {
SourcePosition at(uint64_t offset, std::string file = "bin.000002") { return to_source_position(BinlogPosition{file, offset, ""}); }
}  // namespace

TEST_CASE("an ALTER at or before the position a copy read by redoes the copy; one after it does not") {
  TableCopyFacts copied{at(500), std::nullopt, std::nullopt};
  CHECK(copy_again_at(copied, at(400)));   // the copy went on reading after the statement
  CHECK(copy_again_at(copied, at(500)));   // the position was taken after the statement was written
  CHECK_FALSE(copy_again_at(copied, at(501)));
  CHECK_FALSE(copy_again_at(copied, at(10, "bin.000003")));
  CHECK(copy_again_at(copied, at(99999, "bin.000001")));
  // A copy of an older omsql (no position kept) or a table never copied by the task: as before.
  CHECK_FALSE(copy_again_at(TableCopyFacts{}, at(1)));
  // Cancelled by capture at the DDL's own position: redone exactly there.
  TableCopyFacts cancelled{at(700), std::string("ALTER TABLE during its copy"), std::nullopt};
  CHECK(copy_again_at(cancelled, at(700)));
}

TEST_CASE("an unfinished copy stops the link once replay is at or past its position, not before") {
  QualifiedName t{"shop", "orders"};
  TableCopyFacts cancelled{at(700), std::string("error 1054: Unknown column 'pad'"), std::nullopt};
  CHECK_FALSE(unresolved_copy(t, cancelled, at(699)));
  auto why = unresolved_copy(t, cancelled, at(700));
  REQUIRE(why);
  CHECK(why->find("shop.orders") != std::string::npos);
  CHECK(why->find("error 1054: Unknown column 'pad'") != std::string::npos);
  CHECK(why->find("--recopy") != std::string::npos);
  CHECK(unresolved_copy(t, cancelled, at(1, "bin.000009")));
  // A finished copy is never a reason to stop.
  CHECK_FALSE(unresolved_copy(t, TableCopyFacts{at(700), std::nullopt, std::nullopt}, at(9000)));
}

TEST_CASE("the in-link copy's facts replace the full copy's") {
  TableCopyFacts full{at(100), std::string("cancelled"), std::nullopt};
  CHECK(newer_facts(full, std::nullopt) == full);
  TableCopyFacts in_link{at(900), std::nullopt, std::nullopt};
  CHECK(newer_facts(full, in_link) == in_link);
}

TEST_CASE("the record file: missing is empty, a round trip keeps everything, 0600, damage is named") {
  fs::path dir = fs::temp_directory_path() / ("omsql_table_copies_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto empty = read_table_copies(dir.string());
  REQUIRE(empty);
  CHECK(*empty == TableCopyRecord{});
  TableCopyRecord record;
  record.copying = TableCopyRecord::Copying{{"shop", "orders"}, at(4242), "its definition changed during its copy"};
  record.tables["shop.orders"] = TableCopyFacts{at(5000), std::nullopt, std::nullopt};
  record.tables["shop.items"] = TableCopyFacts{to_source_position(BinlogPosition{"bin.000002", 77, "0-1-9"}), std::string("failed: x"), std::nullopt};
  record.tables["shop.keyless"] = TableCopyFacts{at(6000), std::nullopt, at(5900)};  // a snapshot copy
  REQUIRE(write_table_copies(dir.string(), record));
  auto back = read_table_copies(dir.string());
  REQUIRE(back);
  CHECK(*back == record);
  // The first copy of a table that joined keeps that it is one.
  record.copying->joined = true;
  REQUIRE(write_table_copies(dir.string(), record));
  back = read_table_copies(dir.string());
  REQUIRE(back);
  CHECK(*back == record);
  CHECK(back->copying->joined);
  struct stat st {};
  REQUIRE(::stat((dir / "table-copies.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  record.copying.reset();
  REQUIRE(write_table_copies(dir.string(), record));
  back = read_table_copies(dir.string());
  REQUIRE(back);
  CHECK_FALSE(back->copying);
  { std::ofstream(dir / "table-copies.json") << "{\"copying\": {\"table\": 3"; }
  auto damaged = read_table_copies(dir.string());
  REQUIRE_FALSE(damaged);
  CHECK(damaged.status().code() == Status::Code::kCorruption);
  CHECK(damaged.status().message().find("table-copies.json") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("only a table the task created, and not appended into, may be emptied and copied again") {
  Plan plan;
  TableJob job;
  job.source = {"shop", "orders"};
  job.target = {"shop2", "orders"};
  CHECK_FALSE(refuse_recopy(plan, job, true));
  auto theirs = refuse_recopy(plan, job, false);
  REQUIRE(theirs);
  CHECK(theirs->find("shop2.orders was not created by this task") != std::string::npos);
  plan.options.on_exists = OnExists::kAppend;
  CHECK(refuse_recopy(plan, job, true));
}

TEST_CASE("a record written before the opaque position reads") {
  fs::path dir = fs::temp_directory_path() / ("omsql_table_copies_old_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "table-copies.json")
      << R"({"copying": {"table": "shop.orders", "at": {"file": "bin.000002", "offset": 4242, "gtid": "0-1-3"},
               "reason": "r"},
             "tables": {"shop.items": {"read_by": {"file": "bin.000002", "offset": 77, "gtid": ""}}}})";
  auto back = read_table_copies(dir.string());
  REQUIRE_MESSAGE(back, back.status().message());
  REQUIRE(back->copying);
  CHECK(back->copying->at == at(4242));
  CHECK(*back->tables.at("shop.items").read_by == at(77));
  fs::remove_all(dir);
}
