#include <doctest/doctest.h>

#include "src/task/throttle_request.hpp"

using omsql::parse_throttle_request;

TEST_CASE("a throttle request sets either limit or both") {
  auto rows = parse_throttle_request(R"({"max_rows_per_sec": 1000})");
  REQUIRE(rows);
  CHECK(rows->max_rows_per_sec == 1000);
  CHECK_FALSE(rows->max_events_per_sec);

  auto both = parse_throttle_request(R"({"max_rows_per_sec": 0, "max_events_per_sec": 250})");
  REQUIRE(both);
  CHECK(both->max_rows_per_sec == 0);
  CHECK(both->max_events_per_sec == 250);
  CHECK(omsql::throttle_request_json(*both) == R"({"max_events_per_sec":250,"max_rows_per_sec":0})");
  auto round_trip = parse_throttle_request(omsql::throttle_request_json(*rows));
  REQUIRE(round_trip);
  CHECK(round_trip->max_rows_per_sec == 1000);
}

TEST_CASE("a throttle request that is not two integers >= 0 is refused, naming what is wrong") {
  struct Case { const char* body; const char* message; };
  const Case cases[] = {
      {"", "the body must be a JSON object"},
      {"[1000]", "the body must be a JSON object"},
      {"{}", "give max_rows_per_sec and/or max_events_per_sec"},
      {R"({"rows_per_sec": 5})", "unknown field 'rows_per_sec'"},
      {R"({"max_rows_per_sec": -1})", "bad value -1 for max_rows_per_sec"},
      {R"({"max_rows_per_sec": 2.5})", "bad value 2.5 for max_rows_per_sec"},
      {R"({"max_events_per_sec": "10"})", "bad value \"10\" for max_events_per_sec"},
      {R"({"max_events_per_sec": true})", "bad value true for max_events_per_sec"},
      {R"({"max_rows_per_sec": 18446744073709551615})", "bad value 18446744073709551615"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    auto parsed = parse_throttle_request(c.body);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.status().code() == omsql::Status::Code::kInvalidArgument);
    CHECK(parsed.status().message().find(c.message) != std::string::npos);
  }
}
