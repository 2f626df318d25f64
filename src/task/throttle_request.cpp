#include "src/task/throttle_request.hpp"

#include <nlohmann/json.hpp>

#include "src/model/options.hpp"

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
    // The WITH option of the same name decides what is valid (omsql::migrate_option_table): one
    // type and range for the script, --set and the endpoint. Only a JSON integer is a candidate;
    // 1e3, 2.5, "10" and true are refused.
    Options scratch;
    const OptionSpec* spec = find_migrate_option(name);
    if (!spec) return Status::invalid_argument("throttle: " + name + " is not in the WITH option table");
    if (!value.is_number_integer() || set_migrate_option(scratch, name, value.dump()))
      return Status::invalid_argument("throttle: bad value " + value.dump() + " for " + name + ": expected " +
                                      option_expected_text(*spec) + " (0 = unlimited)");
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
