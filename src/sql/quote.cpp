#include "src/sql/quote.hpp"

namespace omsql::sql {

std::string quote_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '`';
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

std::string quote_name(const QualifiedName& name) {
  return quote_identifier(name.schema) + "." + quote_identifier(name.table);
}

std::string quote_identifier_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += quote_identifier(names[i]);
  }
  return out;
}

std::string hex_literal(std::string_view bytes) {
  if (bytes.empty()) return "''";
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2 + 3);
  out += "X'";
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  out += '\'';
  return out;
}

std::string text_literal(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (char c : text) {
    if (c == '\'') out += '\'';
    else if (c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace omsql::sql
