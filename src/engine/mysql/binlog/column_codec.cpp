#include "src/engine/mysql/binlog/column_codec.hpp"

#include <cstdio>
#include <ctime>

namespace omsql::binlog_internal {

int column_metadata_size(uint8_t type) {
  switch (type) {
    case kTypeFloat:
    case kTypeDouble:
    case kTypeTimestamp2:
    case kTypeDatetime2:
    case kTypeTime2:
    case kTypeJson:
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob:
    case kTypeBlob:
    case kTypeGeometry:
      return 1;
    case kTypeVarchar:
    case kTypeVarString:
    case kTypeBit:
    case kTypeNewDecimal:
    case kTypeEnum:
    case kTypeSet:
    case kTypeString:
      return 2;
    case kTypeDecimal:
    case kTypeTiny:
    case kTypeShort:
    case kTypeLong:
    case kTypeNull:
    case kTypeTimestamp:
    case kTypeLongLong:
    case kTypeInt24:
    case kTypeDate:
    case kTypeTime:
    case kTypeDatetime:
    case kTypeYear:
    case kTypeNewDate:
      return 0;
    default:
      return -1;
  }
}

bool read_column_metadata(ByteReader& reader, ColumnType* column) {
  column->real_type = column->type;
  int size = column_metadata_size(column->type);
  if (size < 0) return false;
  if (size == 0) return true;
  if (size == 1) {
    uint8_t b;
    if (!reader.u8(&b)) return false;
    column->meta = b;
    return true;
  }
  uint8_t b0, b1;
  if (!reader.u8(&b0) || !reader.u8(&b1)) return false;
  switch (column->type) {
    case kTypeVarchar:
    case kTypeVarString:
    case kTypeBit:
      column->meta = static_cast<uint16_t>(b0 | (b1 << 8));  // little-endian
      column->max_length = column->meta;
      return true;
    case kTypeNewDecimal:
      column->meta = static_cast<uint16_t>((b0 << 8) | b1);  // precision, scale
      return true;
    default: {  // STRING, ENUM, SET: b0 is the real type, b1 the length (with two more bits in b0)
      column->meta = static_cast<uint16_t>((b0 << 8) | b1);
      if ((b0 & 0x30) != 0x30) {
        // Lengths above 255 keep their bits 8-9 in b0's bits 4-5, inverted.
        column->real_type = static_cast<uint8_t>(b0 | 0x30);
        column->max_length = b1 | (((b0 & 0x30) ^ 0x30) << 4);
      } else {
        column->real_type = b0;
        column->max_length = b1;
      }
      return true;
    }
  }
}

std::string column_type_name(uint8_t type) {
  switch (type) {
    case kTypeDecimal: return "DECIMAL(old)";
    case kTypeTiny: return "TINYINT";
    case kTypeShort: return "SMALLINT";
    case kTypeLong: return "INT";
    case kTypeFloat: return "FLOAT";
    case kTypeDouble: return "DOUBLE";
    case kTypeNull: return "NULL";
    case kTypeTimestamp: return "TIMESTAMP";
    case kTypeLongLong: return "BIGINT";
    case kTypeInt24: return "MEDIUMINT";
    case kTypeDate: return "DATE";
    case kTypeTime: return "TIME";
    case kTypeDatetime: return "DATETIME";
    case kTypeYear: return "YEAR";
    case kTypeNewDate: return "NEWDATE";
    case kTypeVarchar: return "VARCHAR";
    case kTypeBit: return "BIT";
    case kTypeTimestamp2: return "TIMESTAMP2";
    case kTypeDatetime2: return "DATETIME2";
    case kTypeTime2: return "TIME2";
    case kTypeJson: return "JSON(MySQL binary)";
    case kTypeNewDecimal: return "DECIMAL";
    case kTypeEnum: return "ENUM";
    case kTypeSet: return "SET";
    case kTypeTinyBlob: return "TINYBLOB";
    case kTypeMediumBlob: return "MEDIUMBLOB";
    case kTypeLongBlob: return "LONGBLOB";
    case kTypeBlob: return "BLOB";
    case kTypeVarString: return "VAR_STRING";
    case kTypeString: return "STRING";
    case kTypeGeometry: return "GEOMETRY";
    default: return "type " + std::to_string(type);
  }
}

bool is_numeric_type(uint8_t type) {
  switch (type) {
    case kTypeYear:  // MariaDB's YEAR is a TINYINT underneath and has a SIGNEDNESS bit (checked on 10.11)
    case kTypeTiny:
    case kTypeShort:
    case kTypeInt24:
    case kTypeLong:
    case kTypeLongLong:
    case kTypeFloat:
    case kTypeDouble:
    case kTypeNewDecimal:
    case kTypeDecimal:
      return true;
    default:
      return false;
  }
}

namespace {

constexpr int kDigitsToBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint64_t kPowersOfTen[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};

int64_t sign_extend(uint64_t v, int bytes) {
  int shift = 64 - 8 * bytes;
  return static_cast<int64_t>(v << shift) >> shift;
}

// Fractional seconds of TIMESTAMP2/DATETIME2: (fsp+1)/2 big-endian bytes, as microseconds.
bool read_fraction(ByteReader& reader, int fsp, int64_t* micros) {
  uint64_t v = 0;
  switch (fsp) {
    case 0: *micros = 0; return true;
    case 1: case 2: if (!reader.be(1, &v)) return false; *micros = sign_extend(v, 1) * 10000; return true;
    case 3: case 4: if (!reader.be(2, &v)) return false; *micros = sign_extend(v, 2) * 100; return true;
    case 5: case 6: if (!reader.be(3, &v)) return false; *micros = sign_extend(v, 3); return true;
    default: return false;
  }
}

// ".ffffff" cut to `fsp` digits, or "" for fsp 0. REQUIRES: 0 <= micros <= 999999, fsp <= 6.
std::string fraction_text(int64_t micros, int fsp) {
  if (fsp <= 0) return "";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, ".%06lld", static_cast<long long>(micros));
  return std::string(buffer, 1 + fsp);
}

std::string datetime_text(unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                          unsigned second) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04u-%02u-%02u %02u:%02u:%02u", year, month, day, hour, minute, second);
  return buffer;
}

