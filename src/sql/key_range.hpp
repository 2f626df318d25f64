#pragma once
// The one builder of SQL for key tuples and key ranges: the literal of a key value, the conditions
// `key > lower` and `key <= upper` of a chunk, point lookups and the key order. The copy's chunk
// planner and readers, the verifier's chunk walk and row fetches, and replay's key predicates all
// render keys here, so a range means the same rows to every stage. Pure text; no server.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omsql::sql {

// A key tuple: the raw bytes of each key column as the server sends them with
// character_set_results=binary (decimal text for numbers, the stored bytes for strings, or the
// bytes of whatever the key read expression returns). Key columns are never NULL.
using KeyTuple = std::vector<std::string>;

// lower_exclusive < key <= upper_inclusive; nullopt = unbounded on that side.
struct KeyRange {
  std::optional<KeyTuple> lower_exclusive;
  std::optional<KeyTuple> upper_inclusive;
  bool bounded() const { return lower_exclusive || upper_inclusive; }
};

// How a key value is written as a literal so that it compares with the column as its index orders.
enum class LiteralForm : uint8_t {
  kNumber,  // decimal text as it is (integers, DECIMAL, FLOAT read as DOUBLE, BIT/ENUM/SET read as numbers, YEAR)
  kText,    // '...' for plain ASCII text (temporals, UUID, INET), which compares by value with the column
  kString,  // _charset X'..' [COLLATE collation]: bytes in a character set, compared by the collation
  kBinary,  // X'..': bytes compared as bytes
};

// One key part: what a bound is compared with, and how its values are written.
struct KeyPart {
  std::string lhs;        // `id`, or (`e`+0) for ENUM/SET, whose index order is their number
  LiteralForm form = LiteralForm::kBinary;
  std::string charset;    // kString: the introducer (the charset the value's bytes are in)
  std::string collation;  // kString, optional: COLLATE clause (empty: the column's own collation applies)
};

// The literal of `bytes` for `part`. Anything that does not have the form's shape (a number that is
// not plain decimal text, text with quotes, backslashes or non-ASCII bytes) falls back to X'..',
// which needs no escaping under any sql_mode.
std::string key_literal(const KeyPart& part, std::string_view bytes);

// key > lower (row order of a composite key). A composite key leads with `k1 >= a AND ...`, which
// gives the optimizer a range on the first key part. REQUIRES: lower.size() == key.size() > 0.
std::string key_after(const std::vector<KeyPart>& key, const KeyTuple& lower);
// key <= upper, the same way.
std::string key_at_most(const std::vector<KeyPart>& key, const KeyTuple& upper);
// Both bounds of `range` joined with AND; "" when the range is unbounded.
std::string key_range_condition(const std::vector<KeyPart>& key, const KeyRange& range);

// key = k for any k in `keys`: `k IN (a, b)` for one part, `(k1 = a AND k2 = b) OR (...)` for a
// composite key (one point range per key for the range optimizer on every server version).
// REQUIRES: keys not empty, each of key.size() values.
std::string key_equals_any(const std::vector<KeyPart>& key, const std::vector<KeyTuple>& keys);

// `k1`, `k2`: the key order (the lhs of each part).
std::string key_order(const std::vector<KeyPart>& key);

// Replay's batched delete, whose values come from binlog cells rather than key reads, is written
// in pieces so it can be cut at a statement size: row_in_open(cols) + row_tuple(l1) + ", " +
// row_tuple(l2) + ")" is (`k1`, `k2`) IN ((a, b), (c, d)) (also for one column: (`k`) IN ((a))).
std::string row_in_open(const std::vector<std::string>& quoted_columns);
std::string row_tuple(const std::vector<std::string>& literals);

}  // namespace omsql::sql
