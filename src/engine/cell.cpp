#include "src/engine/cell.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "src/sql/quote.hpp"

namespace omsql {

std::string Cell::to_sql_literal() const {
  char buffer[64];
  switch (kind_) {
    case Kind::kNull:
      return "NULL";
    case Kind::kSigned:
      return std::to_string(as_signed());
    case Kind::kUnsigned:
    case Kind::kBit:
    case Kind::kEnum:
    case Kind::kSet:
      return std::to_string(integer_);
    case Kind::kFloat:
      if (!std::isfinite(float_)) return "NULL";
      // 9 significant digits round-trip any float; the target rounds the double literal back to
      // the same float when it stores it in a FLOAT column.
      std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(float_));
      return buffer;
    case Kind::kDouble:
      if (!std::isfinite(double_)) return "NULL";
      std::snprintf(buffer, sizeof buffer, "%.17g", double_);
      // A literal with an exponent is a DOUBLE in MariaDB; one without (e.g. 0.1 printed as
      // 0.10000000000000001) would be read as an exact DECIMAL first: force the exponent so the
      // value is parsed as a double directly.
      if (!std::strpbrk(buffer, "eEn")) std::strcat(buffer, "e0");
      return buffer;
    case Kind::kDecimal:
      return text_;
    case Kind::kBytes:
      return text_.empty() ? std::string("''") : sql::hex_literal(text_);
    case Kind::kTemporal:
      return "'" + text_ + "'";
  }
  return "NULL";
}

void Cell::append_canonical(std::string& out) const {
  out.push_back(static_cast<char>(kind_));
  auto put64 = [&out](uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  switch (kind_) {
    case Kind::kNull:
      return;
    case Kind::kSigned:
    case Kind::kUnsigned:
    case Kind::kBit:
    case Kind::kEnum:
    case Kind::kSet:
      put64(integer_);
      return;
    case Kind::kFloat: {
      uint32_t bits;
      std::memcpy(&bits, &float_, 4);
      put64(bits);
      return;
    }
    case Kind::kDouble: {
      uint64_t bits;
      std::memcpy(&bits, &double_, 8);
      put64(bits);
      return;
    }
    case Kind::kDecimal:
    case Kind::kBytes:
    case Kind::kTemporal: {
      uint32_t n = static_cast<uint32_t>(text_.size());
      for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
      out.append(text_);
      return;
    }
  }
}

bool Cell::read_canonical(const char* data, size_t size, size_t* offset, Cell* out) {
  size_t at = *offset;
  if (at >= size) return false;
  auto kind = static_cast<Kind>(static_cast<uint8_t>(data[at++]));
  auto get = [&](int bytes, uint64_t* v) {
    if (size - at < static_cast<size_t>(bytes)) return false;
    *v = 0;
    for (int i = 0; i < bytes; ++i) *v |= static_cast<uint64_t>(static_cast<uint8_t>(data[at + i])) << (8 * i);
    at += bytes;
    return true;
  };
  Cell cell(kind);
  uint64_t v = 0;
  switch (kind) {
    case Kind::kNull:
      break;
    case Kind::kSigned:
    case Kind::kUnsigned:
    case Kind::kBit:
    case Kind::kEnum:
    case Kind::kSet:
      if (!get(8, &v)) return false;
      cell.integer_ = v;
      break;
    case Kind::kFloat: {
      if (!get(8, &v)) return false;
      uint32_t bits = static_cast<uint32_t>(v);
      std::memcpy(&cell.float_, &bits, 4);
      break;
    }
    case Kind::kDouble:
      if (!get(8, &v)) return false;
      std::memcpy(&cell.double_, &v, 8);
      break;
    case Kind::kDecimal:
    case Kind::kBytes:
    case Kind::kTemporal:
      if (!get(4, &v) || size - at < v) return false;
      cell.text_.assign(data + at, v);
      at += v;
      break;
    default:
      return false;
  }
  *out = std::move(cell);
  *offset = at;
  return true;
}

bool operator==(const Cell& a, const Cell& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Cell::Kind::kNull:
      return true;
    case Cell::Kind::kFloat:
      return std::memcmp(&a.float_, &b.float_, 4) == 0;
    case Cell::Kind::kDouble:
      return std::memcmp(&a.double_, &b.double_, 8) == 0;
    case Cell::Kind::kDecimal:
    case Cell::Kind::kBytes:
    case Cell::Kind::kTemporal:
      return a.text_ == b.text_;
    default:
      return a.integer_ == b.integer_;
  }
}

}  // namespace omsql
