#pragma once
// What information_schema cannot tell about a table's indexes, read from SHOW CREATE TABLE: the
// USING clause the source wrote. STATISTICS.INDEX_TYPE says BTREE for an InnoDB index written
// `USING HASH` (InnoDB builds a B-tree and keeps the clause) and HASH for a MEMORY index written
// with no clause at all, so rendering from INDEX_TYPE would both lose a clause and add one.
//
// Pure and exception-free: an index definition the reader does not understand is left out of the
// answer (the caller then falls back to INDEX_TYPE for it), never an abort.
#include <map>
#include <string>
#include <string_view>

namespace omsql {

// Index name ("PRIMARY" for the primary key) -> the algorithm of its USING clause, upper-case
// ("BTREE", "HASH", "RTREE"), or "" when the definition has no USING clause; for every index
// definition in the CREATE TABLE text (MariaDB's or MySQL's, version comments allowed).
std::map<std::string, std::string> index_algorithms(std::string_view show_create_table);

}  // namespace omsql
