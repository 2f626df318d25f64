// table_differences: whether an existing target table can take a job's rows unchanged. The copy
// loads each column by name as raw bytes and replaces rows by key, so every difference listed here
// would lose, garble or duplicate rows rather than fail cleanly.
#include <algorithm>

#include "src/check/preflight.hpp"
#include "src/common/strings.hpp"

namespace omsql::check {
namespace {

std::string quoted(const std::string& name) { return "`" + name + "`"; }

// Column names are case-insensitive in MySQL and MariaDB.
const ColumnDef* find_column(const TableDef& table, const std::string& name) {
  for (const auto& column : table.columns)
    if (iequals(column.name, name)) return &column;
  return nullptr;
}

// Whether `existing` has a PRIMARY KEY or UNIQUE index on exactly `columns` (any order, no prefix).
bool has_unique_index_on(const TableDef& existing, const std::vector<std::string>& columns) {
  for (const auto& index : existing.indexes) {
    if (!index.unique && !index.is_primary()) continue;
    if (index.parts.size() != columns.size()) continue;
    bool all = std::all_of(index.parts.begin(), index.parts.end(), [&](const IndexPart& part) {
      return !part.prefix_length && std::any_of(columns.begin(), columns.end(),
                                                [&](const std::string& c) { return iequals(c, part.column); });
    });
    if (all) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> table_differences(const TableJob& job, const TableDef& existing) {
  std::vector<std::string> out;
  std::vector<const ColumnDef*> matched;
  for (const auto& mapping : job.columns) {
    const std::string& name = mapping.target.empty() ? mapping.source : mapping.target;
    const ColumnDef* column = find_column(existing, name);
    if (!column) {
      out.push_back("column " + quoted(name) + " is missing");
      continue;
    }
    matched.push_back(column);
    const ColumnDef* source = job.source_def.find_column(mapping.source);
    if (!source) continue;  // the binder built the job from this definition: cannot happen
    bool generated = mapping.generated || source->is_generated;
    if (generated != column->is_generated) {
      out.push_back("column " + quoted(name) + (generated ? " is generated in the source but not in the target"
                                                          : " is generated in the target but copied from the source"));
      continue;
    }
    if (generated) continue;  // recomputed by the target, never copied
    // A CAST column receives values already meant for the CAST type.
    ColumnDef expected = *source;
    if (mapping.cast_to) {
      expected.column_type = *mapping.cast_to;
      expected.data_type = to_lower(expected.column_type.substr(0, expected.column_type.find('(')));
      expected.char_max_length.reset();
    }
    if (!iequals(expected.column_type, column->column_type)) {
      if (auto reason = lossy_cast_reason(expected, column->column_type))
        out.push_back("column " + quoted(name) + ": " + *reason);
    }
    if (source->nullable && !column->nullable)
      out.push_back("column " + quoted(name) + " is NOT NULL in the target but allows NULL in the source");
    if (!mapping.cast_to && source->charset && column->charset && !iequals(*source->charset, *column->charset))
      out.push_back("column " + quoted(name) + ": character set " + *column->charset + " in the target, " +
                    *source->charset + " in the source (text is copied as bytes, unconverted)");
  }
  for (const auto& column : existing.columns)
    if (std::find(matched.begin(), matched.end(), &column) == matched.end())
      out.push_back("column " + quoted(column.name) + " is in the target but not in the job");

  if (job.key.kind != RowKey::Kind::kNone) {
    std::vector<std::string> key;
    for (const auto& source_name : job.key.columns) {
      const ColumnMapping* mapping = job.find_column(source_name);
      key.push_back(mapping && !mapping->target.empty() ? mapping->target : source_name);
    }
    std::vector<std::string> shown;
    for (const auto& k : key) shown.push_back(quoted(k));
    if (!has_unique_index_on(existing, key))
      out.push_back("no PRIMARY KEY or UNIQUE index on (" + join(shown, ", ") +
                    ") in the target: rows are replaced by that key, so without it they would be duplicated");
    for (size_t i = 0; i < key.size(); ++i) {
      const ColumnDef* source = job.source_def.find_column(job.key.columns[i]);
      const ColumnDef* column = find_column(existing, key[i]);
      if (source && column && source->collation && column->collation &&
          !iequals(*source->collation, *column->collation))
        out.push_back("key column " + quoted(key[i]) + ": collation " + *column->collation + " in the target, " +
                      *source->collation + " in the source (keys distinct in the source could collide)");
    }
  }
  return out;
}

}  // namespace omsql::check
