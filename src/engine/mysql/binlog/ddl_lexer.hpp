#pragma once
// Splits one SQL statement as MariaDB logs it in a QUERY event into tokens, for the DDL classifier
// (ddl_parse) and the name scan (ddl_scan). Comments are dropped (`-- `, `#`, `/* */`), but the
// content of executable comments (`/*!NNNNN ... */`, `/*M!NNNNNN ... */`) is code: the server ran
// it, whatever the version number says. Never throws; unterminated quotes or comments end at the
// end of the text.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace omsql {

struct SqlToken {
  enum Kind {
    kWord,          // bare word: keyword or unquoted identifier (letters, digits, _, $, non-ASCII)
    kQuotedName,    // `back-quoted` identifier, doubled back-quotes undone
    kDoubleQuoted,  // "text": an identifier under ANSI_QUOTES, a string otherwise (sql_mode unknown)
    kString,        // 'text' (escapes and doubled quotes undone only roughly: never used as a name)
    kPunct,         // one character: . , ( ) ; = @ and any other symbol
  } kind;
  std::string text;  // the word, the unquoted name, the string's raw content, or the character
  size_t offset = 0;  // byte offset in the statement, for messages
  size_t end = 0;     // byte offset just after the token as written (its closing quote included)
};

std::vector<SqlToken> lex_sql(std::string_view statement);

// ASCII case-insensitive equality (keywords, and names: the source may run with
// lower_case_table_names=0, but a false "same" only stops the link, while a false "different"
// would let the target drift).
bool same_name(std::string_view a, std::string_view b);

}  // namespace omsql
