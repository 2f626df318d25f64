// Schema objects: reference rewriting under MAP, DEFINER and event rewrites, fates. No server.
#include <doctest/doctest.h>

#include "src/schema/objects.hpp"

using namespace omsql;
using namespace omsql::schema;

namespace {

TableJob job(QualifiedName source, QualifiedName target, std::vector<std::string> columns) {
  TableJob j;
  j.source = source;
  j.target = target;
  j.source_def.name = source;
  for (const auto& c : columns) {
    ColumnDef def;
    def.name = c;
    j.source_def.columns.push_back(def);
    j.columns.push_back({c, c, std::nullopt, false});
  }
  return j;
}

Plan sakila_plan() {
  Plan plan;
  plan.tables.push_back(job({"sakila", "film"}, {"sk2", "film"}, {"id", "title"}));
  plan.tables.push_back(job({"sakila", "actor"}, {"sk2", "actor"}, {"id", "name"}));
  return plan;
}

const std::map<std::string, std::string> kDatabases = {{"sakila", "sk2"}};

}  // namespace

TEST_CASE("references to a MAP-ed database are rewritten outside strings and comments") {
  Plan plan = sakila_plan();
  auto r = rewrite_references(
      "select `sakila`.`film`.`id` AS `id`, 'sakila.film' AS s from `sakila`.`film` join sakila.v_x /* sakila.film */",
      "sakila", plan, kDatabases);
  CHECK(r.problems.empty());
  CHECK(r.changed);
  CHECK(r.text ==
        "select `sk2`.`film`.`id` AS `id`, 'sakila.film' AS s from `sk2`.`film` join `sk2`.v_x /* sakila.film */");
  CHECK(r.references.count({"sakila", "v_x"}) == 1);
}

TEST_CASE("a renamed table named unqualified is a problem, not a guess") {
  Plan plan = sakila_plan();
  plan.tables[0].target = {"sk2", "movie"};
  auto r = rewrite_references("INSERT INTO film VALUES (1)", "sakila", plan, kDatabases);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] == "names film unqualified, which the MAP renames to sk2.movie");
  auto qualified = rewrite_references("select * from `sakila`.`film`", "sakila", plan, kDatabases);
  CHECK(qualified.problems.empty());
  CHECK(qualified.text == "select * from `sk2`.`movie`");
}

TEST_CASE("a table whose columns the MAP renames cannot be referenced safely") {
  Plan plan = sakila_plan();
  plan.tables[1].columns[1].target = "full_name";
  auto r = rewrite_references("select `sakila`.`actor`.`name` from `sakila`.`actor`", "sakila", plan, kDatabases);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] == "references sakila.actor, whose columns the MAP renames or excludes");
}

TEST_CASE("DEFINER becomes CURRENT_USER; events become DISABLED") {
  bool changed = false;
  CHECK(definer_to_current_user("CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1",
                                &changed) == "CREATE ALGORITHM=UNDEFINED DEFINER=CURRENT_USER SQL SECURITY DEFINER VIEW `v` AS select 1");
  CHECK(changed);
  CHECK(definer_to_current_user("CREATE VIEW `v` AS select 'DEFINER=`x`@`y`'", &changed) == "CREATE VIEW `v` AS select 'DEFINER=`x`@`y`'");
  CHECK_FALSE(changed);
  CHECK(event_disabled("CREATE DEFINER=`root`@`%` EVENT `e` ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE ENABLE DO "
                       "update t set enable = 1",
                       &changed) == "CREATE DEFINER=`root`@`%` EVENT `e` ON SCHEDULE EVERY 1 DAY ON COMPLETION NOT PRESERVE "
                                    "DISABLE DO update t set enable = 1");
  CHECK(changed);
  CHECK(event_disabled("CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY DISABLE ON SLAVE DO select 1", &changed) ==
        "CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY DISABLE DO select 1");
  CHECK(event_disabled("CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY DISABLE DO select 1", &changed) ==
        "CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY DISABLE DO select 1");
  CHECK_FALSE(changed);
}

TEST_CASE("fates: views ordered over views, triggers deferred with INCREMENTAL, unmigrated table references") {
  Plan plan = sakila_plan();
  plan.phases.incremental = true;
  std::vector<SourceObject> objects;
  objects.push_back({ObjectKind::kView, {"sakila", "b_top"}, "CREATE VIEW `b_top` AS select * from `sakila`.`z_base`", "", "", ""});
  objects.push_back({ObjectKind::kView, {"sakila", "z_base"}, "CREATE VIEW `z_base` AS select * from `sakila`.`film`", "", "", ""});
  objects.push_back({ObjectKind::kView, {"sakila", "v_pay"}, "CREATE VIEW `v_pay` AS select * from `sakila`.`payment`", "", "", ""});
  objects.push_back({ObjectKind::kTrigger, {"sakila", "t1"}, "CREATE TRIGGER t1 AFTER INSERT ON film FOR EACH ROW SET @a = 1", "", "", "film"});
  objects.push_back({ObjectKind::kVersionedTable, {"sakila", "h"}, "", "", "", ""});
  auto plans = plan_objects(objects, plan, {{"sakila", "film"}, {"sakila", "actor"}, {"sakila", "payment"}});
  std::vector<std::string> lines;
  for (const auto& p : plans) lines.push_back(p.line());
  REQUIRE(lines.size() == 7);
  CHECK(lines[0] == "table sakila.film -> sk2.film: exact");
  CHECK(lines[2] == "view sakila.v_pay: not migrated (references sakila.payment, a table the task does not migrate)");
  CHECK(lines[3] == "view sakila.z_base -> sk2.z_base: exact (references follow the MAP)");
  CHECK(lines[4] == "view sakila.b_top -> sk2.b_top: exact (references follow the MAP)");
  CHECK(plans[5].at_cut_over);
  CHECK(lines[6].rfind("system-versioned table sakila.h: not migrated", 0) == 0);
}
