// The start moment (src/task/start_moment): the definitions read again after the start position
// decide whether they are valid at it; a DDL between the reads makes it take the position again.
#include <doctest/doctest.h>

#include <deque>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/task/start_moment.hpp"

using namespace omsql;

namespace {

TableDef table(std::string name, std::vector<std::string> columns) {
  TableDef d;
  d.name = {"shop", std::move(name)};
  for (auto& c : columns) {
    ColumnDef column;
    column.name = std::move(c);
    column.data_type = "int";
    d.columns.push_back(column);
  }
  return d;
}

SourcePosition pos(uint64_t offset) { return to_source_position(BinlogPosition{"bin.000001", offset, ""}); }

// Answers the positions and definition reads in order, counting the calls.
struct Source {
  std::deque<std::vector<TableDef>> reads;
  uint64_t next_offset = 100;
  int positions = 0;
  std::function<Result<SourcePosition>()> position() {
    return [this]() -> Result<SourcePosition> {
      ++positions;
      return pos(next_offset++);
    };
  }
  std::function<Result<std::vector<TableDef>>()> definitions() {
    return [this]() -> Result<std::vector<TableDef>> {
      REQUIRE(!reads.empty());
      auto d = reads.front();
      if (reads.size() > 1) reads.pop_front();
      return d;
    };
  }
};

}  // namespace

TEST_CASE("same_definition ignores estimates and AUTO_INCREMENT, nothing else") {
  TableDef a = table("t", {"id", "v"});
  TableDef b = a;
  b.estimated_rows = 1234;
  b.estimated_bytes = 99;
  b.auto_increment = 77;
  CHECK(same_definition(a, b));
  b.columns[1].data_type = "bigint";
  CHECK_FALSE(same_definition(a, b));
  TableDef c = a;
  c.comment = "x";
  CHECK_FALSE(same_definition(a, c));
}

TEST_CASE("no DDL between the reads: the first position, the bound definitions") {
  std::vector<TableDef> bound{table("a", {"id"}), table("b", {"id", "v"})};
  Source source;
  auto again = bound;
  again[0].auto_increment = 500;  // writes went on: not a DDL
  source.reads = {again};
  auto moment = settle_start_moment(bound, source.position(), source.definitions());
  REQUIRE(moment);
  CHECK(moment->attempts == 1);
  CHECK(moment->position == pos(100));
  CHECK(moment->definitions == bound);
}

TEST_CASE("a DDL between the bind and the position: the position is taken again, the new definition kept") {
  std::vector<TableDef> bound{table("a", {"id"}), table("b", {"id", "v"})};
  auto altered = bound;
  altered[1] = table("b", {"id", "v", "extra"});
  Source source;
  source.reads = {altered, altered};
  auto moment = settle_start_moment(bound, source.position(), source.definitions());
  REQUIRE(moment);
  CHECK(moment->attempts == 2);
  CHECK(source.positions == 2);
  // The first position may be before or after the ALTER: only the second one is known to follow it.
  CHECK(moment->position == pos(101));
  CHECK(moment->definitions == altered);
}

TEST_CASE("DDL that goes on: each change costs a position; a stream of changes ends in a loud error") {
  std::vector<TableDef> bound{table("a", {"id"})};
  Source source;
  source.reads = {{table("a", {"id", "x"})}, {table("a", {"id", "x", "y"})}, {table("a", {"id", "x", "y"})}};
  auto moment = settle_start_moment(bound, source.position(), source.definitions());
  REQUIRE(moment);
  CHECK(moment->attempts == 3);
  CHECK(moment->definitions[0].columns.size() == 3);

  Source storm;
  int n = 0;
  auto changing = [&]() -> Result<std::vector<TableDef>> {
    return std::vector<TableDef>{table("a", {"id", "c" + std::to_string(n++)})};
  };
  auto failed = settle_start_moment(bound, storm.position(), changing, 4);
  REQUIRE_FALSE(failed);
  CHECK(failed.status().message().find("shop.a") != std::string::npos);
  CHECK(failed.status().message().find("4 tries") != std::string::npos);
  CHECK(storm.positions == 4);
}

TEST_CASE("a failing read or position is the caller's error, not a retry") {
  std::vector<TableDef> bound{table("a", {"id"})};
  auto no_position = []() -> Result<SourcePosition> { return Status::transient("source away"); };
  Source source;
  source.reads = {bound};
  auto r = settle_start_moment(bound, no_position, source.definitions());
  REQUIRE_FALSE(r);
  CHECK(r.status().is_transient());
  auto no_read = []() -> Result<std::vector<TableDef>> { return Status::not_found("table shop.a is gone"); };
  auto r2 = settle_start_moment(bound, source.position(), no_read);
  REQUIRE_FALSE(r2);
  CHECK(r2.status().message() == "table shop.a is gone");
}

TEST_CASE("read under the tables' metadata locks: the first read is valid at the first position, changed or not") {
  std::vector<TableDef> bound{table("a", {"id"}), table("b", {"id", "v"})};
  auto altered = bound;
  altered[1] = table("b", {"id", "v", "extra"});
  Source source;
  source.reads = {altered};
  auto moment = settle_start_moment(bound, source.position(), source.definitions(), 1, true);
  REQUIRE(moment);
  CHECK(moment->attempts == 1);
  CHECK(source.positions == 1);
  // No ALTER could commit between the position and the read: the read is the definition there.
  CHECK(moment->position == pos(100));
  CHECK(moment->definitions == altered);
}
