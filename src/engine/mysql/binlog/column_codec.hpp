#pragma once
// The binlog's column types and the decoding of one column value of a row image (internal to
// src/engine/mysql/binlog/; exposed for the decoder's unit tests). Types and metadata follow MariaDB's
// TABLE_MAP_EVENT: one type byte and 0..2 metadata bytes per column.
#include <cstdint>
#include <string>
#include <string_view>

#include "src/engine/mysql/binlog/byte_reader.hpp"
#include "src/engine/cell.hpp"

namespace omsql::binlog_internal {

enum ColumnTypeCode : uint8_t {
  kTypeDecimal = 0,
  kTypeTiny = 1,
  kTypeShort = 2,
  kTypeLong = 3,
  kTypeFloat = 4,
  kTypeDouble = 5,
  kTypeNull = 6,
  kTypeTimestamp = 7,
  kTypeLongLong = 8,
  kTypeInt24 = 9,
  kTypeDate = 10,
  kTypeTime = 11,
  kTypeDatetime = 12,
  kTypeYear = 13,
  kTypeNewDate = 14,
  kTypeVarchar = 15,
  kTypeBit = 16,
  kTypeTimestamp2 = 17,
  kTypeDatetime2 = 18,
  kTypeTime2 = 19,
  kTypeJson = 245,  // MySQL's binary JSON; MariaDB logs JSON as a BLOB
  kTypeNewDecimal = 246,
  kTypeEnum = 247,
  kTypeSet = 248,
  kTypeTinyBlob = 249,
  kTypeMediumBlob = 250,
  kTypeLongBlob = 251,
  kTypeBlob = 252,
  kTypeVarString = 253,
  kTypeString = 254,
  kTypeGeometry = 255,
};

// One column as a TABLE_MAP describes it, with what the decoder learned from optional metadata
// or the catalog.
struct ColumnType {
  uint8_t type = 0;        // as logged
  uint8_t real_type = 0;   // STRING columns may really be ENUM or SET (metadata trick); else == type
  uint16_t meta = 0;       // metadata as MariaDB packs it (see column_metadata_size)
  uint32_t max_length = 0; // STRING/VARCHAR: max byte length; ENUM/SET: pack length
  bool is_unsigned = false;
  bool nullable = true;
  uint32_t binary_pad = 0; // BINARY(n): pad values with 0x00 to n bytes (the binlog strips them)
};

// Number of metadata bytes a column of `type` has in a TABLE_MAP, or -1 for an unknown type.
int column_metadata_size(uint8_t type);
// Reads the metadata bytes of `column.type` and fills meta, real_type and max_length.
bool read_column_metadata(ByteReader& reader, ColumnType* column);
// "VARCHAR", "DATETIME2", ...: for messages.
std::string column_type_name(uint8_t type);
// True for the types the SIGNEDNESS optional metadata has a bit for (integers, YEAR, FLOAT,
// DOUBLE, DECIMAL).
bool is_numeric_type(uint8_t type);

// Decodes one non-NULL value of `column` at the reader. Fails with a short reason ("truncated",
// "unsupported type X") that the caller puts into context.
bool decode_column_value(const ColumnType& column, ByteReader& reader, Cell* out, std::string* error);

// Exact decimal text of MariaDB's binary DECIMAL(precision, scale) (decimal2bin format).
bool decode_decimal(ByteReader& reader, int precision, int scale, std::string* out);
// Size in bytes of DECIMAL(precision, scale) in decimal2bin format.
int decimal_binary_size(int precision, int scale);

}  // namespace omsql::binlog_internal
