#include "src/engine/mysql/binlog/stream.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <mariadb_rpl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

#include "src/engine/mysql/connection.hpp"

namespace omsql {

namespace {

Status run(MYSQL* mysql, const std::string& description, const std::string& sql) {
  if (mysql_real_query(mysql, sql.data(), sql.size()) == 0) {
    if (MYSQL_RES* result = mysql_store_result(mysql)) mysql_free_result(result);
    return Status::ok();
  }
  unsigned number = mysql_errno(mysql);
  std::string message = description + ": " + sql + ": error " + std::to_string(number) + ": " + mysql_error(mysql);
  return is_transient_error(number) ? Status::transient(message) : Status::server_error(message);
}

uint32_t default_server_id() {
  // A high id that no configured replica is likely to use, different per process and start.
  uint32_t mix = static_cast<uint32_t>(getpid()) * 2654435761u ^ static_cast<uint32_t>(std::time(nullptr));
  return 0x40000000u | (mix & 0x3fffffffu);
}

}  // namespace

BinlogStream::BinlogStream(MYSQL* mysql, std::string description, BinlogDecoder decoder)
    : mysql_(mysql), description_(std::move(description)), decoder_(std::move(decoder)) {}

BinlogStream::~BinlogStream() {
  if (event_) mariadb_free_rpl_event(event_);
  if (rpl_) mariadb_rpl_close(rpl_);
  mysql_close(mysql_);
}

Result<std::unique_ptr<BinlogStream>> BinlogStream::open(const Endpoint& source, const BinlogPosition& start,
                                                         BinlogDecoderOptions decoder_options,
                                                         BinlogStreamOptions options) {
  std::string description = "source " + source.describe() + " binlog stream";
  if (start.file.empty()) return Status::invalid_argument(description + ": no start position");
  auto password = password_for(source, "source");
  if (!password) return password.status();
  MYSQL* mysql = mysql_init(nullptr);
  if (!mysql) return Status::io_error(description + ": out of memory in mysql_init");
  unsigned connect_timeout = 10;
  // No read may wait longer than a few missed heartbeats: a silent source is a lost source.
  unsigned read_timeout = static_cast<unsigned>(options.heartbeat_period.count() * 3 / 1000 + 10);
  unsigned write_timeout = 60;
  my_bool no_reconnect = 0;
  mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(mysql, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_optionsv(mysql, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_optionsv(mysql, MYSQL_OPT_RECONNECT, &no_reconnect);
  use_tcp(mysql);
  if (!mysql_real_connect(mysql, source.host.c_str(), source.user.c_str(), password->c_str(), nullptr,
                          static_cast<unsigned>(source.port), nullptr, 0)) {
    unsigned number = mysql_errno(mysql);
    std::string message = description + ": cannot connect: " + mysql_error(mysql);
    mysql_close(mysql);
    return is_transient_error(number) ? Status::transient(message) : Status::server_error(message);
  }
  std::unique_ptr<BinlogStream> stream(
      new BinlogStream(mysql, description, BinlogDecoder(std::move(decoder_options), start)));
  OMSQL_RETURN_IF_ERROR(stream->start(start, options));
  return stream;
}

Status BinlogStream::start(const BinlogPosition& start, const BinlogStreamOptions& options) {
  // What a MariaDB replica tells the source before COM_BINLOG_DUMP: it understands checksums
  // (so events arrive as written, with their CRC32), GTID events (capability 4), and wants
  // heartbeats when idle.
  OMSQL_RETURN_IF_ERROR(run(mysql_, description_, "SET @master_binlog_checksum = @@global.binlog_checksum"));
  OMSQL_RETURN_IF_ERROR(run(mysql_, description_, "SET @mariadb_slave_capability = 4"));
  OMSQL_RETURN_IF_ERROR(run(mysql_, description_,
                            "SET @master_heartbeat_period = " +
                                std::to_string(static_cast<uint64_t>(options.heartbeat_period.count()) * 1000000)));

  rpl_ = mariadb_rpl_init(mysql_);
  if (!rpl_) return Status::io_error(description_ + ": mariadb_rpl_init failed: " + mysql_error(mysql_));
  uint32_t server_id = options.server_id ? options.server_id : default_server_id();
  mariadb_rpl_optionsv(rpl_, MARIADB_RPL_FILENAME, start.file.c_str(), start.file.size());
  mariadb_rpl_optionsv(rpl_, MARIADB_RPL_START, static_cast<unsigned long>(start.offset));
  mariadb_rpl_optionsv(rpl_, MARIADB_RPL_SERVER_ID, server_id);
  mariadb_rpl_optionsv(rpl_, MARIADB_RPL_FLAGS, 0u);  // blocking dump: wait for new events
  mariadb_rpl_optionsv(rpl_, MARIADB_RPL_UNCOMPRESS, 1u);  // inflate QUERY_COMPRESSED statements
  if (mariadb_rpl_open(rpl_)) return fetch_error();
  socket_ = static_cast<int>(mysql_get_socket(mysql_));
  return Status::ok();
}

Status BinlogStream::fetch_error() {
  unsigned number = mysql_errno(mysql_);
  std::string text = mysql_error(mysql_);
  if (rpl_ && mariadb_rpl_errno(rpl_)) {
    number = mariadb_rpl_errno(rpl_);
    text = mariadb_rpl_error(rpl_);
  }
  std::string message = description_ + " at " + decoder_.position().str() + ": error " + std::to_string(number) + ": " + text;
  if (number == 0)
    return Status::transient(description_ + " at " + decoder_.position().str() +
                             ": the source ended the binlog dump (shutdown or restart?): reconnect from the last stored position");
  if (number == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
    // 1236 covers a purged or unknown file and a position that is not an event boundary.
    if (text.find("first log file") != std::string::npos || text.find("purged") != std::string::npos)
      return Status::not_found(description_ + ": binlog " + decoder_.position().file +
                               " needed by the task was purged or is unknown on the source: " + text);
    return Status::server_error(message);
  }
  if (is_transient_error(number) || number == CR_SERVER_LOST || number == CR_SERVER_GONE_ERROR ||
      number == ER_SERVER_SHUTDOWN || number == CR_CONNECTION_ERROR)
    return Status::transient(message + " (source restarted or connection lost: reconnect from the last stored position)");
  return Status::server_error(message);
}

Result<std::optional<Event>> BinlogStream::next() {
  while (!stopped_.load()) {
    if (auto pending = decoder_.take_pending()) return std::optional<Event>(std::move(pending));
    MARIADB_RPL_EVENT* event = mariadb_rpl_fetch(rpl_, event_);
    if (!event) {
      event_ = nullptr;  // fetch frees the event it was given when it fails
      if (stopped_.load()) break;
      return fetch_error();
    }
    event_ = event;
    if (event->raw_data_size <= event->raw_data_ofs) continue;
    std::string_view bytes(reinterpret_cast<const char*>(event->raw_data) + event->raw_data_ofs,
                           event->raw_data_size - event->raw_data_ofs);
    // Compressed events (log_bin_compress=ON): Connector/C inflates the compressed part.
    std::optional<std::string_view> uncompressed;
    if (event->event_type == QUERY_COMPRESSED_EVENT && event->event.query.statement.str)
      uncompressed = std::string_view(event->event.query.statement.str, event->event.query.statement.length);
    if (event->event_type >= WRITE_ROWS_COMPRESSED_EVENT_V1 && event->event_type <= DELETE_ROWS_COMPRESSED_EVENT &&
        event->event.rows.compressed && event->event.rows.row_data)
      uncompressed = std::string_view(static_cast<const char*>(event->event.rows.row_data), event->event.rows.row_data_size);
    auto decoded = decoder_.decode(bytes, uncompressed);
    if (!decoded) return decoded.status();
    if (decoded->has_value()) return decoded;
  }
  return std::optional<Event>();
}

void BinlogStream::stop() {
  stopped_.store(true);
  // Shutting the socket down (not closing it: the owner still holds it) wakes a blocked read.
  int fd = socket_.load();
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

}  // namespace omsql
