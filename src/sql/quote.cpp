#include "src/sql/quote.hpp"

#include <algorithm>

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

namespace {

bool identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

// Keywords after which a statement carries values (rows, key values, assignments, a FILTER).
bool starts_values(std::string_view word) {
  std::string upper(word);
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return upper == "VALUES" || upper == "VALUE" || upper == "WHERE" || upper == "SET" || upper == "SELECT" ||
         upper == "HAVING";
}

}  // namespace

std::string statement_for_message(std::string_view sql) {
  constexpr size_t kMax = 200;
  size_t cut = sql.size();
  for (size_t i = 0; i < sql.size() && cut == sql.size();) {
    char c = sql[i];
    if (c == '`') {  // a quoted identifier: shown whole, whatever it contains
      size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] != '`') {
          ++end;
        } else if (end + 1 < sql.size() && sql[end + 1] == '`') {
          end += 2;  // a doubled back-quote inside the name
        } else {
          break;
        }
      }
      i = end + 1;
    } else if (c == '\'' || c == '"') {
      cut = i;
    } else if (identifier_char(c)) {
      size_t end = i;
      while (end < sql.size() && identifier_char(sql[end])) ++end;
      std::string_view word = sql.substr(i, end - i);
      // X'..', B'..', _utf8mb4'..': the prefix belongs to the literal.
      if (end < sql.size() && sql[end] == '\'') cut = i;
      else if (i > 0 && starts_values(word)) cut = i;
      i = end;
    } else {
      ++i;
    }
  }
  std::string_view shown = sql.substr(0, std::min(cut, kMax));
  while (!shown.empty() && (shown.back() == ' ' || shown.back() == '\n' || shown.back() == '(' || shown.back() == ','))
    shown.remove_suffix(1);
  std::string out(shown);
  if (shown.size() < sql.size()) out += " ...";
  return out;
}

}  // namespace omsql::sql
