// The snapshot position of a consistent-snapshot read (src/engine/mysql/copy/session.hpp), from the status rows
// the server answers; no server needed.
#include <doctest/doctest.h>

#include "src/engine/mysql/copy/session.hpp"

using namespace omsql;

namespace {
QueryResult status_rows(std::vector<std::vector<std::optional<std::string>>> rows) {
  QueryResult result;
  result.column_names = {"Variable_name", "Value"};
  result.rows = std::move(rows);
  return result;
}
}  // namespace

TEST_CASE("the snapshot's binlog file and position are read from the status rows") {
  auto position = copy::snapshot_position_from_status(
      status_rows({{"Binlog_snapshot_file", "mysql-bin.000012"}, {"Binlog_snapshot_position", "123456789012"}}));
  REQUIRE(position);
  CHECK(position->file == "mysql-bin.000012");
  CHECK(position->offset == 123456789012ULL);
  CHECK(position->gtid.empty());
}

TEST_CASE("order and other status rows do not matter") {
  auto position = copy::snapshot_position_from_status(status_rows(
      {{"Binlog_snapshot_gtid", "0-1-5"}, {"Binlog_snapshot_position", "4"}, {"Binlog_snapshot_file", "b.000001"}}));
  REQUIRE(position);
  CHECK(position->file == "b.000001");
  CHECK(position->offset == 4);
}

TEST_CASE("a source without a binary log has no snapshot position (empty, not an error)") {
  auto none = copy::snapshot_position_from_status(status_rows({}));
  REQUIRE(none);
  CHECK(none->empty());
  auto empty_file =
      copy::snapshot_position_from_status(status_rows({{"Binlog_snapshot_file", ""}, {"Binlog_snapshot_position", "0"}}));
  REQUIRE(empty_file);
  CHECK(empty_file->empty());
}

TEST_CASE("a named file without a numeric position is corruption") {
  auto missing = copy::snapshot_position_from_status(status_rows({{"Binlog_snapshot_file", "b.000001"}}));
  CHECK_FALSE(missing);
  auto garbage = copy::snapshot_position_from_status(
      status_rows({{"Binlog_snapshot_file", "b.000001"}, {"Binlog_snapshot_position", "12x"}}));
  REQUIRE_FALSE(garbage);
  CHECK(garbage.status().message().find("12x") != std::string::npos);
  auto null_value = copy::snapshot_position_from_status(
      status_rows({{"Binlog_snapshot_file", "b.000001"}, {"Binlog_snapshot_position", std::nullopt}}));
  CHECK_FALSE(null_value);
}
