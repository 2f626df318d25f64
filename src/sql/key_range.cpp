#include "src/sql/key_range.hpp"

#include "src/sql/quote.hpp"

namespace omsql::sql {
namespace {

bool is_plain_number(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) return false;
  return true;
}

// Printable ASCII without quote or backslash: safe in '...' with and without NO_BACKSLASH_ESCAPES.
bool is_plain_text(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c > 0x7e || c == '\'' || c == '\\') return false;
  return true;
}

std::string binary_literal(std::string_view bytes) { return bytes.empty() ? "X''" : hex_literal(bytes); }

// key[i..] > values[i..] (strict) or key[i..] <= values[i..] (inclusive), lexicographically.
std::string compare_from(const std::vector<KeyPart>& key, const KeyTuple& values, size_t i, bool greater) {
  const std::string& lhs = key[i].lhs;
  std::string literal = key_literal(key[i], values[i]);
  if (i + 1 == key.size()) return lhs + (greater ? " > " : " <= ") + literal;
  return "(" + lhs + (greater ? " > " : " < ") + literal + " OR (" + lhs + " = " + literal + " AND " +
         compare_from(key, values, i + 1, greater) + "))";
}

std::string bound(const std::vector<KeyPart>& key, const KeyTuple& values, bool greater) {
  if (key.size() == 1) return compare_from(key, values, 0, greater);
  return key[0].lhs + (greater ? " >= " : " <= ") + key_literal(key[0], values[0]) + " AND " +
         compare_from(key, values, 0, greater);
}

}  // namespace

std::string key_literal(const KeyPart& part, std::string_view bytes) {
  switch (part.form) {
    case LiteralForm::kNumber:
      return is_plain_number(bytes) ? std::string(bytes) : binary_literal(bytes);
    case LiteralForm::kText:
      return is_plain_text(bytes) ? text_literal(bytes) : binary_literal(bytes);
    case LiteralForm::kString: {
      std::string out = "_" + part.charset + " " + binary_literal(bytes);
      if (!part.collation.empty()) out += " COLLATE " + part.collation;
      return out;
    }
    case LiteralForm::kBinary:
      break;
  }
  return binary_literal(bytes);
}

std::string key_after(const std::vector<KeyPart>& key, const KeyTuple& lower) { return bound(key, lower, true); }

std::string key_at_most(const std::vector<KeyPart>& key, const KeyTuple& upper) { return bound(key, upper, false); }

std::string key_range_condition(const std::vector<KeyPart>& key, const KeyRange& range) {
  std::string out;
  if (range.lower_exclusive) out = key_after(key, *range.lower_exclusive);
  if (range.upper_inclusive) out += (out.empty() ? "" : " AND ") + key_at_most(key, *range.upper_inclusive);
  return out;
}

std::string key_equals_any(const std::vector<KeyPart>& key, const std::vector<KeyTuple>& keys) {
  std::string out;
  if (key.size() == 1) {
    out = key[0].lhs + " IN (";
    for (size_t k = 0; k < keys.size(); ++k) out += (k ? ", " : "") + key_literal(key[0], keys[k][0]);
    return out + ")";
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    out += k ? " OR (" : "(";
    for (size_t i = 0; i < key.size(); ++i) out += (i ? " AND " : "") + key[i].lhs + " = " + key_literal(key[i], keys[k][i]);
    out += ")";
  }
  return out;
}

std::string key_order(const std::vector<KeyPart>& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + key[i].lhs;
  return out;
}

std::string row_in_open(const std::vector<std::string>& quoted_columns) { return row_tuple(quoted_columns) + " IN ("; }

std::string row_tuple(const std::vector<std::string>& literals) {
  std::string out = "(";
  for (size_t i = 0; i < literals.size(); ++i) out += (i ? ", " : "") + literals[i];
  return out + ")";
}

}  // namespace omsql::sql
