#include "src/copy/row_encoder.hpp"

#include <array>
#include <cstring>

namespace omsql::copy {
namespace {

// For each byte, the character that follows the backslash when it must be escaped, or 0.
using EscapeTable = std::array<char, 256>;

// LOAD DATA (FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'): the separators,
// the escape itself and NUL (escaped only to keep the buffer readable in logs).
constexpr EscapeTable make_load_data_table() {
  EscapeTable t{};
  t['\\'] = '\\';
  t['\t'] = 't';
  t['\n'] = 'n';
  t[0] = '0';
  return t;
}
// A '...' literal on a session without NO_BACKSLASH_ESCAPES (prepare_target_session sets sql_mode).
constexpr EscapeTable make_insert_table() {
  EscapeTable t{};
  t['\\'] = '\\';
  t['\''] = '\'';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t[0] = '0';
  t[0x1a] = 'Z';
  return t;
}
constexpr EscapeTable kLoadDataEscapes = make_load_data_table();
constexpr EscapeTable kInsertEscapes = make_insert_table();

// Appends `bytes` escaped: runs of ordinary bytes are copied with one append each.
inline void append_escaped(const char* data, size_t size, const EscapeTable& table, std::string& out) {
  const char* run = data;
  const char* end = data + size;
  for (const char* p = data; p != end; ++p) {
    char escape = table[static_cast<unsigned char>(*p)];
    if (escape) {
      out.append(run, p - run);
      char pair[2] = {'\\', escape};
      out.append(pair, 2);
      run = p + 1;
    }
  }
  out.append(run, end - run);
}

}  // namespace

RowEncoder::RowEncoder(std::vector<ValueKind> kinds, WireFormat format, std::string insert_prefix,
                       std::vector<std::string> insert_charsets)
    : kinds_(std::move(kinds)),
      format_(format),
      insert_prefix_(std::move(insert_prefix)),
      insert_charsets_(std::move(insert_charsets)) {}

void RowEncoder::append_row(const char* const* values, const unsigned long* lengths, bool first_in_batch,
                            std::string& out) const {
  if (is_load_data(format_)) append_load_data(values, lengths, out);
  else append_insert(values, lengths, first_in_batch, out);
}

void RowEncoder::append_load_data(const char* const* values, const unsigned long* lengths, std::string& out) const {
  const size_t n = kinds_.size();
  for (size_t i = 0; i < n; ++i) {
    if (i) out.push_back('\t');
    if (!values[i]) {
      out.append("\\N", 2);
    } else if (kinds_[i] == ValueKind::kBytes) {
      append_escaped(values[i], lengths[i], kLoadDataEscapes, out);
    } else {
      out.append(values[i], lengths[i]);  // digits, signs, '.', 'e', ':', '-', ' ': nothing to escape
    }
  }
  out.push_back('\n');
}

void RowEncoder::append_insert(const char* const* values, const unsigned long* lengths, bool first_in_batch,
                               std::string& out) const {
  if (first_in_batch) out += insert_prefix_;
  else out.push_back(',');
  out.push_back('(');
  const size_t n = kinds_.size();
  for (size_t i = 0; i < n; ++i) {
    if (i) out.push_back(',');
    if (!values[i]) {
      out.append("NULL", 4);
      continue;
    }
    switch (kinds_[i]) {
      case ValueKind::kNumber:
        out.append(values[i], lengths[i]);
        break;
      case ValueKind::kText:
        out.push_back('\'');
        out.append(values[i], lengths[i]);
        out.push_back('\'');
        break;
      case ValueKind::kBytes:
        if (i < insert_charsets_.size() && !insert_charsets_[i].empty()) {
          // Hex: the source charset's bytes (ucs2, utf32) need not be valid in the connection's.
          static constexpr char kHex[] = "0123456789ABCDEF";
          out.push_back('_');
          out.append(insert_charsets_[i]);
          out.append(" X'", 3);
          for (unsigned long b = 0; b < lengths[i]; ++b) {
            unsigned char c = static_cast<unsigned char>(values[i][b]);
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
          }
          out.push_back('\'');
          break;
        }
        // _binary: the bytes are stored as they are, whatever the connection's character set.
        out.append("_binary'", 8);
        append_escaped(values[i], lengths[i], kInsertEscapes, out);
        out.push_back('\'');
        break;
    }
  }
  out.push_back(')');
}

}  // namespace omsql::copy
