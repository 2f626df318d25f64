// The apply checkpoint's statements and lane-row naming (src/checkpoint), no server: the row a
// lane transaction writes, and which rows a task's lane lookup takes as its lanes.
#include <doctest/doctest.h>

#include "src/engine/mysql/checkpoint.hpp"
#include "tests/support/binlog_positions.hpp"

using namespace omsql;
using namespace omsql::checkpoint;

TEST_CASE("upsert_sql records file, offset and GTID of the position for the row") {
  const SourcePosition position = test::binlog_at("mariadb-bin.000003", 1234, "0-1-42,1-7-3");
  CHECK(*upsert_sql("/tasks/o'k#2", position, 7) ==
        "INSERT INTO omsql_meta.checkpoint (task, binlog_file, binlog_offset, gtid, source_position, source_timestamp) "
        "VALUES ('/tasks/o''k#2', 'mariadb-bin.000003', 1234, '0-1-42,1-7-3', NULL, 7) ON DUPLICATE KEY UPDATE "
        "binlog_file = VALUES(binlog_file), binlog_offset = VALUES(binlog_offset), gtid = VALUES(gtid), "
        "source_position = VALUES(source_position), source_timestamp = VALUES(source_timestamp)");
}

TEST_CASE("upsert_sql keeps another engine's position whole in source_position, the binlog columns empty") {
  const SourcePosition lsn{"pg", {0x16B3748}, "0/16B3'748"};
  const std::string upsert = *upsert_sql("t#0", lsn, 0);
  CHECK(upsert.find("VALUES ('t#0', '', 0, '', '{") != std::string::npos);
  CHECK(upsert.find("0/16B3''748") != std::string::npos);  // quoted as a literal
  // Nothing committed yet: the empty position, as before.
  CHECK(upsert_sql("t#0", SourcePosition{}, 0)->find("VALUES ('t#0', '', 0, '', NULL, 0)") != std::string::npos);
}

TEST_CASE("lane rows: '<task>#<lane>', found by an escaped LIKE and taken only when they name a lane") {
  CHECK(lane_task_id("/t/a", 0) == "/t/a#0");
  CHECK(lane_task_id("/t/a", 15) == "/t/a#15");
  // '%', '_' and the escape itself are literal in a task directory's name.
  CHECK(lane_rows_pattern("/t/a_b%c!d") == "/t/a!_b!%c!!d#%");
  CHECK(lane_rows_pattern("") == "#%");

  struct Case {
    const char* row;
    std::optional<size_t> lane;
  };
  const Case cases[] = {
      {"/t/a#0", 0},      {"/t/a#3", 3},           {"/t/a#123456", 123456},
      {"/t/a", {}},       {"/t/a#", {}},           {"/t/a#x", {}},
      {"/t/a#1#2", {}},   {"/t/a#1234567", {}},    {"/t/ab#1", {}},  // another task the LIKE would not match anyway
      {"/t/a#-1", {}},    {"/t/a# 1", {}},         {"/t/#1", {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.row);
    CHECK(lane_of_row(c.row, "/t/a") == c.lane);
  }
  // With '_' in the name the LIKE also matches "/t/aXb#1": only the exact prefix counts.
  CHECK_FALSE(lane_of_row("/t/aXb#1", "/t/a_b"));
  CHECK(lane_of_row("/t/a_b#1", "/t/a_b") == size_t{1});
}
