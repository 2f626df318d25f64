#pragma once
// One client connection to a MySQL-compatible server (MariaDB Connector/C). Errors come back as
// Status values whose message names the side and the server ("target root@127.0.0.1:3307: ...")
// and, for statements, what was being done. The password is used to connect and then forgotten.
#include <mysql.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"

namespace omsql {

// A fully buffered result (mysql_store_result): for metadata and small answers only.
struct QueryResult {
  std::vector<std::string> column_names;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = SQL NULL
};

// A streamed result (mysql_use_result): rows arrive as the server sends them, one at a time, so a
// reader's memory does not grow with the table. The connection is busy until this is destroyed.
class StreamingResult {
 public:
  explicit StreamingResult(MYSQL_RES* result, MYSQL* mysql, std::string context);
  StreamingResult(StreamingResult&& other) noexcept;
  StreamingResult& operator=(StreamingResult&&) = delete;
  ~StreamingResult();

  unsigned field_count() const { return field_count_; }
  const MYSQL_FIELD* fields() const { return fields_; }
  // Returns the next row (and fills lengths), or nullptr at the end. After nullptr, call status()
  // to learn whether the end was an error (a lost connection in mid-stream is not an end).
  MYSQL_ROW next(unsigned long** lengths);
  Status status() const { return status_; }

 private:
  MYSQL_RES* result_;
  MYSQL* mysql_;
  std::string context_;
  unsigned field_count_ = 0;
  MYSQL_FIELD* fields_ = nullptr;
  Status status_;
};

class Connection {
 public:
  // `role` ("source" or "target") prefixes every error message. The password comes from the
  // environment variable the Endpoint names (empty when it names none).
  static Result<std::unique_ptr<Connection>> open(const Endpoint& endpoint, std::string role);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a statement that returns no rows (or whose rows are discarded).
  Status execute(std::string_view sql);
  // Runs one statement that returns no rows and answers the rows it inserted, changed or deleted.
  Result<uint64_t> execute_counted(std::string_view sql);
  // Runs a query and buffers its whole result.
  Result<QueryResult> query(std::string_view sql);
  // Runs a query and streams its result.
  Result<StreamingResult> stream(std::string_view sql);
  // Convenience: the first column of the first row, or nullopt for no row / NULL.
  Result<std::optional<std::string>> query_value(std::string_view sql);

  // Escapes for use inside a '...' literal on this connection's character set.
  std::string escape(std::string_view bytes);

  // "source root@127.0.0.1:3306": for messages. Never contains the password.
  const std::string& describe() const { return description_; }
  const Endpoint& endpoint() const { return endpoint_; }
  MYSQL* raw() { return mysql_; }
  // Shuts the socket down, so an unfinished streamed result is dropped without reading the rest
  // of it (freeing it would otherwise drain every remaining row). Only destruction may follow.
  void abandon();
  // Status for the connection's current error, classified (transient vs permanent), with context.
  Status last_error(std::string_view doing) const;

 private:
  Connection(MYSQL* mysql, Endpoint endpoint, std::string description);
  Status drain_results(std::string_view sql);
  MYSQL* mysql_;
  Endpoint endpoint_;
  std::string description_;
};

// The password for `endpoint` from its environment variable or its option file (read again at
// each connection), or "" when it names neither. Fails when the variable is named but not set, or
// the file cannot be read or holds no password, naming the variable or the file (never a value).
Result<std::string> password_for(const Endpoint& endpoint, std::string_view role);

// Every endpoint is host:port over TCP: with host "localhost" the client library would otherwise
// take its Unix socket and silently ignore the port (a different server, or none).
void use_tcp(MYSQL* mysql);

// True for client or server error numbers that a retry may cure: lost or refused connections, a
// server shutting down, starting up or failing over (read-only), too many connections, deadlocks
// and lock wait timeouts. False for the rest (syntax, access denied, data errors), which are
// never retried. Connections turn the number into Status::transient or Status::server_error.
bool is_transient_error(unsigned error_number);

}  // namespace omsql
