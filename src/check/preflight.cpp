#include "src/check/preflight.hpp"
#include "src/check/preflight_detail.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "src/apply/change_batch.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/check/collation_collisions.hpp"
#include "src/common/strings.hpp"
#include "src/copy/types.hpp"
#include "src/schema/ddl.hpp"
#include "src/sql/quote.hpp"

namespace omsql::check {

namespace preflight_detail {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// Global variables by lower-case name; names the server does not know are simply absent.
Result<std::map<std::string, std::string>> variables(Connection& c, const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "'" : ", '") + n + "'";
  auto r = c.query("SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + list + ")");
  if (!r) return r.status();
  std::map<std::string, std::string> out;
  for (const auto& row : r->rows) out[to_lower(row[0].value_or(""))] = row[1].value_or("");
  return out;
}

Result<std::vector<std::string>> show_grants(Connection& c) {
  auto r = c.query("SHOW GRANTS");
  if (!r) return r.status();
  std::vector<std::string> out;
  for (const auto& row : r->rows) out.push_back(row[0].value_or(""));
  return out;
}

// True when a grant line hands the user a role, whose privileges SHOW GRANTS does not list.
bool grants_mention_role(const std::vector<std::string>& grants) {
  for (const auto& g : grants) {
    std::string u = upper(g);
    if (u.rfind("GRANT ", 0) == 0 && u.find(" ON ") == std::string::npos) return true;
  }
  return false;
}

// Adds an error (or a warning when a role may grant it) for each privilege in `needed` missing on
// any schema in `schemas` (an empty schema means "global": replication privileges).
void check_grants(Connection& c, const std::vector<std::string>& needed, const std::set<std::string>& schemas,
                  const std::string& why, Findings& findings) {
  auto grants = show_grants(c);
  if (!grants) {
    findings.warning(FindingCode::kGrantsUnreadable,
                     grants.status().message() + ": cannot read grants; privileges not checked");
    return;
  }
  bool role = grants_mention_role(*grants);
  for (const auto& privilege : needed) {
    std::vector<std::string> missing;
    for (const auto& schema : schemas)
      if (!grants_cover(*grants, privilege, schema)) missing.push_back(schema.empty() ? "*.*" : schema + ".*");
    if (missing.empty()) continue;
    std::string message =
        c.describe() + ": " + privilege + " is not granted on " + join(missing, ", ") + " (" + why + ")";
    if (role)
      findings.warning(FindingCode::kPrivilegeMissing,
                       message + "; a role may grant it, check SHOW GRANTS FOR the role");
    else
      findings.error(FindingCode::kPrivilegeMissing, message);
  }
}

std::string version_of(Connection& c, Findings& findings) {
  auto v = c.query_value("SELECT VERSION()");
  if (!v) {
    findings.error(FindingCode::kQueryFailed, v.status().message());
    return "";
  }
  return v->value_or("");
}

}  // namespace preflight_detail

