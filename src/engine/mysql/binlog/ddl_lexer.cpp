#include "src/engine/mysql/binlog/ddl_lexer.hpp"

#include <cctype>

namespace omsql {

namespace {

bool is_word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }
bool is_space(unsigned char c) { return std::isspace(c) != 0; }

// The content of a quoted token starting at s[i] (the quote), with `quote` doubled inside meaning
// itself; backslash escapes only where `backslash` (strings, unless NO_BACKSLASH_ESCAPES, which
// the binlog does not tell: a mis-split string can only hide names, and names are what the
// classifier looks at outside strings, so this errs on nothing that matters for identifiers).
size_t read_quoted(std::string_view s, size_t i, char quote, bool backslash, std::string* out) {
  ++i;
  while (i < s.size()) {
    if (backslash && s[i] == '\\' && i + 1 < s.size()) {
      out->push_back(s[i + 1]);
      i += 2;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        out->push_back(quote);
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      out->push_back(s[i++]);
    }
  }
  return i;
}

}  // namespace

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::vector<SqlToken> lex_sql(std::string_view s) {
  std::vector<SqlToken> tokens;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t start = i;
    if (is_space(c)) {
      ++i;
    } else if (c == '\'' || c == '"' || c == '`') {
      SqlToken token{c == '\'' ? SqlToken::kString : c == '"' ? SqlToken::kDoubleQuoted : SqlToken::kQuotedName, {}, start};
      i = read_quoted(s, i, static_cast<char>(c), c != '`', &token.text);
      token.end = i;
      tokens.push_back(std::move(token));
    } else if (s.compare(i, 3, "/*!") == 0 || s.compare(i, 4, "/*M!") == 0) {
      // Executable comment: its content is code. Skip the marker and the version number; the
      // closing */ is skipped where it appears.
      i += s[i + 2] == 'M' ? 4 : 3;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    } else if (s.compare(i, 2, "/*") == 0) {
      const size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (s.compare(i, 2, "*/") == 0) {
      i += 2;  // end of an executable comment
    } else if (c == '#' ||
               (s.compare(i, 2, "--") == 0 && (i + 2 >= s.size() || is_space(static_cast<unsigned char>(s[i + 2]))))) {
      const size_t end = s.find('\n', i);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else if (is_word_char(c)) {
      while (i < s.size() && is_word_char(static_cast<unsigned char>(s[i]))) ++i;
      tokens.push_back({SqlToken::kWord, std::string(s.substr(start, i - start)), start, i});
    } else {
      tokens.push_back({SqlToken::kPunct, std::string(1, static_cast<char>(c)), start, start + 1});
      ++i;
    }
  }
  return tokens;
}

}  // namespace omsql
