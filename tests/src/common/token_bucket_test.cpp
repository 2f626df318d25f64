#include <doctest/doctest.h>

#include <random>

#include "src/common/token_bucket.hpp"

using omsql::TokenBucket;
using namespace std::chrono_literals;

namespace {
const TokenBucket::Time kStart = TokenBucket::Time{} + 1000s;
}

TEST_CASE("an unlimited bucket grants everything at once and never waits") {
  TokenBucket bucket(0, kStart);
  CHECK(bucket.unlimited());
  CHECK(bucket.take(1'000'000'000, kStart) == 1'000'000'000);
  CHECK(bucket.wait_for(1'000'000'000, kStart) == 0ns);
  CHECK(bucket.take(0, kStart) == 0);
}

TEST_CASE("a bucket starts empty and refills at its rate up to one second's budget") {
  TokenBucket bucket(1000, kStart);
  CHECK(bucket.capacity() == 1000);
  CHECK(bucket.take(10, kStart) == 0);
  CHECK(bucket.wait_for(10, kStart) == 10ms);
  CHECK(bucket.take(10, kStart + 10ms) == 10);
  CHECK(bucket.take(10, kStart + 10ms) == 0);
  // Partial grant: 250 ms later 250 tokens are there, not 400.
  CHECK(bucket.take(400, kStart + 260ms) == 250);
  // Idle for a minute: still only one second's budget.
  CHECK(bucket.take(100'000, kStart + 60s) == 1000);
  CHECK(bucket.take(1, kStart + 60s) == 0);
}

TEST_CASE("a want larger than a second's budget waits for a full bucket, and is served in pieces") {
  TokenBucket bucket(100, kStart);
  int64_t remaining = 1050;
  auto now = kStart;
  int pieces = 0;
  while (remaining > 0) {
    auto wait = bucket.wait_for(remaining, now);
    CHECK(wait <= 1s);  // capped at capacity: never waits for tokens that cannot accumulate
    now += wait;
    int64_t granted = bucket.take(remaining, now);
    REQUIRE(granted > 0);  // progress every time the wait says it is time
    remaining -= granted;
    ++pieces;
  }
  CHECK(pieces == 11);
  CHECK(now - kStart == 10500ms);
}

TEST_CASE("the tokens taken never exceed rate x elapsed, whatever the wants") {
  std::mt19937_64 random(42);
  for (int64_t rate : {1, 7, 1000, 250'000}) {
    CAPTURE(rate);
    TokenBucket bucket(rate, kStart);
    auto now = kStart;
    int64_t taken = 0;
    for (int i = 0; i < 20'000; ++i) {
      now += std::chrono::microseconds(random() % 5000);
      taken += bucket.take(static_cast<int64_t>(random() % (3 * rate + 1)), now);
      double elapsed = std::chrono::duration<double>(now - kStart).count();
      REQUIRE(static_cast<double>(taken) <= rate * elapsed + 1e-3);
    }
    CHECK(taken > 0);
  }
}

TEST_CASE("changing the rate keeps what accrued, capped at the new budget") {
  TokenBucket bucket(1000, kStart);
  bucket.set_rate(10, kStart + 500ms);  // 500 accrued, capped at 10
  CHECK(bucket.rate() == 10);
  CHECK(bucket.take(100, kStart + 500ms) == 10);
  bucket.set_rate(1000, kStart + 500ms);
  CHECK(bucket.take(1000, kStart + 600ms) == 100);
  // To unlimited and back: the limited bucket starts empty again.
  bucket.set_rate(0, kStart + 700ms);
  CHECK(bucket.take(5000, kStart + 700ms) == 5000);
  bucket.set_rate(1000, kStart + 800ms);
  CHECK(bucket.take(1000, kStart + 800ms) == 0);
  CHECK(bucket.take(1000, kStart + 900ms) == 100);
  // A negative rate is taken as unlimited (the callers validate; the bucket must not divide by it).
  bucket.set_rate(-5, kStart + 900ms);
  CHECK(bucket.unlimited());
}

TEST_CASE("a clock that does not move forward grants nothing new") {
  TokenBucket bucket(1000, kStart + 1s);
  CHECK(bucket.take(10, kStart) == 0);
  CHECK(bucket.wait_for(10, kStart) > 0ns);
}
