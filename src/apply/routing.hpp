#pragma once
// Which apply lane a key's changes go to. The lane must not change between builds or runs of a
// task (a key moved to a lane whose checkpoint is ahead would lose its changes), so the hash is
// XXH3-64 of the key's canonical bytes, never std::hash.
#include <cstddef>
#include <string_view>

#include <xxhash.h>

namespace omsql::apply {

inline size_t lane_for_key(std::string_view key, size_t lanes) {
  return lanes <= 1 ? 0 : static_cast<size_t>(XXH3_64bits(key.data(), key.size()) % lanes);
}

}  // namespace omsql::apply
