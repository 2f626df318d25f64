#pragma once
// What a FILTER condition refers to, read with a SQL tokenizer (not a parser; no server).
//
// The full copy evaluates a FILTER on the source (`SELECT ... WHERE cond`); incremental replay
// evaluates it on the target over one literal row image (`SELECT ... FROM (SELECT <literals> AS
// <columns>) AS omsql_rows WHERE cond`). The two agree only when the condition is decided by the
// row alone. analyze_filter finds the first part that is not: a subquery or another table's column,
// a function whose value depends on when or where it runs (NOW(), RAND(), USER(), sequences, ...),
// a user or system variable.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omsql::dsl {

struct FilterProblem {
  size_t index = 0;     // byte index in the condition text where the offending part starts
  std::string what;     // "a subquery (SELECT ...)", "NOW()", "the user variable @x", ...
  std::string why;      // why replay cannot evaluate it on a row image
};

struct FilterAnalysis {
  // Every bare or back-quoted name that is not a function call, as written (unquoted): the columns
  // the condition may read. Over-inclusive by design (keywords such as DAY appear too).
  std::vector<std::string> names;
  std::optional<FilterProblem> problem;  // the first part not decided by the row alone
  // A word outside parentheses that ends a condition and starts another part of a query (UNION,
  // ORDER BY, LIMIT, INTO, ...): the condition is pasted into `SELECT ... WHERE (cond)` and into
  // replay's statements, where such text would fail or, unparenthesized, change the statement.
  std::optional<FilterProblem> not_a_condition;
};

FilterAnalysis analyze_filter(std::string_view condition);

}  // namespace omsql::dsl
