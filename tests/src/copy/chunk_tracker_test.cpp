#include <doctest/doctest.h>

#include "src/copy/chunk_tracker.hpp"

using namespace omsql;
using copy::ChunkTracker;
using copy::KeyTuple;

namespace {
const std::optional<KeyTuple> kOpenEnd;  // the last chunk of a table, or a whole keyless table
std::optional<KeyTuple> key(const std::string& value) { return KeyTuple{value}; }
}  // namespace

TEST_CASE("chunks committed in order advance the prefix one by one") {
  ChunkTracker tracker(1);
  CHECK_FALSE(tracker.copied_through(0));
  CHECK(tracker.commit(0, 0, key("100")));
  CHECK(tracker.copied_through(0) == key("100"));
  CHECK(tracker.commit(0, 1, key("200")));
  CHECK(tracker.copied_through(0) == key("200"));
  CHECK(tracker.committed_prefix(0) == 2);
  CHECK_FALSE(tracker.complete(0));  // the chunk count is not known yet
  CHECK(tracker.commit(0, 2, kOpenEnd));
  CHECK(tracker.copied_through(0) == key("200"));  // the open-ended last chunk keeps the last bound
  tracker.set_total(0, 3);
  CHECK(tracker.complete(0));
}

TEST_CASE("out-of-order commits wait behind a gap and join the prefix when it closes") {
  ChunkTracker tracker(1);
  CHECK_FALSE(tracker.commit(0, 2, key("300")));
  CHECK_FALSE(tracker.commit(0, 1, key("200")));
  CHECK_FALSE(tracker.copied_through(0));  // chunk 0 is missing: nothing may be recorded
  CHECK(tracker.committed_prefix(0) == 0);
  CHECK(tracker.waiting(0) == 2);
  tracker.set_total(0, 4);
  CHECK_FALSE(tracker.complete(0));
  CHECK(tracker.commit(0, 0, key("100")));
  CHECK(tracker.copied_through(0) == key("300"));  // 0, 1 and 2 at once
  CHECK(tracker.committed_prefix(0) == 3);
  CHECK(tracker.waiting(0) == 0);
  CHECK_FALSE(tracker.complete(0));
  CHECK(tracker.commit(0, 3, kOpenEnd));
  CHECK(tracker.complete(0));
  CHECK(tracker.copied_through(0) == key("300"));
}

TEST_CASE("the total may arrive before or after the last commit") {
  ChunkTracker tracker(2);
  tracker.set_total(0, 1);
  CHECK_FALSE(tracker.complete(0));
  CHECK(tracker.commit(0, 0, kOpenEnd));
  CHECK(tracker.complete(0));
  CHECK(tracker.commit(1, 0, kOpenEnd));
  CHECK_FALSE(tracker.complete(1));
  tracker.set_total(1, 1);
  CHECK(tracker.complete(1));
}

TEST_CASE("tables are tracked independently") {
  ChunkTracker tracker(2);
  CHECK(tracker.commit(0, 0, key("a")));
  CHECK_FALSE(tracker.commit(1, 1, key("z")));
  CHECK(tracker.copied_through(0) == key("a"));
  CHECK_FALSE(tracker.copied_through(1));
  CHECK(tracker.committed_prefix(1) == 0);
  CHECK(tracker.tables() == 2);
}

TEST_CASE("a table of zero chunks is complete as soon as its count is known") {
  ChunkTracker tracker(1);
  CHECK_FALSE(tracker.complete(0));
  tracker.set_total(0, 0);
  CHECK(tracker.complete(0));
  CHECK_FALSE(tracker.copied_through(0));
}

TEST_CASE("a resumed table keeps its saved prefix until a bounded chunk of the new run joins it") {
  ChunkTracker tracker(1);
  tracker.resume_after(0, KeyTuple{"500", "x"});  // multi-column key saved by the killed run
  CHECK(tracker.copied_through(0) == KeyTuple{"500", "x"});
  // Ids restart at 0 after the saved key; a later chunk alone leaves the saved prefix in force.
  CHECK_FALSE(tracker.commit(0, 1, KeyTuple{"700", "a"}));
  CHECK(tracker.copied_through(0) == KeyTuple{"500", "x"});
  CHECK(tracker.commit(0, 0, KeyTuple{"600", "b"}));
  CHECK(tracker.copied_through(0) == KeyTuple{"700", "a"});
  tracker.set_total(0, 3);
  CHECK(tracker.commit(0, 2, kOpenEnd));
  CHECK(tracker.complete(0));
  CHECK(tracker.copied_through(0) == KeyTuple{"700", "a"});
}

