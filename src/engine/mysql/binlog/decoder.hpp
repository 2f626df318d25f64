#pragma once
// The binlog event decoder: raw MariaDB binlog events in, Events out. Pure (no server, no I/O):
// feed it each event's bytes in stream order and it keeps what the stream implies (the checksum
// setting of the FORMAT_DESCRIPTION event, the current file from ROTATE, table maps by id, the GTID
// state), so it can be tested with hand-made bytes.
//
// Decoded: FORMAT_DESCRIPTION, ROTATE, GTID, GTID_LIST, XID, QUERY (BEGIN/COMMIT/ROLLBACK as
// boundaries, anything else as DdlStatement), TABLE_MAP (with optional metadata), WRITE/UPDATE/
// DELETE rows v1 and v2 and their compressed forms (log_bin_compress=ON: the caller passes the
// uncompressed part), HEARTBEAT. Other events only move the position.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/engine/change_event.hpp"
#include "src/engine/change_stream_options.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"

namespace omsql {

// What the decoder keeps and checks: src/engine/change_stream_options.hpp.
using BinlogDecoderOptions = ChangeDecoding;

namespace binlog_internal {
struct TableMap;
}

class BinlogDecoder {
 public:
  // `start` is where the stream begins (file, offset and the GTID state there, which the decoder
  // advances with every GTID event).
  BinlogDecoder(BinlogDecoderOptions options, BinlogPosition start);
  ~BinlogDecoder();
  BinlogDecoder(BinlogDecoder&&) noexcept;
  BinlogDecoder& operator=(BinlogDecoder&&) noexcept;

  // Decodes one event. `bytes` starts at the 19-byte event header and holds the whole event
  // (its trailing checksum included when the source writes checksums). Returns nullopt for events
  // with nothing to report (format description, table maps, rows of unwanted tables, ...).
  // For a compressed event (QUERY_COMPRESSED, *_ROWS_COMPRESSED) `uncompressed` is its
  // compressed part inflated: the statement text, or the row images (Connector/C inflates both).
  // Errors: Corruption for malformed bytes, Unsupported for unknown column types or a compressed
  // event without `uncompressed`, InvalidArgument for partial row images; each names the table
  // and position.
  Result<std::optional<Event>> decode(std::string_view bytes, std::optional<std::string_view> uncompressed = std::nullopt);

  // The position just after the last event decoded.
  const BinlogPosition& position() const { return position_; }

  // An event decoded but held back: when a transaction's first reported event arrives, decode()
  // returns its TransactionBegin and keeps that event here. Call after every decode().
  std::optional<Event> take_pending();

 private:
  Result<std::optional<Event>> decode_body(uint8_t type, uint32_t server_id, uint16_t flags, std::string_view body);
  Status decode_table_map(std::string_view body);
  Result<std::optional<Event>> decode_rows(uint8_t type, std::string_view body);
  Result<std::optional<Event>> decode_query(uint8_t type, std::string_view body);
  std::optional<Event> begin_transaction(TransactionBegin begin);
  std::optional<Event> report_in_transaction(Event event);
  std::optional<Event> end_transaction(TransactionCommit commit);
  void set_gtid(uint32_t domain, uint32_t server, uint64_t sequence);
  void rebuild_gtid_text();
  std::string where() const;
  // The events' positions (change_event.hpp): between transactions with the GTID state, inside
  // one without it (the state already names the open transaction, which a resume by GTID would
  // then skip).
  SourcePosition between_transactions() const { return to_source_position(position_); }
  SourcePosition inside_transaction() const { return to_source_position(BinlogPosition{position_.file, position_.offset, {}}); }

  BinlogDecoderOptions options_;
  BinlogPosition position_;
  std::map<uint32_t, std::pair<uint32_t, uint64_t>> gtid_state_;  // domain -> (server, sequence)
  std::string current_gtid_;
  std::optional<std::string_view> uncompressed_;  // of the event being decoded
  int checksum_ = -1;  // -1 unknown (before FORMAT_DESCRIPTION), 0 none, 1 CRC32
  uint8_t post_header_lengths_[256] = {};
  std::map<uint64_t, std::unique_ptr<binlog_internal::TableMap>> tables_;
  std::map<QualifiedName, bool> wanted_cache_;
  static constexpr uint32_t kSkippedPerHeartbeat = 1000;
  std::optional<TransactionBegin> held_begin_;
  std::optional<Event> pending_;
  uint32_t event_timestamp_ = 0;
  uint32_t last_report_timestamp_ = 0;
  uint32_t skipped_since_report_ = 0;
};

// CRC32 (the binlog's checksum, zlib polynomial) of `bytes`.
uint32_t binlog_crc32(std::string_view bytes);

// What a QUERY event's status variables say about the session that ran the statement, as far as
// replaying a DDL at the source's time needs it.
struct QueryStatusVars {
  uint32_t microseconds = 0;  // Q_HRNOW (MariaDB) or Q_MICROSECONDS (MySQL); 0 when absent
  std::string time_zone;      // Q_TIME_ZONE_CODE; empty when absent
};
// Reads the status-variable block of a QUERY event (code byte, then a value whose size the code
// fixes). A code it does not know ends the reading, since its size is unknown: what came before
// it is kept, the rest counts as absent.
QueryStatusVars read_query_status_vars(std::string_view block);

}  // namespace omsql
