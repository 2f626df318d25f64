#include <doctest/doctest.h>

#include <cstdio>

#include "src/binlog/position.hpp"
#include "src/binlog/stream.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

TEST_CASE("smoke") {
  auto c = connect_source();
  must(*c, "DROP DATABASE IF EXISTS omsql_test_binlog_smoke");
  must(*c, "CREATE DATABASE omsql_test_binlog_smoke");
  must(*c, "CREATE TABLE omsql_test_binlog_smoke.t (id INT PRIMARY KEY, v VARCHAR(10), u INT UNSIGNED)");
  auto start = current_position(*c);
  REQUIRE(start);
  printf("start %s\n", start->str().c_str());
  must(*c, "INSERT INTO omsql_test_binlog_smoke.t VALUES (1, 'a', 4294967295), (2, NULL, 0)");
  must(*c, "UPDATE omsql_test_binlog_smoke.t SET v = 'b' WHERE id = 1");
  must(*c, "DELETE FROM omsql_test_binlog_smoke.t WHERE id = 2");
  must(*c, "ALTER TABLE omsql_test_binlog_smoke.t ADD COLUMN w INT");
  auto stream = BinlogStream::open(source_endpoint(), *start, {});
  REQUIRE(stream);
  for (int i = 0; i < 12; ++i) {
    auto e = (*stream)->next();
    if (!e) { printf("error %s\n", e.status().message().c_str()); break; }
    if (!e->has_value()) break;
    const Event& ev = **e;
    printf("%zu %s\n", ev.index(), event_position(ev).str().c_str());
    if (auto* r = std::get_if<RowsEvent>(&ev))
      for (auto& row : r->rows) {
        printf("  kind %d:", row.kind);
        for (auto& cell : row.before) printf(" %s", cell.to_sql_literal().c_str());
        printf(" ->");
        for (auto& cell : row.after) printf(" %s", cell.to_sql_literal().c_str());
        printf("\n");
      }
    if (auto* d = std::get_if<DdlStatement>(&ev)) { printf("  ddl %s\n", d->statement.c_str()); break; }
  }
}
