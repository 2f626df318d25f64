#include "src/runner/check.hpp"

#include <set>

#include "src/engine/mysql/mysql_catalog.hpp"

namespace omsql::runner {

Result<CheckReport> check_task(const Plan& plan, Connection& source, bool resuming) {
  auto target = Connection::open(plan.target, "target");
  if (!target) return target.status();
  CheckReport report;
  report.findings = check::run_preflight(source, **target, plan);
  for (auto& finding : report.findings)
    if (finding.severity == check::Finding::kError && !check::blocks_run(finding, resuming)) {
      finding.severity = check::Finding::kInfo;
      finding.message += " (this task created it: a rerun resumes into it)";
    }
  auto objects = schema::read_source_objects(source, plan);
  auto listed = MysqlCatalog(source).list_tables();
  if (!objects || !listed) {
    report.objects_status = objects ? listed.status() : objects.status();
    return report;
  }
  report.objects = schema::plan_objects(*objects, plan, {listed->begin(), listed->end()});
  return report;
}

Result<std::vector<schema::PlannedStatement>> plan_statements(const Plan& plan, Connection& source) {
  auto objects = schema::read_source_objects(source, plan);
  if (!objects) return objects.status();
  auto listed = MysqlCatalog(source).list_tables();
  if (!listed) return listed.status();
  return schema::planned_statements(plan, schema::plan_objects(*objects, plan, {listed->begin(), listed->end()}));
}

}  // namespace omsql::runner