namespace {

using namespace preflight_detail;

// Each FILTER once on its source table, in the copy's own shape (`WHERE (cond)`) with LIMIT 0: an
// unknown column, a typo or a stray clause is reported now, at the FILTER's file:line:col, instead
// of by the first chunk of the copy.
void check_source_filters(Connection& source, const Plan& plan, Findings& findings) {
  for (const auto& job : plan.tables) {
    if (!job.filter) continue;
    auto probe = source.query("SELECT 1 FROM " + sql::quote_name(job.source) + " WHERE (" + *job.filter + ") LIMIT 0");
    if (!probe)
      findings.error(FindingCode::kFilterInvalid,
                     (job.filter_place.empty() ? "" : job.filter_place + ": ") + "FILTER on " + job.source.str() +
                         ": the condition does not run on the source table: " + probe.status().message());
  }
}

void check_source(Connection& source, const Plan& plan, Findings& findings) {
  std::string version = version_of(source, findings);
  if (version.empty()) return;
  findings.info(FindingCode::kServerVersion, source.describe() + ": server version " + version);
  const bool incremental = plan.phases.incremental;
  auto vars = variables(source, {"log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata", "server_id",
                                 "gtid_binlog_pos"});
  if (!vars) {
    findings.error(FindingCode::kQueryFailed, vars.status().message());
    return;
  }
  auto value = [&](const char* name) {
    auto it = vars->find(name);
    return it == vars->end() ? std::string() : it->second;
  };
  auto binlog_problem = [&](const std::string& message) {
    if (incremental)
      findings.error(FindingCode::kBinlogSetting,
                     source.describe() + ": " + message + " (required by the INCREMENTAL phase)");
    else
      findings.info(FindingCode::kBinlogSetting,
                    source.describe() + ": " + message + " (not needed: no INCREMENTAL phase)");
  };
  if (upper(value("log_bin")) != "ON" && value("log_bin") != "1")
    binlog_problem("log_bin is OFF: start the server with --log-bin");
  if (upper(value("binlog_format")) != "ROW")
    binlog_problem("binlog_format is " + value("binlog_format") + ", not ROW: SET GLOBAL binlog_format = 'ROW'");
  if (vars->count("binlog_row_image") && upper(value("binlog_row_image")) != "FULL")
    binlog_problem("binlog_row_image is " + value("binlog_row_image") +
                   ", not FULL: SET GLOBAL binlog_row_image = 'FULL' (updates must carry every column)");
  if (incremental) {
    // Optional: what FULL adds to capture (src/engine/mysql/binlog/decoder_rows.cpp).
    const std::string metadata = upper(value("binlog_row_metadata"));
    if (metadata == "FULL")
      findings.info(FindingCode::kBinlogSetting,
                    source.describe() + ": binlog_row_metadata is FULL: capture checks the column names of every "
                    "TABLE_MAP against the definition it decodes the table with, and stops naming the table, the "
                    "position and both column lists instead of decoding rows into the wrong columns");
    else
      findings.info(FindingCode::kBinlogSetting,
                    source.describe() + ": binlog_row_metadata is " +
                        (metadata.empty() ? std::string("not available on this server") : metadata) +
                        ": capture checks only the column count of each TABLE_MAP against the definition it decodes "
                        "the table with; SET GLOBAL binlog_row_metadata = 'FULL' (optional, a few bytes per "
                        "TABLE_MAP) makes it check the column names too, so a definition with other columns at the "
                        "same places stops capture instead of decoding rows into the wrong columns");
  }
  if (value("server_id").empty() || value("server_id") == "0")
    binlog_problem("server_id is 0: set a non-zero server_id so the binlog can be read");
  if (incremental && !value("gtid_binlog_pos").empty())
    findings.info(FindingCode::kBinlogSetting,
                  source.describe() + ": binlog GTID position " + value("gtid_binlog_pos"));

  std::set<std::string> schemas;
  for (const auto& job : plan.tables) schemas.insert(job.source.schema);
  check_grants(source, {"SELECT"}, schemas, "reading the tables", findings);
  if (incremental) {
    check_grants(source, {"REPLICATION SLAVE"}, {""}, "reading the binlog", findings);
    // MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR; either one lets us read positions.
    auto grants = show_grants(source);
    if (grants && !grants_cover(*grants, "REPLICATION CLIENT", "") && !grants_cover(*grants, "BINLOG MONITOR", "")) {
      std::string message =
          source.describe() +
          ": neither REPLICATION CLIENT nor BINLOG MONITOR is granted on *.* (reading binlog positions)";
      if (grants_mention_role(*grants))
        findings.warning(FindingCode::kPrivilegeMissing, message + "; a role may grant it");
      else
        findings.error(FindingCode::kPrivilegeMissing, message);
    }
  }

  check_source_filters(source, plan, findings);
  for (const auto& job : plan.tables) {
    if (job.key.kind == RowKey::Kind::kNone)
      findings.warning(FindingCode::kNoPrimaryKey,
                       job.source.str() +
                           " has no primary key or NOT NULL unique key: copied as one streamed chunk, incremental "
                           "changes matched on the whole row");
    else if (job.key.kind == RowKey::Kind::kUniqueNotNull)
      findings.info(
          FindingCode::kNoPrimaryKey,
          job.source.str() + " has no primary key: rows are identified by unique key `" + job.key.index_name + "`");
    for (const auto& column : job.columns) {
      if (!column.cast_to) continue;
      const ColumnDef* def = job.source_def.find_column(column.source);
      if (!def) continue;
      if (auto reason = lossy_cast_reason(*def, *column.cast_to))
        findings.warning(FindingCode::kLossyCast, job.source.str() + "." + column.source + ": CAST " + *reason);
    }
  }
}

bool identity_known(const ServerIdentity& identity) {
  return !identity.server_uuid.empty() || (!identity.hostname.empty() && !identity.port.empty() && !identity.datadir.empty());
}

// Copying a server onto itself overwrites (with 'truncate': empties) the tables it reads. The
// endpoints cannot tell (localhost vs 127.0.0.1, a port forward): the servers' own identities do.
void check_same_server(Connection& source, Connection& target, const Plan& plan, Findings& findings) {
  const std::string pair = source.describe() + " and " + target.describe();
  bool same = iequals(source.endpoint().host, target.endpoint().host) && source.endpoint().port == target.endpoint().port;
  std::string evidence = "the same host and port";
  if (!same) {
    auto source_identity = read_server_identity(source);
    auto target_identity = read_server_identity(target);
    if (!source_identity || !target_identity || !identity_known(*source_identity) ||
        !identity_known(*target_identity)) {
      std::string why = !source_identity   ? source_identity.status().message()
                        : !target_identity ? target_identity.status().message()
                                           : "the servers do not report hostname, port and datadir";
      std::string message = "cannot tell whether " + pair + " are one server (" + why + ")";
      if (plan.options.on_exists == OnExists::kTruncate)
        findings.error(FindingCode::kSameServerUnknown,
                       message + ": refusing on_exists = 'truncate', which could empty a source table");
      else
        findings.warning(FindingCode::kSameServerUnknown, message);
      return;
    }
    same = same_server(*source_identity, *target_identity);
    evidence = source_identity->describe();
  }
  if (!same) return;
  if (!plan.options.same_server_allowed) {
    findings.error(FindingCode::kSameServer,
                   pair + " are the same server (" + evidence +
                       "): the task would write into the server it reads; use another TARGET, or MAP the tables into "
                       "other databases and set WITH (same_server = 'allow')");
    return;
  }
  findings.info(FindingCode::kSameServer,
                pair + " are the same server (" + evidence + "); allowed by same_server = 'allow'");
  // Table names may be case-insensitive on the server: compare them so.
  auto same_table = [](const QualifiedName& a, const QualifiedName& b) {
    return iequals(a.schema, b.schema) && iequals(a.table, b.table);
  };
  for (const auto& job : plan.tables) {
    for (const auto& other : plan.tables) {
      if (!same_table(job.target, other.source)) continue;
      findings.error(FindingCode::kTargetIsSourceTable,
                     target.describe() + ": target table " + job.target.str() + " (from " + job.source.str() +
                         ") is a source table of this task on the same server: refusing to write into it");
      break;
    }
  }
}

// True when `privilege` is in the comma-separated list `privileges` ("SELECT, INSERT, ...").
bool lists(const std::string& privileges, const std::string& privilege) {
  std::string u = upper(privileges);
  if (u.find("ALL PRIVILEGES") != std::string::npos) return true;
  size_t start = 0;
  while (start < u.size()) {
    size_t comma = u.find(',', start);
    std::string item = u.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    // A column-level grant ("SELECT (a, b)") does not cover the table.
    if (item == privilege) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

// SQL LIKE with '_', '%' and backslash escapes, as MariaDB and MySQL match database grants.
bool like_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '%') {
    for (size_t skip = 0; skip <= text.size(); ++skip)
      if (like_match(pattern.substr(1), text.substr(skip))) return true;
    return false;
  }
  if (text.empty()) return false;
  if (pattern[0] == '\\' && pattern.size() > 1)
    return pattern[1] == text[0] && like_match(pattern.substr(2), text.substr(1));
  if (pattern[0] == '_' || pattern[0] == text[0]) return like_match(pattern.substr(1), text.substr(1));
  return false;
}

// The FK graph replay honours (src/apply/foreign_keys.hpp): every FK of a task table, and the FKs
// of tables outside the task that reference one (their actions on the source are not replayed).
void check_foreign_keys(Connection& source, Connection& target, const Plan& plan, Findings& findings) {
  if (!plan.phases.incremental) return;
  apply::FkGraph graph = apply::FkGraph::build(plan);
  for (const auto& note : graph.notes()) {
    if (note.warning)
      findings.warning(FindingCode::kForeignKeys, note.message);
    else
      findings.info(FindingCode::kForeignKeys, note.message);
  }
  std::set<QualifiedName> in_task;
  std::set<std::string> schemas;
  for (const auto& job : plan.tables) {
    in_task.insert(job.source);
    schemas.insert(job.source.schema);
  }
  if (!schemas.empty()) {
    std::string list;
    for (const auto& schema : schemas) list += (list.empty() ? "'" : ", '") + source.escape(schema) + "'";
    auto outside = source.query(
        "SELECT DISTINCT r.CONSTRAINT_SCHEMA, r.TABLE_NAME, r.CONSTRAINT_NAME, r.UNIQUE_CONSTRAINT_SCHEMA, "
        "r.REFERENCED_TABLE_NAME, r.DELETE_RULE, r.UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS r "
        "WHERE r.UNIQUE_CONSTRAINT_SCHEMA IN (" + list + ")");
    if (!outside) {
      findings.warning(FindingCode::kQueryFailed,
                       outside.status().message() + ": cannot list the foreign keys that reference the task's tables");
    } else {
      for (const auto& row : outside->rows) {
        QualifiedName child{row[0].value_or(""), row[1].value_or("")};
        QualifiedName parent{row[3].value_or(""), row[4].value_or("")};
        if (in_task.count(child) || !in_task.count(parent)) continue;
        std::string on_delete = row[5].value_or(""), on_update = row[6].value_or("");
        if (apply::fk_action(on_delete) == apply::FkAction::kNone && apply::fk_action(on_update) == apply::FkAction::kNone)
          continue;
        findings.warning(FindingCode::kForeignKeys,
                         "foreign key `" + row[2].value_or("") + "` " + child.str() + " -> " + parent.str() +
                             " ON DELETE " + on_delete + " ON UPDATE " + on_update + ": " + child.str() +
                             " is not in the task, so what the source's deletes and updates of " + parent.str() +
                             " do to it are not replayed (a target copy of it can keep rows or old values)");
      }
    }
  }
  for (const auto& group : graph.snapshot_groups()) {
    std::vector<std::string> names;
    for (size_t index : group) names.push_back(plan.tables[index].source.str());
    findings.info(FindingCode::kForeignKeys,
                  join(names, ", ") + (group.size() > 1 ? " (connected by FK actions) are" : " is") +
                      " copied whole in one consistent snapshot by one reader, so that replay derives FK actions "
                      "from rows of one moment");
  }
  if (!graph.has_actions()) return;
  auto grants = show_grants(target);
  if (grants && !grants_cover(*grants, "CREATE TEMPORARY TABLES", "omsql_meta")) {
    std::string message = target.describe() +
                          ": CREATE TEMPORARY TABLES is not granted on omsql_meta.* (replaying FK actions keeps "
                          "the keys of cascaded rows in temporary tables there)";
    if (grants_mention_role(*grants))
      findings.warning(FindingCode::kPrivilegeMissing, message + "; a role may grant it");
    else
      findings.error(FindingCode::kPrivilegeMissing, message);
  }
}

}  // namespace

