#include "src/spool/record.hpp"

// Only for records of versions 1 and 2, written when every position omsql kept was a MySQL-family
// binlog position: they are read as one.
#include "src/engine/mysql/binlog/position.hpp"

namespace omsql::spool {

namespace {

// 2: a DDL record also carries the statement's time and time_zone. Records of version 1 (spools
// written before) are still read: those fields read as unknown.
// 3: the position is a SourcePosition, not a binlog file:offset:gtid (versions 1 and 2 still read).
constexpr uint8_t kFormatVersion = 3;
constexpr uint8_t kFirstOpaquePositionVersion = 3;
constexpr uint8_t kOldestFormatVersion = 1;
constexpr uint8_t kNoForeignKeyChecksBit = 0x80;

void put_varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void put_string(std::string_view s, std::string* out) {
  put_varint(s.size(), out);
  out->append(s);
}

void put_position(const SourcePosition& p, std::string* out) { append_source_position(p, out); }

void put_cells(const std::vector<Cell>& cells, std::string* out) {
  put_varint(cells.size(), out);
  for (const Cell& cell : cells) cell.append_canonical(*out);
}

class Input {
 public:
  explicit Input(std::string_view data) : data_(data) {}
  bool varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= data_.size()) return false;
      uint8_t b = static_cast<uint8_t>(data_[at_++]);
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  bool byte(uint8_t* v) {
    if (at_ >= data_.size()) return false;
    *v = static_cast<uint8_t>(data_[at_++]);
    return true;
  }
  bool string(std::string* s) {
    uint64_t n;
    if (!varint(&n) || data_.size() - at_ < n) return false;
    s->assign(data_.substr(at_, n));
    at_ += n;
    return true;
  }
  // Versions 1 and 2: a binlog position (file, offset, gtid), read as the MySQL family's
  // SourcePosition. A rows event's lies inside its transaction and keeps no GTID state, as the
  // decoder gives it now (change_event.hpp). False when it is cut short, and then `*wrong` says
  // why when it is well-formed but cannot be ordered (a file name without a numeric suffix).
  bool binlog_position(bool inside_transaction, SourcePosition* p, Status* wrong) {
    BinlogPosition binlog;
    if (!string(&binlog.file) || !varint(&binlog.offset) || !string(&binlog.gtid)) return false;
    if (inside_transaction) binlog.gtid.clear();
    auto position = checked_source_position(binlog);
    if (!position) {
      *wrong = Status::corruption("spool record: " + position.status().message());
      return false;
    }
    *p = std::move(position).value();
    return true;
  }
  // Version 3: a SourcePosition. False when it is cut short or malformed.
  bool source_position(SourcePosition* p) {
    auto position = read_source_position(data_, &at_);
    if (!position) return false;
    *p = std::move(position).value();
    return true;
  }
  bool cells(std::vector<Cell>* cells) {
    uint64_t n;
    if (!varint(&n) || n > data_.size() - at_) return false;  // each cell takes at least one byte
    cells->resize(n);
    for (auto& cell : *cells)
      if (!Cell::read_canonical(data_.data(), data_.size(), &at_, &cell)) return false;
    return true;
  }
  bool done() const { return at_ == data_.size(); }

 private:
  std::string_view data_;
  size_t at_ = 0;
};

}  // namespace

void encode_event(const Event& event, std::string* out) {
  out->push_back(static_cast<char>(kFormatVersion));
  out->push_back(static_cast<char>(event.index()));
  put_position(event_position(event), out);
  if (const auto* begin = std::get_if<TransactionBegin>(&event)) {
    put_string(begin->gtid, out);
    out->push_back(begin->standalone ? 1 : 0);
  } else if (const auto* commit = std::get_if<TransactionCommit>(&event)) {
    put_string(commit->gtid, out);
    put_varint(commit->xid, out);
  } else if (const auto* rows = std::get_if<RowsEvent>(&event)) {
    put_varint(rows->rows.size(), out);
    for (const RowChange& row : rows->rows) {
      // The top bit of the kind byte: foreign_key_checks was off (records without it read as on).
      out->push_back(static_cast<char>(row.kind | (row.foreign_key_checks ? 0 : kNoForeignKeyChecksBit)));
      put_string(row.table.schema, out);
      put_string(row.table.table, out);
      put_string(row.gtid, out);
      put_cells(row.before, out);
      put_cells(row.after, out);
    }
  } else if (const auto* ddl = std::get_if<DdlStatement>(&event)) {
    put_string(ddl->schema, out);
    put_string(ddl->statement, out);
    put_string(ddl->gtid, out);
    put_varint(ddl->timestamp_us, out);
    put_string(ddl->time_zone, out);
  }
}

Result<Event> decode_event(std::string_view payload) {
  Input in(payload);
  uint8_t version, index;
  SourcePosition position;
  auto malformed = [] { return Status::corruption("malformed spool record"); };
  if (!in.byte(&version) || !in.byte(&index)) return malformed();
  if (version < kOldestFormatVersion || version > kFormatVersion)
    return Status::corruption("spool record format version " + std::to_string(version) + " is not one of " +
                              std::to_string(kOldestFormatVersion) + ".." + std::to_string(kFormatVersion));
  Status wrong;
  const bool read = version >= kFirstOpaquePositionVersion ? in.source_position(&position)
                                                           : in.binlog_position(index == 2, &position, &wrong);
  if (!read) return wrong.is_ok() ? malformed() : wrong;
  Event event;
  switch (index) {
    case 0: {
      TransactionBegin begin;
      uint8_t standalone;
      if (!in.string(&begin.gtid) || !in.byte(&standalone)) return malformed();
      begin.standalone = standalone != 0;
      begin.position = std::move(position);
      event = std::move(begin);
      break;
    }
    case 1: {
      TransactionCommit commit;
      if (!in.string(&commit.gtid) || !in.varint(&commit.xid)) return malformed();
      commit.position = std::move(position);
      event = std::move(commit);
      break;
    }
    case 2: {
      RowsEvent rows;
      uint64_t count;
      // Each row takes at least 6 bytes (kind, three empty strings, two empty cell lists).
      if (!in.varint(&count) || count > payload.size() / 6) return malformed();
      rows.rows.resize(count);
      for (RowChange& row : rows.rows) {
        uint8_t kind;
        if (!in.byte(&kind)) return malformed();
        row.foreign_key_checks = !(kind & kNoForeignKeyChecksBit);
        kind &= static_cast<uint8_t>(~kNoForeignKeyChecksBit);
        if (kind > RowChange::kDelete || !in.string(&row.table.schema) || !in.string(&row.table.table) ||
            !in.string(&row.gtid) || !in.cells(&row.before) || !in.cells(&row.after))
          return malformed();
        row.kind = static_cast<RowChange::Kind>(kind);
        row.position = position;
      }
      rows.position = std::move(position);
      event = std::move(rows);
      break;
    }
    case 3: {
      DdlStatement ddl;
      if (!in.string(&ddl.schema) || !in.string(&ddl.statement) || !in.string(&ddl.gtid)) return malformed();
      if (version >= 2 && (!in.varint(&ddl.timestamp_us) || !in.string(&ddl.time_zone))) return malformed();
      ddl.position = std::move(position);
      event = std::move(ddl);
      break;
    }
    case 4:
      event = Heartbeat{std::move(position)};
      break;
    default:
      return malformed();
  }
  if (!in.done()) return malformed();
  return event;
}

}  // namespace omsql::spool