std::string timestamp_text(uint64_t seconds) {
  if (seconds == 0) return "0000-00-00 00:00:00";
  time_t t = static_cast<time_t>(seconds);
  struct tm parts;
  gmtime_r(&t, &parts);
  return datetime_text(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min,
                       parts.tm_sec);
}

std::string time_text(bool negative, uint64_t hours, unsigned minutes, unsigned seconds) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s%02llu:%02u:%02u", negative ? "-" : "", static_cast<unsigned long long>(hours),
                minutes, seconds);
  return buffer;
}

bool read_length_prefixed(ByteReader& reader, size_t prefix_bytes, std::string* out) {
  uint64_t length;
  std::string_view view;
  if (!reader.le(prefix_bytes, &length) || !reader.bytes(length, &view)) return false;
  out->assign(view);
  return true;
}

}  // namespace

int decimal_binary_size(int precision, int scale) {
  int integer_digits = precision - scale;
  return (integer_digits / 9) * 4 + kDigitsToBytes[integer_digits % 9] + (scale / 9) * 4 + kDigitsToBytes[scale % 9];
}

bool decode_decimal(ByteReader& reader, int precision, int scale, std::string* out) {
  if (precision < 1 || precision > 65 || scale < 0 || scale > 38 || scale > precision) return false;
  int size = decimal_binary_size(precision, scale);
  std::string_view view;
  if (!reader.bytes(size, &view)) return false;
  uint8_t buffer[40] = {};
  for (int i = 0; i < size; ++i) buffer[i] = static_cast<uint8_t>(view[i]);
  // The sign is the first bit, set for non-negative values; negative values have every byte inverted.
  const bool negative = (buffer[0] & 0x80) == 0;
  buffer[0] ^= 0x80;
  if (negative)
    for (int i = 0; i < size; ++i) buffer[i] = static_cast<uint8_t>(~buffer[i]);

  int at = 0;
  auto take = [&](int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | buffer[at + i];
    at += bytes;
    return v;
  };
  const int integer_digits = precision - scale;
  std::string integer_part;
  char group[16];
  if (int lead = integer_digits % 9; lead > 0) integer_part += std::to_string(take(kDigitsToBytes[lead]));
  for (int i = 0; i < integer_digits / 9; ++i) {
    std::snprintf(group, sizeof group, "%09llu", static_cast<unsigned long long>(take(4)));
    integer_part += group;
  }
  size_t first = integer_part.find_first_not_of('0');
  integer_part = first == std::string::npos ? "0" : integer_part.substr(first);

  std::string fraction;
  for (int i = 0; i < scale / 9; ++i) {
    std::snprintf(group, sizeof group, "%09llu", static_cast<unsigned long long>(take(4)));
    fraction += group;
  }
  if (int tail = scale % 9; tail > 0) {
    std::snprintf(group, sizeof group, "%0*llu", tail, static_cast<unsigned long long>(take(kDigitsToBytes[tail])));
    fraction += group;
  }
  const bool zero = integer_part == "0" && fraction.find_first_not_of('0') == std::string::npos;
  out->clear();
  if (negative && !zero) out->push_back('-');
  out->append(integer_part);
  if (scale > 0) {
    out->push_back('.');
    out->append(fraction);
  }
  return true;
}

