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

TEST_CASE("target_version_finding: the declared OceanBase VERSION against the server's VERSION()") {
  Endpoint target;
  target.dialect = Dialect::kOceanBase;
  target.host = "ob";
  target.port = 2881;
  const std::string ob = "5.7.25-OceanBase_CE-v4.2.1.2";

  auto none = check::target_version_finding(target, ob);
  REQUIRE(none);
  CHECK(none->severity == Finding::kWarning);
  CHECK(none->code == FindingCode::kTargetVersion);
  CHECK(none->message ==
        "root@ob:2881: TARGET oceanbase declares no VERSION: the rules assume the oldest OceanBase 4.x (no FULLTEXT "
        "or SPATIAL indexes); add VERSION '4.2.1.2' to the TARGET statement");

  target.version = parse_version_number("4.2.1");
  auto same = check::target_version_finding(target, ob);
  REQUIRE(same);
  CHECK(same->severity == Finding::kInfo);
  CHECK(same->message == "root@ob:2881: OceanBase 4.2.1.2 matches the declared VERSION '4.2.1'");

  target.version = parse_version_number("4.3.1");
  auto other = check::target_version_finding(target, ob);
  REQUIRE(other);
  CHECK(other->severity == Finding::kWarning);
  CHECK(other->message ==
        "root@ob:2881: the server reports OceanBase 4.2.1.2 but the script declares VERSION '4.3.1': the DDL rules "
        "follow the declaration; set VERSION '4.2.1.2' if the server is right");

  // A MariaDB server (the sandbox) under TARGET oceanbase: the dialect mismatch is its own finding.
  CHECK_FALSE(check::target_version_finding(target, "10.11.6-MariaDB-log"));
  target.version.reset();
  auto undeclared_mariadb = check::target_version_finding(target, "10.11.6-MariaDB-log");
  REQUIRE(undeclared_mariadb);
  CHECK(undeclared_mariadb->message.find("add VERSION '4.x.y'") != std::string::npos);
}

TEST_CASE("copy path under TARGET oceanbase: INSERT unless every known version is 4.2.2 or later") {
  Endpoint target;
  target.dialect = Dialect::kOceanBase;
  target.host = "ob";
  target.port = 2881;
  Finding none = check::copy_path_finding(target);
  CHECK(none.severity == Finding::kInfo);
  CHECK(none.code == FindingCode::kCopyPath);
  CHECK(none.message ==
        "root@ob:2881: the copy writes with REPLACE INTO ... VALUES (declared VERSION none, server none): LOAD DATA "
        "LOCAL needs OceanBase 4.2.2 or later, and every version known must be");
  target.version = parse_version_number("4.2.2");
  target.reported_version = oceanbase_version_of("5.7.25-OceanBase-v4.2.1.0");
  CHECK(check::copy_path_finding(target).message ==
        "root@ob:2881: the copy writes with REPLACE INTO ... VALUES (declared VERSION 4.2.2, server 4.2.1.0): LOAD DATA "
        "LOCAL needs OceanBase 4.2.2 or later, and every version known must be");
  target.reported_version = oceanbase_version_of("5.7.25-OceanBase_CE-v4.3.5.1");
  CHECK(check::copy_path_finding(target).message ==
        "root@ob:2881: the copy writes with LOAD DATA LOCAL (declared VERSION 4.2.2, server 4.3.5.1): OceanBase 4.2.2+ "
        "loads it with IGNORE, so rows skipped as duplicates are deleted by key and loaded again, and any other "
        "warning stops the copy");
}
