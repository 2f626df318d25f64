#include "src/schema/statement_plan.hpp"

#include <set>

#include "src/engine/mysql/copy/batch_writer.hpp"
#include "src/engine/mysql/copy/chunk_cursor.hpp"
#include "src/schema/ddl.hpp"

namespace omsql::schema {

Result<std::vector<PlannedStatement>> planned_statements(const Plan& plan, const std::vector<ObjectPlan>& objects) {
  std::vector<PlannedStatement> out;
  const DialectTarget dialect = DialectTarget::of(plan.target);
  if (plan.phases.schema) {
    std::set<std::string> databases;
    for (const auto& job : plan.tables) {
      if (!databases.insert(job.target.schema).second) continue;
      auto sql = create_database_sql(job.target.schema, dialect, job.source_def.schema_charset,
                                     job.source_def.schema_collation);
      if (!sql) return sql.status();
      out.push_back({"schema", *sql, ""});
    }
    for (const auto& job : plan.tables) {
      auto ddl = create_table_sql(job, dialect, false);
      if (!ddl) return ddl.status();
      out.push_back({"schema", ddl->sql, ""});
    }
  }
  if (plan.phases.full) {
    // Without a server the declared VERSION alone decides (docs/dialects.md, "The declared version and the copy path").
    const copy::WireFormat format = copy::wire_format_for(plan.target);
    const bool insert = format == copy::WireFormat::kInsertValues;
    for (const auto& job : plan.tables) {
      if (insert) {
        auto columns = copy::copy_columns(job);
        if (!columns) return columns.status();
        out.push_back({"copy", copy::insert_values_head(job, *columns) + "(...), (...)",
                       "once per batch of " + job.source.str() + ", the batch's rows as the VALUES"});
        continue;
      }
      auto sql = copy::load_data_sql(job, format);
      if (!sql) return sql.status();
      out.push_back({"copy", *sql,
                     "once per batch of " + job.source.str() + ", the batch's rows as its file" +
                         (format == copy::WireFormat::kLoadDataIgnore
                              ? std::string("; rows it skips as duplicates are deleted by key and loaded again")
                              : std::string())});
    }
  }
  if (plan.phases.schema) {
    for (const auto& job : plan.tables) {
      auto ddl = secondary_index_sql(job, dialect);
      if (!ddl) return ddl.status();
      if (!ddl->sql.empty()) out.push_back({"indexes", ddl->sql, "after " + job.source.str() + " is copied"});
    }
    for (const auto& job : plan.tables) {
      auto ddl = foreign_key_sql(job, plan.tables, dialect);
      if (!ddl) return ddl.status();
      if (!ddl->sql.empty()) out.push_back({"indexes", ddl->sql, "with foreign_key_checks=0"});
    }
    for (const auto& object : objects) {
      if (object.object.kind == ObjectKind::kTable || object.sql.empty()) continue;
      out.push_back({object.at_cut_over ? "cut-over" : "objects", object.sql, object.line()});
    }
  }
  return out;
}

}  // namespace omsql::schema
