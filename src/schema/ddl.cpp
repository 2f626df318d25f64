#include "src/schema/ddl.hpp"

#include <algorithm>
#include <map>

#include "src/common/strings.hpp"
#include "src/schema/dialect_rules.hpp"
#include "src/sql/quote.hpp"

namespace omsql::schema {
namespace {

using sql::quote_identifier;

// Source column name (lower-case) -> its mapping, for the columns the job keeps.
class ColumnMap {
 public:
  explicit ColumnMap(const TableJob& job) {
    for (const auto& m : job.columns) {
      by_source_[to_lower(m.source)] = &m;
      renames_.emplace_back(to_lower(m.source), m.target);
    }
  }
  const ColumnMapping* find(const std::string& source) const {
    auto it = by_source_.find(to_lower(source));
    return it == by_source_.end() ? nullptr : it->second;
  }
  const std::vector<std::pair<std::string, std::string>>& renames() const { return renames_; }

 private:
  std::map<std::string, const ColumnMapping*> by_source_;
  std::vector<std::pair<std::string, std::string>> renames_;
};

std::string where_column(const TableJob& job, const std::string& column) { return job.source.str() + "." + column; }

bool is_auto_increment(const ColumnDef& column) {
  return to_lower(column.extra).find("auto_increment") != std::string::npos;
}

// The first column of the job that is not kept, among `referenced` (lower-case names), if any.
std::optional<std::string> first_excluded(const std::set<std::string>& referenced, const ColumnMap& columns) {
  for (const auto& name : referenced)
    if (!columns.find(name)) return name;
  return std::nullopt;
}

// "PARTITION BY ..." for the table on the dialect, with MAP COLUMN renames applied to the partitioning
// expressions and column lists; "" when the table is created unpartitioned (warned by the rules).
// A partitioning column that COLUMNS ... EXCLUDE leaves out is an error: the target cannot be
// partitioned like the source without it, and dropping the partitioning silently is not an option.
Result<std::string> partition_clause(const TableJob& job, const DialectTarget& dialect, const ColumnMap& columns,
                                     std::vector<std::string>* warnings) {
  const std::string where = job.source.str();
  auto partitioning = target_partitioning(dialect, job.source_def, where, warnings);
  if (!partitioning) return std::string();
  std::set<std::string> referenced;
  auto method_sql = [&](const PartitionMethod& m, bool sub) {
    std::string out = m.kind;
    if (m.algorithm) out += " ALGORITHM = " + std::to_string(*m.algorithm);
    if (m.kind == "SYSTEM_TIME") {
      if (!m.parameters.empty()) out += " " + m.parameters;
    } else if (m.uses_columns()) {
      std::vector<std::string> names;
      for (const auto& c : m.columns) {
        referenced.insert(to_lower(c));
        const ColumnMapping* mapping = columns.find(c);
        names.push_back(mapping ? mapping->target : c);
      }
      // KEY () hashes the table's key, whose columns must all be kept as well.
      if (m.columns.empty())
        for (const auto& c : key_partitioning_columns(job.source_def)) referenced.insert(to_lower(c));
      out += " (" + sql::quote_identifier_list(names) + ")";
    } else {
      out += " (" + rename_columns_in_expression(m.expression, columns.renames(), &referenced) + ")";
    }
    if (m.count) out += std::string(sub ? "\nSUBPARTITIONS " : "\nPARTITIONS ") + std::to_string(*m.count);
    return out;
  };
  auto definition_sql = [](const PartitionDef& p, bool sub) {
    std::string out = std::string(sub ? "SUBPARTITION " : "PARTITION ") + quote_identifier(p.name);
    if (!p.bound.empty()) out += " " + p.bound;
    for (const auto& option : p.options) out += " " + option.name + " = " + option.value;
    return out;
  };
  std::string out = "PARTITION BY " + method_sql(partitioning->method, false);
  if (partitioning->sub) out += "\nSUBPARTITION BY " + method_sql(*partitioning->sub, true);
  if (!partitioning->partitions.empty()) {
    std::vector<std::string> parts;
    for (const auto& p : partitioning->partitions) {
      std::string part = definition_sql(p, false);
      if (!p.subpartitions.empty()) {
        std::vector<std::string> subs;
        for (const auto& s : p.subpartitions) subs.push_back(definition_sql(s, true));
        part += "\n (" + join(subs, ",\n  ") + ")";
      }
      parts.push_back(std::move(part));
    }
    out += "\n(" + join(parts, ",\n ") + ")";
  }
  if (auto excluded = first_excluded(referenced, columns)) {
    const ColumnDef* column = job.source_def.find_column(*excluded);
    return Status::invalid_argument(where_column(job, column ? column->name : *excluded) +
                                    ": column is excluded (COLUMNS ... EXCLUDE) but the table is partitioned by it "
                                    "(PARTITION BY " + partitioning->method.kind +
                                    "): keep the column, the target table is partitioned like the source's");
  }
  for (const auto& name : referenced)
    if (const ColumnMapping* mapping = columns.find(name); mapping && mapping->cast_to)
      warnings->push_back(where_column(job, mapping->source) + ": CAST to " + *mapping->cast_to +
                          " on a partitioning column: the target checks the partitioning against the new type");
  return out;
}

// "KEY `name` (`a`(10) DESC, `b`)" or nullopt when the index cannot be created (warned).
std::optional<std::string> index_definition(const TableJob& job, const IndexDef& index, const DialectTarget& dialect,
                                            const ColumnMap& columns, std::vector<std::string>* warnings) {
  const std::string where = job.source.str();
  std::string what = index.is_primary() ? "primary key" : "index `" + index.name + "`";
  for (const auto& part : index.parts) {
    if (part.column.empty()) {  // MySQL 8 functional key part: STATISTICS has an EXPRESSION, no column
      warnings->push_back(where + ": " + what + " dropped: functional (expression) key parts are not migrated");
      return std::nullopt;
    }
    if (!columns.find(part.column)) {
      warnings->push_back(where + ": " + what + " dropped: column `" + part.column + "` is excluded" +
                          (index.unique ? " (uniqueness is no longer enforced on the target)" : ""));
      return std::nullopt;
    }
  }
  if (!keep_index(dialect, index, job.source_def, where, warnings)) return std::nullopt;

  std::string parts;
  bool dropped_descending = false;
  for (const auto& part : index.parts) {
    if (!parts.empty()) parts += ", ";
    parts += quote_identifier(columns.find(part.column)->target);
    if (part.prefix_length) parts += "(" + std::to_string(*part.prefix_length) + ")";
    if (part.descending) {
      if (keep_descending(dialect))
        parts += " DESC";
      else
        dropped_descending = true;
    }
  }
  if (dropped_descending)
    warnings->push_back(where + ": " + what +
                        " created ascending: OceanBase builds index parts ascending only (DESC is not supported)");

  std::string out;
  if (index.is_primary())
    out = "PRIMARY KEY";
  else if (index.kind == "FULLTEXT")
    out = "FULLTEXT KEY " + quote_identifier(index.name);
  else if (index.kind == "SPATIAL")
    out = "SPATIAL KEY " + quote_identifier(index.name);
  else if (index.unique)
    out = "UNIQUE KEY " + quote_identifier(index.name);
  else
    out = "KEY " + quote_identifier(index.name);
  out += " (" + parts + ")" + index_using(dialect, index, where + ": " + what, warnings);
  if (!index.comment.empty()) out += " COMMENT " + sql::text_literal(index.comment);
  out += index_visibility(dialect, index, job.target, where + ": " + what, warnings);
  return out;
}

Result<std::string> column_definition(const TableJob& job, const ColumnMapping& mapping, const DialectTarget& dialect,
                                      const ColumnMap& columns, std::vector<std::string>* warnings) {
  const ColumnDef* column = job.source_def.find_column(mapping.source);
  const std::string where = where_column(job, mapping.source);
  if (!column) return Status::not_found(where + ": column is not in the source definition");

  std::string out = quote_identifier(mapping.target) + " ";
  if (mapping.cast_to) {
    // CAST names the whole target type; the table's default charset applies to a text CAST.
    out += *mapping.cast_to;
  } else {
    out += column_type(dialect, *column, where, warnings) + column_reference_system(dialect, *column);
    if (column->charset || column->collation) {
      auto choice = choose_charset(dialect, column->charset, column->collation, where, warnings);
      if (!choice) return choice.status();
      if (choice->charset && choice->charset != "binary") out += " CHARACTER SET " + *choice->charset;
      if (choice->collation && choice->collation != "binary") out += " COLLATE " + *choice->collation;
    }
  }
  if (column->is_generated) {
    std::set<std::string> referenced;
    std::string expression =
        rename_columns_in_expression(column->generation_expression, columns.renames(), &referenced);
    if (auto excluded = first_excluded(referenced, columns))
      return Status::invalid_argument(where + ": generated column uses excluded column `" + *excluded +
                                      "`: exclude the generated column too, or keep `" + *excluded + "`");
    OMSQL_RETURN_IF_ERROR(check_generated_references(dialect, *column, referenced, job.source_def, where));
    out += " GENERATED ALWAYS AS (" + expression + ") " + (column->generated_stored ? "STORED" : "VIRTUAL");
    if (!column->nullable) out += " NOT NULL";
  } else {
    out += column->nullable ? " NULL" : " NOT NULL";
    if (auto value = column_default(dialect, *column, where, warnings)) out += " DEFAULT " + *value;
    if (is_auto_increment(*column)) out += " AUTO_INCREMENT";
  }
  out += column_extra_attributes(dialect, *column, where, warnings);
  if (!column->comment.empty()) out += " COMMENT " + sql::text_literal(column->comment);
  // MariaDB's column-level CHECK (e.g. JSON's json_valid) is named after its column.
  for (const auto& check : job.source_def.checks) {
    if (!check.column_level || !iequals(check.name, column->name) || !keep_checks(dialect)) continue;
    out += " CHECK (" + rename_columns_in_expression(check.clause, columns.renames()) + ")";
  }
  return out;
}

// The index that must come with the table because an AUTO_INCREMENT column needs a key starting
// with it, when neither the primary key nor the row key provides one.
const IndexDef* auto_increment_index(const TableJob& job, const ColumnMap& columns) {
  const ColumnDef* auto_column = nullptr;
  for (const auto& column : job.source_def.columns)
    if (is_auto_increment(column) && columns.find(column.name)) auto_column = &column;
  if (!auto_column) return nullptr;
  const IndexDef* first = nullptr;
  for (const auto& index : job.source_def.indexes) {
    if (index.parts.empty() || !iequals(index.parts[0].column, auto_column->name)) continue;
    if (index.is_primary() || index.name == job.key.index_name) return nullptr;
    if (!first) first = &index;
  }
  return first;
}

std::string lower_set_key(const std::string& s) { return to_lower(s); }

// RESTRICT is the default and is left unwritten: InnoDB stores an explicit RESTRICT added with
// foreign_key_checks=0 as NO ACTION, and the source's SHOW CREATE TABLE prints neither.
std::string foreign_key_rules(const ForeignKeyDef& fk) {
  std::string out;
  auto rule = [&](const char* event, const std::string& action) {
    if (!action.empty() && !iequals(action, "RESTRICT")) out += std::string(" ON ") + event + " " + action;
  };
  rule("DELETE", fk.on_delete);
  rule("UPDATE", fk.on_update);
  return out;
}


// "CONSTRAINT `c` CHECK (...)" for a table-level CHECK, or nullopt when it uses an excluded column (warned).
std::optional<std::string> check_definition(const TableJob& job, const CheckConstraintDef& check,
                                            const ColumnMap& columns, std::vector<std::string>* warnings) {
  std::set<std::string> referenced;
  std::string clause = rename_columns_in_expression(check.clause, columns.renames(), &referenced);
  if (auto excluded = first_excluded(referenced, columns)) {
    warnings->push_back(job.source.str() + ": CHECK constraint `" + check.name + "` dropped: column `" + *excluded +
                        "` is excluded");
    return std::nullopt;
  }
  return "CONSTRAINT " + quote_identifier(check.name) + " CHECK (" + clause + ")";
}

// "CONSTRAINT `fk` FOREIGN KEY (...) REFERENCES ... (...) ON ..." for `fk` of `job`, whose parent
// is `referenced_job`, or nullopt when it cannot be created (warned).
std::optional<std::string> foreign_key_definition(const TableJob& job, const ForeignKeyDef& fk,
                                                  const TableJob& referenced_job, const DialectTarget& dialect,
                                                  const ColumnMap& columns, std::vector<std::string>* warnings);
}  // namespace

std::string rename_columns_in_expression(std::string_view expression,
                                         const std::vector<std::pair<std::string, std::string>>& renames,
                                         std::set<std::string>* referenced) {
  std::string out;
  out.reserve(expression.size());
  size_t i = 0;
  while (i < expression.size()) {
    char c = expression[i];
    if (c == '\'' || c == '"') {
      // A literal: copied as is, with doubled quotes and backslash escapes inside it.
      size_t j = i + 1;
      while (j < expression.size()) {
        if (expression[j] == '\\' && j + 1 < expression.size()) {
          j += 2;
          continue;
        }
        if (expression[j] == c) {
          if (j + 1 < expression.size() && expression[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      j = std::min(j + 1, expression.size());
      out.append(expression.substr(i, j - i));
      i = j;
    } else if (c == '`') {
      std::string name;
      size_t j = i + 1;
      while (j < expression.size()) {
        if (expression[j] == '`') {
          if (j + 1 < expression.size() && expression[j + 1] == '`') {
            name += '`';
            j += 2;
            continue;
          }
          break;
        }
        name += expression[j++];
      }
      std::string key = to_lower(name);
      if (referenced) referenced->insert(key);
      auto it = std::find_if(renames.begin(), renames.end(), [&](const auto& r) { return r.first == key; });
      out += quote_identifier(it == renames.end() ? name : it->second);
      i = std::min(j + 1, expression.size());
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

Result<std::string> create_database_sql(std::string_view database, Dialect dialect,
                                        const std::optional<std::string>& charset,
                                        const std::optional<std::string>& collation, std::vector<std::string>* warnings) {
  std::string out = "CREATE DATABASE IF NOT EXISTS " + quote_identifier(database);
  if (!charset && !collation) return out;
  std::vector<std::string> ignored;
  auto choice = choose_charset(dialect, charset, collation, "database " + std::string(database),
                               warnings ? warnings : &ignored);
  if (!choice) return choice.status();
  if (choice->charset) out += " CHARACTER SET " + *choice->charset;
  if (choice->collation) out += " COLLATE " + *choice->collation;
  return out;
}

bool created_with_table(const TableJob& job, const IndexDef& index) {
  if (index.is_primary() || (!job.key.index_name.empty() && index.name == job.key.index_name)) return true;
  ColumnMap columns(job);
  const IndexDef* auto_index = auto_increment_index(job, columns);
  return auto_index && auto_index->name == index.name;
}

Result<Ddl> create_table_sql(const TableJob& job, const DialectTarget& dialect, bool with_secondary_indexes) {
  Ddl ddl;
  const TableDef& table = job.source_def;
  const std::string where = job.source.str();
  ColumnMap columns(job);
  if (job.columns.empty()) return Status::invalid_argument(where + ": no columns left to create");

  std::vector<std::string> lines;
  for (const auto& mapping : job.columns) {
    auto line = column_definition(job, mapping, dialect, columns, &ddl.warnings);
    if (!line) return line.status();
    lines.push_back(std::move(*line));
  }
  const IndexDef* auto_index = auto_increment_index(job, columns);
  for (const auto& index : table.indexes) {
    bool with_table = index.is_primary() || index.name == job.key.index_name || &index == auto_index;
    if (!with_table && !with_secondary_indexes) continue;
    if (auto definition = index_definition(job, index, dialect, columns, &ddl.warnings))
      lines.push_back(std::move(*definition));
  }
  if (keep_checks(dialect)) {
    for (const auto& check : table.checks) {
      if (check.column_level) continue;
      if (auto definition = check_definition(job, check, columns, &ddl.warnings)) lines.push_back(std::move(*definition));
    }
  }

  ddl.sql = "CREATE TABLE " + sql::quote_name(job.target) + " (\n  " + join(lines, ",\n  ") + "\n)";
  std::string options = table_options(dialect, table, where, &ddl.warnings);
  if (!options.empty()) ddl.sql += " " + options;
  bool has_auto_increment = std::any_of(table.columns.begin(), table.columns.end(), [&](const ColumnDef& c) {
    return is_auto_increment(c) && columns.find(c.name);
  });
  if (has_auto_increment && table.auto_increment && *table.auto_increment > 1)
    ddl.sql += " AUTO_INCREMENT=" + std::to_string(*table.auto_increment);
  if (table.charset || table.collation) {
    auto choice = choose_charset(dialect, table.charset, table.collation, where, &ddl.warnings);
    if (!choice) return choice.status();
    if (choice->charset) ddl.sql += " DEFAULT CHARSET=" + *choice->charset;
    if (choice->collation) ddl.sql += " COLLATE=" + *choice->collation;
  }
  if (!table.comment.empty()) ddl.sql += " COMMENT=" + sql::text_literal(table.comment);
  auto partitioning = partition_clause(job, dialect, columns, &ddl.warnings);
  if (!partitioning) return partitioning.status();
  if (!partitioning->empty()) {
    ddl.partitioning_at = ddl.sql.size();
    ddl.sql += "\n" + *partitioning;
  }
  return ddl;
}

Result<Ddl> secondary_index_sql(const TableJob& job, const DialectTarget& dialect,
                                const std::set<std::string>& existing_indexes) {
  Ddl ddl;
  ColumnMap columns(job);
  std::set<std::string> existing;
  for (const auto& name : existing_indexes) existing.insert(lower_set_key(name));
  const IndexDef* auto_index = auto_increment_index(job, columns);
  std::vector<std::string> clauses;
  for (const auto& index : job.source_def.indexes) {
    if (index.is_primary() || index.name == job.key.index_name || &index == auto_index) continue;
    if (existing.count(lower_set_key(index.name))) continue;
    if (auto definition = index_definition(job, index, dialect, columns, &ddl.warnings))
      clauses.push_back("ADD " + *definition);
  }
  if (!clauses.empty()) ddl.sql = "ALTER TABLE " + sql::quote_name(job.target) + " " + join(clauses, ", ");
  return ddl;
}

Result<Ddl> foreign_key_sql(const TableJob& job, const std::vector<TableJob>& jobs, const DialectTarget& dialect,
                            const std::set<std::string>& existing_constraints) {
  Ddl ddl;
  const std::string where = job.source.str();
  ColumnMap columns(job);
  std::set<std::string> existing;
  for (const auto& name : existing_constraints) existing.insert(lower_set_key(name));
  std::vector<std::string> clauses;
  for (const auto& fk : job.source_def.foreign_keys) {
    if (existing.count(lower_set_key(fk.name))) continue;
    std::string what = "foreign key `" + fk.name + "`";
    auto referenced_job =
        std::find_if(jobs.begin(), jobs.end(), [&](const TableJob& j) { return j.source == fk.referenced; });
    if (referenced_job == jobs.end()) {
      ddl.warnings.push_back(where + ": " + what + " dropped: it references " + fk.referenced.str() +
                             ", which is not migrated");
      continue;
    }
    if (auto definition = foreign_key_definition(job, fk, *referenced_job, dialect, columns, &ddl.warnings))
      clauses.push_back("ADD " + *definition);
  }
  if (!clauses.empty()) ddl.sql = "ALTER TABLE " + sql::quote_name(job.target) + " " + join(clauses, ", ");
  return ddl;
}

namespace {

std::optional<std::string> foreign_key_definition(const TableJob& job, const ForeignKeyDef& fk,
                                                  const TableJob& referenced_job, const DialectTarget& dialect,
                                                  const ColumnMap& columns, std::vector<std::string>* warnings) {
  const std::string where = job.source.str();
  std::string what = "foreign key `" + fk.name + "`";
  ColumnMap referenced_columns(referenced_job);
  std::vector<std::string> from, to;
  std::string missing;
  for (const auto& c : fk.columns) {
    if (const ColumnMapping* m = columns.find(c))
      from.push_back(m->target);
    else
      missing = where + "." + c;
  }
  for (const auto& c : fk.referenced_columns) {
    if (const ColumnMapping* m = referenced_columns.find(c))
      to.push_back(m->target);
    else
      missing = fk.referenced.str() + "." + c;
  }
  if (!missing.empty()) {
    warnings->push_back(where + ": " + what + " dropped: column " + missing + " is excluded");
    return std::nullopt;
  }
  if (!keep_foreign_key(dialect, fk, referenced_job.source_def, where, warnings)) return std::nullopt;
  return "CONSTRAINT " + quote_identifier(fk.name) + " FOREIGN KEY (" + sql::quote_identifier_list(from) +
         ") REFERENCES " + sql::quote_name(referenced_job.target) + " (" + sql::quote_identifier_list(to) + ")" +
         foreign_key_rules(fk);
}

}  // namespace

Result<std::string> column_definition_sql(const TableJob& job, const ColumnMapping& column,
                                          const DialectTarget& dialect, std::vector<std::string>* warnings) {
  ColumnMap columns(job);
  return column_definition(job, column, dialect, columns, warnings);
}

std::optional<std::string> index_definition_sql(const TableJob& job, const IndexDef& index,
                                                const DialectTarget& dialect, std::vector<std::string>* warnings) {
  ColumnMap columns(job);
  return index_definition(job, index, dialect, columns, warnings);
}

std::optional<std::string> check_definition_sql(const TableJob& job, const CheckConstraintDef& check,
                                                const DialectTarget& dialect, std::vector<std::string>* warnings) {
  if (check.column_level || !keep_checks(dialect)) return std::nullopt;
  ColumnMap columns(job);
  return check_definition(job, check, columns, warnings);
}

std::optional<std::string> foreign_key_definition_sql(const TableJob& job, const ForeignKeyDef& fk,
                                                      const TableJob& referenced, const DialectTarget& dialect,
                                                      std::vector<std::string>* warnings) {
  ColumnMap columns(job);
  return foreign_key_definition(job, fk, referenced, dialect, columns, warnings);
}

}  // namespace omsql::schema
