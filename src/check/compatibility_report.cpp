#include "src/check/compatibility_report.hpp"

#include <algorithm>

#include "src/schema/ddl.hpp"

namespace omsql::check {
namespace {

// "shop.docs: FULLTEXT index ..." -> "FULLTEXT index ..."; "shop.docs.title: ..." -> "title: ...".
std::string without_table(const std::string& message, const QualifiedName& table) {
  const std::string name = table.str();
  if (message.rfind(name + ": ", 0) == 0) return message.substr(name.size() + 2);
  if (message.rfind(name + ".", 0) == 0) return message.substr(name.size() + 1);
  return message;
}

const TableJob* job_of(const Plan& plan, const QualifiedName& source) {
  auto it = std::find_if(plan.tables.begin(), plan.tables.end(), [&](const TableJob& j) { return j.source == source; });
  return it == plan.tables.end() ? nullptr : &*it;
}

}  // namespace

std::vector<std::string> CompatibilityReport::lines() const {
  std::vector<std::string> out;
  for (const auto& object : objects) out.push_back("object: " + object.line());
  out.push_back("objects: " + std::to_string(exact) + " exact, " + std::to_string(changed) + " changed, " +
                std::to_string(not_migrated) + " not migrated");
  return out;
}

CompatibilityReport compatibility_report(const Plan& plan, std::vector<schema::ObjectPlan> planned) {
  CompatibilityReport report;
  const auto dialect = schema::DialectTarget::of(plan.target);
  for (auto& object : planned) {
    const TableJob* job = object.object.kind == schema::ObjectKind::kTable ? job_of(plan, object.object.name) : nullptr;
    if (job && plan.phases.schema) {
      // Every statement the schema phase would run for the table: the CREATE with its indexes, the FKs.
      std::vector<std::string> notes;
      auto table = schema::create_table_sql(*job, dialect, true);
      auto foreign_keys = table ? schema::foreign_key_sql(*job, plan.tables, dialect) : Result<schema::Ddl>(table.status());
      if (!table || !foreign_keys) {
        object.fate = schema::Fate::kNotMigrated;
        object.notes = {without_table((table ? foreign_keys : table).status().message(), job->source)};
      } else {
        for (const auto* ddl : {&*table, &*foreign_keys})
          for (const auto& warning : ddl->warnings) notes.push_back(without_table(warning, job->source));
        if (!notes.empty()) object.fate = schema::Fate::kChanged;
        object.notes.insert(object.notes.end(), notes.begin(), notes.end());
      }
    }
    switch (object.fate) {
      case schema::Fate::kExact: ++report.exact; break;
      case schema::Fate::kChanged: ++report.changed; break;
      case schema::Fate::kNotMigrated: ++report.not_migrated; break;
    }
    report.objects.push_back(std::move(object));
  }
  return report;
}

}  // namespace omsql::check
