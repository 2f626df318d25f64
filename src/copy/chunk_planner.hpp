#pragma once
// The chunk planner walks a table's key and hands out ranges of about chunk_rows rows, one at a
// time: each next() asks the source for the key chunk_rows-1 rows past the previous bound, on the
// key index. Nothing is read into memory and nothing scans the table before the first chunk.
// Comparisons are the server's (collation-aware for strings). A table without a key is one
// unbounded chunk.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/copy/columns.hpp"
#include "src/copy/types.hpp"

namespace omsql::copy {

class ChunkPlanner {
 public:
  // REQUIRES: `job` outlives the planner; chunk_rows >= 1.
  ChunkPlanner(const TableJob& job, int64_t chunk_rows);

  // The key `offset` rows after `lower` (exclusive; nullopt = from the start) in key order, or
  // nullopt when fewer rows remain: what an engine answers (engine::SourceSession::key_at_offset).
  using KeyAtOffset = std::function<Result<std::optional<KeyTuple>>(const std::optional<KeyTuple>& lower, int64_t offset)>;

  // The next range, or nullopt when the key space is covered. On error the planner is unchanged,
  // so next() may be retried (on a new session).
  Result<std::optional<ChunkRange>> next(const KeyAtOffset& key_at_offset);
  bool done() const { return done_; }
  const TableJob& job() const { return job_; }

  // Start after `lower` (exclusive) with chunk id `next_id`: for resuming from a checkpoint.
  void resume_after(KeyTuple lower, uint64_t next_id);

 private:
  const TableJob& job_;
  int64_t chunk_rows_;
  std::optional<KeyTuple> lower_;
  uint64_t next_id_ = 0;
  bool done_ = false;
};

}  // namespace omsql::copy
