#pragma once
// How an engine's change stream decodes (ChangeDecoding) and talks to its source
// (ChangeStreamOptions), given to Engine::open_changes. The MySQL family's binlog decoder and
// stream take them as BinlogDecoderOptions and BinlogStreamOptions.
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "src/catalog/table_def.hpp"

namespace omsql {

struct ChangeDecoding {
  // Rows of tables for which this returns false are skipped without decoding. Asked once per
  // table name for the decoder's lifetime. Null: all tables.
  std::function<bool(const QualifiedName&)> wanted;
  // The source's definition of a table, or nullptr when unknown. Used for what the change log
  // leaves out (MySQL, unless binlog_row_metadata=FULL: integer signedness and BINARY(n)
  // padding; without it integers decode as signed). Null: none.
  std::function<const TableDef*(const QualifiedName&)> table_definition;
  // The columns of a table whose values the caller keeps, by ordinal index (true = kept); the
  // others decode as NULL, so their values never leave the decoder (COLUMNS ... EXCLUDE). The
  // vector must outlive the decoder. Null function or nullptr: every column is kept.
  std::function<const std::vector<bool>*(const QualifiedName&)> kept_columns;
  // Verify each event's checksum when the source writes checksums (MySQL: CRC32).
  bool verify_checksums = true;
  // Transactions with nothing wanted in them produce no TransactionBegin/TransactionCommit; a
  // Heartbeat at most once per second of source time (or per 1,000 such transactions) reports the
  // position instead, so the caller's stored position keeps moving on a busy unrelated workload.
  bool skip_unwanted_transactions = true;
};

struct ChangeStreamOptions {
  // The replica identity this stream announces (MySQL: the server id); must differ from every
  // real replica's and from other streams' on the same source (the source drops an older dump
  // with the same id). 0: derived from the process id and the clock.
  uint32_t server_id = 0;
  // The source sends a Heartbeat this often when it has nothing else to send; the stream treats a
  // silence of 3 periods (plus a margin) as a lost connection.
  std::chrono::milliseconds heartbeat_period{std::chrono::seconds(5)};
};

}  // namespace omsql
