#include <doctest/doctest.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "src/engine/mysql/connection.hpp"

using omsql::is_transient_error;

TEST_CASE("lost servers, restarts, failovers and lock conflicts are retried; everything else is not") {
  struct Case { unsigned number; bool transient; const char* what; };
  const Case cases[] = {
      {CR_CONN_HOST_ERROR, true, "connection refused (server down)"},
      {CR_CONNECTION_ERROR, true, "socket connect failed"},
      {CR_SERVER_GONE_ERROR, true, "server has gone away"},
      {CR_SERVER_LOST, true, "lost connection during query"},
      {CR_SERVER_HANDSHAKE_ERR, true, "server starting up"},
      {ER_SERVER_SHUTDOWN, true, "shutdown in progress"},
      {ER_CONNECTION_KILLED, true, "connection killed"},
      {ER_QUERY_INTERRUPTED, true, "statement interrupted by shutdown"},
      {ER_NET_READ_ERROR, true, "network read error"},
      {ER_CON_COUNT_ERROR, true, "too many connections"},
      {ER_LOCK_DEADLOCK, true, "deadlock"},
      {ER_LOCK_WAIT_TIMEOUT, true, "lock wait timeout"},
      {ER_OPTION_PREVENTS_STATEMENT, true, "read-only during a failover"},
      {ER_READ_ONLY_MODE, true, "read-only"},
      {ER_ACCESS_DENIED_ERROR, false, "access denied"},
      {ER_DBACCESS_DENIED_ERROR, false, "no access to the database"},
      {ER_TABLEACCESS_DENIED_ERROR, false, "no access to the table"},
      {ER_PARSE_ERROR, false, "syntax error"},
      {ER_NO_SUCH_TABLE, false, "unknown table"},
      {ER_BAD_FIELD_ERROR, false, "unknown column"},
      {ER_DATA_TOO_LONG, false, "value does not fit"},
      {ER_DUP_ENTRY, false, "duplicate key"},
      {ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, false, "bad value"},
      {ER_NO_REFERENCED_ROW_2, false, "foreign key violation"},
      {ER_MASTER_FATAL_ERROR_READING_BINLOG, false, "binlog purged"},
      {0, false, "no error"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    CHECK(is_transient_error(c.number) == c.transient);
  }
}
