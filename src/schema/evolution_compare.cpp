// target_has: the target's definition as its catalog reads it against what the translator makes of
// a TableJob, piece by piece, with the differences that carry no meaning normalised away.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "src/common/strings.hpp"
#include "src/schema/ddl.hpp"
#include "src/schema/evolution.hpp"

namespace omsql {
namespace {

using schema::choose_charset;

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}
bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// "INT(11) UNSIGNED" -> "int unsigned", "BOOLEAN" -> "tinyint", "DECIMAL" -> "decimal(10,0)":
// integer display widths and the aliases a CAST may be written with do not change the column.
std::string normalise_type(const std::string& type) {
  std::string t = to_lower(trim(type));
  for (const char* cut : {" character set ", " charset ", " collate "}) {
    size_t at = t.find(cut);
    if (at != std::string::npos) t = t.substr(0, at);
  }
  std::string out;
  for (size_t i = 0; i < t.size(); ++i)
    if (!(t[i] == ' ' && i + 1 < t.size() && (t[i + 1] == '(' || t[i + 1] == ',' || t[i + 1] == ')')) &&
        !(t[i] == ' ' && i > 0 && (t[i - 1] == '(' || t[i - 1] == ',')))
      out += t[i];
  t = out;
  static const std::vector<std::pair<std::string, std::string>> kAliases = {
      {"boolean", "tinyint"}, {"bool", "tinyint"},   {"integer", "int"},           {"dec", "decimal"},
      {"numeric", "decimal"}, {"fixed", "decimal"},  {"double precision", "double"}, {"real", "double"},
      {"character varying", "varchar"}, {"character", "char"}, {"int4", "int"}, {"int8", "bigint"},
      {"middleint", "mediumint"}};
  for (const auto& [alias, name] : kAliases)
    if (starts_with(t, alias) && (t.size() == alias.size() || t[alias.size()] == '(' || t[alias.size()] == ' ')) {
      t = name + t.substr(alias.size());
      break;
    }
  for (const char* integer : {"tinyint", "smallint", "mediumint", "bigint", "int"}) {
    std::string base = integer;
    if (!starts_with(t, base)) continue;
    size_t rest = base.size();
    if (rest < t.size() && t[rest] == '(') {
      size_t close = t.find(')', rest);
      if (close != std::string::npos) t = base + t.substr(close + 1);
    }
    break;
  }
  if (t == "decimal") t = "decimal(10,0)";
  if (t == "char") t = "char(1)";
  if (t == "binary") t = "binary(1)";
  return t;
}

// Defaults as information_schema prints them, or as a CAST's column may: NULL and no default are
// one thing on a nullable column; '5' and 5 are one value; current_timestamp() is CURRENT_TIMESTAMP.
std::string normalise_default(const std::optional<std::string>& value) {
  if (!value || iequals(*value, "NULL")) return "<null>";
  std::string v = trim(*value);
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') return v;
  std::string lower = to_lower(v);
  for (const char* name : {"current_timestamp", "now", "localtimestamp", "localtime"}) {
    if (!starts_with(lower, name)) continue;
    std::string rest = lower.substr(std::string(name).size());
    if (rest == "()") rest.clear();
    return "current_timestamp" + rest;
  }
  return "'" + v + "'";
}

// Expressions (generation, CHECK) as two servers may print them: no quotes, spaces or case.
std::string normalise_expression(const std::string& expression) {
  std::string out;
  for (char c : expression)
    if (c != '`' && !std::isspace(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(c));
  return out;
}

std::string normalise_rule(const std::string& rule) {
  return rule.empty() || iequals(rule, "NO ACTION") ? std::string("restrict") : to_lower(rule);
}

bool has_word(const std::string& extra, const char* word) { return to_lower(extra).find(word) != std::string::npos; }

std::string on_update(const ColumnDef& column) {
  std::string extra = to_lower(column.extra);
  size_t at = extra.find("on update ");
  if (at == std::string::npos) return "";
  std::string value = extra.substr(at + 10);
  return normalise_default(value.substr(0, value.find(' ')));
}

// Everything of a column but its name and charset, as one comparable line.
std::string column_shape(const std::string& type, const ColumnDef& column, const std::optional<std::string>& default_value,
                         const std::string& generation_expression) {
  std::string out = normalise_type(type);
  out += column.nullable ? " NULL" : " NOT NULL";
  if (column.is_generated) {
    out += " AS (" + normalise_expression(generation_expression) + ")" + (column.generated_stored ? " STORED" : " VIRTUAL");
  } else {
    out += " DEFAULT " + normalise_default(default_value);
    if (has_word(column.extra, "auto_increment")) out += " AUTO_INCREMENT";
  }
  if (auto u = on_update(column); !u.empty()) out += " ON UPDATE " + u;
  if (has_word(column.extra, "invisible")) out += " INVISIBLE";
  if (!column.comment.empty()) out += " COMMENT '" + column.comment + "'";
  return out;
}

std::string index_kind(const std::string& kind, bool compare_using) {
  std::string k = to_lower(kind);
  if (k == "fulltext" || k == "spatial") return k;
  return compare_using && (k == "hash" || k == "rtree") ? k : "btree";
}

std::string index_shape(const IndexDef& index, const std::vector<std::string>& part_names, bool descending_kept,
                        bool compare_using) {
  std::string out = index.unique || index.is_primary() ? "UNIQUE " : "";
  out += index_kind(index.kind, compare_using) + " (";
  for (size_t i = 0; i < index.parts.size(); ++i) {
    out += (i ? ", " : "") + to_lower(part_names[i]);
    if (index.parts[i].prefix_length) {
      out += '(';
      out += std::to_string(*index.parts[i].prefix_length);
      out += ')';
    }
    if (index.parts[i].descending && descending_kept) out += " DESC";
  }
  out += ")";
  if (!index.comment.empty()) out += " COMMENT '" + index.comment + "'";
  return out;
}

std::string foreign_key_shape(const std::vector<std::string>& columns, const std::string& parent,
                              const std::vector<std::string>& parent_columns, const ForeignKeyDef& fk) {
  std::string out = "(";
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + to_lower(columns[i]);
  out += ") REFERENCES " + to_lower(parent) + " (";
  for (size_t i = 0; i < parent_columns.size(); ++i) out += (i ? ", " : "") + to_lower(parent_columns[i]);
  return out + ") ON DELETE " + normalise_rule(fk.on_delete) + " ON UPDATE " + normalise_rule(fk.on_update);
}

// Table options as name -> token, ENGINE left out (compared on its own).
std::map<std::string, std::string> option_tokens(const std::string& options) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < options.size()) {
    size_t end = options.find(' ', start);
    if (end == std::string::npos) end = options.size();
    std::string token = to_lower(options.substr(start, end - start));
    std::string name = token.substr(0, token.find('='));
    if (!token.empty() && name != "engine") out[name] = token;
    start = end + 1;
  }
  return out;
}

