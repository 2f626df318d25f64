#pragma once
// `omsrun check`'s compatibility report: every source object of the task and its fate on the target
// for the chosen dialect — exact, changed (how) or not migrated (why) — with the counts at the end.
// Tables get their fate from the DDL translator (src/schema/ddl.hpp) as well as from the script's
// rules (MAP COLUMN, EXCLUDE, CAST); the other objects from schema::plan_objects. Pure: no server.
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/schema/objects.hpp"

namespace omsql::check {

struct CompatibilityReport {
  std::vector<schema::ObjectPlan> objects;  // in creation order, tables first
  int exact = 0, changed = 0, not_migrated = 0;

  // "object: <line>" per object, then "objects: N exact, N changed, N not migrated".
  std::vector<std::string> lines() const;
};

// `planned` is schema::plan_objects' answer; each table entry gets the dialect's changes as notes
// (the DDL translation warnings, without the table name they start with), or becomes not migrated
// with the translation error as its reason.
CompatibilityReport compatibility_report(const Plan& plan, std::vector<schema::ObjectPlan> planned);

}  // namespace omsql::check