bool decode_column_value(const ColumnType& column, ByteReader& reader, Cell* out, std::string* error) {
  uint64_t v = 0;
  auto bad_fraction = [&](int64_t micros) {
    if (micros >= 0 && micros <= 999999) return false;
    *error = "fraction of a second out of range (" + std::to_string(micros) + ")";
    return true;
  };
  if ((column.real_type == kTypeTimestamp2 || column.real_type == kTypeDatetime2 || column.real_type == kTypeTime2) &&
      column.meta > 6) {
    *error = "fractional precision " + std::to_string(column.meta) + " is above 6";
    return false;
  }
  auto integer = [&](int bytes) {
    if (!reader.le(bytes, &v)) return false;
    *out = column.is_unsigned ? Cell::unsigned_integer(v) : Cell::signed_integer(sign_extend(v, bytes));
    return true;
  };
  switch (column.real_type) {
    case kTypeTiny: return integer(1);
    case kTypeShort: return integer(2);
    case kTypeInt24: return integer(3);
    case kTypeLong: return integer(4);
    case kTypeLongLong: return integer(8);
    case kTypeFloat: {
      if (!reader.le(4, &v)) return false;
      uint32_t bits = static_cast<uint32_t>(v);
      float f;
      std::memcpy(&f, &bits, 4);
      *out = Cell::float_value(f);
      return true;
    }
    case kTypeDouble: {
      if (!reader.le(8, &v)) return false;
      double d;
      std::memcpy(&d, &v, 8);
      *out = Cell::double_value(d);
      return true;
    }
    case kTypeNewDecimal: {
      std::string text;
      if (!decode_decimal(reader, column.meta >> 8, column.meta & 0xff, &text)) return false;
      *out = Cell::decimal(std::move(text));
      return true;
    }
    case kTypeNull:
      *out = Cell::null();
      return true;
    case kTypeYear:
      if (!reader.le(1, &v)) return false;
      *out = Cell::unsigned_integer(v == 0 ? 0 : 1900 + v);
      return true;
    case kTypeDate:
    case kTypeNewDate: {
      if (!reader.le(3, &v)) return false;
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "%04u-%02u-%02u", static_cast<unsigned>(v >> 9),
                    static_cast<unsigned>((v >> 5) & 15), static_cast<unsigned>(v & 31));
      *out = Cell::temporal(buffer);
      return true;
    }
    case kTypeTime: {  // before MariaDB 10.1 / mysql56_temporal_format=OFF: HHMMSS as a signed integer
      if (!reader.le(3, &v)) return false;
      int64_t t = sign_extend(v, 3);
      bool negative = t < 0;
      uint64_t a = negative ? -t : t;
      *out = Cell::temporal(time_text(negative, a / 10000, (a / 100) % 100, a % 100));
      return true;
    }
    case kTypeDatetime: {  // old format: YYYYMMDDhhmmss as an integer
      if (!reader.le(8, &v)) return false;
      uint64_t date = v / 1000000, time = v % 1000000;
      *out = Cell::temporal(datetime_text(date / 10000, (date / 100) % 100, date % 100, time / 10000,
                                          (time / 100) % 100, time % 100));
      return true;
    }
    case kTypeTimestamp:
      if (!reader.le(4, &v)) return false;
      *out = Cell::temporal(timestamp_text(v));
      return true;
    case kTypeTimestamp2: {
      int64_t micros;
      if (!reader.be(4, &v) || !read_fraction(reader, column.meta, &micros)) return false;
      if (bad_fraction(micros)) return false;
      *out = Cell::temporal(timestamp_text(v) + fraction_text(micros, column.meta));
      return true;
    }
    case kTypeDatetime2: {
      int64_t micros;
      if (!reader.be(5, &v) || !read_fraction(reader, column.meta, &micros)) return false;
      if (micros < 0) micros = -micros;
      if (bad_fraction(micros)) return false;
      // 1 sign bit, 17 bits year*13+month, 5 day, 5 hour, 6 minute, 6 second.
      int64_t packed = static_cast<int64_t>(v) - 0x8000000000LL;
      if (packed < 0) packed = -packed;  // negative DATETIME cannot be stored; keep the digits
      uint64_t ymd = static_cast<uint64_t>(packed) >> 17, hms = static_cast<uint64_t>(packed) & ((1 << 17) - 1);
      uint64_t ym = ymd >> 5;
      *out = Cell::temporal(datetime_text(ym / 13, ym % 13, ymd & 31, hms >> 12, (hms >> 6) & 63, hms & 63) +
                            fraction_text(micros, column.meta));
      return true;
    }
    case kTypeTime2: {
      // 3 bytes of 1 sign bit + 1 unused + 10 hour + 6 minute + 6 second, offset by 0x800000, then
      // the fraction; negative values borrow from the integer part (MariaDB's time2 packing).
      int fsp = column.meta;
      int64_t packed;
      if (fsp >= 5) {
        if (!reader.be(6, &v)) return false;
        packed = static_cast<int64_t>(v) - 0x800000000000LL;
      } else {
        if (!reader.be(3, &v)) return false;
        int64_t integer_part = static_cast<int64_t>(v) - 0x800000;
        int64_t fraction = 0;
        if (fsp >= 3) {
          if (!reader.be(2, &v)) return false;
          fraction = static_cast<int64_t>(v);  // unsigned: negative values store 0x10000 - fraction
          if (integer_part < 0 && fraction) {
            ++integer_part;
            fraction -= 0x10000;
          }
          fraction *= 100;
        } else if (fsp >= 1) {
          if (!reader.be(1, &v)) return false;
          fraction = static_cast<int64_t>(v);  // unsigned: negative values store 0x100 - fraction
          if (integer_part < 0 && fraction) {
            ++integer_part;
            fraction -= 0x100;
          }
          fraction *= 10000;
        }
        packed = integer_part * (int64_t{1} << 24) + fraction;
      }
      bool negative = packed < 0;
      uint64_t a = negative ? static_cast<uint64_t>(-packed) : static_cast<uint64_t>(packed);
      uint64_t hms = a >> 24, micros = a % (1 << 24);
      if (bad_fraction(static_cast<int64_t>(micros))) return false;
      *out = Cell::temporal(time_text(negative, (hms >> 12) % 1024, (hms >> 6) % 64, hms % 64) +
                            fraction_text(static_cast<int64_t>(micros), fsp));
      return true;
    }
    case kTypeBit: {
      size_t bytes = (column.meta >> 8) + ((column.meta & 0xff) ? 1 : 0);
      if (bytes > 8 || !reader.be(bytes, &v)) return false;
      *out = Cell::bit(v);
      return true;
    }
    case kTypeEnum:
      if (column.max_length < 1 || column.max_length > 2 || !reader.le(column.max_length, &v)) return false;
      *out = Cell::enum_index(v);
      return true;
    case kTypeSet:
      if (column.max_length < 1 || column.max_length > 8 || !reader.le(column.max_length, &v)) return false;
      *out = Cell::set_mask(v);
      return true;
    case kTypeVarchar:
    case kTypeVarString:
    case kTypeString: {
      std::string bytes;
      if (!read_length_prefixed(reader, column.max_length > 255 ? 2 : 1, &bytes)) return false;
      if (bytes.size() < column.binary_pad) bytes.resize(column.binary_pad, '\0');
      *out = Cell::bytes(std::move(bytes));
      return true;
    }
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob:
    case kTypeBlob:
    case kTypeGeometry: {
      if (column.meta < 1 || column.meta > 4) {
        *error = "bad BLOB length size " + std::to_string(column.meta);
        return false;
      }
      std::string bytes;
      if (!read_length_prefixed(reader, column.meta, &bytes)) return false;
      *out = Cell::bytes(std::move(bytes));
      return true;
    }
    default:
      *error = "unsupported column type " + column_type_name(column.real_type);
      return false;
  }
}

}  // namespace omsql::binlog_internal
