#pragma once
// Commit tracking of the full copy, per table. Chunks are handed out in key order with ids 0, 1, 2, ...
// but finish in any order; only the contiguous prefix of committed chunks may be recorded as copied
// (TableProgress::copied_through), so a copy killed at any moment resumes without a gap. A table is
// complete once its chunk count is known and every chunk up to it is committed. Pure: no I/O.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "src/copy/types.hpp"

namespace omsql::copy {

class ChunkTracker {
 public:
  // `tables` tables, none resumed: each prefix starts empty, from the start of the table.
  explicit ChunkTracker(size_t tables = 0) : tables_(tables) {}

  // A resumed table: its chunk ids restart at 0 after `copied_through` (the saved prefix, nullopt =
  // from the start). The saved key stays the answer of copied_through() until a chunk with an upper
  // bound joins the new prefix.
  void resume_after(size_t table, std::optional<KeyTuple> copied_through);

  // Records that chunk `chunk_id` of `table` is committed on the target; `upper_inclusive` is its
  // upper bound (nullopt: the last chunk, open-ended, or a whole keyless table). Returns true when
  // the committed prefix grew, i.e. when copied_through() or complete() may have changed and the
  // caller should persist them. A chunk committed again (a keyless table redone) changes nothing.
  // `rows` and `bytes`: what the chunk wrote, summed into the prefix's counts once it joins it.
  bool commit(size_t table, uint64_t chunk_id, const std::optional<KeyTuple>& upper_inclusive, uint64_t rows = 0,
              uint64_t bytes = 0);

  // The table's chunk count, sent once every chunk is handed out (0: an empty table).
  void set_total(size_t table, uint64_t total);

  // Whether every chunk of the table is committed (the count is known and the prefix reaches it).
  bool complete(size_t table) const;

  // The upper bound of the committed prefix: what task state persists for resume.
  const std::optional<KeyTuple>& copied_through(size_t table) const { return tables_.at(table).copied_through; }
  // How many chunks form the committed prefix (ids 0 .. n-1), and how many wait beyond a gap.
  uint64_t committed_prefix(size_t table) const { return tables_.at(table).next_to_commit; }
  size_t waiting(size_t table) const { return tables_.at(table).out_of_order.size(); }
  size_t tables() const { return tables_.size(); }
  // The rows and bytes of the committed prefix's chunks (since resume_after): what a copy resumed
  // after copied_through() will not copy again, so what task state may count as copied.
  uint64_t prefix_rows(size_t table) const { return tables_.at(table).prefix_rows; }
  uint64_t prefix_bytes(size_t table) const { return tables_.at(table).prefix_bytes; }

 private:
  struct Committed {
    std::optional<KeyTuple> upper_inclusive;
    uint64_t rows = 0;
    uint64_t bytes = 0;
  };
  struct Table {
    uint64_t next_to_commit = 0;
    std::map<uint64_t, Committed> out_of_order;  // committed past a gap, by id
    uint64_t prefix_rows = 0;
    uint64_t prefix_bytes = 0;
    std::optional<uint64_t> total;
    std::optional<KeyTuple> copied_through;
  };
  std::vector<Table> tables_;
};

}  // namespace omsql::copy
