// The MySQL family's side of the opaque source position: BinlogPosition <-> SourcePosition
// (src/engine/mysql/binlog/position.hpp), orders that agree, and what is refused.
#include <doctest/doctest.h>

#include <stdexcept>

#include "src/engine/mysql/binlog/position.hpp"

using namespace omsql;

TEST_CASE("a binlog position becomes {file sequence, offset} with its str() as payload, and back") {
  const BinlogPosition p{"mariadb-bin.000003", 1234, "0-1-42,1-7-3"};
  SourcePosition s = to_source_position(p);
  CHECK(s.engine == "mysql");
  CHECK(s.order == std::vector<uint64_t>{3, 1234});
  CHECK(s.payload == "mariadb-bin.000003:1234 gtid 0-1-42,1-7-3");
  CHECK(s.str() == p.str());
  auto back = to_binlog_position(s);
  REQUIRE(back.is_ok());
  CHECK(back->file == p.file);
  CHECK(back->offset == p.offset);
  CHECK(back->gtid == p.gtid);

  auto no_gtid = to_binlog_position(to_source_position(BinlogPosition{"bin.000002", 4, ""}));
  REQUIRE(no_gtid.is_ok());
  CHECK(no_gtid->file == "bin.000002");
  CHECK(no_gtid->offset == 4);
  CHECK(no_gtid->gtid.empty());
}

TEST_CASE("the empty binlog position is the empty source position, both ways") {
  CHECK(to_source_position(BinlogPosition{}).empty());
  auto back = to_binlog_position(SourcePosition{});
  REQUIRE(back.is_ok());
  CHECK(back->empty());
}

TEST_CASE("source positions order as their binlog positions do, past the sixth digit too") {
  const BinlogPosition ps[] = {
      {"mariadb-bin.000001", 4, ""},       {"mariadb-bin.000001", 900, "0-1-1"}, {"mariadb-bin.000002", 4, ""},
      {"mariadb-bin.999999", 1 << 20, ""}, {"mariadb-bin.1000000", 4, ""},      {"mariadb-bin.1000000", 5, ""},
  };
  for (const auto& a : ps)
    for (const auto& b : ps) {
      CAPTURE(a.str());
      CAPTURE(b.str());
      CHECK((to_source_position(a) <=> to_source_position(b)) == (a <=> b));
      CHECK((to_source_position(a) == to_source_position(b)) == (a == b));
    }
}

TEST_CASE("a position of another engine is refused clearly") {
  auto got = to_binlog_position(SourcePosition{"postgres", {0x16B3748}, "0/16B3748"});
  REQUIRE_FALSE(got.is_ok());
  CHECK(got.status().code() == Status::Code::kInvalidArgument);
  CHECK(got.status().message() == "source position '0/16B3748' is a postgres position, not a MySQL-family binlog position");
}

TEST_CASE("a MySQL position whose payload is no binlog position, or disagrees with its order, is Corruption") {
  auto not_binlog = to_binlog_position(SourcePosition{"mysql", {3, 4}, "no colon here"});
  REQUIRE_FALSE(not_binlog.is_ok());
  CHECK(not_binlog.status().code() == Status::Code::kCorruption);
  auto disagrees = to_binlog_position(SourcePosition{"mysql", {3, 5}, "bin.000003:4"});
  REQUIRE_FALSE(disagrees.is_ok());
  CHECK(disagrees.status().code() == Status::Code::kCorruption);
  CHECK(disagrees.status().message().find("disagrees with its order key") != std::string::npos);
}

TEST_CASE("a file name without a numeric suffix cannot be ordered and is refused loudly") {
  CHECK(has_binlog_sequence("mariadb-bin.000001"));
  CHECK(has_binlog_sequence("a.b.12"));
  CHECK_FALSE(has_binlog_sequence("mariadb-bin"));
  CHECK_FALSE(has_binlog_sequence("mariadb-bin."));
  CHECK_FALSE(has_binlog_sequence("bin.00a1"));
  CHECK_FALSE(has_binlog_sequence("bin.99999999999999999999"));  // past 64 bits
  CHECK_THROWS_WITH_AS(to_source_position(BinlogPosition{"mariadb-bin", 4, ""}),
                       doctest::Contains("'mariadb-bin' has no numeric suffix"), std::invalid_argument);
}
