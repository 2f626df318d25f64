// How capture answers what it meets (src/capture/capture_policy.hpp), no server.
#include <doctest/doctest.h>

#include "src/capture/capture_policy.hpp"
#include "src/common/strings.hpp"
#include "tests/support/binlog_positions.hpp"

using namespace omsql;

TEST_CASE("stream failures: a purged binlog or an unreplayable event needs a re-copy, transient ones retry") {
  CHECK_FALSE(stream_failure_stop(Status::transient("source: lost connection")));
  auto purged = stream_failure_stop(Status::not_found("binlog mariadb-bin.000001 needed by the task was purged"));
  REQUIRE(purged);
  CHECK(purged->needs_recopy);
  CHECK(purged->message.find("keep binlogs longer on the source") != std::string::npos);
  auto partial = stream_failure_stop(Status::unsupported("partial row image of shop.orders"));
  REQUIRE(partial);
  CHECK(partial->needs_recopy);
  CHECK(partial->message == "partial row image of shop.orders");
  auto broken = stream_failure_stop(Status::corruption("bad event checksum"));
  REQUIRE(broken);
  CHECK_FALSE(broken->needs_recopy);
  CHECK(broken->message == "bad event checksum");
}

TEST_CASE("resume point, sync points, room again") {
  const SourcePosition start = test::binlog_at("mariadb-bin.000001", 4), spooled = test::binlog_at("mariadb-bin.000003", 900);
  CHECK(capture_resume_point(SourcePosition{}, start) == start);
  CHECK(capture_resume_point(spooled, start) == spooled);
  CHECK(sync_after(Heartbeat{spooled}, 0));
  CHECK_FALSE(sync_after(TransactionCommit{"0-1-1", 1, spooled}, kCaptureSyncBytes - 1));
  CHECK(sync_after(TransactionCommit{"0-1-1", 1, spooled}, kCaptureSyncBytes));
  CHECK(space_returned(64 << 20, 64 << 20));
  CHECK_FALSE(space_returned((64 << 20) - 1, 64 << 20));
  CHECK(megabytes(1572864) == "1.5 MB");
}
