#pragma once
// How each column of a TableJob crosses from source to target: the expression the source selects
// (exact text for every type), how the value is encoded, and what the target does with it. Also the
// SQL for key ranges: key expressions and literals that compare on the server exactly as the key
// index orders (collation-aware for strings). Shared by the chunk planner, cursor and writer.
#include <string>
#include <string_view>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/copy/types.hpp"

namespace omsql::copy {

// How a value's text is carried in a batch.
enum class ValueKind : uint8_t {
  kNumber,    // decimal text, never needs escaping or quoting (integers, DECIMAL, DOUBLE, BIT as integer, YEAR)
  kText,      // plain ASCII text (DATE/TIME/DATETIME/TIMESTAMP, UUID, INET): quoted in INSERT, never escaped
  kBytes,     // any other bytes (strings, BLOBs, ENUM/SET/JSON text, spatial): escaped
};

struct CopyColumn {
  std::string source_name;
  std::string target_name;
  std::string select_expression;  // on the source, e.g. `f` or CAST(`f` AS DOUBLE)
  ValueKind kind = ValueKind::kBytes;
  // When LOAD DATA cannot store the field as it is, it goes into a user variable and the target
  // stores this expression of it ("@" stands for the variable). BIT: the source sends the integer
  // (`b` + 0) and the target stores CAST(@ AS UNSIGNED) (LOAD DATA would store the digits' bytes).
  // UUID/INET: CHARACTER SET binary would make the text look like the 16-byte binary form, so the
  // target converts it to text first. Text whose target charset may differ (a CAST, a dialect
  // rule for ucs2/utf16/utf32): CAST(@ AS CHAR CHARACTER SET <source charset>), so the target
  // server converts the bytes into the column's charset as it stores them.
  std::string load_expression;
  // The INSERT format's counterpart: the source charset ("ucs2") of such a text column, written as the
  // literal's introducer (_ucs2 X'..') so the target converts the bytes; empty for every other column.
  std::string insert_charset;
};

// The copied columns of `job` in source ordinal order: generated columns are skipped (the target
// recomputes them). Fails when a mapped column is missing from the source definition.
Result<std::vector<CopyColumn>> copy_columns(const TableJob& job);

// True for types whose text is a plain decimal number (integers, DECIMAL, FLOAT/DOUBLE, BIT, YEAR).
bool is_numeric_type(std::string_view data_type);

// A key column as the planner and cursor see it.
struct KeyColumn {
  std::string quoted_name;        // `id`
  std::string select_expression;  // what the planner reads as the bound (exact, comparable)
  // What a bound is compared with (the column, or `e` + 0 for ENUM/SET) and how its literals are
  // written: numbers as they are, temporals quoted, strings as _charset X'..' COLLATE collation.
  sql::KeyPart part;
  const ColumnDef* def = nullptr;
};
Result<std::vector<KeyColumn>> key_columns(const TableJob& job);
// The parts of `key` for the SQL builder (src/sql/key_range.hpp).
std::vector<sql::KeyPart> key_parts(const std::vector<KeyColumn>& key);

}  // namespace omsql::copy
