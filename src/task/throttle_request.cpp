#include "src/task/throttle_request.hpp"

#include <nlohmann/json.hpp>

namespace omsql {

namespace {
constexpr const char* kRows = "max_rows_per_sec";
constexpr const char* kEvents = "max_events_per_sec";
}  // namespace

Result<ThrottleRequest> parse_throttle_request(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    return Status::invalid_argument(std::string("throttle: the body must be a JSON object such as {\"") + kRows +
                                    "\": 1000}");
  ThrottleRequest request;
  for (const auto& [name, value] : json.items()) {
    std::optional<int64_t>* field = name == kRows ? &request.max_rows_per_sec
                                    : name == kEvents ? &request.max_events_per_sec
                                                      : nullptr;
    if (!field)
      return Status::invalid_argument("throttle: unknown field '" + name + "'; expected " + kRows + " or " + kEvents);
    // A JSON integer that fits int64 and is not negative; 1e3, 2.5, "10" and true are refused.
    if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX) ||
        value.get<int64_t>() < 0)
      return Status::invalid_argument("throttle: bad value " + value.dump() + " for " + name +
                                      ": expected an integer >= 0 (0 = unlimited)");
    *field = value.get<int64_t>();
  }
  if (!request.max_rows_per_sec && !request.max_events_per_sec)
    return Status::invalid_argument(std::string("throttle: give ") + kRows + " and/or " + kEvents);
  return request;
}

std::string throttle_request_json(const ThrottleRequest& request) {
  nlohmann::json json = nlohmann::json::object();
  if (request.max_rows_per_sec) json[kRows] = *request.max_rows_per_sec;
  if (request.max_events_per_sec) json[kEvents] = *request.max_events_per_sec;
  return json.dump();
}

}  // namespace omsql
