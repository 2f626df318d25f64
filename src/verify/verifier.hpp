#pragma once
// The verification driver: for each table, read the source in chunks of chunk_rows rows, key
// order, one statement each (hash_next_source_chunk: the chunk's last key is its upper bound);
// while the target hashes chunk i over that range, the source already reads chunk i+1 on a second
// thread. Mismatched ranges are then narrowed down to rows, and the differences collected with
// their repair statements.
// Sequential over tables and ranges; actors/ parallelizes the same calls (hash_chunk per side,
// narrow_range per mismatch) across verifier actors.
#include <functional>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/verify/differ.hpp"
#include "src/verify/report.hpp"

namespace omsql::verify {

// Called as the comparison advances, with the source rows compared since the last call (for
// progress output); may be empty.
using RowsCompared = std::function<void(uint64_t source_rows)>;

// Verifies one table. Both connections must have had prepare_verify_session(). A server error
// ends the table and is returned; differences are not errors.
Result<TableReport> verify_table(Connection& source, Connection& target, const TableJob& job,
                                 const VerifyOptions& options, const NarrowOptions& narrow = {},
                                 const RowsCompared& on_rows = {});

// Called after each table (for progress output); may be empty.
using TableDone = std::function<void(const TableReport&)>;

// Verifies the plan's tables (all of them, or those whose source name is in `only`), one at a
// time, on one connection per side opened from the plan's endpoints. A table that fails is
// reported with its error and the run goes on. When options.repair_file is set, every table's
// repair statements (deletes first, then replaces/inserts) are written there; with
// options.repair_apply they are also executed on the target. Fails only when a server cannot be
// reached or the repair file cannot be written.
Result<VerifyReport> verify_tables(const Plan& plan, const VerifyOptions& options,
                                   const std::vector<QualifiedName>& only = {}, const TableDone& on_table = {});

// The repair statements of a report, in the order they must run: per table, deletes before
// replaces and inserts.
std::vector<std::string> repair_statements(const VerifyReport& report);

}  // namespace omsql::verify
