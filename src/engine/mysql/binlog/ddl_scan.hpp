#pragma once
// Does a statement seen in the binlog name a given table? The fallback of the DDL decision
// (ddl_decision.hpp) for what the classifier cannot vouch for: statements it does not
// understand, and DML logged as a statement. A tokenizer (ddl_lexer), not a parser: it knows
// back-quoted and dotted names, string literals and comments (MariaDB's executable /*! ... */
// comments count as code), and errs on the side of "yes": names compare case-insensitively, so a
// false alarm stops the task with a message, while a missed statement would let the target drift
// silently.
#include <string_view>

#include "src/catalog/table_def.hpp"

namespace omsql {

// True when `statement` (run with `default_schema` as the current database) names `table`
// (qualified, or unqualified while its schema is the default), or drops/alters/creates the
// table's whole database. Never for statements that change no table's rows or definition
// (ANALYZE/OPTIMIZE/REPAIR/CHECK TABLE, FLUSH, GRANT/REVOKE, accounts and roles); a CREATE TABLE
// touches only the table it creates (not the one it copies with LIKE or reads with SELECT).
bool ddl_touches_table(std::string_view statement, std::string_view default_schema, const QualifiedName& table);

// True when `statement` changes rows (INSERT, REPLACE, UPDATE, DELETE, LOAD DATA): a session wrote it
// with binlog_format=STATEMENT or MIXED, so the binlog holds SQL text instead of row images, and
// replaying the text on the target would not give the source's rows.
bool is_statement_dml(std::string_view statement);

}  // namespace omsql
