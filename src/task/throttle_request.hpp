#pragma once
// The body of a run-time throttle change (`POST /throttle` on the control endpoint, sent by
// `omsrun throttle`): {"max_rows_per_sec": N, "max_events_per_sec": M}, either or both, each an
// integer >= 0 (0 = unlimited). The names are the WITH options they override for the running process.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/common/status.hpp"

namespace omsql {

struct ThrottleRequest {
  std::optional<int64_t> max_rows_per_sec;    // the copy's shared budget (all readers together)
  std::optional<int64_t> max_events_per_sec;  // replay: row changes applied per second
};

// Parses and validates a request body; InvalidArgument naming the field when it is not one of the
// two, not an integer >= 0, or when neither is given.
Result<ThrottleRequest> parse_throttle_request(std::string_view body);

// The JSON body for `request` (the fields it sets).
std::string throttle_request_json(const ThrottleRequest& request);

}  // namespace omsql
