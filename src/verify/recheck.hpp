#pragma once
// Re-checking differences during live sync. While the incremental link applies the source's
// binlog to the target a little behind the source, a check sees rows whose change is in flight:
// written on the source, not yet applied on the target. Re-reading just those rows on both sides
// a moment later clears them (the applier has caught up, or both sides moved on together) and
// keeps the differences that hold. Reading only the listed keys, in batched point lookups, makes
// a re-check cost the differences, not the table, so a write load never makes it chase new rows.
#include <chrono>
#include <functional>
#include <vector>

#include "dsl/plan.hpp"
#include "src/binlog/position.hpp"
#include "src/common/status.hpp"
#include "src/mysql/connection.hpp"
#include "src/verify/differ.hpp"
#include "src/verify/report.hpp"
#include "src/verify/table_spec.hpp"

namespace omsql::verify {

// Keys per lookup statement in recheck_rows (each side; the source side on a second thread).
inline constexpr size_t kRecheckKeysPerStatement = 1000;

// Reads the rows of `differences` again on both sides, by key (RowDifference::key_values), and
// returns the differences that still hold, classified afresh (a row may now be missing, extra,
// different with other columns, or equal: then it is dropped), with fresh repair statements built
// from the values just read. Differences are looked up in batches of kRecheckKeysPerStatement keys,
// one statement per batch and side. Both connections must have had prepare_verify_session().
// Tables compared as a multiset (no key: !spec.keyed()) are not re-checked by row: their
// differences are returned unchanged, as is any difference without key_values.
Result<std::vector<RowDifference>> recheck_rows(Connection& source, Connection& target, const TableSpec& spec,
                                                const std::vector<RowDifference>& differences);

// Re-checks the differences of `first` (a verify_table report of `job`) up to `attempts` times,
// sleeping `delay` before each re-check (on the calling thread) and stopping as soon as none
// remain. The result is `first` with missing/extra/different and differences as the last re-check
// found them, rechecks = re-checks run, cleared_by_recheck = first's difference count minus the
// final one, and seconds including the re-checks. Returned as is, without waiting: a report with
// no differences or with an error, a table without a key, attempts <= 0. A server error is returned.
Result<TableReport> recheck_table(Connection& source, Connection& target, const TableJob& job, const TableReport& first,
                                  int attempts, std::chrono::milliseconds delay);

// Blocks until the target has applied the source's binlog up to a position (the incremental
// link's checkpoint), or fails (e.g. after a time limit).
using WaitForApplied = std::function<Status(const BinlogPosition& source_position)>;

// A re-check that rows in flight cannot fool, for a live link. Each round reads the differing rows
// on the source (S1), takes the source position P, waits until the target has applied P, then
// reads the rows on the target (T) and on the source again (S2). A row that held still (S1 == S2)
// is compared: a difference now is real, because the target has applied every change up to P and
// the row did not change after it. A row that changed in between is looked at again in the next
// round; one that changes through all `rounds` is counted in `unsettled`, not as a difference.
Result<TableReport> recheck_settled(Connection& source, Connection& target, const TableJob& job,
                                    const TableReport& first, int rounds, const WaitForApplied& wait_for_applied);

}  // namespace omsql::verify
