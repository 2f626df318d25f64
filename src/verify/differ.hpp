#pragma once
// Finding the rows behind a digest mismatch. Keyed tables: a mismatched range is halved by the row
// count of its larger side and both halves are re-hashed, recursively, until a range holds at most
// leaf_rows rows; its rows are then fetched from both sides and matched by key (collation-aware,
// as the target compares keys). Tables without a usable key are compared as a multiset of row
// hashes. Every difference carries the statement that repairs it.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/verify/chunk_hash.hpp"
#include "src/verify/table_spec.hpp"

namespace omsql::verify {

enum class DifferenceKind { kMissingOnTarget, kExtraOnTarget, kDifferent };
const char* difference_kind_name(DifferenceKind kind);  // "missing", "extra", "different"

struct RowDifference {
  DifferenceKind kind = DifferenceKind::kDifferent;
  std::string key;                   // describe_key of the row (source row; target row for extras)
  std::vector<std::string> columns;  // kDifferent: target names of the columns whose values differ
  uint64_t copies = 1;               // tables without a key: how many copies are missing or extra
  std::string repair;                // one statement (no ';') that puts this row right on the target
  // The row's key as the key read expressions return it (the form chunk bounds use: raw bytes,
  // ENUM/SET parts by number), from the source row (the target row for extras), so the row can
  // be looked up again (recheck_rows). nullopt for tables compared as a multiset (no key).
  std::optional<KeyTuple> key_values;
};

struct NarrowOptions {
  int64_t leaf_rows = 64;   // ranges of at most this many rows (larger side) are compared row by row
  bool parallel = true;     // hash / fetch the source side on a second thread while the target is read
  // Chunk digests computed inside both servers (verify_table; docs/verification.md, "Server-side
  // digests") where they can compute the same one. Off by default: on the shared 2-core machine
  // it measured slower end to end than hashing on the client (docs/performance.md).
  bool server_digests = false;
};

struct NarrowStats {
  uint64_t ranges_rehashed = 0;  // sub-ranges hashed on both sides while narrowing
  uint64_t leaves = 0;           // ranges compared row by row
  uint64_t rows_fetched = 0;
};

// Both sides' digests of one range; the source side on a second thread when `parallel`.
Result<std::pair<ChunkDigest, ChunkDigest>> hash_both_sides(Connection& source, Connection& target,
                                                            const TableSpec& spec, const KeyRange& range,
                                                            bool parallel);

// The differences in a keyed range whose digests disagree (given, so they are not read twice).
// REQUIRES: spec.keyed().
Result<std::vector<RowDifference>> narrow_range(Connection& source, Connection& target, const TableSpec& spec,
                                                const KeyRange& range, ChunkDigest source_digest,
                                                ChunkDigest target_digest, const NarrowOptions& options,
                                                NarrowStats* stats);

// Matches the rows of one range by identity and classifies what differs. Pure: no server.
std::vector<RowDifference> compare_rows(const TableSpec& spec, const std::vector<FetchedRow>& source,
                                        const std::vector<FetchedRow>& target);

// Tables without a usable key: counts each distinct row (by row hash) on both sides; a row whose
// count differs is missing (source has more copies) or extra (target has more). A changed row is
// therefore one missing plus one extra: without a key there is no telling which row it was.
// Memory: one hash-to-count entry per distinct row.
Result<std::vector<RowDifference>> compare_as_multiset(Connection& source, Connection& target, const TableSpec& spec,
                                                       bool parallel, uint64_t* source_rows, uint64_t* target_rows);

}  // namespace omsql::verify
