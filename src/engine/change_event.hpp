#pragma once
// What a source engine's change stream hands on (the MySQL family: the binlog decoder): row changes
// and the transaction boundaries around them, plus DDL statements and heartbeats. Every event
// carries the opaque SourcePosition just after it, so a caller that stores an event also knows
// where to resume. Only TransactionCommit, DdlStatement and Heartbeat positions are safe resume
// points (they lie between transactions); a position inside a transaction (a rows event's) orders
// like any other but carries nothing an engine would resume by (MySQL: no GTID state, which names
// the transaction as if it were done).
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "src/engine/cell.hpp"
#include "src/catalog/table_def.hpp"
#include "src/model/source_position.hpp"

namespace omsql {

// One changed row. `before` is filled for updates and deletes, `after` for inserts and updates;
// both hold every column of the table in ordinal order (binlog_row_image=FULL).
struct RowChange {
  enum Kind : uint8_t { kInsert = 0, kUpdate = 1, kDelete = 2 };
  Kind kind = kInsert;
  QualifiedName table;
  std::vector<Cell> before;
  std::vector<Cell> after;
  SourcePosition position;  // just after the rows event that carried this row
  std::string gtid;         // "domain-server-sequence" of the enclosing transaction ("" if none)
  // false when the source session ran with foreign_key_checks=0 (the rows event's
  // NO_FOREIGN_KEY_CHECKS flag): InnoDB then took no FK action (cascade, SET NULL) for the row.
  bool foreign_key_checks = true;
};

// A GTID event: a transaction (or a standalone DDL statement) starts.
struct TransactionBegin {
  std::string gtid;  // "0-1-42"
  bool standalone = false;  // no COMMIT/XID follows (DDL or non-transactional statement)
  SourcePosition position;
};

// XID event or COMMIT query: the transaction's changes are complete.
struct TransactionCommit {
  std::string gtid;
  uint64_t xid = 0;  // 0 for a COMMIT query (non-transactional engines)
  SourcePosition position;
};

// Every row of one rows event of a wanted table, in binlog order.
struct RowsEvent {
  std::vector<RowChange> rows;
  SourcePosition position;  // just after the rows event
};

// A statement other than BEGIN/COMMIT/SAVEPOINT/ROLLBACK: DDL, or DML logged as a statement.
// The decoder does not parse it; the caller decides whether it touches a migrated table.
struct DdlStatement {
  std::string schema;  // the session's default database ("" if none)
  std::string statement;
  std::string gtid;
  SourcePosition position;
  // When the source ran it, as a replica's SET TIMESTAMP would take it: the event's seconds and,
  // where the event carries them (MariaDB Q_HRNOW, MySQL Q_MICROSECONDS), its microseconds. 0: not
  // known (a spool record written before the field existed).
  uint64_t timestamp_us = 0;
  // The session's time_zone where the event carries it (Q_TIME_ZONE_CODE, written when the
  // statement read the local time): 'SYSTEM', a named zone or an offset. Empty: none carried.
  std::string time_zone;
};

// The source is idle (or sent nothing for a while): the position has reached `position`.
struct Heartbeat {
  SourcePosition position;
};

using Event = std::variant<TransactionBegin, TransactionCommit, RowsEvent, DdlStatement, Heartbeat>;

// The position just after `event`.
const SourcePosition& event_position(const Event& event);

}  // namespace omsql
