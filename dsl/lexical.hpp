#pragma once
// Byte-level problems of a script that the grammar cannot name well: a NUL byte, UTF-16, a
// bidirectional control character, a block comment that never closes; and better words for a
// syntax error that lands on a non-ASCII character or on a space beside a pattern's dot.
// Internal to dsl/ (parse_script calls it); docs/language.md, "Lexical rules", lists the messages.
#include <string>
#include <string_view>
#include <vector>

#include "dsl/grammar.hpp"

namespace omsql::dsl {

struct ByteScan {
  std::vector<SyntaxError> errors;  // in text order
  // The text cannot be parsed meaningfully (binary, UTF-16, a bidi control): report only `errors`.
  bool stop = false;
};

// Looks at the raw script bytes (after a UTF-8 byte order mark was dropped by compile_script).
ByteScan scan_bytes(std::string_view text);

// `message` ("expected ...") of a syntax error at byte `offset`, with what the user most likely
// did wrong when that is visible at the place: a non-ASCII character in a bare name (back-quote
// it), a look-alike of an ASCII character (typographic quotes, a no-break space), spaces around
// the dot of a pattern. Returns `message` unchanged otherwise.
std::string refine_syntax_error(std::string_view text, int offset, std::string message);

}  // namespace omsql::dsl