TEST_CASE("a resumed table whose remainder is one open-ended chunk keeps the saved key") {
  ChunkTracker tracker(1);
  tracker.resume_after(0, key("900"));
  tracker.set_total(0, 1);
  CHECK(tracker.commit(0, 0, kOpenEnd));
  CHECK(tracker.complete(0));
  CHECK(tracker.copied_through(0) == key("900"));
}

TEST_CASE("resume_after forgets what an earlier run of the tracker had seen") {
  ChunkTracker tracker(1);
  CHECK_FALSE(tracker.commit(0, 3, key("400")));
  tracker.set_total(0, 5);
  tracker.resume_after(0, std::nullopt);
  CHECK(tracker.waiting(0) == 0);
  CHECK_FALSE(tracker.complete(0));
  CHECK(tracker.committed_prefix(0) == 0);
}

TEST_CASE("a keyless table is one whole-table chunk; committing it again changes nothing") {
  ChunkTracker tracker(1);
  tracker.set_total(0, 1);
  CHECK(tracker.commit(0, 0, kOpenEnd));
  CHECK(tracker.complete(0));
  CHECK_FALSE(tracker.copied_through(0));  // a keyless table has no key to resume after
  // The whole table redone (a reader restarted it) and reported again: still one committed chunk.
  CHECK_FALSE(tracker.commit(0, 0, kOpenEnd));
  CHECK(tracker.complete(0));
  CHECK(tracker.committed_prefix(0) == 1);
  CHECK(tracker.waiting(0) == 0);
}

TEST_CASE("a keyless table killed mid-copy is redone whole on resume") {
  ChunkTracker tracker(1);
  tracker.resume_after(0, std::nullopt);  // nothing saved: keyless tables record no prefix
  tracker.set_total(0, 1);
  CHECK_FALSE(tracker.complete(0));
  CHECK(tracker.commit(0, 0, kOpenEnd));
  CHECK(tracker.complete(0));
}

TEST_CASE("a duplicate commit of a chunk waiting behind a gap is counted once") {
  ChunkTracker tracker(1);
  CHECK_FALSE(tracker.commit(0, 1, key("200")));
  CHECK_FALSE(tracker.commit(0, 1, key("200")));
  CHECK(tracker.waiting(0) == 1);
  tracker.set_total(0, 2);
  CHECK(tracker.commit(0, 0, key("100")));
  CHECK(tracker.complete(0));
  CHECK(tracker.copied_through(0) == key("200"));
}

TEST_CASE("an unknown table index is refused, not tracked") {
  ChunkTracker tracker(1);
  CHECK_THROWS_AS(tracker.commit(1, 0, kOpenEnd), std::out_of_range);
  CHECK_THROWS_AS(tracker.set_total(1, 0), std::out_of_range);
}

TEST_CASE("the prefix counts the rows and bytes of its chunks only, not of those behind a gap") {
  ChunkTracker tracker(1);
  CHECK_FALSE(tracker.commit(0, 1, key("200"), 20, 2000));
  CHECK(tracker.prefix_rows(0) == 0);  // chunk 1 waits for chunk 0: a resume would copy it again
  CHECK(tracker.commit(0, 0, key("100"), 10, 1000));
  CHECK(tracker.prefix_rows(0) == 30);
  CHECK(tracker.prefix_bytes(0) == 3000);
  CHECK_FALSE(tracker.commit(0, 1, key("200"), 20, 2000));  // committed again: not counted twice
  CHECK(tracker.prefix_rows(0) == 30);
  tracker.resume_after(0, key("200"));
  CHECK(tracker.prefix_rows(0) == 0);  // a new run counts from its own start
}
