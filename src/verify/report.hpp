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
  std::vector<RowDifference> differences;
  std::string error;                   // not empty: the table could not be verified; counts are partial
  // Re-checks during live sync (recheck_table): how many re-checks ran, and how many of the first
  // check's differences (rows; copies) they found gone. Counts and differences are the final state.
  uint64_t rechecks = 0;
  uint64_t cleared_by_recheck = 0;
  // Rows that changed on the source during every settled re-check (recheck_settled): never seen
  // still, so neither reported as differences nor as equal. Listed by key in `unsettled_keys`.
  uint64_t unsettled = 0;
  std::vector<std::string> unsettled_keys;

  uint64_t difference_count() const { return missing + extra + different; }
};

struct VerifyReport {
  std::vector<TableReport> tables;
  double seconds = 0;
  std::string repair_file;             // where the repair statements were written, if anywhere
  uint64_t repair_statements = 0;
  bool repair_applied = false;

  // True when every table verified and none differs.
  bool clean() const;
  uint64_t difference_count() const;
  // One line per table and one per listed difference (at most max_listed per table).
  std::string to_text(size_t max_listed = 20) const;
  // {"clean":..,"seconds":..,"tables":[{"source":..,"target":..,"rows_source":..,...,"differences":[...]}]}
  std::string to_json(size_t max_listed = 1000) const;
};

}  // namespace omsql::verify
