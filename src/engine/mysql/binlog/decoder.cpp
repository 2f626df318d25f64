#include "src/engine/mysql/binlog/decoder.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "src/engine/mysql/binlog/byte_reader.hpp"
#include "src/engine/mysql/binlog/column_codec.hpp"
#include "src/engine/mysql/binlog/event_types.hpp"

namespace omsql {

using binlog_internal::ByteReader;
using binlog_internal::ColumnType;
using binlog_internal::TableMap;
using namespace binlog_internal;  // event type codes

namespace {

constexpr size_t kHeaderSize = 19;
constexpr uint16_t kArtificialFlag = 0x20;


// CRC32 tables for slicing-by-8: table[k][b] is the CRC of byte b followed by k zero bytes.
constexpr std::array<std::array<uint32_t, 256>, 8> make_crc_tables() {
  std::array<std::array<uint32_t, 256>, 8> tables{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    tables[0][i] = c;
  }
  for (int k = 1; k < 8; ++k)
    for (uint32_t i = 0; i < 256; ++i) tables[k][i] = (tables[k - 1][i] >> 8) ^ tables[0][tables[k - 1][i] & 0xff];
  return tables;
}
constexpr auto kCrcTables = make_crc_tables();

uint32_t read_le32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return u[0] | (u[1] << 8) | (u[2] << 16) | (static_cast<uint32_t>(u[3]) << 24);
}

std::string upper_prefix(std::string_view text, size_t n) {
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  std::string out;
  for (size_t i = start; i < text.size() && out.size() < n; ++i)
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i]))));
  return out;
}

// The statement without leading/trailing blanks and a trailing ';', upper-cased (short statements only).
std::string normalized_keyword(std::string_view text) {
  if (text.size() > 64) return "";
  std::string s = upper_prefix(text, 64);
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';')) s.pop_back();
  return s;
}

}  // namespace

