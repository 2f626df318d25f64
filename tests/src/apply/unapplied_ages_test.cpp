// UnappliedAges (src/apply/unapplied_ages.hpp): the age of the oldest stored, unapplied change.
#include <doctest/doctest.h>

#include "src/engine/mysql/binlog/position.hpp"
#include "src/apply/unapplied_ages.hpp"

using namespace omsql;

namespace {
SourcePosition at(uint64_t offset) { return to_source_position(BinlogPosition{"mariadb-bin.000001", offset, ""}); }
}  // namespace

TEST_CASE("UnappliedAges: the oldest change past the checkpoint sets the lag, under a steady load too") {
  UnappliedAges ages;
  CHECK(ages.oldest_unapplied_ms() == 0);
  ages.stored(at(100), 1000);
  ages.stored(at(200), 1200);
  ages.stored(at(300), 1400);
  CHECK(ages.oldest_unapplied_ms() == 1000);
  // The link applies the first group: the lag is now that of the change stored at 1200, not 1000.
  ages.applied(at(100));
  CHECK(ages.oldest_unapplied_ms() == 1200);
  ages.applied(at(250));  // past the second entry, inside the third: (250, 300] was stored at 1400
  CHECK(ages.oldest_unapplied_ms() == 1400);
  ages.applied(at(250));  // no move back, no change
  CHECK(ages.oldest_unapplied_ms() == 1400);
  ages.applied(at(300));
  CHECK(ages.oldest_unapplied_ms() == 0);
  CHECK(ages.entries() == 0);
}

TEST_CASE("UnappliedAges: frozen target: the time of the oldest stays while stores go on; merging bounds memory") {
  UnappliedAges ages;
  ages.applied(at(50));
  ages.stored(at(40), 900);  // already applied: ignored
  CHECK(ages.oldest_unapplied_ms() == 0);
  for (int i = 0; i < 1000; ++i) ages.stored(at(100 + i), 1000 + i * 10);  // every 10 ms for 10 s
  CHECK(ages.oldest_unapplied_ms() == 1000);
  CHECK(ages.entries() == 100);  // one per kMergeMs
  ages.stored(at(100), 50000);   // not past the last entry: ignored
  ages.applied(at(1099));
  CHECK(ages.oldest_unapplied_ms() == 0);
}
