#pragma once
// The monotonic milliseconds the incremental actors stamp and compare (lag of stored events).
#include <chrono>
#include <cstdint>

namespace omsql::actors {

inline int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace omsql::actors
