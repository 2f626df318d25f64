#include "src/engine/mysql/binlog/ddl_scan.hpp"

#include "src/engine/mysql/binlog/ddl_lexer.hpp"

#include <string>
#include <vector>

namespace omsql {

namespace {

struct Token {
  enum Kind { kWord, kDot, kOther } kind;
  std::string text;  // identifiers unquoted
  bool quoted = false;
};

// The shared lexer's tokens, seen as this scan always saw them: a "double-quoted" token is a
// string (under ANSI_QUOTES it would be a name, but counting it as one would turn harmless
// statement DML such as `SET note = "orders"` into a stop that forces a re-copy).
std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  for (auto& t : lex_sql(s)) {
    switch (t.kind) {
      case SqlToken::kWord: tokens.push_back({Token::kWord, std::move(t.text)}); break;
      case SqlToken::kQuotedName: tokens.push_back({Token::kWord, std::move(t.text), true}); break;
      case SqlToken::kString:
      case SqlToken::kDoubleQuoted: tokens.push_back({Token::kOther, "'"}); break;
      case SqlToken::kPunct: tokens.push_back({t.text == "." ? Token::kDot : Token::kOther, std::move(t.text)}); break;
    }
  }
  return tokens;
}

bool keyword(const Token& t, std::string_view word) { return t.kind == Token::kWord && !t.quoted && same_name(t.text, word); }

// Statements that change neither a table's rows nor its definition: table maintenance
// (statistics, defragmenting, checks), accounts and privileges, caches. The binlog carries them
// for replicas; the target does not need them.
bool changes_no_table(const std::vector<Token>& tokens) {
  if (tokens.empty()) return false;
  const Token& verb = tokens.front();
  for (const char* word : {"ANALYZE", "OPTIMIZE", "REPAIR", "CHECK", "CHECKSUM", "FLUSH", "GRANT", "REVOKE"})
    if (keyword(verb, word)) return true;
  if (keyword(verb, "SET") && tokens.size() > 1 && keyword(tokens[1], "PASSWORD")) return true;
  // CREATE | ALTER | DROP | RENAME USER, CREATE | DROP ROLE [IF [NOT] EXISTS] ...
  if (keyword(verb, "CREATE") || keyword(verb, "ALTER") || keyword(verb, "DROP") || keyword(verb, "RENAME")) {
    size_t j = 1;
    if (j + 1 < tokens.size() && keyword(tokens[j], "OR") && keyword(tokens[j + 1], "REPLACE")) j += 2;
    if (j < tokens.size() && (keyword(tokens[j], "USER") || keyword(tokens[j], "ROLE"))) return true;
  }
  return false;
}

// CREATE [OR REPLACE] [TEMPORARY] TABLE [IF NOT EXISTS] name ...: the index just past the
// created table's name (0 when the statement is not a CREATE TABLE). Only that table is created
// or replaced; the tables named after it (LIKE t, AS SELECT ... FROM t, a foreign key's
// REFERENCES t) are read, not changed.
size_t created_table_end(const std::vector<Token>& tokens, const Token** schema, const Token** name) {
  size_t j = 0;
  if (j >= tokens.size() || !keyword(tokens[j], "CREATE")) return 0;
  ++j;
  if (j + 1 < tokens.size() && keyword(tokens[j], "OR") && keyword(tokens[j + 1], "REPLACE")) j += 2;
  if (j < tokens.size() && keyword(tokens[j], "TEMPORARY")) ++j;
  if (j >= tokens.size() || !keyword(tokens[j], "TABLE")) return 0;
  ++j;
  if (j + 2 < tokens.size() && keyword(tokens[j], "IF") && keyword(tokens[j + 1], "NOT") &&
      keyword(tokens[j + 2], "EXISTS"))
    j += 3;
  if (j >= tokens.size() || tokens[j].kind != Token::kWord) return 0;
  *schema = nullptr;
  *name = &tokens[j];
  if (j + 2 < tokens.size() && tokens[j + 1].kind == Token::kDot && tokens[j + 2].kind == Token::kWord) {
    *schema = &tokens[j];
    *name = &tokens[j + 2];
    j += 2;
  }
  return j + 1;
}

}  // namespace

bool ddl_touches_table(std::string_view statement, std::string_view default_schema, const QualifiedName& table) {
  const std::vector<Token> tokens = tokenize(statement);
  if (changes_no_table(tokens)) return false;
  const Token* created_schema = nullptr;
  const Token* created = nullptr;
  if (created_table_end(tokens, &created_schema, &created) != 0)
    return same_name(created->text, table.table) &&
           same_name(created_schema ? std::string_view(created_schema->text) : default_schema, table.schema);
  // CREATE/ALTER/DROP DATABASE|SCHEMA [IF [NOT] EXISTS] name
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!(keyword(tokens[i], "DATABASE") || keyword(tokens[i], "SCHEMA"))) continue;
    size_t j = i + 1;
    while (j < tokens.size() && (keyword(tokens[j], "IF") || keyword(tokens[j], "NOT") || keyword(tokens[j], "EXISTS"))) ++j;
    if (j < tokens.size() && tokens[j].kind == Token::kWord && same_name(tokens[j].text, table.schema)) return true;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind != Token::kWord || !same_name(tokens[i].text, table.table)) continue;
    const bool qualified = i >= 2 && tokens[i - 1].kind == Token::kDot && tokens[i - 2].kind == Token::kWord;
    if (qualified) {
      if (same_name(tokens[i - 2].text, table.schema)) return true;  // schema.table[.column]
      continue;  // another schema's table, or a column named like the table
    }
    if (same_name(default_schema, table.schema)) return true;
  }
  return false;
}

bool is_statement_dml(std::string_view statement) {
  const std::vector<Token> tokens = tokenize(statement);
  if (tokens.empty()) return false;
  for (const char* verb : {"INSERT", "REPLACE", "UPDATE", "DELETE", "LOAD"})
    if (keyword(tokens.front(), verb)) return true;
  return false;
}

}  // namespace omsql
