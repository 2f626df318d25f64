#include <doctest/doctest.h>

#include "src/check/preflight.hpp"

using namespace omsql;
using check::Finding;
using check::FindingCode;

TEST_CASE("blocks_run: errors block a run, warnings and notes never do") {
  for (auto code : {FindingCode::kTargetTableExists, FindingCode::kPrivilegeMissing, FindingCode::kLocalInfile}) {
    for (bool resuming : {false, true}) {
      CHECK_FALSE(check::blocks_run({Finding::kWarning, code, "w"}, resuming));
      CHECK_FALSE(check::blocks_run({Finding::kInfo, code, "i"}, resuming));
    }
  }
  CHECK(check::blocks_run({Finding::kError, FindingCode::kPrivilegeMissing, "x"}, false));
  CHECK(check::blocks_run({Finding::kError, FindingCode::kPrivilegeMissing, "x"}, true));
}

TEST_CASE("blocks_run: a resumed task's own target tables are no on_exists conflict; the code decides, not the text") {
  const Finding exists{Finding::kError, FindingCode::kTargetTableExists,
                       "target: target table a.t (from s.t) already exists; drop it or set WITH (on_exists = ...)"};
  CHECK(check::blocks_run(exists, false));
  CHECK_FALSE(check::blocks_run(exists, true));
  // An error whose text happens to say "already exists" still blocks a resumed run.
  const Finding other{Finding::kError, FindingCode::kQueryFailed, "target: Table 'x' already exists (1050)"};
  CHECK(check::blocks_run(other, true));
  const Finding mismatch{Finding::kError, FindingCode::kTargetTableMismatch, "a.t exists but does not match the job"};
  CHECK(check::blocks_run(mismatch, true));
}
