#include "src/engine/mysql/connection.hpp"

#include <errmsg.h>
#include <mysqld_error.h>

#include <sys/socket.h>

#include <cstdlib>

#include "src/common/option_file.hpp"
#include "src/common/strings.hpp"
#include "src/log/log.hpp"
#include "src/sql/quote.hpp"

namespace omsql {

bool is_transient_error(unsigned error_number) {
  switch (error_number) {
    // The server is not there, or went away in mid-statement (restart, crash, failover, network).
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case CR_SERVER_HANDSHAKE_ERR:   // a server still starting up
    case CR_UNKNOWN_HOST:           // a name being moved to the new primary
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case ER_QUERY_INTERRUPTED:      // statements killed by a shutdown
    case ER_ABORTING_CONNECTION:
    case ER_NEW_ABORTING_CONNECTION:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
    // Too busy for one more connection right now.
    case ER_CON_COUNT_ERROR:
    case ER_TOO_MANY_USER_CONNECTIONS:
    // The statement was rolled back and may be run again.
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
    // A server in the middle of a failover: read-only until promoted; a Galera node not yet
    // synced answers "unknown command" (WSREP has not yet prepared node for application use).
    case ER_OPTION_PREVENTS_STATEMENT:
    case ER_READ_ONLY_MODE:
    case ER_UNKNOWN_COM_ERROR:
      return true;
    default:
      // Everything else is permanent: syntax, access denied, unknown table, data errors
      // (a value that does not fit, a duplicate key): retrying would fail the same way.
      return false;
  }
}

Result<std::string> password_for(const Endpoint& endpoint, std::string_view role) {
  if (endpoint.password_file) {
    std::vector<std::string> groups = {"client"};
    if (!endpoint.password_group.empty()) groups.push_back(endpoint.password_group);
    auto options = read_client_options(*endpoint.password_file, groups);
    if (!options) return options.status().with_context(std::string(role) + " " + endpoint.describe());
    if (!options->password)
      return Status::invalid_argument(std::string(role) + " " + endpoint.describe() + ": option file '" +
                                      *endpoint.password_file + "' has no password in [" + join(groups, "] or [") + "]");
    log::add_secret(*options->password);  // as for PASSWORD ENV: any message quoting it shows ***
    return std::move(*options->password);
  }
  if (!endpoint.password_env) return std::string();
  const char* value = std::getenv(endpoint.password_env->c_str());
  if (!value)
    return Status::invalid_argument(std::string(role) + " " + endpoint.describe() + ": environment variable " +
                                    *endpoint.password_env + " (PASSWORD ENV) is not set");
  log::add_secret(value);  // whatever message quotes it from now on shows *** (src/log/redact.hpp)
  return std::string(value);
}

void use_tcp(MYSQL* mysql) {
  unsigned protocol = MYSQL_PROTOCOL_TCP;
  mysql_optionsv(mysql, MYSQL_OPT_PROTOCOL, &protocol);
}

StreamingResult::StreamingResult(MYSQL_RES* result, MYSQL* mysql, std::string context)
    : result_(result), mysql_(mysql), context_(std::move(context)) {
  field_count_ = mysql_num_fields(result_);
  fields_ = mysql_fetch_fields(result_);
}

StreamingResult::StreamingResult(StreamingResult&& other) noexcept
    : result_(other.result_), mysql_(other.mysql_), context_(std::move(other.context_)),
      field_count_(other.field_count_), fields_(other.fields_), status_(other.status_) {
  other.result_ = nullptr;
}

StreamingResult::~StreamingResult() {
  // Freeing an unfinished use_result drains the rest of the rows: the connection stays usable.
  if (result_) mysql_free_result(result_);
}

MYSQL_ROW StreamingResult::next(unsigned long** lengths) {
  MYSQL_ROW row = mysql_fetch_row(result_);
  if (!row) {
    if (mysql_errno(mysql_)) {
      unsigned number = mysql_errno(mysql_);
      std::string message = context_ + ": error " + std::to_string(number) + " while streaming: " + mysql_error(mysql_);
      status_ = is_transient_error(number) ? Status::transient(message) : Status::server_error(message);
    }
    return nullptr;
  }
  *lengths = mysql_fetch_lengths(result_);
  return row;
}

Result<std::unique_ptr<Connection>> Connection::open(const Endpoint& endpoint, std::string role) {
  std::string description = role + " " + endpoint.describe();
  auto password = password_for(endpoint, role);
  if (!password) return password.status();

  MYSQL* mysql = mysql_init(nullptr);
  if (!mysql) return Status::io_error(description + ": out of memory in mysql_init");
  unsigned timeout = 10;
  mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  unsigned io_timeout = 3600;
  mysql_optionsv(mysql, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_optionsv(mysql, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  unsigned local_infile = 1;
  mysql_optionsv(mysql, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  my_bool no_reconnect = 0;
  mysql_optionsv(mysql, MYSQL_OPT_RECONNECT, &no_reconnect);
  use_tcp(mysql);

  if (!mysql_real_connect(mysql, endpoint.host.c_str(), endpoint.user.c_str(), password->c_str(), nullptr,
                          static_cast<unsigned>(endpoint.port), nullptr, CLIENT_MULTI_STATEMENTS | CLIENT_LOCAL_FILES)) {
    unsigned number = mysql_errno(mysql);
    std::string message = description + ": cannot connect: " + mysql_error(mysql);
    mysql_close(mysql);
    return is_transient_error(number) ? Status::transient(message) : Status::server_error(message);
  }
  password->assign(password->size(), '\0');
  auto connection = std::unique_ptr<Connection>(new Connection(mysql, endpoint, std::move(description)));
  // UTC everywhere: TIMESTAMP values cross as UTC text and come out unchanged whatever the
  // servers' own time zones are.
  OMSQL_RETURN_IF_ERROR(connection->execute("SET time_zone = '+00:00'"));
  return connection;
}

Connection::Connection(MYSQL* mysql, Endpoint endpoint, std::string description)
    : mysql_(mysql), endpoint_(std::move(endpoint)), description_(std::move(description)) {}

Connection::~Connection() { mysql_close(mysql_); }

void Connection::abandon() {
  my_socket fd = mysql_get_socket(mysql_);
  if (fd != MARIADB_INVALID_SOCKET) ::shutdown(static_cast<int>(fd), SHUT_RDWR);
}

Status Connection::last_error(std::string_view doing) const {
  unsigned number = mysql_errno(mysql_);
  std::string message = description_ + ": " + std::string(doing) + ": error " + std::to_string(number) + ": " +
                        mysql_error(mysql_);
  return is_transient_error(number) ? Status::transient(message) : Status::server_error(message);
}

namespace {
// Statements carry row images and key values: a message shows only their head.
std::string abbreviate(std::string_view sql) { return sql::statement_for_message(sql); }
}  // namespace

Status Connection::execute(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size())) return last_error(abbreviate(sql));
  return drain_results(sql);
}

Status Connection::drain_results(std::string_view sql) {
  // Drain every result of a multi-statement so the connection is ready for the next call.
  do {
    if (MYSQL_RES* result = mysql_store_result(mysql_)) mysql_free_result(result);
    else if (mysql_field_count(mysql_) != 0) return last_error(abbreviate(sql));
    int next = mysql_next_result(mysql_);
    if (next > 0) return last_error(abbreviate(sql));
    if (next < 0) break;
  } while (true);
  return Status::ok();
}

Result<uint64_t> Connection::execute_counted(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size())) return last_error(abbreviate(sql));
  if (mysql_field_count(mysql_) != 0) {
    if (MYSQL_RES* result = mysql_store_result(mysql_)) mysql_free_result(result);
    return Status::invalid_argument(description_ + ": " + abbreviate(sql) + ": returned rows where none were expected");
  }
  // Read before anything else: mysql_next_result resets the count.
  my_ulonglong rows = mysql_affected_rows(mysql_);
  OMSQL_RETURN_IF_ERROR(drain_results(sql));
  return rows == static_cast<my_ulonglong>(-1) ? uint64_t{0} : static_cast<uint64_t>(rows);
}

