#pragma once
// Internal to the DDL classifier (ddl_parse*.cpp): a cursor over a statement's tokens with the
// few moves a recursive-descent reading of MariaDB DDL needs. A failed read sets `error` (first
// failure wins) and the caller returns; nothing throws, and reads past the end see no token.
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/engine/mysql/binlog/ddl_lexer.hpp"
#include "src/engine/mysql/binlog/ddl_parse.hpp"

namespace omsql::ddl_detail {

class Cursor {
 public:
  Cursor(std::vector<SqlToken> tokens, std::string_view default_database)
      : tokens_(std::move(tokens)), default_database_(default_database) {}

  bool at_end() const { return pos_ >= tokens_.size(); }
  size_t position() const { return pos_; }
  const SqlToken* peek(size_t ahead = 0) const {
    return pos_ + ahead < tokens_.size() ? &tokens_[pos_ + ahead] : nullptr;
  }
  void advance(size_t n = 1) { pos_ = std::min(tokens_.size(), pos_ + n); }

  // A bare (unquoted) word equal to `word` at `ahead`: keywords are never quoted.
  bool is_keyword(std::string_view word, size_t ahead = 0) const {
    const SqlToken* t = peek(ahead);
    return t && t->kind == SqlToken::kWord && same_name(t->text, word);
  }
  bool is_punct(char c, size_t ahead = 0) const {
    const SqlToken* t = peek(ahead);
    return t && t->kind == SqlToken::kPunct && t->text[0] == c;
  }
  bool accept(std::string_view word) {
    if (!is_keyword(word)) return false;
    advance();
    return true;
  }
  // All of `words` in order, or nothing consumed.
  bool accept_all(std::initializer_list<std::string_view> words) {
    size_t k = 0;
    for (std::string_view w : words)
      if (!is_keyword(w, k++)) return false;
    advance(words.size());
    return true;
  }
  bool accept_punct(char c) {
    if (!is_punct(c)) return false;
    advance();
    return true;
  }
  bool accept_if_exists() { return accept_all({"IF", "EXISTS"}); }
  bool accept_if_not_exists() { return accept_all({"IF", "NOT", "EXISTS"}); }

  // A token that can be a name here: a bare word, a `quoted` name, or a "double-quoted" one (only
  // valid in a name's place under ANSI_QUOTES).
  bool is_name(size_t ahead = 0) const {
    const SqlToken* t = peek(ahead);
    return t && (t->kind == SqlToken::kWord || t->kind == SqlToken::kQuotedName || t->kind == SqlToken::kDoubleQuoted);
  }
  std::optional<std::string> name(std::string_view what) {
    if (!is_name()) {
      fail("expected " + std::string(what));
      return std::nullopt;
    }
    std::string text = peek()->text;
    advance();
    return text;
  }
  // [database.]name; an unqualified name takes the default database.
  std::optional<QualifiedName> qualified(std::string_view what) {
    auto first = name(what);
    if (!first) return std::nullopt;
    if (is_punct('.')) {
      if (!is_name(1)) {
        advance();
        fail("expected a name after '.'");
        return std::nullopt;
      }
      advance();
      std::string second = peek()->text;
      advance();
      return QualifiedName{*first, second};
    }
    return QualifiedName{std::string(default_database_), *first};
  }
  // One token, or a whole parenthesised group.
  void skip_one() {
    if (!accept_punct('(')) {
      advance();
      return;
    }
    int depth = 1;
    while (!at_end() && depth > 0) {
      if (is_punct('(')) ++depth;
      else if (is_punct(')')) --depth;
      advance();
    }
  }
  // `WAIT n` / `NOWAIT` (MariaDB's lock wait clause after a table name).
  void skip_wait() {
    if (accept("NOWAIT")) return;
    if (is_keyword("WAIT")) advance(2);
  }
  // DEFINER = user (CURRENT_USER[()], CURRENT_ROLE, name[@host]); returns the account text.
  std::string account() {
    std::string text;
    if (accept("CURRENT_USER") || accept("CURRENT_ROLE")) {
      if (is_punct('(') && is_punct(')', 1)) advance(2);
      return "CURRENT_USER";
    }
    if (at_end()) return text;
    text = peek()->text;
    advance();
    if (accept_punct('@') && !at_end()) {
      text += "@" + peek()->text;
      advance();
      while (is_punct('.') && peek(1) && peek(1)->kind == SqlToken::kWord) {  // @10.0.0.1
        text += "." + peek(1)->text;
        advance(2);
      }
    }
    return text;
  }

  void fail(std::string message) {
    if (!error_.empty()) return;
    const SqlToken* t = peek();
    error_ = message + (t ? " at offset " + std::to_string(t->offset) + " ('" + t->text + "')" : " at the end");
  }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  std::string_view default_database() const { return default_database_; }

 private:
  std::vector<SqlToken> tokens_;
  size_t pos_ = 0;
  std::string default_database_;
  std::string error_;
};

// ALTER TABLE's clause list, from just after the table name (and WAIT) to the end: appends to
// `out->alter` and `out->objects` (the table itself is already there). ddl_parse_alter.cpp.
void parse_alter_list(Cursor& c, const QualifiedName& table, ClassifiedStatement* out);

}  // namespace omsql::ddl_detail
