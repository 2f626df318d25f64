#pragma once
// Chunk planning on a MySQL-family source: the key a given number of rows after a lower bound, what
// the engine's SourceSession::key_at_offset answers for copy::ChunkPlanner's walk.
#include <cstdint>
#include <optional>

#include "src/common/status.hpp"
#include "src/copy/chunk_planner.hpp"
#include "src/copy/types.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/model/plan.hpp"

namespace omsql::copy {

// The key `offset` rows after `lower` (exclusive; nullopt = from the start) in key order, or
// nullopt when fewer rows remain; one index lookup on a connection that had
// prepare_source_session():
// SELECT <key> FROM t FORCE INDEX (<key index>) WHERE key > lower ORDER BY key LIMIT 1 OFFSET offset.
Result<std::optional<KeyTuple>> key_at_offset(Connection& source, const TableJob& job,
                                              const std::optional<KeyTuple>& lower, int64_t offset);

// planner.next() with key_at_offset on `source`.
inline Result<std::optional<ChunkRange>> next_chunk(ChunkPlanner& planner, Connection& source) {
  return planner.next([&](const std::optional<KeyTuple>& lower, int64_t offset) {
    return key_at_offset(source, planner.job(), lower, offset);
  });
}

}  // namespace omsql::copy
