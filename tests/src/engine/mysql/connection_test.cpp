#include <doctest/doctest.h>

#include <cstdlib>

#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

TEST_CASE("connection runs statements, buffered and streamed queries") {
  auto c = connect_source();
  CHECK(c->describe().find("source root@127.0.0.1:") == 0);
  auto value = c->query_value("SELECT 1 + 1");
  REQUIRE(value);
  CHECK(value->value() == "2");
  auto null_value = c->query_value("SELECT NULL");
  REQUIRE(null_value);
  CHECK(!null_value->has_value());

  auto stream = c->stream("SELECT seq FROM mysql.seq_1_to_1000");
  REQUIRE(stream);
  unsigned long* lengths = nullptr;
  int count = 0;
  while (MYSQL_ROW row = stream->next(&lengths)) {
    ++count;
    CHECK(std::atoi(row[0]) == count);
  }
  CHECK(stream->status().is_ok());
  CHECK(count == 1000);
}

TEST_CASE("errors name the side and the statement; bad credentials never echo the password") {
  auto c = connect_source();
  auto s = c->execute("SELECT * FROM no_such_db.no_such_table");
  CHECK(!s);
  CHECK(s.message().find("source root@127.0.0.1:") == 0);
  CHECK(s.message().find("no_such_table") != std::string::npos);
  CHECK(!s.is_transient());

  Endpoint e = source_endpoint();
  e.user = "nobody";
  setenv("OMSQL_TEST_SECRET", "hunter2-secret", 1);
  e.password_env = "OMSQL_TEST_SECRET";
  auto bad = Connection::open(e, "source");
  REQUIRE(!bad);
  CHECK(bad.status().message().find("hunter2") == std::string::npos);
  CHECK(bad.status().message().find("nobody@127.0.0.1") != std::string::npos);

  e.password_env = "OMSQL_TEST_UNSET_VARIABLE";
  auto unset = Connection::open(e, "target");
  REQUIRE(!unset);
  CHECK(unset.status().message().find("OMSQL_TEST_UNSET_VARIABLE") != std::string::npos);
}

TEST_CASE("execute_counted answers the rows a statement changed, CREATE ... SELECT included") {
  auto c = connect_target();
  REQUIRE(c->execute("CREATE DATABASE IF NOT EXISTS test_counted"));
  REQUIRE(c->execute("DROP TABLE IF EXISTS test_counted.t"));
  REQUIRE(c->execute("CREATE TABLE test_counted.t (id INT PRIMARY KEY, v INT)"));
  auto inserted = c->execute_counted("INSERT INTO test_counted.t SELECT seq, seq % 3 FROM mysql.seq_1_to_10");
  REQUIRE(inserted);
  CHECK(*inserted == 10);
  auto kept = c->execute_counted("CREATE TEMPORARY TABLE test_counted.k SELECT id FROM test_counted.t WHERE v = 0");
  REQUIRE(kept);
  CHECK(*kept == 3);
  auto deleted = c->execute_counted("DELETE FROM test_counted.t WHERE v = 1");
  REQUIRE(deleted);
  CHECK(*deleted == 4);
  auto none = c->execute_counted("UPDATE test_counted.t SET v = 9 WHERE id > 100");
  REQUIRE(none);
  CHECK(*none == 0);
  CHECK(!c->execute_counted("SELECT 1"));
  REQUIRE(c->execute("DROP DATABASE test_counted"));
}