// Compares named pieces ("index", "CHECK", ...): the first one missing, extra or different.
std::optional<std::string> compare_named(const char* what, const std::map<std::string, std::string>& expected,
                                         const std::map<std::string, std::string>& actual) {
  for (const auto& [name, shape] : expected) {
    auto it = actual.find(name);
    if (it == actual.end()) return std::string(what) + " `" + name + "` is missing (expected " + shape + ")";
    if (it->second != shape) return std::string(what) + " `" + name + "`: " + it->second + " vs expected " + shape;
  }
  for (const auto& [name, shape] : actual)
    if (!expected.count(name)) return std::string(what) + " `" + name + "` is not expected (" + shape + ")";
  return std::nullopt;
}

// A check's key in target_difference: a column-level one is named after its column's target name.
std::string check_key(const TableJob& job, const CheckConstraintDef& check) {
  if (check.column_level)
    for (const auto& c : job.columns)
      if (iequals(c.source, check.name)) return to_lower(c.target);
  return to_lower(check.name);
}

bool same_column(ColumnDef a, ColumnDef b) {
  a.ordinal = b.ordinal = 0;  // a column added before it moves it, and changes nothing of it
  return a == b;
}

// Named pieces (indexes, CHECKs, foreign keys) of two jobs that differ: present on one side only,
// or not the same.
template <class Piece, class Key>
void differing(const std::vector<Piece>& before, const std::vector<Piece>& after, Key key, std::set<std::string>& out) {
  std::map<std::string, const Piece*> was, now;
  for (const auto& p : before) was[key(p)] = &p;
  for (const auto& p : after) now[key(p)] = &p;
  for (const auto& [name, piece] : now)
    if (!was.count(name) || !(*was[name] == *piece)) out.insert(name);
  for (const auto& [name, piece] : was)
    if (!now.count(name)) out.insert(name);
}

