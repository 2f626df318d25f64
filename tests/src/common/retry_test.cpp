#include <doctest/doctest.h>

#include "src/common/retry.hpp"

using namespace omsql;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("backoff doubles from the first delay, stops at the cap, and never outlasts the patience") {
  RetryPolicy policy;  // 100 ms doubling to 10 s, 10 min patience
  struct Case { int failures; int64_t elapsed_ms; std::optional<int64_t> delay_ms; };
  const Case cases[] = {
      {1, 0, 100},          {2, 100, 200},        {3, 300, 400},       {7, 6300, 6400},
      {8, 12700, 10000},    {9, 22700, 10000},    {60, 500000, 10000}, {1000, 500000, 10000},
      {70, 595000, 5000},   // what is left of the patience
      {71, 600000, std::nullopt}, {2, 700000, std::nullopt},
      {0, 0, 100},          // "no failure yet" counts as the first
  };
  for (const auto& c : cases) {
    CAPTURE(c.failures);
    CAPTURE(c.elapsed_ms);
    auto delay = policy.next_delay(c.failures, milliseconds(c.elapsed_ms));
    REQUIRE(delay.has_value() == c.delay_ms.has_value());
    if (delay) CHECK(delay->count() == *c.delay_ms);
  }
  RetryPolicy short_cap{milliseconds(100), milliseconds(1000), seconds(30)};
  CHECK(short_cap.next_delay(5, milliseconds(1500)) == milliseconds(1000));
  CHECK(short_cap.next_delay(4, milliseconds(700)) == milliseconds(800));
}

TEST_CASE("a retry state counts consecutive failures from the first one and forgets them on success") {
  RetryPolicy policy{milliseconds(100), milliseconds(10000), seconds(60)};
  RetryState state;
  auto t0 = RetryState::Clock::time_point{} + seconds(1000);
  CHECK(!state.retrying());
  CHECK(state.elapsed(t0) == milliseconds(0));
  auto token = state.token();
  CHECK(state.failed(policy, t0) == milliseconds(100));
  CHECK(state.token() != token);
  CHECK(state.failed(policy, t0 + milliseconds(100)) == milliseconds(200));
  CHECK(state.failures() == 2);
  CHECK(state.elapsed(t0 + seconds(5)) == seconds(5));
  // A server down longer than the patience: give up.
  CHECK(!state.failed(policy, t0 + seconds(61)).has_value());
  state.succeeded();
  CHECK(!state.retrying());
  // The next outage starts afresh: first delay, full patience.
  CHECK(state.failed(policy, t0 + seconds(100)) == milliseconds(100));
  CHECK(state.elapsed(t0 + seconds(130)) == seconds(30));
}

TEST_CASE("retry messages name what is retried, when, and the error with its server") {
  RetryPolicy policy;
  Status lost = Status::transient("target root@127.0.0.1:3307: cannot connect: Can't connect to server");
  std::string m = retry_message("writing a batch of shop.orders", lost, milliseconds(1600), 4, milliseconds(3100), policy);
  CHECK(m ==
        "target root@127.0.0.1:3307: cannot connect: Can't connect to server — retrying writing a batch of "
        "shop.orders in 1.6 s (attempt 5; failing for 3.1 s of 10 min patience)");
  Status given_up = gave_up("applying changes up to f:4", lost, 67, milliseconds(600000), policy);
  CHECK(given_up.is_transient());
  CHECK(given_up.message() ==
        "applying changes up to f:4: gave up after 67 attempts over 10 min (retry_patience = '10m'): target "
        "root@127.0.0.1:3307: cannot connect: Can't connect to server");
}

TEST_CASE("durations parse with units and print back") {
  struct Case { const char* text; std::optional<int64_t> ms; };
  const Case cases[] = {
      {"10m", 600000}, {"30s", 30000}, {"500ms", 500}, {"1h", 3600000}, {"90", 90000}, {"2MIN", 120000},
      {"15sec", 15000}, {"0", 0},      {"", std::nullopt}, {"m", std::nullopt}, {"10 m", std::nullopt},
      {"-5s", std::nullopt}, {"1.5s", std::nullopt}, {"10d", std::nullopt}, {"721h", std::nullopt},
      {"720h", int64_t{720} * 3600000}, {"99999999999999s", std::nullopt},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto parsed = parse_duration(c.text);
    REQUIRE(parsed.has_value() == c.ms.has_value());
    if (parsed) CHECK(parsed->count() == *c.ms);
  }
  CHECK(duration_option_text(milliseconds(600000)) == "10m");
  CHECK(duration_option_text(milliseconds(7200000)) == "2h");
  CHECK(duration_option_text(milliseconds(90000)) == "90s");
  CHECK(duration_option_text(milliseconds(1500)) == "1500ms");
  CHECK(format_duration(milliseconds(250)) == "250 ms");
  CHECK(format_duration(milliseconds(12400)) == "12 s");
  CHECK(format_duration(milliseconds(125000)) == "2 min 5 s");
  CHECK(format_duration(milliseconds(3780000)) == "1 h 3 min");
}
