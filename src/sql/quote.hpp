#pragma once
// SQL text building that is correct whatever the session's sql_mode: identifiers are back-quoted
// with embedded back-quotes doubled; byte strings become hex literals (X'...'), which need no
// escaping and carry binary bytes exactly.
#include <string>
#include <string_view>
#include <vector>

#include "src/catalog/table_def.hpp"

namespace omsql::sql {

// `name` with ` doubled: quote_identifier("a`b") == "`a``b`".
std::string quote_identifier(std::string_view name);
// `schema`.`table`
std::string quote_name(const QualifiedName& name);
// `a`, `b`, `c`
std::string quote_identifier_list(const std::vector<std::string>& names);
// X'68656c6c6f' ('' for the empty string, which X'' also denotes)
std::string hex_literal(std::string_view bytes);
// 'it''s' : a text literal with quotes doubled and backslashes doubled (safe with and without
// NO_BACKSLASH_ESCAPES only when it contains no backslash; prefer hex_literal for data).
std::string text_literal(std::string_view text);

// What an error message may show of a statement: its text up to the first value (a quoted or
// hex literal, or whatever follows VALUES, WHERE, SET or an inner SELECT), at most 200
// characters, with "..." where it was cut. Row images never reach a message this way:
// `REPLACE INTO `d`.`t` (`id`, `v`) VALUES (1, X'..')` shows as `REPLACE INTO `d`.`t` (`id`, `v`) ...`.
std::string statement_for_message(std::string_view sql);

}  // namespace omsql::sql
