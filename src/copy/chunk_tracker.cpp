#include "src/copy/chunk_tracker.hpp"

namespace omsql::copy {

void ChunkTracker::resume_after(size_t table, std::optional<KeyTuple> copied_through) {
  Table& t = tables_.at(table);
  t = Table{};
  t.copied_through = std::move(copied_through);
}

bool ChunkTracker::commit(size_t table, uint64_t chunk_id, const std::optional<KeyTuple>& upper_inclusive,
                          uint64_t rows, uint64_t bytes) {
  Table& t = tables_.at(table);
  if (chunk_id < t.next_to_commit) return false;  // already in the prefix
  t.out_of_order[chunk_id] = Committed{upper_inclusive, rows, bytes};
  bool advanced = false;
  for (auto it = t.out_of_order.find(t.next_to_commit); it != t.out_of_order.end();
       it = t.out_of_order.find(t.next_to_commit)) {
    // An open-ended chunk ends the table: the prefix's key stays the last bounded one.
    if (it->second.upper_inclusive) t.copied_through = std::move(it->second.upper_inclusive);
    t.prefix_rows += it->second.rows;
    t.prefix_bytes += it->second.bytes;
    t.out_of_order.erase(it);
    ++t.next_to_commit;
    advanced = true;
  }
  return advanced;
}

void ChunkTracker::set_total(size_t table, uint64_t total) { tables_.at(table).total = total; }

bool ChunkTracker::complete(size_t table) const {
  const Table& t = tables_.at(table);
  return t.total && t.next_to_commit >= *t.total;
}

}  // namespace omsql::copy
