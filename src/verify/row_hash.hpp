#pragma once
// Canonical row encoding and hashing for verification (docs/verification.md, "Canonical encoding").
// Both sides of a table are read with the same SELECT expressions, chosen from the source column's
// type, and every cell is encoded as the value it denotes, not as the text the server happened to
// print: a tag byte (NULL is its own tag, so NULL, '' and 'NULL' differ), then a length-prefixed
// body. A row hash is XXH3-64 of the concatenated cells. Pure code: no server, no allocation per cell.
#include <cstdint>
#include <string>
#include <string_view>

#include "src/catalog/table_def.hpp"

namespace omsql::verify {

// How one column is read and normalized. Chosen from the source column (value_class_of) and used
// for both sides, so a widening CAST on the target (INT to BIGINT, DECIMAL(10,2) to DECIMAL(12,4),
// FLOAT to DOUBLE, DATETIME(0) to DATETIME(6)) still hashes equal.
enum class ValueClass : uint8_t {
  kBytes,        // strings, BLOBs, BINARY, ENUM/SET (by label), JSON, geometry: the bytes, exactly
  kCharPadded,   // non-binary CHAR(n): bytes with trailing spaces removed (CHAR cannot keep them)
  kExactNumber,  // integers, DECIMAL, YEAR, BIT (read as unsigned): normalized decimal text
  kFloat,        // FLOAT, read as CAST(x AS DOUBLE) (exact) and hashed as the float's value
  kDouble,       // DOUBLE, printed shortest-round-trip by the server and hashed as IEEE-754 bits
  kTemporal,     // DATE, TIME, DATETIME, TIMESTAMP: text, fraction's trailing zeros removed
};
const char* value_class_name(ValueClass value_class);
ValueClass value_class_of(const ColumnDef& column);

// The tag bytes of the canonical encoding (stable: they are part of every digest).
inline constexpr char kTagNull = 0;
inline constexpr char kTagBytes = 1;
inline constexpr char kTagNumber = 2;
inline constexpr char kTagFloating = 3;
inline constexpr char kTagTemporal = 4;

// Appends the canonical encoding of one cell to `out`. `value` == nullptr means SQL NULL; otherwise
// `length` bytes as read with character_set_results=binary. A number or temporal the normalizer
// does not recognize is kept verbatim under its class's tag (never dropped, never an error).
void append_canonical(ValueClass value_class, const char* value, size_t length, std::string& out);

// Appends the canonical encoding of a FLOAT/DOUBLE value received in binary: the same cell as
// append_canonical of its exact text.
void append_canonical_double(ValueClass value_class, double value, std::string& out);

// The normalized text of an exact number ("-01.500" -> "-1.5", "-0.00" -> "0") or a temporal
// ("10:00:00.500" -> "10:00:00.5", "2024-01-01 00:00:00" -> "2024-01-01"). For tests and literals.
std::string normalize_number(std::string_view text);
std::string normalize_temporal(std::string_view text);

// XXH3-64 of an encoded row (the concatenation of its cells).
uint64_t row_hash(std::string_view encoded_row);

// The digest of a chunk: its row count and a combination of its row hashes.
struct ChunkDigest {
  uint64_t rows = 0;
  uint64_t digest = 0;
  friend bool operator==(const ChunkDigest&, const ChunkDigest&) = default;
};

// Combines row hashes into a ChunkDigest. Ordered (keyed tables, rows in key order): a chain,
// digest_i = XXH3(row_hash_i, seed = digest_{i-1}), so moving, swapping or duplicating rows changes
// it. Unordered (tables without a key: no order both sides agree on): the sum of a second hash of
// each row hash, which, unlike XOR, does not cancel for duplicate rows.
class ChunkDigester {
 public:
  explicit ChunkDigester(bool ordered) : ordered_(ordered) {}
  void add(uint64_t row_hash);
  ChunkDigest digest() const { return {rows_, value_}; }

 private:
  bool ordered_;
  uint64_t rows_ = 0;
  uint64_t value_ = 0;
};

}  // namespace omsql::verify
