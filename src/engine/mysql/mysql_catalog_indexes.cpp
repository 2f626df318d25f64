#include "src/engine/mysql/mysql_catalog_indexes.hpp"

#include <cctype>
#include <vector>

namespace omsql {
namespace {

struct Token {
  enum Kind { kWord, kName, kString, kPunct } kind;
  std::string text;  // a word as written, a name unquoted, a punctuation character
};

bool word_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

// Tokens of the statement; version-comment markers (/*!80023, /*M!100100, their */) are skipped
// so what they hold reads as code, other comments are dropped. Quotes: doubled quote characters,
// and backslash escapes in strings.
std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  int open_version_comments = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (s.substr(i, 3) == "/*!" || s.substr(i, 4) == "/*M!") {
      i += s[i + 2] == '!' ? 3 : 4;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      ++open_version_comments;
    } else if (s.substr(i, 2) == "*/" && open_version_comments > 0) {
      i += 2;
      --open_version_comments;
    } else if (s.substr(i, 2) == "/*") {
      size_t close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? s.size() : close + 2;
    } else if (c == '`' || c == '\'' || c == '"') {
      std::string text;
      size_t j = i + 1;
      while (j < s.size()) {
        if (c != '`' && s[j] == '\\' && j + 1 < s.size()) {
          text += s.substr(j, 2);
          j += 2;
        } else if (s[j] == c) {
          if (j + 1 < s.size() && s[j + 1] == c) {
            text += c;
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          text += s[j++];
        }
      }
      out.push_back({c == '`' ? Token::kName : Token::kString, std::move(text)});
      i = j;
    } else if (word_char(c)) {
      size_t j = i;
      while (j < s.size() && word_char(s[j])) ++j;
      out.push_back({Token::kWord, std::string(s.substr(i, j - i))});
      i = j;
    } else {
      out.push_back({Token::kPunct, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

bool is_word(const Token& t, std::string_view word) {
  if (t.kind != Token::kWord || t.text.size() != word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(t.text[i])) != word[i]) return false;
  return true;
}

bool is_punct(const Token& t, char c) { return t.kind == Token::kPunct && t.text[0] == c; }

// One definition of the CREATE TABLE body, tokens [begin, end): adds it when it is an index.
void read_definition(const std::vector<Token>& t, size_t begin, size_t end, std::map<std::string, std::string>* out) {
  size_t i = begin;
  if (i >= end) return;
  std::string name;
  if (is_word(t[i], "PRIMARY")) {
    name = "PRIMARY";
    ++i;
    if (i < end && is_word(t[i], "KEY")) ++i;
  } else {
    if (is_word(t[i], "UNIQUE") || is_word(t[i], "FULLTEXT") || is_word(t[i], "SPATIAL")) {
      ++i;
      if (i < end && (is_word(t[i], "KEY") || is_word(t[i], "INDEX"))) ++i;
    } else if (is_word(t[i], "KEY") || is_word(t[i], "INDEX")) {
      ++i;
    } else {
      return;  // a column (its name is quoted), CONSTRAINT ... FOREIGN KEY / CHECK, PERIOD FOR ...
    }
    if (i >= end || (t[i].kind != Token::kName && t[i].kind != Token::kWord) || is_word(t[i], "USING")) return;
    name = t[i++].text;
  }
  // USING may stand before the part list (MySQL accepts it there) or after it; a COMMENT's text is
  // a string token, so a 'USING HASH' inside it is never read as the clause.
  std::string algorithm;
  int depth = 0;
  for (; i < end; ++i) {
    if (is_punct(t[i], '(')) ++depth;
    else if (is_punct(t[i], ')')) --depth;
    else if (depth == 0 && is_word(t[i], "USING") && i + 1 < end && t[i + 1].kind == Token::kWord) {
      for (const char* known : {"BTREE", "HASH", "RTREE"})
        if (is_word(t[i + 1], known)) algorithm = known;
      if (algorithm.empty()) return;  // an algorithm this reader does not know: leave the index out
    }
  }
  (*out)[name] = algorithm;
}

}  // namespace

std::map<std::string, std::string> index_algorithms(std::string_view show_create_table) {
  std::map<std::string, std::string> out;
  std::vector<Token> t = lex(show_create_table);
  // CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name ( body ) options: the body is the first
  // parenthesis, since a table name is a single (possibly qualified) quoted or bare name.
  size_t i = 0;
  while (i < t.size() && !is_punct(t[i], '(')) ++i;
  if (i == t.size()) return out;
  size_t begin = ++i;
  int depth = 0;
  for (; i < t.size(); ++i) {
    if (is_punct(t[i], '(')) {
      ++depth;
    } else if (is_punct(t[i], ')')) {
      if (depth == 0) break;
      --depth;
    } else if (depth == 0 && is_punct(t[i], ',')) {
      read_definition(t, begin, i, &out);
      begin = i + 1;
    }
  }
  if (i == t.size()) return {};  // no closing parenthesis: not a statement this reader knows
  read_definition(t, begin, i, &out);
  return out;
}

}  // namespace omsql