// Keeps only the keys `only` names (when it is given).
void restrict_to(std::map<std::string, std::string>& pieces, const std::set<std::string>* only) {
  if (!only) return;
  for (auto it = pieces.begin(); it != pieces.end();) it = only->count(it->first) ? std::next(it) : pieces.erase(it);
}

}  // namespace

TablePieces changed_pieces(const TableJob& before, const TableJob& after) {
  TablePieces out;
  auto targets = [](const TableJob& job) {
    std::vector<std::string> names;
    for (const auto& c : job.columns) names.push_back(to_lower(c.target));
    return names;
  };
  out.column_list = targets(before) != targets(after);
  for (const auto& mapping : after.columns) {
    const ColumnMapping* was = before.find_column(mapping.source);
    const ColumnDef* was_def = before.source_def.find_column(mapping.source);
    const ColumnDef* now_def = after.source_def.find_column(mapping.source);
    if (!was || !(*was == mapping) || !was_def || !now_def || !same_column(*was_def, *now_def))
      out.columns.insert(to_lower(mapping.source));
  }
  differing(before.source_def.indexes, after.source_def.indexes, [](const IndexDef& i) { return to_lower(i.name); },
            out.indexes);
  std::map<std::string, const CheckConstraintDef*> checks_before, checks_after;
  for (const auto& c : before.source_def.checks) checks_before[check_key(before, c)] = &c;
  for (const auto& c : after.source_def.checks) checks_after[check_key(after, c)] = &c;
  for (const auto& [name, check] : checks_after)
    if (!checks_before.count(name) || !(*checks_before[name] == *check)) out.checks.insert(name);
  for (const auto& [name, check] : checks_before)
    if (!checks_after.count(name)) out.checks.insert(name);
  differing(before.source_def.foreign_keys, after.source_def.foreign_keys,
            [](const ForeignKeyDef& fk) { return to_lower(fk.name); }, out.foreign_keys);
  out.comment = before.source_def.comment != after.source_def.comment;
  out.charset = before.source_def.charset != after.source_def.charset ||
                before.source_def.collation != after.source_def.collation;
  out.options = before.source_def.engine != after.source_def.engine ||
                before.source_def.create_options != after.source_def.create_options;
  return out;
}