uint32_t binlog_crc32(std::string_view bytes) {
  // Verified on every event: slicing-by-8 keeps it a small part of decoding.
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t n = bytes.size();
  uint32_t c = 0xFFFFFFFFu;
  const auto& t = kCrcTables;
  while (n >= 8) {
    uint32_t lo = c ^ (p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24));
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][p[4]] ^ t[2][p[5]] ^
        t[1][p[6]] ^ t[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

BinlogDecoder::BinlogDecoder(BinlogDecoderOptions options, BinlogPosition start)
    : options_(std::move(options)), position_(std::move(start)) {
  // Seed the GTID state from the start position's @@gtid_binlog_pos text: "d-s-n,d-s-n".
  std::string_view text = position_.gtid;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string item(text.substr(0, comma));
    unsigned long long d = 0, s = 0, n = 0;
    if (std::sscanf(item.c_str(), " %llu-%llu-%llu", &d, &s, &n) == 3) gtid_state_[d] = {static_cast<uint32_t>(s), n};
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  // MariaDB 10.x post-header lengths, used until a FORMAT_DESCRIPTION event says otherwise.
  post_header_lengths_[kQueryEvent] = 13;
  post_header_lengths_[kTableMapEvent] = 8;
  for (uint8_t t : {kWriteRowsV1, kUpdateRowsV1, kDeleteRowsV1}) post_header_lengths_[t] = 8;
  for (uint8_t t : {kWriteRowsV2, kUpdateRowsV2, kDeleteRowsV2}) post_header_lengths_[t] = 10;
  for (int t = kWriteRowsCompressedV1; t <= kDeleteRowsCompressedV1; ++t) post_header_lengths_[t] = 8;
  for (int t = kWriteRowsCompressedV2; t <= kDeleteRowsCompressedV2; ++t) post_header_lengths_[t] = 10;
  post_header_lengths_[kQueryCompressedEvent] = 13;
}

BinlogDecoder::~BinlogDecoder() = default;
BinlogDecoder::BinlogDecoder(BinlogDecoder&&) noexcept = default;
BinlogDecoder& BinlogDecoder::operator=(BinlogDecoder&&) noexcept = default;

std::string BinlogDecoder::where() const { return "binlog " + position_.file + ":" + std::to_string(position_.offset); }

void BinlogDecoder::set_gtid(uint32_t domain, uint32_t server, uint64_t sequence) {
  gtid_state_[domain] = {server, sequence};
  current_gtid_ = std::to_string(domain) + "-" + std::to_string(server) + "-" + std::to_string(sequence);
  rebuild_gtid_text();
}

void BinlogDecoder::rebuild_gtid_text() {
  std::string text;
  for (const auto& [d, sn] : gtid_state_) {
    if (!text.empty()) text.push_back(',');
    text += std::to_string(d) + "-" + std::to_string(sn.first) + "-" + std::to_string(sn.second);
  }
  position_.gtid = std::move(text);
}

Result<std::optional<Event>> BinlogDecoder::decode(std::string_view bytes, std::optional<std::string_view> uncompressed) {
  uncompressed_ = uncompressed;
  if (bytes.size() < kHeaderSize)
    return Status::corruption(where() + ": event of " + std::to_string(bytes.size()) + " bytes is shorter than its header");
  ByteReader header(bytes);
  uint64_t timestamp, server_id, length, log_pos, flags;
  uint8_t type;
  header.le(4, &timestamp);
  event_timestamp_ = static_cast<uint32_t>(timestamp);
  header.u8(&type);
  header.le(4, &server_id);
  header.le(4, &length);
  header.le(4, &log_pos);
  header.le(2, &flags);
  if (length != bytes.size())
    return Status::corruption(where() + ": event type " + std::to_string(type) + " says " + std::to_string(length) +
                              " bytes but " + std::to_string(bytes.size()) + " arrived");

  // Checksums: the FORMAT_DESCRIPTION event names the algorithm in its fifth-last byte and always
  // reserves the 4 checksum bytes; other events carry them only when the algorithm is CRC32.
  std::string_view body = bytes.substr(kHeaderSize);
  bool has_checksum = false;
  if (type == kFormatDescriptionEvent) {
    if (bytes.size() < kHeaderSize + 57 + 5) return Status::corruption(where() + ": FORMAT_DESCRIPTION event too short");
    checksum_ = static_cast<uint8_t>(bytes[bytes.size() - 5]) == 1 ? 1 : 0;
    has_checksum = checksum_ == 1;
    body = bytes.substr(kHeaderSize, bytes.size() - kHeaderSize - 5);
  } else if (checksum_ == 1) {
    has_checksum = true;
  } else if (checksum_ < 0 && bytes.size() >= kHeaderSize + 4) {
    // Before the format is known (the artificial ROTATE a dump starts with): a valid CRC says it has one.
    has_checksum = binlog_crc32(bytes.substr(0, bytes.size() - 4)) == read_le32(bytes.data() + bytes.size() - 4);
  }
  if (has_checksum) {
    if (bytes.size() < kHeaderSize + 4) return Status::corruption(where() + ": event too short for its checksum");
    if (options_.verify_checksums &&
        binlog_crc32(bytes.substr(0, bytes.size() - 4)) != read_le32(bytes.data() + bytes.size() - 4))
      return Status::corruption(where() + ": checksum mismatch in event type " + std::to_string(type));
    if (type != kFormatDescriptionEvent) body = bytes.substr(kHeaderSize, bytes.size() - kHeaderSize - 4);
  }

  // Events carry the position just after them; artificial ones (sent by the dump thread, not read
  // from the file) carry 0 or a position that is not theirs.
  if (log_pos != 0 && !(flags & kArtificialFlag) && type != kRotateEvent) position_.offset = log_pos;
  if (type == kHeartbeatEvent && log_pos != 0) position_.offset = log_pos;
  return decode_body(type, static_cast<uint32_t>(server_id), static_cast<uint16_t>(flags), body);
}

Result<std::optional<Event>> BinlogDecoder::decode_body(uint8_t type, uint32_t server_id, uint16_t flags,
                                                        std::string_view body) {
  (void)flags;
  ByteReader reader(body);
  switch (type) {
    case kFormatDescriptionEvent: {
      if (body.size() < 57) return Status::corruption(where() + ": FORMAT_DESCRIPTION event too short");
      std::string_view lengths = body.substr(57);
      for (size_t i = 0; i < lengths.size() && i + 1 < 256; ++i)
        post_header_lengths_[i + 1] = static_cast<uint8_t>(lengths[i]);
      return std::optional<Event>();
    }
    case kRotateEvent: {
      uint64_t offset;
      if (!reader.le(8, &offset)) return Status::corruption(where() + ": ROTATE event too short");
      std::string_view name;
      reader.bytes(reader.remaining(), &name);
      position_.file.assign(name);
      position_.offset = offset;
      tables_.clear();
      return std::optional<Event>();
    }
    case kGtidEvent: {
      uint64_t sequence, domain;
      uint8_t gtid_flags;
      if (!reader.le(8, &sequence) || !reader.le(4, &domain) || !reader.u8(&gtid_flags))
        return Status::corruption(where() + ": GTID event too short");
      set_gtid(static_cast<uint32_t>(domain), server_id, sequence);
      tables_.clear();
      return begin_transaction(TransactionBegin{current_gtid_, (gtid_flags & 0x01) != 0, between_transactions()});
    }
    case kGtidListEvent: {
      uint64_t count;
      if (!reader.le(4, &count)) return Status::corruption(where() + ": GTID_LIST event too short");
      count &= 0x0fffffff;  // the top bits are flags
      for (uint64_t i = 0; i < count; ++i) {
        uint64_t domain, server, sequence;
        if (!reader.le(4, &domain) || !reader.le(4, &server) || !reader.le(8, &sequence))
          return Status::corruption(where() + ": GTID_LIST event truncated");
        auto found = gtid_state_.find(static_cast<uint32_t>(domain));
        if (found == gtid_state_.end() || found->second.second < sequence)
          gtid_state_[static_cast<uint32_t>(domain)] = {static_cast<uint32_t>(server), sequence};
      }
      rebuild_gtid_text();
      return std::optional<Event>();
    }
    case kXidEvent: {
      uint64_t xid;
      if (!reader.le(8, &xid)) return Status::corruption(where() + ": XID event too short");
      tables_.clear();
      return end_transaction(TransactionCommit{current_gtid_, xid, between_transactions()});
    }
    case kQueryEvent:
    case kQueryCompressedEvent:
      return decode_query(type, body);
    case kTableMapEvent:
      OMSQL_RETURN_IF_ERROR(decode_table_map(body));
      return std::optional<Event>();
    case kWriteRowsV1:
    case kUpdateRowsV1:
    case kDeleteRowsV1:
    case kWriteRowsV2:
    case kUpdateRowsV2:
    case kDeleteRowsV2:
    case kWriteRowsCompressedV1:
    case kWriteRowsCompressedV1 + 1:
    case kDeleteRowsCompressedV1:
    case kWriteRowsCompressedV2:
    case kWriteRowsCompressedV2 + 1:
    case kDeleteRowsCompressedV2:
      return decode_rows(type, body);
    case kHeartbeatEvent: {
      if (!body.empty()) position_.file.assign(body);
      return std::optional<Event>(Heartbeat{between_transactions()});
    }
    default:
      return std::optional<Event>();
  }
}

QueryStatusVars read_query_status_vars(std::string_view block) {
  QueryStatusVars vars;
  ByteReader reader(block);
  uint8_t code;
  // Value sizes of the fixed-size codes (libbinlogevents' and MariaDB's log_event.h).
  auto fixed = [](uint8_t c) -> int {
    switch (c) {
      case 0: return 4;    // Q_FLAGS2_CODE
      case 1: return 8;    // Q_SQL_MODE_CODE
      case 3: return 4;    // Q_AUTO_INCREMENT
      case 4: return 6;    // Q_CHARSET_CODE
      case 7: return 2;    // Q_LC_TIME_NAMES_CODE
      case 8: return 2;    // Q_CHARSET_DATABASE_CODE
      case 9: return 8;    // Q_TABLE_MAP_FOR_UPDATE_CODE
      case 10: return 4;   // Q_MASTER_DATA_WRITTEN_CODE
      case 13: return 3;   // Q_MICROSECONDS (MySQL)
      case 14: return 8;   // Q_COMMIT_TS
      case 16: return 1;   // Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP
      case 17: return 8;   // Q_DDL_LOGGED_WITH_XID
      case 18: return 2;   // Q_DEFAULT_COLLATION_FOR_UTF8MB4
      case 19: return 1;   // Q_SQL_REQUIRE_PRIMARY_KEY
      case 20: return 1;   // Q_DEFAULT_TABLE_ENCRYPTION
      case 128: return 3;  // Q_HRNOW (MariaDB)
      case 129: return 8;  // Q_XID (MariaDB)
      case 130: return 1;  // Q_GTID_FLAGS3 (MariaDB)
      default: return -1;
    }
  };
  while (reader.u8(&code)) {
    uint64_t value = 0;
    uint8_t length = 0;
    std::string_view text;
    if (code == 2) {  // Q_CATALOG_CODE: length, bytes, a NUL
      if (!reader.u8(&length) || !reader.skip(length + 1u)) break;
    } else if (code == 5 || code == 6) {  // Q_TIME_ZONE_CODE, Q_CATALOG_NZ_CODE: length, bytes
      if (!reader.u8(&length) || !reader.bytes(length, &text)) break;
      if (code == 5) vars.time_zone.assign(text);
    } else if (code == 11) {  // Q_INVOKER: user and host, each length-prefixed
      if (!reader.u8(&length) || !reader.skip(length) || !reader.u8(&length) || !reader.skip(length)) break;
    } else if (code == 12) {  // Q_UPDATED_DB_NAMES: a count, then NUL-terminated names (254: none)
      uint8_t count;
      if (!reader.u8(&count)) break;
      bool ok = true;
      for (uint8_t i = 0; count != 254 && i < count && ok; ++i) {
        uint8_t c = 1;
        while ((ok = reader.u8(&c)) && c != 0) {
        }
      }
      if (!ok) break;
    } else if (int size = fixed(code); size > 0) {
      if (!reader.le(static_cast<size_t>(size), &value)) break;
      if (code == 13 || code == 128) vars.microseconds = static_cast<uint32_t>(value);
    } else {
      break;  // unknown size: nothing after it can be read
    }
  }
  return vars;
}

Result<std::optional<Event>> BinlogDecoder::decode_query(uint8_t type, std::string_view body) {
  ByteReader reader(body);
  uint64_t thread_id, exec_time, error_code, status_length;
  uint8_t db_length;
  if (!reader.le(4, &thread_id) || !reader.le(4, &exec_time) || !reader.u8(&db_length) || !reader.le(2, &error_code) ||
      !reader.le(2, &status_length))
    return Status::corruption(where() + ": QUERY event too short");
  size_t post_header = post_header_lengths_[type];
  std::string_view schema, status_vars;
  if (post_header < reader.offset() || !reader.skip(post_header - reader.offset()) ||
      !reader.bytes(status_length, &status_vars) || !reader.bytes(db_length, &schema) || !reader.skip(1))
    return Status::corruption(where() + ": QUERY event truncated");
  std::string_view statement;
  reader.bytes(reader.remaining(), &statement);
  if (type == kQueryCompressedEvent) {
    if (!uncompressed_)
      return Status::unsupported(where() + ": compressed QUERY event without its uncompressed statement "
                                 "(set log_bin_compress=OFF on the source)");
    statement = *uncompressed_;
  }

  std::string keyword = normalized_keyword(statement);
  if (keyword == "BEGIN" || keyword.rfind("SAVEPOINT", 0) == 0 || keyword.rfind("ROLLBACK TO", 0) == 0 ||
      keyword.rfind("RELEASE SAVEPOINT", 0) == 0)
    return std::optional<Event>();
  if (keyword == "COMMIT" || keyword == "ROLLBACK") {
    // A logged ROLLBACK ends a group whose non-transactional changes stay: its rows count.
    tables_.clear();
    return end_transaction(TransactionCommit{current_gtid_, 0, between_transactions()});
  }
  tables_.clear();
  DdlStatement ddl{std::string(schema), std::string(statement), current_gtid_, between_transactions()};
  const QueryStatusVars vars = read_query_status_vars(status_vars);
  ddl.timestamp_us = static_cast<uint64_t>(event_timestamp_) * 1000000 + vars.microseconds;
  ddl.time_zone = vars.time_zone;
  return report_in_transaction(std::move(ddl));
}

// Transactions with nothing to report (all their rows belong to unwanted tables) are not reported
// when skip_unwanted_transactions is on: their TransactionBegin is held back until something of
// the transaction is reported. A Heartbeat now and then still moves the caller's position on.
std::optional<Event> BinlogDecoder::begin_transaction(TransactionBegin begin) {
  if (!options_.skip_unwanted_transactions) return Event(std::move(begin));
  held_begin_ = std::move(begin);
  return std::nullopt;
}

std::optional<Event> BinlogDecoder::report_in_transaction(Event event) {
  if (!held_begin_) return event;
  pending_ = std::move(event);
  Event begin = std::move(*held_begin_);
  held_begin_.reset();
  return begin;
}

std::optional<Event> BinlogDecoder::end_transaction(TransactionCommit commit) {
  if (!held_begin_) {
    skipped_since_report_ = 0;
    last_report_timestamp_ = event_timestamp_;
    return Event(std::move(commit));
  }
  held_begin_.reset();
  ++skipped_since_report_;
  if (skipped_since_report_ >= kSkippedPerHeartbeat || event_timestamp_ >= last_report_timestamp_ + 1) {
    skipped_since_report_ = 0;
    last_report_timestamp_ = event_timestamp_;
    return Event(Heartbeat{between_transactions()});
  }
  return std::nullopt;
}

std::optional<Event> BinlogDecoder::take_pending() {
  std::optional<Event> out = std::move(pending_);
  pending_.reset();
  return out;
}

const SourcePosition& event_position(const Event& event) {
  return std::visit([](const auto& e) -> const SourcePosition& { return e.position; }, event);
}

}  // namespace omsql
