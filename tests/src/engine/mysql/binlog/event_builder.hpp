#pragma once
// Hand-made binlog events for decoder tests: the bytes MariaDB 10.11 writes, built field by field.
#include <cstdint>
#include <string>
#include <vector>

#include "src/engine/mysql/binlog/decoder.hpp"

namespace omsql::testing {

inline std::string le(uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return out;
}

inline std::string hex_bytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// A whole event: 19-byte header, body, and a CRC32 when `checksum`.
inline std::string make_event(uint8_t type, const std::string& body, uint32_t log_pos, bool checksum = true,
                              uint32_t server_id = 1) {
  const uint32_t length = static_cast<uint32_t>(19 + body.size() + (checksum ? 4 : 0));
  std::string event = le(1700000000, 4) + std::string(1, static_cast<char>(type)) + le(server_id, 4) + le(length, 4) +
                      le(log_pos, 4) + le(0, 2) + body;
  if (checksum) event += le(binlog_crc32(event), 4);
  return event;
}

// FORMAT_DESCRIPTION as MariaDB 10.11 writes it (binlog version 4, CRC32 checksums when `checksum`).
inline std::string format_description(bool checksum = true) {
  std::string body = le(4, 2) + std::string("10.11.19-MariaDB-log") + std::string(50 - 20, '\0') + le(0, 4) +
                     std::string(1, 19);
  std::string lengths(171, '\0');
  lengths[2 - 1] = 13;   // QUERY
  lengths[19 - 1] = 8;   // TABLE_MAP
  for (int t : {23, 24, 25}) lengths[t - 1] = 8;
  for (int t : {30, 31, 32}) lengths[t - 1] = 10;
  lengths[162 - 1] = 19;  // GTID
  lengths[165 - 1] = 13;  // QUERY_COMPRESSED
  for (int t : {166, 167, 168}) lengths[t - 1] = 8;
  for (int t : {169, 170, 171}) lengths[t - 1] = 10;
  body += lengths + std::string(1, checksum ? 1 : 0);
  // The FORMAT_DESCRIPTION event always reserves 4 checksum bytes: make_event adds them with
  // checksum on; without, append 4 zero bytes by hand.
  return checksum ? make_event(15, body, 256, true) : make_event(15, body + le(0, 4), 256, false);
}

struct TestColumn {
  uint8_t type;
  std::string metadata;  // raw metadata bytes
  bool nullable = true;
};

inline std::string lenenc(uint64_t n) {
  if (n < 0xfb) return std::string(1, static_cast<char>(n));
  std::string out(1, n < 0x10000 ? '\xfc' : '\xfd');
  out += le(n, n < 0x10000 ? 2 : 3);
  return out;
}

inline std::string table_map_body(uint64_t table_id, const std::string& schema, const std::string& table,
                                  const std::vector<TestColumn>& columns, const std::string& optional_metadata = "") {
  std::string body = le(table_id, 6) + le(1, 2);
  body += std::string(1, static_cast<char>(schema.size())) + schema + std::string(1, '\0');
  body += std::string(1, static_cast<char>(table.size())) + table + std::string(1, '\0');
  body += lenenc(columns.size());
  std::string metadata;
  for (const auto& c : columns) {
    body.push_back(static_cast<char>(c.type));
    metadata += c.metadata;
  }
  body += lenenc(metadata.size()) + metadata;
  std::string nulls((columns.size() + 7) / 8, '\0');
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].nullable) nulls[i / 8] = static_cast<char>(nulls[i / 8] | (1 << (i % 8)));
  return body + nulls + optional_metadata;
}

// A rows event body (v1 unless `v2`): `present` bitmaps are all-ones unless given; `rows` is the
// concatenated row images (each: NULL bitmap + values).
inline std::string rows_body(uint64_t table_id, size_t column_count, bool update, const std::string& rows, bool v2 = false,
                             std::string present = "") {
  std::string body = le(table_id, 6) + le(1, 2);  // STMT_END_F
  if (v2) body += le(2, 2);                       // extra data: just its own length
  body += lenenc(column_count);
  if (present.empty()) {
    present.assign((column_count + 7) / 8, '\0');
    for (size_t i = 0; i < column_count; ++i) present[i / 8] = static_cast<char>(present[i / 8] | (1 << (i % 8)));
  }
  body += present;
  if (update) body += present;
  return body + rows;
}

}  // namespace omsql::testing
