#pragma once
// The verification report: per table, rows checked on each side, chunks, differences by kind and
// time; rendered as text for people and JSON for tools (docs/verification.md, "Report").
#include <cstdint>
#include <string>
#include <vector>

#include "src/catalog/table_def.hpp"
#include "src/verify/differ.hpp"

namespace omsql::verify {

struct TableReport {
  QualifiedName source;
  QualifiedName target;
  bool keyed = true;                   // false: compared as a multiset of rows
  uint64_t source_rows = 0;            // rows checked (the source side with its FILTER)
  uint64_t target_rows = 0;
  uint64_t chunks = 0;                 // key ranges hashed on both sides
  uint64_t chunks_mismatched = 0;
  uint64_t ranges_rehashed = 0;        // sub-ranges hashed while narrowing
  uint64_t missing = 0;                // rows (copies, without a key) missing on the target
  uint64_t extra = 0;                  // rows the target has and the source does not
  uint64_t different = 0;              // rows present on both sides with different values
  double seconds = 0;
  // Whether the chunk digests were computed inside both servers (rows read only for the ranges
  // that differ) or by the client from every row, and why the client: a CAST, a converted
  // charset, a changed type, floats on different server versions, or turned off.
  bool server_digests = false;
  std::string client_digests_reason;
  std::vector<RowDifference> differences;
  std::string error;                   // not empty: the table could not be verified; counts are partial
  // Re-checks during live sync (SettledRecheck): how many rounds ran, and how many of the first
  // check's differences (rows; copies) they found gone. Counts and differences are the final state.
  uint64_t rechecks = 0;
  uint64_t cleared_by_recheck = 0;
  // Rows a settled re-check (SettledRecheck) could neither prove equal nor prove different: they
  // kept changing on the source, or the link did not apply their source position within the
  // settle bound. Never counted as differences, never as equal: they make the outcome kUnsettled.
  // Each is listed as it last differed (kind, key, columns); `unsettled_reason` says why.
  std::vector<RowDifference> unsettled;
  std::string unsettled_reason;

  uint64_t difference_count() const { return missing + extra + different; }
};

// What a verification proved, worst first: a table could not be verified; rows differ; rows could
// not be settled (nothing proven different, something not proven equal); every row is equal.
enum class Outcome { kFailed, kDifferent, kUnsettled, kClean };
const char* outcome_name(Outcome outcome);  // "failed", "different", "unsettled", "clean"
// The process exit code an outcome ends `omsrun verify` (and a task's own verification) with:
// 0 clean, 3 different, 4 unsettled, 1 failed (README, docs/operations.md).
int outcome_exit_code(Outcome outcome);

struct VerifyReport {
  std::vector<TableReport> tables;
  double seconds = 0;
  std::string repair_file;             // where the repair statements were written, if anywhere
  uint64_t repair_statements = 0;
  bool repair_applied = false;
  bool repair_queued = false;          // repairs handed to the live link's apply queue instead
  // How rows were compared, for the reader of the report: directly (nothing applies changes to
  // the target) or settled against a live link, and why.
  std::string mode;
  uint64_t id = 0;                     // the task's verification number (verify --task), 0 otherwise

  Outcome outcome() const;
  // True only when every table verified, no row differs and every row was proven equal.
  bool clean() const { return outcome() == Outcome::kClean; }
  uint64_t difference_count() const;
  uint64_t unsettled_count() const;
  // One line per table and one per listed difference (at most max_listed per table).
  std::string to_text(size_t max_listed = 20) const;
  // {"clean":..,"seconds":..,"tables":[{"source":..,"target":..,"rows_source":..,...,"differences":[...]}]}
  std::string to_json(size_t max_listed = 1000) const;
};

}  // namespace omsql::verify