Result<QueryResult> Connection::query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size())) return last_error(abbreviate(sql));
  MYSQL_RES* result = mysql_store_result(mysql_);
  if (!result) {
    if (mysql_field_count(mysql_) == 0) return QueryResult{};
    return last_error(abbreviate(sql));
  }
  QueryResult out;
  unsigned fields = mysql_num_fields(result);
  MYSQL_FIELD* field_info = mysql_fetch_fields(result);
  for (unsigned i = 0; i < fields; ++i) out.column_names.emplace_back(field_info[i].name);
  while (MYSQL_ROW row = mysql_fetch_row(result)) {
    unsigned long* lengths = mysql_fetch_lengths(result);
    auto& values = out.rows.emplace_back();
    values.reserve(fields);
    for (unsigned i = 0; i < fields; ++i) {
      if (row[i]) values.emplace_back(std::string(row[i], lengths[i]));
      else values.emplace_back(std::nullopt);
    }
  }
  mysql_free_result(result);
  return out;
}

Result<StreamingResult> Connection::stream(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size())) return last_error(abbreviate(sql));
  MYSQL_RES* result = mysql_use_result(mysql_);
  if (!result) return last_error(abbreviate(sql));
  return StreamingResult(result, mysql_, description_);
}

Result<std::optional<std::string>> Connection::query_value(std::string_view sql) {
  auto result = query(sql);
  if (!result) return result.status();
  if (result->rows.empty() || result->rows[0].empty()) return std::optional<std::string>();
  return result->rows[0][0];
}

std::string Connection::escape(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  unsigned long n = mysql_real_escape_string(mysql_, out.data(), bytes.data(), bytes.size());
  out.resize(n);
  return out;
}

}  // namespace omsql
