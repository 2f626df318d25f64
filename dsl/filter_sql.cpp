#include "dsl/filter_sql.hpp"

#include <array>
#include <cctype>

namespace omsql::dsl {
namespace {

struct Token {
  enum Kind { kName, kQuotedName, kString, kNumber, kVariable, kPunct } kind;
  size_t begin = 0, end = 0;  // byte range in the condition
  std::string text;           // names unquoted; other kinds as written
};

bool name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Past the quoted text that starts at `at` (quote char included); a backslash escapes in strings.
size_t skip_quoted(std::string_view text, size_t at, std::string* inner) {
  const char quote = text[at++];
  while (at < text.size()) {
    char c = text[at];
    if (c == '\\' && quote != '`' && at + 1 < text.size()) {
      *inner += text.substr(at, 2);
      at += 2;
      continue;
    }
    ++at;
    if (c == quote) {
      if (at < text.size() && text[at] == quote) {
        *inner += quote;
        ++at;
        continue;
      }
      return at;
    }
    *inner += c;
  }
  return at;
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t at = 0;
  while (at < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[at]);
    if (std::isspace(c)) {
      ++at;
      continue;
    }
    Token token{Token::kPunct, at, at + 1, std::string(1, static_cast<char>(c))};
    if (c == '\'' || c == '"' || c == '`') {
      token.kind = c == '`' ? Token::kQuotedName : Token::kString;
      token.text.clear();
      token.end = skip_quoted(text, at, &token.text);
    } else if (c == '@') {
      size_t end = at + 1;
      if (end < text.size() && text[end] == '@') ++end;
      if (end < text.size() && (text[end] == '\'' || text[end] == '"' || text[end] == '`')) {
        std::string ignored;
        end = skip_quoted(text, end, &ignored);
      } else {
        while (end < text.size() && (name_char(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
      }
      token.kind = Token::kVariable;
      token.end = end;
      token.text = std::string(text.substr(at, end - at));
    } else if (std::isdigit(c) || (c == '.' && at + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[at + 1])))) {
      size_t end = at;
      while (end < text.size()) {
        char d = text[end];
        bool exponent_sign = (d == '+' || d == '-') && end > at && (text[end - 1] == 'e' || text[end - 1] == 'E') &&
                             !(text[at] == '0' && at + 1 < text.size() && (text[at + 1] == 'x' || text[at + 1] == 'X'));
        if (!name_char(static_cast<unsigned char>(d)) && d != '.' && !exponent_sign) break;
        ++end;
      }
      token.kind = Token::kNumber;
      token.end = end;
      token.text = std::string(text.substr(at, end - at));
    } else if (name_char(c)) {
      size_t end = at;
      while (end < text.size() && name_char(static_cast<unsigned char>(text[end]))) ++end;
      token.kind = Token::kName;
      token.end = end;
      token.text = std::string(text.substr(at, end - at));
      // _utf8mb4'..', X'..', B'..', N'..': a literal's introducer, not a name.
      if (end < text.size() && text[end] == '\'') {
        std::string word = upper(token.text);
        if (word[0] == '_' || word == "X" || word == "B" || word == "N") {
          at = end;
          continue;
        }
      }
    }
    at = token.end;
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// Functions whose value depends on when, where or in which session they run.
constexpr std::array<std::string_view, 43> kContextFunctions = {
    "NOW", "SYSDATE", "CURDATE", "CURTIME", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME",
    "LOCALTIMESTAMP", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "RAND", "UUID", "UUID_SHORT", "SYS_GUID",
    "RANDOM_BYTES", "CONNECTION_ID", "CURRENT_USER", "CURRENT_ROLE", "USER", "SESSION_USER", "SYSTEM_USER",
    "DATABASE", "SCHEMA", "LAST_INSERT_ID", "ROW_COUNT", "FOUND_ROWS", "VERSION", "SLEEP", "BENCHMARK", "GET_LOCK",
    "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "IS_FREE_LOCK", "IS_USED_LOCK", "MASTER_POS_WAIT", "MASTER_GTID_WAIT",
    "NEXTVAL", "LASTVAL", "SETVAL", "LOAD_FILE", "ROWNUM"};
// The ones SQL also accepts without parentheses.
constexpr std::array<std::string_view, 10> kContextKeywords = {
    "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
    "UTC_DATE",     "UTC_TIME",     "UTC_TIMESTAMP",     "CURRENT_USER", "CURRENT_ROLE"};

// Reserved words that end a WHERE condition: what follows them is another part of a query.
constexpr std::array<std::string_view, 10> kQueryClauseWords = {
    "UNION", "EXCEPT", "INTERSECT", "ORDER", "GROUP", "HAVING", "LIMIT", "INTO", "PROCEDURE", "LOCK"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& list, const std::string& word) {
  for (auto item : list)
    if (item == word) return true;
  return false;
}

const char* const kContextWhy =
    "its value depends on when, where or in which session it runs, and the copy evaluates the filter on "
    "the source while replay evaluates it on the target, later";

}  // namespace

FilterAnalysis analyze_filter(std::string_view condition) {
  FilterAnalysis out;
  const std::vector<Token> tokens = tokenize(condition);
  auto is_name = [&](size_t i) {
    return i < tokens.size() && (tokens[i].kind == Token::kName || tokens[i].kind == Token::kQuotedName);
  };
  auto is_punct = [&](size_t i, char c) {
    return i < tokens.size() && tokens[i].kind == Token::kPunct && tokens[i].text[0] == c;
  };
  auto problem = [&](size_t i, std::string what, std::string why) {
    if (!out.problem) out.problem = FilterProblem{tokens[i].begin, std::move(what), std::move(why)};
  };
  int depth = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (is_punct(i, '(')) ++depth;
    if (is_punct(i, ')')) --depth;
    if (depth == 0 && token.kind == Token::kName && !out.not_a_condition &&
        contains(kQueryClauseWords, upper(token.text)))
      out.not_a_condition = FilterProblem{token.begin, upper(token.text), ""};
    if (token.kind == Token::kVariable) {
      bool system = token.text.rfind("@@", 0) == 0;
      problem(i, std::string(system ? "the system variable " : "the user variable ") + token.text,
              system ? "each server and session has its own value, and the copy reads the source while replay "
                       "runs on the target"
                     : "a user variable belongs to one session, and neither the copy's nor the replay's "
                       "session has it");
      continue;
    }
    if (!is_name(i)) continue;
    const bool bare = token.kind == Token::kName;
    const std::string word = bare ? upper(token.text) : std::string();
    if (bare && word == "SELECT") {
      problem(i, "a subquery (SELECT ...)",
              "it reads other tables (on the source during the copy, on the target during replay), and their "
              "changes never pass through this table's row events");
      continue;
    }
    if (bare && (word == "NEXT" || word == "PREVIOUS") && i + 1 < tokens.size() && tokens[i + 1].kind == Token::kName &&
        upper(tokens[i + 1].text) == "VALUE") {
      problem(i, word + " VALUE FOR (a sequence)", kContextWhy);
      continue;
    }
    // a.b or a.b.c: another table's column, or a stored function of a database.
    if (is_punct(i + 1, '.') && is_name(i + 2) && !(i > 0 && is_punct(i - 1, '.'))) {
      size_t last = i + 2;
      while (is_punct(last + 1, '.') && is_name(last + 2)) last += 2;
      std::string text(condition.substr(token.begin, tokens[last].end - token.begin));
      if (is_punct(last + 1, '('))
        problem(i, "the stored function " + text + "()",
                "it is defined on the source only, and replay evaluates the filter on the target");
      else
        problem(i, "the qualified name " + text,
                "replay evaluates the condition over the changed row alone, where columns go by their bare names "
                "and no other table is in scope");
      i = last;
      continue;
    }
    if (is_punct(i + 1, '(')) {
      // UNIX_TIMESTAMP() is the current time; UNIX_TIMESTAMP(column) is not.
      if (bare && (contains(kContextFunctions, word) || (word == "UNIX_TIMESTAMP" && is_punct(i + 2, ')'))))
        problem(i, token.text + "()", kContextWhy);
      continue;
    }
    if (bare && contains(kContextKeywords, word)) {
      problem(i, token.text, kContextWhy);
      continue;
    }
    out.names.push_back(token.text);
  }
  return out;
}

}  // namespace omsql::dsl