const char* severity_name(Finding::Severity severity) {
  switch (severity) {
    case Finding::kError:
      return "error";
    case Finding::kWarning:
      return "warning";
    case Finding::kInfo:
      return "info";
  }
  return "?";
}

Finding copy_path_finding(const Endpoint& target) {
  auto named = [](const std::optional<TargetVersion>& v) { return v ? v->text : std::string("none"); };
  const std::string versions = "(declared VERSION " + named(target.version) + ", server " + named(target.reported_version) + ")";
  if (copy::wire_format_for(target) == copy::WireFormat::kLoadDataIgnore)
    return Finding{Finding::kInfo, FindingCode::kCopyPath,
                   target.describe() + ": the copy writes with LOAD DATA LOCAL " + versions +
                       ": OceanBase 4.2.2+ loads it with IGNORE, so rows skipped as duplicates are deleted by key "
                       "and loaded again, and any other warning stops the copy"};
  return Finding{Finding::kInfo, FindingCode::kCopyPath,
                 target.describe() + ": the copy writes with REPLACE INTO ... VALUES " + versions +
                     ": LOAD DATA LOCAL needs OceanBase 4.2.2 or later, and every version known must be"};
}

std::optional<Finding> target_version_finding(const Endpoint& target, const std::string& server_version) {
  auto reported = oceanbase_version_of(server_version);
  const std::string where = target.describe() + ": ";
  if (!target.version) {
    std::string advice = reported ? "add VERSION '" + reported->text + "' to the TARGET statement"
                                  : "add VERSION '4.x.y' to the TARGET statement";
    return Finding{Finding::kWarning, FindingCode::kTargetVersion,
                   where + "TARGET oceanbase declares no VERSION: the rules assume the oldest OceanBase 4.x "
                           "(no FULLTEXT or SPATIAL indexes); " + advice};
  }
  if (!reported) return std::nullopt;  // not OceanBase at all: kDialectMismatch says so
  if (*reported == *target.version ||
      // A declared '4.2.1' matches a server's 4.2.1.2: the build number changes no rule.
      (target.version->parts[3] == 0 && reported->parts[0] == target.version->parts[0] &&
       reported->parts[1] == target.version->parts[1] && reported->parts[2] == target.version->parts[2]))
    return Finding{Finding::kInfo, FindingCode::kTargetVersion,
                   where + "OceanBase " + reported->text + " matches the declared VERSION '" + target.version->text + "'"};
  return Finding{Finding::kWarning, FindingCode::kTargetVersion,
                 where + "the server reports OceanBase " + reported->text + " but the script declares VERSION '" +
                     target.version->text + "': the DDL rules follow the declaration; set VERSION '" + reported->text +
                     "' if the server is right"};
}

