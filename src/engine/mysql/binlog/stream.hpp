#pragma once
// BinlogStream: reads the source's binary log as a replica does (COM_BINLOG_DUMP through
// Connector/C's mariadb_rpl_* API) from a file:offset, and decodes it with a BinlogDecoder.
//
// One stream is one connection. A lost connection or a source restart makes next() return a
// Transient status: the caller opens a new stream from the position it last stored (a
// TransactionCommit, DdlStatement or Heartbeat position) and continues. stop() may be called from
// any thread to end a next() that is blocked waiting for events.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "src/model/plan.hpp"
#include "src/engine/mysql/binlog/decoder.hpp"
#include "src/engine/change_event.hpp"
#include "src/common/status.hpp"

typedef struct st_mysql MYSQL;
typedef struct st_mariadb_rpl MARIADB_RPL;
typedef struct st_mariadb_rpl_event MARIADB_RPL_EVENT;

namespace omsql {

// The server id and heartbeat period: src/engine/change_stream_options.hpp.
using BinlogStreamOptions = ChangeStreamOptions;

class BinlogStream {
 public:
  // Connects to `source` and starts the dump at `start` (which must be a transaction boundary).
  // `start.gtid` seeds the GTID state the positions carry.
  static Result<std::unique_ptr<BinlogStream>> open(const Endpoint& source, const BinlogPosition& start,
                                                    BinlogDecoderOptions decoder_options,
                                                    BinlogStreamOptions options = {});
  ~BinlogStream();
  BinlogStream(const BinlogStream&) = delete;
  BinlogStream& operator=(const BinlogStream&) = delete;

  // Blocks until the next event worth reporting arrives. nullopt once stop() was called.
  // Transient: connection lost or source restarted (reconnect from the last stored position).
  // NotFound: the start file is no longer on the source (purged). Others: see BinlogDecoder.
  Result<std::optional<Event>> next();

  // Ends the stream from any thread: a blocked next() returns nullopt soon after.
  void stop();

  // The position just after the last event received.
  const BinlogPosition& position() const { return decoder_.position(); }

 private:
  BinlogStream(MYSQL* mysql, std::string description, BinlogDecoder decoder);
  Status start(const BinlogPosition& start, const BinlogStreamOptions& options);
  Status fetch_error();

  MYSQL* mysql_;
  MARIADB_RPL* rpl_ = nullptr;
  MARIADB_RPL_EVENT* event_ = nullptr;
  std::string description_;
  BinlogDecoder decoder_;
  std::atomic<bool> stopped_{false};
  std::atomic<int> socket_{-1};
};

}  // namespace omsql
