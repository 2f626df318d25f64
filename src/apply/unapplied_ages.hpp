#pragma once
// How old the oldest change is that the link has stored but not applied yet: the replication lag
// a user means. The tailer reports "stored up to P at time t" after every fsync group; the
// replayer reports "applied up to C" after every group. The lag is now minus the time at which
// the first change past C was stored, so it keeps growing while the target is frozen (a lane
// waiting on a lock) and falls back as soon as the link moves, rather than staying at the age of
// the first change stored since the link was last idle.
#include <cstdint>
#include <deque>

#include "src/model/source_position.hpp"

namespace omsql {

class UnappliedAges {
 public:
  // Stores closer together than this share one entry (the earliest time): the lag is then at most
  // this much too high, and memory is one entry per `kMergeMs` of backlog, however long it grows.
  static constexpr int64_t kMergeMs = 100;

  // Changes up to `end` are stored, the first of them at or after `at_ms`.
  void stored(const SourcePosition& end, int64_t at_ms) {
    if (!applied_.empty() && !(applied_ < end)) return;
    if (!entries_.empty() && !(entries_.back().end < end)) return;
    if (!entries_.empty() && at_ms - entries_.back().at_ms < kMergeMs) {
      entries_.back().end = end;  // the entry keeps its earlier time
      return;
    }
    entries_.push_back({end, at_ms});
  }

  // Every change up to `checkpoint` is applied.
  void applied(const SourcePosition& checkpoint) {
    if (applied_.empty() || applied_ < checkpoint) applied_ = checkpoint;
    while (!entries_.empty() && !(applied_ < entries_.front().end)) entries_.pop_front();
  }

  // When the oldest unapplied change was stored (0: everything stored is applied).
  int64_t oldest_unapplied_ms() const { return entries_.empty() ? 0 : entries_.front().at_ms; }
  size_t entries() const { return entries_.size(); }

 private:
  struct Entry {
    SourcePosition end;
    int64_t at_ms = 0;
  };
  std::deque<Entry> entries_;  // increasing `end`, each past `applied_`
  SourcePosition applied_;
};

}  // namespace omsql
