#pragma once
// Re-checking differences during live sync. While the incremental link applies the source's
// binlog to the target a little behind the source, a check sees rows whose change is in flight:
// written on the source, not yet applied on the target. Re-reading just those rows on both sides
// once the link has applied the source position they were read at settles them: proven equal, or
// a real difference. Reading only the listed keys, in batched point lookups, makes a re-check cost
// the differences, not the table, so a write load never makes it chase new rows.
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/model/source_position.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/verify/chunk_hash.hpp"
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

// Rounds of one table's settled re-check at most: a row the source writes continuously is never
// seen still, and is given up on (unsettled) after this many rounds, whatever time is left.
inline constexpr int kMaxSettleRounds = 20;

// A re-check that rows in flight cannot fool, for a live link, driven one step at a time so that
// the caller waits for the link between the steps without blocking (the verifier actor schedules
// its polls by message). Each round:
//   1. read_source: reads the pending rows on the source (S1) and returns the source position P;
//   2. the caller waits until the target has applied P (the link's checkpoint), then
//   3. compare: reads the rows on the target (T) and on the source again (S2). A row that held
//      still (S1 == S2) is compared: the target holds every change up to P and the row did not
//      change after it, so equal is proven equal, and a difference is real once it is seen in two
//      rounds (a row changed and changed back between S1 and S2 can catch the target in between
//      once). A row that moved stays pending for the next round.
// A re-check ends when nothing is pending, after kMaxSettleRounds rounds (the rows still pending
// are unsettled: they kept changing), or when the caller gives up waiting (give_up: unsettled with
// the caller's reason). Never does a pending row become "equal" by running out of time.
// Tables without a key (compared as a multiset) get one round: after the link has applied P the
// table is verified again; what differs then is unsettled (a multiset difference names no row to
// hold still), what agrees is proven equal.
class SettledRecheck {
 public:
  // Starts re-checking `first`, verify_table's report of `job` (chunk size from `options`).
  static Result<SettledRecheck> begin(const TableJob& job, const VerifyOptions& options, TableReport first);

  bool done() const { return finished_ || pending_.empty(); }
  size_t pending() const { return pending_.size(); }
  int rounds() const { return rounds_; }

  // Step 1: reads the pending rows on the source and returns the position the target must reach.
  Result<SourcePosition> read_source(Connection& source);
  // Step 3, once the target has applied the position read_source returned.
  Status compare(Connection& source, Connection& target);
  // The link did not apply the position in time: the pending rows are unsettled because `reason`.
  void give_up(const std::string& reason);
  // The report: `first` with the proven differences, the unsettled rows and their reason,
  // rechecks (rounds run), cleared_by_recheck (first's differences proven equal) and seconds
  // including the re-check. Call once, when done().
  TableReport finish();

 private:
  SettledRecheck(const TableJob& job, const VerifyOptions& options, TableSpec spec, TableReport first);
  const TableJob* job_;
  VerifyOptions options_;
  TableSpec spec_;
  TableReport report_;
  std::vector<RowDifference> pending_;       // not yet proven
  std::vector<RowDifference> settled_;       // proven differences (and rows without a key to look up)
  std::set<KeyTuple> seen_different_once_;   // held still and differed in one round
  std::vector<KeyTuple> keys_;               // the pending keys of the round in progress
  std::vector<FetchedRow> first_read_;       // S1 of the round in progress
  std::string unsettled_reason_;
  int rounds_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace omsql::verify
