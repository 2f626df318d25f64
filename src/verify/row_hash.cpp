#include "src/verify/row_hash.hpp"

#include <xxhash.h>

#include <charconv>
#include <cstring>

namespace omsql::verify {
namespace {

void append_length(uint32_t length, std::string& out) {
  char bytes[4] = {static_cast<char>(length), static_cast<char>(length >> 8), static_cast<char>(length >> 16),
                   static_cast<char>(length >> 24)};
  out.append(bytes, 4);
}

void append_body(char tag, std::string_view body, std::string& out) {
  out += tag;
  append_length(static_cast<uint32_t>(body.size()), out);
  out.append(body);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The bits of a value, with -0 folded into +0 (they compare equal on every server, and a
// text-protocol copy may not preserve the sign of zero); FLOAT values rounded to float first.
uint64_t floating_bits(double value, bool as_float) {
  if (as_float) value = static_cast<double>(static_cast<float>(value));
  if (value == 0) value = 0;  // -0.0 -> +0.0
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

void append_floating(uint64_t bits, std::string& out) {
  char body[8];
  for (int i = 0; i < 8; ++i) body[i] = static_cast<char>(bits >> (8 * i));
  append_body(kTagFloating, std::string_view(body, 8), out);
}

}  // namespace

const char* value_class_name(ValueClass value_class) {
  switch (value_class) {
    case ValueClass::kBytes: return "bytes";
    case ValueClass::kCharPadded: return "char";
    case ValueClass::kExactNumber: return "number";
    case ValueClass::kFloat: return "float";
    case ValueClass::kDouble: return "double";
    case ValueClass::kTemporal: return "temporal";
  }
  return "?";
}

ValueClass value_class_of(const ColumnDef& column) {
  const std::string& t = column.data_type;
  if (t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer" || t == "bigint" ||
      t == "decimal" || t == "numeric" || t == "year" || t == "bit")
    return ValueClass::kExactNumber;
  if (t == "float") return ValueClass::kFloat;
  if (t == "double" || t == "real" || t == "double precision") return ValueClass::kDouble;
  if (t == "date" || t == "time" || t == "datetime" || t == "timestamp") return ValueClass::kTemporal;
  if (t == "char" && column.charset && *column.charset != "binary") return ValueClass::kCharPadded;
  return ValueClass::kBytes;
}

namespace {

// The canonical form of an exact number as up to three pieces (sign, integer digits, fraction
// digits), all views into the text: no allocation per cell. False when the text is not a plain
// decimal number (it is then kept verbatim).
struct NumberPieces {
  bool negative = false;
  std::string_view integer;
  std::string_view fraction;
};

bool number_pieces(std::string_view s, NumberPieces& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::string_view integer = s, fraction;
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    integer = s.substr(0, dot);
    fraction = s.substr(dot + 1);
    if (!fraction.empty() && !all_digits(fraction)) return false;
  }
  if (!integer.empty() && !all_digits(integer)) return false;
  if (integer.empty() && fraction.empty()) return false;
  while (integer.size() > 1 && integer[0] == '0') integer.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (integer.empty()) integer = "0";
  out.negative = negative && !(integer == "0" && fraction.empty());
  out.integer = integer;
  out.fraction = fraction;
  return true;
}

void append_number(std::string_view text, std::string& out) {
  NumberPieces p;
  if (!number_pieces(text, p)) {
    append_body(kTagNumber, text, out);
    return;
  }
  out += kTagNumber;
  append_length(static_cast<uint32_t>(p.negative + p.integer.size() + (p.fraction.empty() ? 0 : 1 + p.fraction.size())),
                out);
  if (p.negative) out += '-';
  out.append(p.integer);
  if (!p.fraction.empty()) {
    out += '.';
    out.append(p.fraction);
  }
}

}  // namespace

std::string normalize_number(std::string_view text) {
  std::string encoded;
  append_number(text, encoded);
  return encoded.substr(5);  // without the tag and the length
}

namespace {

// The canonical temporal is a prefix of the text: trailing fractional zeros (and a bare '.')
// dropped, and " 00:00:00" after a date dropped (a DATETIME at midnight and the DATE it was
// widened from denote the same value). Returns the prefix's length: no allocation per cell.
size_t canonical_temporal_length(std::string_view text) {
  size_t end = text.size();
  const size_t dot = text.rfind('.');
  const size_t colon = text.rfind(':');
  if (dot != std::string_view::npos && (colon == std::string_view::npos || dot > colon)) {
    while (end > dot + 1 && text[end - 1] == '0') --end;
    if (end == dot + 1) end = dot;
  }
  static constexpr std::string_view kMidnight = " 00:00:00";
  if (end == 10 + kMidnight.size() && text.substr(10, kMidnight.size()) == kMidnight) end = 10;
  return end;
}

}  // namespace

std::string normalize_temporal(std::string_view text) {
  return std::string(text.substr(0, canonical_temporal_length(text)));
}

void append_canonical(ValueClass value_class, const char* value, size_t length, std::string& out) {
  if (value == nullptr) {
    out += kTagNull;
    return;
  }
  std::string_view text(value, length);
  switch (value_class) {
    case ValueClass::kBytes:
      append_body(kTagBytes, text, out);
      return;
    case ValueClass::kCharPadded:
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      append_body(kTagBytes, text, out);
      return;
    case ValueClass::kExactNumber: {
      // Fast path: a plain integer without sign or leading zero is already canonical.
      if (all_digits(text) && (text.size() == 1 || text[0] != '0')) {
        append_body(kTagNumber, text, out);
      } else {
        append_number(text, out);
      }
      return;
    }
    case ValueClass::kFloat:
    case ValueClass::kDouble: {
      double parsed = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
      if (error != std::errc() || end != text.data() + text.size()) {
        append_body(kTagFloating, text, out);  // not a number we know: keep the text
        return;
      }
      append_floating(floating_bits(parsed, value_class == ValueClass::kFloat), out);
      return;
    }
    case ValueClass::kTemporal:
      append_body(kTagTemporal, text.substr(0, canonical_temporal_length(text)), out);
      return;
  }
}

void append_canonical_double(ValueClass value_class, double value, std::string& out) {
  append_floating(floating_bits(value, value_class == ValueClass::kFloat), out);
}

uint64_t row_hash(std::string_view encoded_row) { return XXH3_64bits(encoded_row.data(), encoded_row.size()); }

void ChunkDigester::add(uint64_t row_hash) {
  ++rows_;
  if (ordered_) {
    value_ = XXH3_64bits_withSeed(&row_hash, sizeof row_hash, value_);
  } else {
    // A fixed seed makes the per-row mix independent of position; addition keeps multiplicity.
    value_ += XXH3_64bits_withSeed(&row_hash, sizeof row_hash, 0x6f6d73716cULL);
  }
}

}  // namespace omsql::verify
