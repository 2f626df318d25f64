// The copy's row budget (actors/rate_limiter) on the test scheduler: when each take is answered,
// in virtual time.
#include <doctest/doctest.h>

#include "actors/rate_limiter.hpp"
#include "tests/actors/test_scheduler.hpp"

using namespace omsql::actors;
using omsql::actors::testing::TestScheduler;
using std::chrono::milliseconds;

TEST_CASE("a take is answered once its rows have accrued, not before") {
  TestScheduler t;
  auto limiter = t.own(spawn_rate_limiter(t.system, 1000));  // starts empty
  t.client->send(limiter, take_atom::value, uint64_t{500});
  t.run();
  CHECK_FALSE(t.take<uint64_t>());
  t.advance(milliseconds(499));
  CHECK_FALSE(t.take<uint64_t>());
  t.advance(milliseconds(1));
  auto granted = t.take<uint64_t>();
  REQUIRE(granted);
  CHECK(*granted == 500);
}

TEST_CASE("a take larger than a second's budget is granted in pieces and still goes") {
  TestScheduler t;
  auto limiter = t.own(spawn_rate_limiter(t.system, 1000));
  t.client->send(limiter, take_atom::value, uint64_t{2500});
  t.run();
  t.advance(milliseconds(2499));
  CHECK_FALSE(t.take<uint64_t>());
  t.advance(milliseconds(1));
  auto granted = t.take<uint64_t>();
  REQUIRE(granted);
  CHECK(*granted == 2500);
}

TEST_CASE("takes are served first come, first served") {
  TestScheduler t;
  auto limiter = t.own(spawn_rate_limiter(t.system, 1000));
  t.client->send(limiter, take_atom::value, uint64_t{300});
  t.client->send(limiter, take_atom::value, uint64_t{200});
  t.run();
  // The second (smaller) one would fit at 200 ms; it waits behind the first.
  t.advance(milliseconds(200));
  CHECK_FALSE(t.take<uint64_t>());
  t.advance(milliseconds(100));
  auto first = t.take<uint64_t>();
  REQUIRE(first);
  CHECK(*first == 300);
  CHECK_FALSE(t.take<uint64_t>());
  t.advance(milliseconds(199));
  CHECK_FALSE(t.take<uint64_t>());
  t.advance(milliseconds(1));
  auto second = t.take<uint64_t>();
  REQUIRE(second);
  CHECK(*second == 200);
}

TEST_CASE("unlimited answers at once; lifting the limit releases the waiting takes") {
  TestScheduler t;
  auto unlimited = t.own(spawn_rate_limiter(t.system, 0));
  t.client->send(unlimited, take_atom::value, uint64_t{1000000});
  t.run();
  auto granted = t.take<uint64_t>();
  REQUIRE(granted);
  CHECK(*granted == 1000000);

  auto limiter = t.own(spawn_rate_limiter(t.system, 10));
  t.client->send(limiter, take_atom::value, uint64_t{5000});  // 500 s at 10 rows/s
  t.run();
  t.advance(milliseconds(1000));
  CHECK_FALSE(t.take<uint64_t>());
  t.client->send(limiter, throttle_atom::value, int64_t{0});  // omsrun throttle: unlimited
  t.run();
  granted = t.take<uint64_t>();
  REQUIRE(granted);
  CHECK(*granted == 5000);
}

TEST_CASE("a rate change reschedules the waiting take at the new rate") {
  TestScheduler t;
  auto limiter = t.own(spawn_rate_limiter(t.system, 10));
  t.client->send(limiter, take_atom::value, uint64_t{1000});  // 100 s at 10 rows/s
  t.run();
  t.client->send(limiter, throttle_atom::value, int64_t{1000});
  t.run();
  // What accrued at 10/s before the change is ~0; at 1000/s the rest takes about a second.
  t.advance(milliseconds(990));
  CHECK_FALSE(t.take<uint64_t>());
  t.advance(milliseconds(10));
  auto granted = t.take<uint64_t>();
  REQUIRE(granted);
  CHECK(*granted == 1000);
}
