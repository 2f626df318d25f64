#pragma once
// Reading one side of one key range: its digest (hash_chunk), its rows (fetch_rows), the key at an
// offset (for chunk walks and halving). Each call uses only the Connection it is given, so the
// source side and the target side of the same range can run on two threads or two actors at once.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/verify/row_hash.hpp"
#include "src/verify/table_spec.hpp"

namespace omsql::verify {

// Sets what every verifier session needs: character_set_results=binary (bytes as stored, no
// conversion) and time_zone='+00:00' (TIMESTAMPs print the same instant the same way on both
// sides). Call once per connection before any other call here.
Status prepare_verify_session(Connection& connection);

// How rows are read for hashing. Both give the same cells (a server test checks every column
// type); the binary protocol (a prepared statement) costs the server about half the CPU per row.
// The driver compares digests read with the same protocol on both sides.
enum class RowProtocol { kBinary, kText };

// The digest of `range` on `side`: rows read in key order with the canonical encoding. A table
// without a key (spec.keyed() == false) is read whole, and its digest ignores row order.
Result<ChunkDigest> hash_chunk(Connection& connection, Side side, const TableSpec& spec, const KeyRange& range,
                               RowProtocol protocol = RowProtocol::kBinary);
// Convenience: builds the TableSpec for `job` (REQUIRES: `job` outlives the call).
Result<ChunkDigest> hash_chunk(Connection& connection, Side side, const TableJob& job, const KeyRange& range);

// The key `offset` rows into `range` (key order) on `side`, or nullopt when the range has fewer
// rows. with_filter: apply the FILTER on the source side.
Result<std::optional<KeyTuple>> key_at_offset(Connection& connection, Side side, const TableSpec& spec,
                                              const KeyRange& range, int64_t offset, bool with_filter);

// A source chunk read and hashed in one statement: the next chunk_rows rows after `lower` (FILTER
// applied). Its range ends at the last key read, or is open above when fewer rows came back
// (last == true), so the target side can then hash exactly the same range. This is the walk the
// driver uses: no separate boundary query, and the source can read chunk i+1 while the target
// hashes chunk i.
struct SourceChunk {
  KeyRange range;
  ChunkDigest digest;
  bool last = false;
};
// REQUIRES: spec.keyed(); chunk_rows >= 1.
Result<SourceChunk> hash_next_source_chunk(Connection& source, const TableSpec& spec,
                                           const std::optional<KeyTuple>& lower, int64_t chunk_rows);

// Server-side digests (docs/verification.md, "Server-side digests"): each server aggregates a
// per-row hash over a range itself, so no row crosses the network unless a range differs.
// Why both servers cannot compute the same digest of `spec`'s rows, or "" when they can: a CAST
// rule, a compared column whose type or character set differs between the two catalogs, or a
// FLOAT/DOUBLE column on servers of different versions (their text may differ). Such a table is
// hashed by the client, row by row, as before. Reads both catalogs (and versions).
Result<std::string> server_digest_obstacle(Connection& source, Connection& target, const TableSpec& spec);

// The digest of `range` on `side` computed by the server (TableSpec::server_digest_sql): rows =
// COUNT(*), digest = the sum mod 2^64 of the rows' 64-bit hashes (order-independent; duplicates
// add up, never cancel). nullopt when some row's image was too large for the server to build
// (max_allowed_packet): the caller hashes that range on the client instead.
Result<std::optional<ChunkDigest>> server_digest(Connection& connection, Side side, const TableSpec& spec,
                                                 const KeyRange& range);

// One row as read for a row-by-row comparison.
struct FetchedRow {
  std::string match_key;                            // identity: canonical key cells / weight strings
  uint64_t hash = 0;                                // row_hash of the canonical encoding
  std::vector<std::string> cells;                   // canonical encoding of each column
  std::vector<std::optional<std::string>> values;   // the values as read (for repair literals)
  KeyTuple key;                                     // the key as the key read expressions return it
};

// Every row of `range` on `side` (a small range: the caller bounds it; tables without a key are
// read whole). Rows come in key order.
Result<std::vector<FetchedRow>> fetch_rows(Connection& connection, Side side, const TableSpec& spec,
                                           const KeyRange& range);

// The rows of `keys` on `side` (FILTER applied on the source), one statement: a key absent on
// that side simply has no row. Collated key parts match as the server compares them, so the
// target row of a collation-equal key is found. Rows come in key order. REQUIRES: spec.keyed(),
// every key has spec.key().size() parts, in the form of FetchedRow::key.
Result<std::vector<FetchedRow>> fetch_rows_by_key(Connection& connection, Side side, const TableSpec& spec,
                                                  const std::vector<KeyTuple>& keys);

// The key tuple of a fetched row (the values of the key columns as read, for describe_key; an
// ENUM/SET part is its label here, its number in FetchedRow::key).
KeyTuple key_of(const TableSpec& spec, const FetchedRow& row);

}  // namespace omsql::verify
