#include "src/schema/migrator.hpp"

#include <functional>
#include <map>
#include <set>

#include "src/common/strings.hpp"
#include "src/schema/ddl.hpp"
#include "src/sql/quote.hpp"

namespace omsql::schema {
namespace {

// The names in `column` of information_schema `view`, per target table, for the plan's tables.
Result<std::map<QualifiedName, std::set<std::string>>> names_by_table(Connection& target, const Plan& plan,
                                                                      const std::string& view,
                                                                      const std::string& schema_column,
                                                                      const std::string& name_column) {
  std::map<QualifiedName, std::set<std::string>> out;
  std::set<std::string> schemas;
  for (const auto& job : plan.tables) schemas.insert(job.target.schema);
  if (schemas.empty()) return out;
  std::string list;
  for (const auto& s : schemas) {
    if (!list.empty()) list += ", ";
    list += '\'';
    list += target.escape(s);
    list += '\'';
  }
  auto result = target.query("SELECT " + schema_column + ", TABLE_NAME, " + name_column + " FROM information_schema." +
                             view + " WHERE " + schema_column + " IN (" + list + ")");
  if (!result) return result.status();
  for (const auto& row : result->rows) out[{row[0].value_or(""), row[1].value_or("")}].insert(row[2].value_or(""));
  return out;
}

Status add_indexes_and_keys(Connection& target, const Plan& plan, std::vector<std::string>* warnings) {
  const DialectTarget dialect = DialectTarget::of(plan.target);
  auto indexes = names_by_table(target, plan, "STATISTICS", "TABLE_SCHEMA", "INDEX_NAME");
  if (!indexes) return indexes.status().with_context("reading target indexes");
  for (const auto& job : plan.tables) {
    auto ddl = secondary_index_sql(job, dialect, (*indexes)[job.target]);
    if (!ddl) return ddl.status();
    if (warnings) warnings->insert(warnings->end(), ddl->warnings.begin(), ddl->warnings.end());
    if (!ddl->sql.empty())
      OMSQL_RETURN_IF_ERROR(target.execute(ddl->sql).with_context("adding indexes to " + job.target.str()));
  }
  auto constraints = names_by_table(target, plan, "REFERENTIAL_CONSTRAINTS", "CONSTRAINT_SCHEMA", "CONSTRAINT_NAME");
  if (!constraints) return constraints.status().with_context("reading target foreign keys");
  for (const auto& job : plan.tables) {
    auto ddl = foreign_key_sql(job, plan.tables, dialect, (*constraints)[job.target]);
    if (!ddl) return ddl.status();
    if (warnings) warnings->insert(warnings->end(), ddl->warnings.begin(), ddl->warnings.end());
    if (!ddl->sql.empty())
      OMSQL_RETURN_IF_ERROR(target.execute(ddl->sql).with_context("adding foreign keys to " + job.target.str()));
  }
  return Status::ok();
}

// Errors the server gives for TEMPORARY tables only: 1796 FULLTEXT, 1506 partitioning, 4137 system
// versioning, 4047 ROW_FORMAT=COMPRESSED/KEY_BLOCK_SIZE (MariaDB), 1478 the same (MySQL), 1005
// "wrong create options" (InnoDB DATA DIRECTORY, ENCRYPTED); 1044/1142 a user without CREATE
// TEMPORARY TABLES. The real CREATE decides those.
bool temporary_only_refusal(const Status& status) {
  const std::string& m = status.message();
  for (const char* code : {"error 1796:", "error 1506:", "error 4137:", "error 4047:", "error 1478:", "error 1005:",
                           "error 1044:", "error 1142:"})
    if (m.find(code) != std::string::npos) return true;
  return false;
}

// Runs `body` with the session set for replaying catalog text, then restores the session.
// foreign_key_checks=0: TRUNCATE of a referenced table and ADD FOREIGN KEY over copied rows.
// sql_mode without NO_BACKSLASH_ESCAPES and ANSI_QUOTES/PIPES_AS_CONCAT: the server prints defaults,
// expressions and CHECK clauses with backslash escapes, back-quotes and MariaDB operators; without
// NO_ZERO_DATE/NO_ZERO_IN_DATE: a source default of '0000-00-00' must be accepted as it was there.
Status with_ddl_session(Connection& target, const std::function<Status()>& body) {
  auto session = target.query("SELECT @@SESSION.sql_mode, @@SESSION.foreign_key_checks");
  if (!session) return session.status().with_context("reading the session settings");
  if (session->rows.empty()) return Status::server_error(target.describe() + ": no session settings returned");
  const std::string original_mode = session->rows[0][0].value_or("");
  const std::string original_checks = session->rows[0][1].value_or("1");
  static const std::set<std::string> kUnwanted = {"NO_BACKSLASH_ESCAPES", "ANSI_QUOTES",    "PIPES_AS_CONCAT", "ANSI",
                                                  "NO_ZERO_DATE",         "NO_ZERO_IN_DATE"};
  std::vector<std::string> kept;
  size_t start = 0;
  while (start <= original_mode.size()) {
    size_t comma = original_mode.find(',', start);
    std::string mode = original_mode.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!mode.empty() && !kUnwanted.count(mode)) kept.push_back(mode);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  OMSQL_RETURN_IF_ERROR(
      target.execute("SET SESSION foreign_key_checks = 0, sql_mode = " + sql::text_literal(join(kept, ","))));
  Status status = body();
  Status restored =
      target.execute("SET SESSION foreign_key_checks = " + std::string(original_checks == "0" ? "0" : "1") +
                     ", sql_mode = " + sql::text_literal(original_mode));
  return status.is_ok() ? restored : status;
}

}  // namespace

Status create_target_schema(Connection& target, const Plan& plan, std::vector<std::string>* warnings,
                            std::set<QualifiedName>* created) {
  const DialectTarget dialect = DialectTarget::of(plan.target);
  std::vector<Ddl> ddls;
  for (const auto& job : plan.tables) {
    auto ddl = create_table_sql(job, dialect, false);
    if (!ddl) return ddl.status();
    // The indexes and keys come after the copy, but what they will drop is said now, before any
    // row moves.
    auto indexes = secondary_index_sql(job, dialect);
    if (!indexes) return indexes.status();
    auto foreign_keys = foreign_key_sql(job, plan.tables, dialect);
    if (!foreign_keys) return foreign_keys.status();
    if (warnings) {
      for (const auto* part : {&*ddl, &*indexes, &*foreign_keys})
        warnings->insert(warnings->end(), part->warnings.begin(), part->warnings.end());
    }
    ddls.push_back(std::move(*ddl));
  }

  auto existing = names_by_table(target, plan, "TABLES", "TABLE_SCHEMA", "TABLE_NAME");
  if (!existing) return existing.status().with_context("looking for existing target tables");
  auto exists = [&](const QualifiedName& name) { return existing->count(name) > 0; };
  auto own = [&](const QualifiedName& name) { return created && created->count(name) > 0; };
  if (plan.options.on_exists == OnExists::kFail) {
    std::vector<std::string> clashes;
    for (const auto& job : plan.tables)
      if (exists(job.target) && !own(job.target)) clashes.push_back(job.target.str() + " (from " + job.source.str() + ")");
    if (!clashes.empty())
      return Status::invalid_argument(target.describe() + ": target table" + (clashes.size() > 1 ? "s " : " ") +
                                      join(clashes, ", ") +
                                      (clashes.size() > 1 ? " already exist" : " already exists") +
                                      "; drop them or set WITH (on_exists = 'truncate' | 'append')");
  }

  // The databases, with the source database's defaults (the first job's, when MAP merges several).
  std::map<std::string, std::string> database_sql;
  for (const auto& job : plan.tables) {
    if (exists(job.target) || database_sql.count(job.target.schema)) continue;
    auto sql = create_database_sql(job.target.schema, dialect, job.source_def.schema_charset,
                                   job.source_def.schema_collation, warnings);
    if (!sql) return sql.status();
    database_sql.emplace(job.target.schema, std::move(*sql));
  }

  return with_ddl_session(target, [&]() -> Status {
    // Every table the server would refuse (row size, an unsupported type or option) is found
    // before any is created: each CREATE runs first as a session-private TEMPORARY table under
    // the same name, dropped at once. What InnoDB refuses only for temporary tables (FULLTEXT,
    // system versioning) is left to the real CREATE; a partitioned table is tried without its
    // PARTITION BY clause, so its columns and row size are still checked.
    for (size_t i = 0; i < plan.tables.size(); ++i) {
      const TableJob& job = plan.tables[i];
      if (exists(job.target)) continue;
      const std::string& sql = ddls[i].sql;
      const size_t head = std::string("CREATE").size(), end = std::min(sql.size(), ddls[i].partitioning_at);
      Status tried = target.execute("CREATE TEMPORARY" + sql.substr(head, end - head));
      if (tried.is_ok()) {
        OMSQL_RETURN_IF_ERROR(target.execute("DROP TEMPORARY TABLE " + sql::quote_name(job.target)));
      } else if (!temporary_only_refusal(tried)) {
        return tried.with_context("validating " + job.target.str() + " from " + job.source.str() +
                                  " before creating any table (nothing was created)");
      }
    }
    std::set<std::string> databases;
    for (size_t i = 0; i < plan.tables.size(); ++i) {
      const TableJob& job = plan.tables[i];
      if (exists(job.target)) {
        if (own(job.target)) continue;
        if (plan.options.on_exists == OnExists::kTruncate)
          OMSQL_RETURN_IF_ERROR(target.execute("TRUNCATE TABLE " + sql::quote_name(job.target))
                                    .with_context("emptying " + job.target.str()));
        continue;
      }
      if (databases.insert(job.target.schema).second)
        OMSQL_RETURN_IF_ERROR(target.execute(database_sql.at(job.target.schema)));
      if (created) created->insert(job.target);
      OMSQL_RETURN_IF_ERROR(
          target.execute(ddls[i].sql).with_context("creating " + job.target.str() + " from " + job.source.str()));
    }
    return Status::ok();
  });
}

Status add_secondary_indexes(Connection& target, const Plan& plan, const TableJob& job,
                             std::vector<std::string>* warnings) {
  return with_ddl_session(target, [&]() -> Status {
    auto existing = target.query("SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " +
                                 sql::text_literal(job.target.schema) +
                                 " AND TABLE_NAME = " + sql::text_literal(job.target.table));
    if (!existing) return existing.status().with_context("reading the indexes of " + job.target.str());
    std::set<std::string> names;
    for (const auto& row : existing->rows) names.insert(row[0].value_or(""));
    auto ddl = secondary_index_sql(job, DialectTarget::of(plan.target), names);
    if (!ddl) return ddl.status();
    if (warnings) warnings->insert(warnings->end(), ddl->warnings.begin(), ddl->warnings.end());
    if (ddl->sql.empty()) return Status::ok();
    return target.execute(ddl->sql).with_context("adding indexes to " + job.target.str());
  });
}

Status finish_target_schema(Connection& target, const Plan& plan, std::vector<std::string>* warnings) {
  return with_ddl_session(target, [&]() { return add_indexes_and_keys(target, plan, warnings); });
}

}  // namespace omsql::schema