bool blocks_run(const Finding& finding, bool resuming) {
  if (finding.severity != Finding::kError) return false;
  return !(resuming && finding.code == FindingCode::kTargetTableExists);
}

bool grants_cover(const std::vector<std::string>& grants, const std::string& privilege, const std::string& schema) {
  const std::string wanted = upper(privilege);
  for (const auto& grant : grants) {
    std::string u = upper(grant);
    if (u.rfind("GRANT ", 0) != 0) continue;
    size_t on = u.find(" ON ");
    if (on == std::string::npos) continue;
    size_t to = u.find(" TO ", on);
    std::string privileges = u.substr(6, on - 6);
    std::string scope = grant.substr(on + 4, to == std::string::npos ? std::string::npos : to - on - 4);
    bool applies = scope == "*.*";
    if (!applies && !schema.empty()) {
      // `db`.* (a table-level grant never covers a whole database). The database part is a LIKE
      // pattern: `shop_%` covers shop_v2, `shop\_v2` only shop_v2.
      std::string unquoted;
      for (char c : scope)
        if (c != '`') unquoted += c;
      if (unquoted.size() > 2 && unquoted.compare(unquoted.size() - 2, 2, ".*") == 0)
        applies = like_match(unquoted.substr(0, unquoted.size() - 2), schema);
    }
    if (applies && lists(privileges, wanted)) return true;
  }
  return false;
}

std::vector<Finding> run_preflight(Connection& source, Connection& target, const Plan& plan) {
  Findings findings;
  check_same_server(source, target, plan, findings);
  check_source(source, plan, findings);
  // Only when the tables are created by the task: an existing target table's collations are checked
  // against the job by table_differences.
  if (plan.phases.schema)
    for (auto& finding : collation_collision_findings(source, plan)) findings.add(std::move(finding));
  check_target(target, plan, findings);
  check_foreign_keys(source, target, plan, findings);
  return findings.take();
}

}  // namespace omsql::check