std::optional<std::string> target_difference(const TableDef& actual, const TableJob& expected,
                                             const DialectTarget& dialect, const std::vector<TableJob>* task_tables,
                                             const TablePieces* only) {
  std::vector<std::string> ignored;
  const TableDef& source = expected.source_def;
  std::vector<std::pair<std::string, std::string>> renames;
  for (const auto& m : expected.columns) renames.emplace_back(to_lower(m.source), m.target);

  // Columns, in order (only those `only` names, found by name when their list does not change).
  const bool whole_list = !only || only->column_list;
  if (whole_list && actual.columns.size() != expected.columns.size())
    return "the target has " + std::to_string(actual.columns.size()) + " columns, " +
           std::to_string(expected.columns.size()) + " expected";
  for (size_t i = 0; i < expected.columns.size(); ++i) {
    const ColumnMapping& mapping = expected.columns[i];
    const bool compared = !only || only->columns.count(to_lower(mapping.source)) > 0;
    const ColumnDef* found = nullptr;
    if (whole_list) {
      found = &actual.columns[i];
    } else if (compared) {
      for (const auto& c : actual.columns)
        if (iequals(c.name, mapping.target)) found = &c;
      if (!found) return "column `" + mapping.target + "` is missing";
    }
    if (!found) continue;
    const ColumnDef& have = *found;
    if (!iequals(have.name, mapping.target))
      return "column " + std::to_string(i + 1) + " is `" + have.name + "`, expected `" + mapping.target + "`";
    if (!compared) continue;
    const ColumnDef* want = source.find_column(mapping.source);
    if (!want) return "column `" + mapping.source + "` is not in the expected source definition";
    std::string type = mapping.cast_to ? *mapping.cast_to : schema::column_type(dialect, *want, "", &ignored);
    std::string want_shape =
        column_shape(type, *want, schema::column_default(dialect, *want, "", &ignored),
                     schema::rename_columns_in_expression(want->generation_expression, renames));
    std::string have_shape = column_shape(have.column_type, have, have.default_value, have.generation_expression);
    if (want_shape != have_shape) return "column `" + have.name + "`: " + have_shape + " vs expected " + want_shape;
    // A CAST names the whole type: the column takes the table's charset, which is compared below.
    if (!mapping.cast_to && (want->charset || want->collation)) {
      auto choice = choose_charset(dialect, want->charset, want->collation, "", &ignored);
      if (!choice) return "column `" + have.name + "`: " + choice.status().message();
      if (choice->charset && !iequals(*choice->charset, have.charset.value_or("")))
        return "column `" + have.name + "`: charset " + have.charset.value_or("none") + " vs expected " + *choice->charset;
      if (choice->collation && !iequals(*choice->collation, have.collation.value_or("")))
        return "column `" + have.name + "`: collation " + have.collation.value_or("none") + " vs expected " +
               *choice->collation;
    }
  }

  // Indexes: every one the translator creates (schema phase and secondary indexes).
  const bool compare_using = dialect.dialect == Dialect::kMysql;
  const bool descending_kept = schema::keep_descending(dialect);
  std::map<std::string, std::string> want_indexes, have_indexes;
  for (const auto& index : source.indexes) {
    if (!schema::index_definition_sql(expected, index, dialect, &ignored)) continue;
    std::vector<std::string> parts;
    for (const auto& part : index.parts) parts.push_back(expected.find_column(part.column) ? expected.find_column(part.column)->target : part.column);
    want_indexes[to_lower(index.name)] = index_shape(index, parts, descending_kept, compare_using);
  }
  for (const auto& index : actual.indexes) {
    std::vector<std::string> parts;
    for (const auto& part : index.parts) parts.push_back(part.column);
    have_indexes[to_lower(index.name)] = index_shape(index, parts, descending_kept, compare_using);
  }
  restrict_to(want_indexes, only ? &only->indexes : nullptr);
  restrict_to(have_indexes, only ? &only->indexes : nullptr);
  if (auto difference = compare_named("index", want_indexes, have_indexes)) return difference;

  // CHECK constraints: table-level ones and the column-level ones of kept columns (named after
  // their column, so after its target name).
  std::map<std::string, std::string> want_checks, have_checks;
  for (const auto& check : source.checks) {
    std::string clause = normalise_expression(schema::rename_columns_in_expression(check.clause, renames));
    if (check.column_level) {
      const ColumnMapping* m = nullptr;
      for (const auto& c : expected.columns)
        if (iequals(c.source, check.name)) m = &c;
      if (m && schema::keep_checks(dialect)) want_checks[to_lower(m->target)] = clause;
    } else if (schema::check_definition_sql(expected, check, dialect, &ignored)) {
      want_checks[to_lower(check.name)] = clause;
    }
  }
  for (const auto& check : actual.checks) have_checks[to_lower(check.name)] = normalise_expression(check.clause);
  restrict_to(want_checks, only ? &only->checks : nullptr);
  restrict_to(have_checks, only ? &only->checks : nullptr);
  if (auto difference = compare_named("CHECK", want_checks, have_checks)) return difference;

  // Foreign keys: those whose parent the task migrates and the dialect keeps. Without the task's
  // tables a parent other than the table itself is assumed migrated under its own name.
  std::map<std::string, std::string> want_keys, have_keys;
  for (const auto& fk : source.foreign_keys) {
    const TableJob* parent = nullptr;
    if (fk.referenced == expected.source) parent = &expected;
    else if (task_tables)
      for (const auto& t : *task_tables)
        if (t.source == fk.referenced) parent = &t;
    if (task_tables && !parent) continue;
    if (parent && !schema::foreign_key_definition_sql(expected, fk, *parent, dialect, &ignored)) continue;
    std::vector<std::string> columns, parent_columns;
    bool excluded = false;
    for (const auto& c : fk.columns) {
      const ColumnMapping* m = expected.find_column(c);
      excluded = excluded || !m;
      columns.push_back(m ? m->target : c);
    }
    for (const auto& c : fk.referenced_columns) {
      const ColumnMapping* m = parent ? parent->find_column(c) : nullptr;
      parent_columns.push_back(m ? m->target : c);
    }
    if (excluded) continue;
    std::string parent_name = parent ? parent->target.str() : fk.referenced.str();
    want_keys[to_lower(fk.name)] = foreign_key_shape(columns, parent_name, parent_columns, fk);
  }
  for (const auto& fk : actual.foreign_keys)
    have_keys[to_lower(fk.name)] = foreign_key_shape(fk.columns, fk.referenced.str(), fk.referenced_columns, fk);
  restrict_to(want_keys, only ? &only->foreign_keys : nullptr);
  restrict_to(have_keys, only ? &only->foreign_keys : nullptr);
  if (auto difference = compare_named("foreign key", want_keys, have_keys)) return difference;

  // Table: comment, default charset, and for MariaDB/MySQL the engine and options kept.
  if ((!only || only->comment) && actual.comment != source.comment) return "table comment '" + actual.comment + "' vs expected '" + source.comment + "'";
  if ((!only || only->charset) && (source.charset || source.collation)) {
    auto choice = choose_charset(dialect, source.charset, source.collation, "", &ignored);
    if (!choice) return "table: " + choice.status().message();
    if (choice->charset && !iequals(*choice->charset, actual.charset.value_or("")))
      return "table charset " + actual.charset.value_or("none") + " vs expected " + *choice->charset;
    if (choice->collation && !iequals(*choice->collation, actual.collation.value_or("")))
      return "table collation " + actual.collation.value_or("none") + " vs expected " + *choice->collation;
  }
  if (dialect.dialect == Dialect::kMysql && (!only || only->options)) {
    if (!iequals(actual.engine, source.engine)) return "engine " + actual.engine + " vs expected " + source.engine;
    auto want = option_tokens(schema::table_options(dialect, source, "", &ignored));
    auto have = option_tokens(schema::table_options(Dialect::kMysql, actual, "", &ignored));
    if (want != have) {
      std::string w, h;
      for (const auto& [n, t] : want) w += (w.empty() ? "" : " ") + t;
      for (const auto& [n, t] : have) h += (h.empty() ? "" : " ") + t;
      return "table options '" + h + "' vs expected '" + w + "'";
    }
  }
  return std::nullopt;
}

bool target_has(const TableDef& actual, const TableJob& expected, const DialectTarget& dialect,
                const std::vector<TableJob>* task_tables) {
  return !target_difference(actual, expected, dialect, task_tables, nullptr).has_value();
}

}  // namespace omsql
