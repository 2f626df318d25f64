#pragma once
// One column value of a decoded row image: a small typed value that keeps what the change log
// carried exactly (integers with their signedness, decimals as exact text, strings as raw bytes in
// the column's charset, temporal values as canonical text). Engine-neutral: a change stream of any
// engine decodes into Cells (the MySQL family's binlog decoder: src/engine/mysql/binlog).
#include <cstdint>
#include <string>

namespace omsql {

class Cell {
 public:
  enum class Kind : uint8_t {
    kNull = 0,
    kSigned,    // TINYINT..BIGINT signed
    kUnsigned,  // TINYINT..BIGINT UNSIGNED
    kFloat,     // FLOAT (4 bytes)
    kDouble,    // DOUBLE
    kDecimal,   // DECIMAL as exact text: "-12.500"
    kBytes,     // CHAR/VARCHAR/BINARY/TEXT/BLOB/JSON/GEOMETRY bytes, unchanged
    kTemporal,  // 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.ffffff]', '[-]HHH:MM:SS[.ffffff]', YEAR as 'YYYY'
    kBit,       // BIT(n) as an unsigned integer
    kEnum,      // ENUM 1-based index (0 = the '' error value)
    kSet,       // SET bitmask
  };

  Cell() = default;
  static Cell null() { return Cell(); }
  static Cell signed_integer(int64_t v) { Cell c(Kind::kSigned); c.integer_ = static_cast<uint64_t>(v); return c; }
  static Cell unsigned_integer(uint64_t v) { Cell c(Kind::kUnsigned); c.integer_ = v; return c; }
  static Cell float_value(float v) { Cell c(Kind::kFloat); c.float_ = v; return c; }
  static Cell double_value(double v) { Cell c(Kind::kDouble); c.double_ = v; return c; }
  static Cell decimal(std::string text) { Cell c(Kind::kDecimal); c.text_ = std::move(text); return c; }
  static Cell bytes(std::string b) { Cell c(Kind::kBytes); c.text_ = std::move(b); return c; }
  static Cell temporal(std::string text) { Cell c(Kind::kTemporal); c.text_ = std::move(text); return c; }
  static Cell bit(uint64_t v) { Cell c(Kind::kBit); c.integer_ = v; return c; }
  static Cell enum_index(uint64_t v) { Cell c(Kind::kEnum); c.integer_ = v; return c; }
  static Cell set_mask(uint64_t v) { Cell c(Kind::kSet); c.integer_ = v; return c; }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  int64_t as_signed() const { return static_cast<int64_t>(integer_); }
  // The value of kUnsigned, kBit, kEnum and kSet cells.
  uint64_t as_unsigned() const { return integer_; }
  float as_float() const { return float_; }
  double as_double() const { return double_; }
  // The text of kDecimal and kTemporal cells, the bytes of kBytes cells.
  const std::string& text() const { return text_; }

  // A literal the target accepts for a column of the type this value came from, whatever the
  // session's sql_mode: NULL, integers in decimal, exact decimals, floats with enough digits to
  // round-trip (%.9g / %.17g), bytes as X'..', temporal values quoted, BIT/ENUM/SET as numbers.
  // Non-finite floats cannot occur in MariaDB columns and print as NULL.
  std::string to_sql_literal() const;

  // Appends a canonical, self-delimiting encoding (kind byte, then a fixed 8-byte value or a
  // 4-byte length and the bytes): equal values give equal bytes, so callers hash or compare these
  // bytes; the spool stores cells in this form too.
  void append_canonical(std::string& out) const;
  // Reads one cell written by append_canonical at data[*offset], advancing *offset; false when
  // the bytes are short or the kind is unknown.
  static bool read_canonical(const char* data, size_t size, size_t* offset, Cell* out);

  // A readable form for messages and test failures ("NULL", "42", "X'00ff'", "'2024-01-01'").
  std::string debug_string() const { return to_sql_literal(); }

  friend bool operator==(const Cell& a, const Cell& b);

 private:
  explicit Cell(Kind kind) : kind_(kind) {}
  Kind kind_ = Kind::kNull;
  uint64_t integer_ = 0;
  float float_ = 0;
  double double_ = 0;
  std::string text_;
};

}  // namespace omsql
