#pragma once
// Repair statements: SQL that makes the target equal to the source, one statement per difference,
// built from values as the verifier read them (hex literals with a charset introducer for strings,
// exact numeric and temporal text otherwise). The file format is in docs/verification.md.
#include <optional>
#include <string>
#include <vector>

#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/verify/table_spec.hpp"

namespace omsql::verify {

using RowValues = std::vector<std::optional<std::string>>;

// REPLACE INTO target (all compared columns) VALUES (the source row): inserts a missing row or
// overwrites a different one (a collation-equal key on the target is replaced too).
std::string replace_statement(const TableSpec& spec, const RowValues& source_row);
// INSERT INTO target ... VALUES (row), (row), ...: `copies` missing copies of a row of a table
// without a key.
std::string insert_statement(const TableSpec& spec, const RowValues& source_row, uint64_t copies);
// DELETE FROM target WHERE key = ...: removes a row the source does not have.
std::string delete_by_key_statement(const TableSpec& spec, const RowValues& target_row);
// DELETE FROM target WHERE every column is null-safe-equal, byte for byte ... LIMIT copies: removes
// surplus copies of a row of a table without a key.
std::string delete_row_statement(const TableSpec& spec, const RowValues& target_row, uint64_t copies);

// The session settings a repair script starts with (time zone of TIMESTAMP literals, zero
// AUTO_INCREMENT values kept, foreign key checks off while rows are put right).
std::string repair_preamble();

// Writes `statements` (each without its ';') to `path` after the preamble, atomically, mode 0600.
Status write_repair_file(const std::string& path, const std::vector<std::string>& statements);

// Runs repair statements on the target, in order, with the session the repair file sets up
// (NO_AUTO_VALUE_ON_ZERO, foreign_key_checks off while they run). Outside live sync only: during
// sync, repairs go through the apply queue.
Status apply_repair_statements(Connection& target, const std::vector<std::string>& statements);

}  // namespace omsql::verify
