// What the binlog tailer captures and how it answers what it meets (src/binlog/capture), no server.
#include <doctest/doctest.h>

#include "src/binlog/capture.hpp"

using namespace omsql;

namespace {

TableJob job(const std::string& table, bool exclude_secret) {
  TableJob j;
  j.source = {"shop", table};
  j.target = {"copy", table};
  j.source_def.name = j.source;
  for (const char* name : {"id", "secret"}) {
    ColumnDef c;
    c.name = name;
    c.data_type = "int";
    j.source_def.columns.push_back(c);
    if (std::string(name) == "secret" && exclude_secret) continue;
    j.columns.push_back(ColumnMapping{name, name, std::nullopt, false});
  }
  return j;
}

DdlStatement statement(std::string text, std::string schema = "shop") {
  DdlStatement ddl;
  ddl.schema = std::move(schema);
  ddl.statement = std::move(text);
  ddl.position = BinlogPosition{"mariadb-bin.000002", 777, ""};
  return ddl;
}

}  // namespace

TEST_CASE("decoder options: only the task's tables, their definitions, excluded columns dropped") {
  Plan plan;
  plan.tables = {job("orders", false), job("users", true)};
  CaptureRules rules(plan);
  BinlogDecoderOptions options = rules.decoder_options();
  CHECK(options.wanted(QualifiedName{"shop", "orders"}));
  CHECK(options.wanted(QualifiedName{"shop", "users"}));
  CHECK_FALSE(options.wanted(QualifiedName{"shop", "audit"}));
  CHECK_FALSE(options.wanted(QualifiedName{"copy", "orders"}));  // source names, not target names
  CHECK(options.table_definition(QualifiedName{"shop", "users"}) == &plan.tables[1].source_def);
  CHECK(options.table_definition(QualifiedName{"shop", "audit"}) == nullptr);
  // A table whose every column is replayed needs no list; one with an excluded column drops it.
  CHECK(options.kept_columns(QualifiedName{"shop", "orders"}) == nullptr);
  const std::vector<bool>* kept = options.kept_columns(QualifiedName{"shop", "users"});
  REQUIRE(kept);
  CHECK(*kept == std::vector<bool>{true, false});
}

TEST_CASE("statements: DDL of a migrated table stops the link, statement DML needs a re-copy, others pass") {
  Plan plan;
  plan.tables = {job("orders", false)};
  CaptureRules rules(plan);
  CHECK_FALSE(rules.on_statement(statement("ALTER TABLE audit ADD x INT")));
  CHECK_FALSE(rules.on_statement(statement("ANALYZE TABLE orders")));
  CHECK_FALSE(rules.on_statement(statement("ALTER TABLE orders ADD x INT", "crm")));

  auto ddl = rules.on_statement(statement("ALTER TABLE orders ADD x INT"));
  REQUIRE(ddl);
  CHECK_FALSE(ddl->needs_recopy);
  CHECK(ddl->message ==
        "source DDL on migrated table shop.orders at mariadb-bin.000002:777: \"ALTER TABLE orders ADD x INT\" — "
        "applying DDL during sync is not supported; stop, migrate the change by hand, and rerun");

  auto dml = rules.on_statement(statement("UPDATE shop.orders SET id = id + 1", ""));
  REQUIRE(dml);
  CHECK(dml->needs_recopy);
  CHECK(dml->message.rfind("statement-based change of migrated table shop.orders at mariadb-bin.000002:777: ", 0) == 0);
  CHECK(dml->message.find("set binlog_format=ROW for every session") != std::string::npos);
}

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
  const BinlogPosition start{"mariadb-bin.000001", 4, ""}, spooled{"mariadb-bin.000003", 900, ""};
  CHECK(capture_resume_point(BinlogPosition{}, start) == start);
  CHECK(capture_resume_point(spooled, start) == spooled);
  CHECK(sync_after(Heartbeat{spooled}, 0));
  CHECK_FALSE(sync_after(TransactionCommit{"0-1-1", 1, spooled}, kCaptureSyncBytes - 1));
  CHECK(sync_after(TransactionCommit{"0-1-1", 1, spooled}, kCaptureSyncBytes));
  CHECK(space_returned(64 << 20, 64 << 20));
  CHECK_FALSE(space_returned((64 << 20) - 1, 64 << 20));
  CHECK(megabytes(1572864) == "1.5 MB");
}
