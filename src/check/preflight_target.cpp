// Pre-flight on the target (src/check/preflight_detail.hpp): its version and dialect, the copy
// path the run will take, the privileges the copy and the live link need there, the tables the
// task would write into, and replay's FILTER evaluation.
#include <algorithm>
#include <map>
#include <set>

#include "src/apply/change_batch.hpp"
#include "src/check/preflight_detail.hpp"
#include "src/common/strings.hpp"
#include "src/copy/types.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/schema/ddl.hpp"
#include "src/sql/quote.hpp"

namespace omsql::check::preflight_detail {
namespace {

// The existing tables the task would write into, each against its job: refused with every difference
// listed, so 'truncate' never empties a table the copy cannot then fill correctly.
void check_existing_tables(Connection& target, const Plan& plan, const std::vector<const TableJob*>& jobs,
                           Findings& findings) {
  if (jobs.empty()) return;
  std::vector<QualifiedName> names;
  for (const auto* job : jobs) names.push_back(job->target);
  MysqlCatalog catalog(target);
  auto defs = catalog.describe_tables(names);
  if (!defs) {
    findings.error(FindingCode::kQueryFailed,
                   defs.status().message() + ": cannot compare the existing target tables with the job");
    return;
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    const TableJob& job = *jobs[i];
    std::string what = target.describe() + ": target table " + job.target.str() + " (from " + job.source.str() + ")";
    auto differences = table_differences(job, (*defs)[i]);
    if (!differences.empty()) {
      // One difference per line: a wide table may have many.
      findings.error(FindingCode::kTargetTableMismatch,
                     what +
                         " exists but does not match the job, so nothing was emptied or written (fix or drop "
                         "the table, or MAP to another name):\n  - " +
                         join(differences, "\n  - "));
      continue;
    }
    switch (plan.options.on_exists) {
      case OnExists::kTruncate:
        findings.warning(FindingCode::kTargetTableReused,
                         what + " exists and matches the job; it will be emptied (on_exists = 'truncate')");
        break;
      case OnExists::kAppend:
        findings.info(FindingCode::kTargetTableReused,
                      what + " exists and matches the job: rows are added to it (on_exists = 'append')");
        break;
      case OnExists::kFail:
        findings.info(FindingCode::kTargetTableReused,
                      what + " exists and matches the job: the copy writes into it (MODE without SCHEMA)");
        break;
    }
  }
}

// Replay evaluates each FILTER on the target over one changed row (src/apply/change_batch.hpp).
// A filter the compiler found not to be decided by the row alone is an error here too (`--mode`
// may have added INCREMENTAL to a script without it); any other is tried on the target once.
void check_replay_filters(Connection& target, const Plan& plan, Findings& findings) {
  for (const auto& job : plan.tables) {
    if (!job.filter) continue;
    if (job.filter_replay_problem) {
      findings.error(FindingCode::kFilterNotReplayable, *job.filter_replay_problem);
      continue;
    }
    if (auto probe = target.query(apply::filter_probe_sql(job)); !probe)
      findings.error(FindingCode::kFilterNotReplayable,
                     target.describe() + ": FILTER on " + job.source.str() +
                         " cannot be evaluated on the target, where replay evaluates it on each changed row: " +
                         probe.status().message() +
                         ". Write the condition over the row's own columns and constants, or copy the table without "
                         "the INCREMENTAL phase (MODE SCHEMA, FULL)");
    std::string excluded;
    for (const auto& column : job.filter_columns)
      if (!job.find_column(column)) excluded += (excluded.empty() ? "`" : ", `") + column + "`";
    if (!excluded.empty())
      findings.warning(FindingCode::kFilterExcludedColumns,
                       job.source.str() + ": the FILTER reads excluded column(s) " + excluded +
                           ": their values are kept in the task's spool (on local disk) so that replay can evaluate "
                           "the filter; every other excluded column is dropped before the spool");
  }
}

}  // namespace


void check_target(Connection& target, const Plan& plan, Findings& findings) {
  std::string version = version_of(target, findings);
  if (version.empty()) return;
  findings.info(FindingCode::kServerVersion,
                target.describe() + ": server version " + version + ", dialect " + dialect_name(plan.target.dialect));
  bool is_oceanbase = version.find("OceanBase") != std::string::npos;
  if (plan.target.dialect == Dialect::kOceanBase && !is_oceanbase)
    findings.warning(FindingCode::kDialectMismatch,
                     target.describe() + ": the script says TARGET oceanbase but the server reports " + version +
                         ": OceanBase rules will be applied to a server that may not need them");
  if (plan.target.dialect == Dialect::kMysql && is_oceanbase)
    findings.warning(
        FindingCode::kDialectMismatch,
        target.describe() + ": the server is OceanBase; use TARGET oceanbase so the DDL is translated for it");
  // The run copies with the format these versions allow (task_runner fills reported_version the same way).
  Endpoint copy_target = plan.target;
  if (plan.target.dialect == Dialect::kOceanBase) {
    if (auto finding = target_version_finding(plan.target, version)) findings.add(*finding);
    copy_target.reported_version = oceanbase_version_of(version);
    if (plan.phases.full) findings.add(copy_path_finding(copy_target));
  }

  // local_infile matters only where the copy uses LOAD DATA LOCAL (not OceanBase's INSERT format).
  if (plan.phases.full && copy::is_load_data(copy::wire_format_for(copy_target))) {
    auto local_infile = target.query_value("SELECT @@GLOBAL.local_infile");
    if (!local_infile)
      findings.warning(FindingCode::kLocalInfile,
                       local_infile.status().message() + ": cannot tell whether local_infile is on");
    else if (local_infile->value_or("0") != "1" && upper(local_infile->value_or("")) != "ON")
      findings.error(FindingCode::kLocalInfile,
                     target.describe() +
                         ": local_infile is OFF: the copy uses LOAD DATA LOCAL INFILE; SET GLOBAL local_infile = 1");
  }

  std::set<std::string> schemas;
  for (const auto& job : plan.tables) schemas.insert(job.target.schema);
  std::vector<std::string> needed = {"INSERT", "DELETE"};
  if (plan.phases.schema) needed.insert(needed.end(), {"CREATE", "ALTER", "INDEX"});
  if (plan.options.on_exists == OnExists::kTruncate) needed.push_back("DROP");  // TRUNCATE needs DROP
  if (plan.phases.incremental) needed.push_back("UPDATE");
  check_grants(target, needed, schemas, "writing the target tables", findings);

  // Existing tables against on_exists: the same rule create_target_schema applies.
  if (!plan.tables.empty()) {
    std::string list;
    for (const auto& s : schemas) {
      list += list.empty() ? "'" : ", '";
      list += target.escape(s);
      list += '\'';
    }
    auto existing = target.query("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA IN (" + list + ")");
    if (!existing) {
      findings.error(FindingCode::kQueryFailed, existing.status().message());
    } else {
      std::map<QualifiedName, std::string> types;
      for (const auto& row : existing->rows) types[{row[0].value_or(""), row[1].value_or("")}] = row[2].value_or("");
      std::vector<const TableJob*> written;  // existing tables the task would empty or write into
      for (const auto& job : plan.tables) {
        if (!types.count(job.target)) continue;
        std::string what =
            target.describe() + ": target table " + job.target.str() + " (from " + job.source.str() + ")";
        if (plan.phases.schema && plan.options.on_exists == OnExists::kFail) {
          findings.error(FindingCode::kTargetTableExists,
                         what + " already exists; drop it or set WITH (on_exists = 'truncate' | 'append')");
          continue;
        }
        if (types[job.target] != "BASE TABLE") {
          findings.error(FindingCode::kTargetNotATable,
                         what + " is a " + types[job.target] + ", not a table: nothing was emptied");
          continue;
        }
        written.push_back(&job);
      }
      check_existing_tables(target, plan, written, findings);
    }
  }

  if (plan.phases.incremental) check_replay_filters(target, plan, findings);

  if (plan.phases.schema) {
    const auto dialect = schema::DialectTarget::of(plan.target);
    for (const auto& job : plan.tables) {
      for (int step = 0; step < 3; ++step) {
        auto ddl = step == 0   ? schema::create_table_sql(job, dialect, false)
                   : step == 1 ? schema::secondary_index_sql(job, dialect)
                               : schema::foreign_key_sql(job, plan.tables, dialect);
        if (!ddl) {
          findings.error(FindingCode::kDdlTranslation, ddl.status().message());
          break;
        }
        for (const auto& w : ddl->warnings) findings.warning(FindingCode::kDdlTranslation, w);
      }
    }
  }
}

}  // namespace omsql::check::preflight_detail
