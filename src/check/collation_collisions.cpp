#include "src/check/collation_collisions.hpp"

#include "src/common/strings.hpp"
#include "src/sql/quote.hpp"

namespace omsql::check {
namespace {

// The name after the charset prefix: "utf8mb3_general_ci" under utf8mb3 -> "_general_ci".
std::string collation_suffix(const std::string& collation, const std::string& charset) {
  std::string lower = to_lower(collation);
  return lower.rfind(charset, 0) == 0 ? lower.substr(charset.size()) : lower;
}

// The column as the target compares it, evaluated on the source server.
std::string compared_as(const KeyColumnCollation& c) {
  std::string quoted = sql::quote_identifier(c.column);
  if (c.source_collation.empty()) return quoted;
  return "CONVERT(" + quoted + " USING " + c.target_charset + ") COLLATE " + c.target_collation;
}

}  // namespace

std::vector<UniqueKeyAtRisk> unique_keys_at_risk(const TableJob& job, const schema::DialectTarget& target) {
  std::vector<UniqueKeyAtRisk> out;
  if (target.dialect == Dialect::kMysql) return out;
  const std::string where = job.source.str();
  for (const auto& index : job.source_def.indexes) {
    if (!index.unique) continue;
    std::vector<std::string> ignored;
    if (!schema::keep_index(target, index, job.source_def, where, &ignored)) continue;
    UniqueKeyAtRisk key{index.name, {}};
    bool at_risk = true, remapped = false;
    for (const auto& part : index.parts) {
      const ColumnMapping* mapping = job.find_column(part.column);
      const ColumnDef* def = job.source_def.find_column(part.column);
      // An excluded column drops the index; a CAST names its own type and collation (the user's choice).
      if (!mapping || !def) at_risk = false;
      KeyColumnCollation column{part.column, "", "", ""};
      if (mapping && def && !mapping->cast_to && def->charset && def->collation) {
        auto choice = schema::choose_charset(target.dialect, def->charset, def->collation, where, &ignored);
        if (choice && choice->charset && choice->collation &&
            collation_suffix(*choice->collation, to_lower(*choice->charset)) !=
                collation_suffix(*def->collation, to_lower(*def->charset))) {
          column.source_collation = *def->collation;
          column.target_charset = *choice->charset;
          column.target_collation = *choice->collation;
          remapped = true;
        }
      }
      key.columns.push_back(std::move(column));
    }
    if (at_risk && remapped) out.push_back(std::move(key));
  }
  return out;
}

std::string collision_sql(const TableJob& job, const UniqueKeyAtRisk& key, int limit) {
  std::vector<std::string> compared, shown, not_null, source_order;
  for (const auto& c : key.columns) {
    compared.push_back(compared_as(c));
    source_order.push_back(sql::quote_identifier(c.column));
    shown.push_back("QUOTE(CONVERT(" + sql::quote_identifier(c.column) + " USING utf8mb4))");
    not_null.push_back(sql::quote_identifier(c.column) + " IS NOT NULL");
  }
  std::string row = shown.size() == 1 ? shown[0] : "CONCAT('(', CONCAT_WS(', ', " + join(shown, ", ") + "), ')')";
  std::string sql = "SELECT COUNT(*), GROUP_CONCAT(" + row + " ORDER BY " + join(source_order, ", ") +
                    " SEPARATOR ' = ') FROM " + sql::quote_name(job.source) +
                    " WHERE " + join(not_null, " AND ");
  if (job.filter && !job.filter->empty()) sql += " AND (" + *job.filter + ")";
  return sql + " GROUP BY " + join(compared, ", ") + " HAVING COUNT(*) > 1 LIMIT " + std::to_string(limit);
}

std::vector<Finding> collation_collision_findings(Connection& source, const Plan& plan, int limit) {
  std::vector<Finding> out;
  const auto target = schema::DialectTarget::of(plan.target);
  for (const auto& job : plan.tables) {
    for (const auto& key : unique_keys_at_risk(job, target)) {
      std::string what = (key.index_name == "PRIMARY" ? std::string("primary key") : "unique key `" + key.index_name + "`");
      std::vector<std::string> remaps;
      for (const auto& c : key.columns)
        if (!c.source_collation.empty())
          remaps.push_back("`" + c.column + "` " + c.source_collation + " -> " + c.target_collation);
      const std::string head = job.source.str() + ": " + what + " (" + join(remaps, ", ") + ")";
      auto groups = source.query(collision_sql(job, key, limit));
      if (!groups) {
        out.push_back({Finding::kWarning, FindingCode::kCollationCollision,
                       head + ": cannot check the rows for collisions under the target collation: " +
                           groups.status().message()});
        continue;
      }
      if (groups->rows.empty()) {
        out.push_back({Finding::kInfo, FindingCode::kCollationCollision,
                       head + ": no two rows are equal under the target collation"});
        continue;
      }
      std::vector<std::string> lines;
      for (const auto& row : groups->rows)
        lines.push_back(row[1].value_or("?") + " (" + row[0].value_or("?") + " rows)");
      out.push_back({Finding::kError, FindingCode::kCollationCollision,
                     head + ": " + (groups->rows.size() >= static_cast<size_t>(limit) ? "at least " : "") +
                         std::to_string(groups->rows.size()) +
                         " group(s) of source rows are one key value on the target, where the copy's REPLACE would "
                         "keep one row of each (CAST the column with an explicit COLLATE the target has, or change "
                         "the rows):\n  - " + join(lines, "\n  - ")});
    }
  }
  return out;
}

}  // namespace omsql::check
