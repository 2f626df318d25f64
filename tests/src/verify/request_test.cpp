#include <doctest/doctest.h>

#include "src/verify/request.hpp"

using namespace omsql;
using verify::LinkState;

namespace {

Plan two_tables() {
  Plan plan;
  plan.has_migrate = true;
  plan.options.parallel = 4;
  for (const char* name : {"a", "b"}) {
    TableJob job;
    job.source = {"s", name};
    job.target = {"t", name};
    plan.tables.push_back(job);
  }
  plan.verify.settle_seconds = 60;
  return plan;
}

verify::VerificationContext context(LinkState link, std::string task_dir = "") {
  return {link, "/work/.omsql/shop", std::move(task_dir)};
}

}  // namespace

TEST_CASE("build_verification: the tables of the VERIFY statements, else all; their options over the MIGRATE's") {
  Plan plan = two_tables();
  auto all = verify::build_verification(plan, {}, context(LinkState::kNone));
  CHECK(all.spec.tables == std::vector<uint32_t>{0, 1});
  CHECK(all.spec.parallel == 4);
  VerifyRequest statement;
  statement.tables = {{"s", "b"}};
  statement.options.settle_seconds = 5;
  statement.options.repair_file = "fix.sql";
  plan.verify_requests.push_back(statement);
  auto named = verify::build_verification(plan, {}, context(LinkState::kNone));
  CHECK(named.spec.tables == std::vector<uint32_t>{1});
  CHECK(named.spec.options.settle_seconds == 5);
  CHECK(named.spec.options.repair_file == "fix.sql");
  // The command line (or POST /verify) over the script.
  auto asked = verify::build_verification(plan, {"/abs/other.sql", false, 9}, context(LinkState::kNone));
  CHECK(asked.spec.options.repair_file == "/abs/other.sql");
  CHECK(asked.spec.options.settle_seconds == 9);
  plan.options.parallel = 0;
  CHECK(verify::build_verification(plan, {}, context(LinkState::kNone)).spec.parallel == 1);
}

TEST_CASE("build_verification: rows are settled only against a live link, named by the task id") {
  Plan plan = two_tables();
  auto live = verify::build_verification(plan, {}, context(LinkState::kLive));
  CHECK(live.spec.live_task_id == "/work/.omsql/shop");
  CHECK(live.spec.mode ==
        "settled against the live link: a differing row is re-checked once the link has applied the source position "
        "it was read at (settle_seconds = 60)");
  auto paused = verify::build_verification(plan, {}, context(LinkState::kPaused));
  CHECK(paused.spec.live_task_id.empty());
  CHECK(paused.spec.mode ==
        "compared directly: the link is paused, so nothing applies changes to the target; rows it has not applied "
        "yet count as differences until it resumes");
  auto none = verify::build_verification(plan, {}, context(LinkState::kNone));
  CHECK(none.spec.live_task_id.empty());
  CHECK(none.spec.mode == "compared directly: no link applies changes to the target");
}

TEST_CASE("build_verification: from another process the mode names the task directory") {
  Plan plan = two_tables();
  CHECK(verify::build_verification(plan, {"", false, 7}, context(LinkState::kLive, "/d")).spec.mode ==
        "settled against the live link of the task in /d: a differing row is re-checked once the link has applied "
        "the source position it was read at (settle_seconds = 7)");
  CHECK(verify::build_verification(plan, {}, context(LinkState::kPaused, "/d")).spec.mode ==
        "compared directly: the task in /d is paused, so nothing applies changes to the target; rows it has not "
        "applied yet count as differences until it resumes");
  CHECK(verify::build_verification(plan, {}, context(LinkState::kNone, "/d")).spec.mode ==
        "compared directly: no link runs for this script's task (/d)");
  plan.has_migrate = false;  // a script of VERIFY statements only: no task at all
  CHECK(verify::build_verification(plan, {}, context(LinkState::kNone, "/d")).spec.mode == "compared directly");
}

TEST_CASE("build_verification: repair = 'apply' is never done behind a link's back") {
  Plan plan = two_tables();
  for (LinkState link : {LinkState::kLive, LinkState::kPaused}) {
    auto asked = verify::build_verification(plan, {"", true, 0}, context(link));
    CHECK(asked.repair_held);
    CHECK_FALSE(asked.spec.options.repair_apply);
  }
  plan.verify.repair_apply = true;  // the script's own repair = 'apply'
  CHECK(verify::build_verification(plan, {}, context(LinkState::kLive, "/d")).repair_held);
  auto direct = verify::build_verification(plan, {}, context(LinkState::kNone));
  CHECK_FALSE(direct.repair_held);
  CHECK(direct.spec.options.repair_apply);
}
