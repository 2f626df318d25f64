#pragma once
// The .omsql grammar (Boost.Spirit X3, dsl/grammar.cpp): script text in, parse tree out. Knows
// nothing of meaning: option names, dialects, pattern shapes are judged by the checker.
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"

namespace omsql::dsl {

struct SyntaxError {
  int offset = 0;       // byte offset in the script where the problem is
  std::string message;  // "expected ';' after MIGRATE statement"
};

struct ParsedScript {
  std::vector<ast::Statement> statements;  // the statements that parsed, in script order
  std::vector<SyntaxError> errors;         // at most one per statement: parsing resumes after the next ';'
};

// Parses every statement of `text`. Never throws on bad input.
ParsedScript parse_script(std::string_view text);

}  // namespace omsql::dsl
