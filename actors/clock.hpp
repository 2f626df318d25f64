#pragma once
// The milliseconds the incremental actors stamp and compare (lag of stored events). Wall clock,
// not steady: the stamps travel in messages (SpoolStored, SyncStatus), and a steady clock reading
// means nothing in another process. A clock step shows as a lag off by the step until the link
// catches up; the coordinator never shows a negative lag.
#include <chrono>
#include <cstdint>

namespace omsql::actors {

inline int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace omsql::actors
