#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "src/task/recopy.hpp"

using namespace omsql;

namespace {

TableJob job(const std::string& source, const std::string& target) {
  TableJob j;
  j.source = {"shop", source};
  j.target = {"shop_t", target};
  return j;
}

Plan plan_of(std::vector<TableJob> jobs) {
  Plan plan;
  plan.tables = std::move(jobs);
  return plan;
}

}  // namespace

TEST_CASE("a re-copy drops only tables the task created and refuses pre-existing tables that hold rows") {
  Plan plan = plan_of({job("orders", "orders"), job("items", "items"), job("legacy", "legacy"),
                       job("empty_legacy", "empty_legacy"), job("gone", "gone")});
  TaskState state;
  state.phase = Phase::kIncremental;
  state.tables["shop.orders"].created_by_task = true;
  state.tables["shop.items"].created_by_task = true;
  state.tables["shop.gone"].created_by_task = true;
  state.tables["shop.legacy"].copy_done = true;  // existed before the task (on_exists = 'append')
  std::map<QualifiedName, TargetTableFacts> target = {
      {{"shop_t", "orders"}, {true, true}},
      {{"shop_t", "items"}, {true, false}},
      {{"shop_t", "legacy"}, {true, true}},
      {{"shop_t", "empty_legacy"}, {true, false}},
  };

  RecopyDecision refused = decide_recopy(plan, state, target);
  REQUIRE(refused.refusals.size() == 1);
  CHECK(refused.refusals[0].find("target table shop_t.legacy (from shop.legacy) was not created by this task and "
                                 "holds rows") == 0);
  CHECK(refused.refusals[0].find("TRUNCATE TABLE `shop_t`.`legacy`") != std::string::npos);

  // Once the user has emptied it, the re-copy goes ahead: the task's own tables are dropped (the
  // missing one needs nothing), the pre-existing empty ones are kept.
  target[{"shop_t", "legacy"}].has_rows = false;
  RecopyDecision decision = decide_recopy(plan, state, target);
  CHECK(decision.refusals.empty());
  CHECK(decision.drop == std::vector<QualifiedName>{{"shop_t", "orders"}, {"shop_t", "items"}});
}

TEST_CASE("a re-copy needs FULL, and SCHEMA when it drops tables") {
  Plan plan = plan_of({job("orders", "orders")});
  TaskState state;
  state.tables["shop.orders"].created_by_task = true;
  std::map<QualifiedName, TargetTableFacts> target = {{{"shop_t", "orders"}, {true, true}}};
  plan.phases.full = false;
  CHECK(decide_recopy(plan, state, target).refusals.size() == 1);
  plan.phases.full = true;
  plan.phases.schema = false;
  auto decision = decide_recopy(plan, state, target);
  REQUIRE(decision.refusals.size() == 1);
  CHECK(decision.refusals[0].find("MODE has no SCHEMA") != std::string::npos);
}

TEST_CASE("the advice after a purged binlog names the command and never says resume") {
  std::string advice = recopy_advice("shop.omsql");
  CHECK(advice.find("omsrun shop.omsql --recopy") != std::string::npos);
  CHECK(advice.find("resumed") == std::string::npos);
  CHECK(advice.find("delete the task directory") == std::string::npos);
}

TEST_CASE("the state remembers what a re-copy needs across runs") {
  auto dir = std::filesystem::temp_directory_path() / ("omsql_recopy_state_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto directory = TaskDirectory::open(dir.string());
    REQUIRE(directory);
    TaskState state;
    state.phase = Phase::kRecopy;
    state.needs_recopy = "binlog mariadb-bin.000001 needed by the task was purged";
    state.recopy_drop = {{"shop_t", "orders"}};
    state.tables["shop.orders"].created_by_task = true;
    REQUIRE(directory->save(state));
    auto loaded = directory->load();
    REQUIRE(loaded);
    CHECK(loaded->phase == Phase::kRecopy);
    CHECK(loaded->needs_recopy == state.needs_recopy);
    CHECK(loaded->recopy_drop == state.recopy_drop);
    CHECK(loaded->tables["shop.orders"].created_by_task);
  }
  std::filesystem::remove_all(dir);
}
