// The ALTER path of evolve_target: two TableJobs rendered piece by piece, the differing pieces as
// clauses, the statement's renames pairing old and new names.
#include "src/schema/evolution_alter.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "src/common/strings.hpp"
#include "src/schema/ddl.hpp"
#include "src/sql/quote.hpp"

namespace omsql {
namespace {

using schema::check_definition_sql;
using schema::column_definition_sql;
using schema::foreign_key_definition_sql;
using schema::index_definition_sql;
using sql::quote_identifier;
using sql::quote_name;

const ColumnMapping* mapping_of(const TableJob& job, const std::string& source) {
  for (const auto& c : job.columns)
    if (iequals(c.source, source)) return &c;
  return nullptr;
}
const ColumnDef* column_of(const TableDef& table, const std::string& name) {
  for (const auto& c : table.columns)
    if (iequals(c.name, name)) return &c;
  return nullptr;
}
// old name (lower-case) -> new name, from the statement's kRenamedFrom/kRenamedTo pairs of `type`.
std::map<std::string, std::string> renames_of(const ClassifiedStatement& source, ObjectType type) {
  std::map<std::string, std::string> out;
  const auto& objects = source.objects;
  for (size_t i = 0; i + 1 < objects.size(); ++i) {
    if (objects[i].type != type || objects[i].role != ObjectRole::kRenamedFrom) continue;
    if (objects[i + 1].type != type || objects[i + 1].role != ObjectRole::kRenamedTo) continue;
    out[to_lower(objects[i].part)] = objects[i + 1].part;
  }
  return out;
}
std::string renamed(const std::map<std::string, std::string>& renames, const std::string& name) {
  auto it = renames.find(to_lower(name));
  return it == renames.end() ? name : it->second;
}
std::string renamed_from(const std::map<std::string, std::string>& renames, const std::string& name) {
  for (const auto& [from, to] : renames)
    if (iequals(to, name)) return from;
  return name;
}

// One table that exists before and after the statement: the checks no rendering can satisfy (a
// FILTER, renames across the column rules, values each server computes), then clauses per kind of
// piece (columns, indexes, CHECKs, foreign keys, options), then the statements.
class Evolver {
 public:
  Evolver(const TableJob& before, const TableJob& after, const ClassifiedStatement& source,
          const DialectTarget& dialect, const std::vector<TableJob>* tables)
      : before_(before), after_(after), source_(source), dialect_(dialect), tables_(tables),
        where_(after.source.str() + ": " + std::string(statement_kind_name(source.kind))),
        column_renames_(renames_of(source, ObjectType::kColumn)),
        index_renames_(renames_of(source, ObjectType::kIndex)) {
    // `before` as it is once the statement's column renames are applied: each renamed column
    // carries its new target name, so its index, CHECK and foreign key text compares equal.
    renamed_before_ = before;
    for (auto& mapping : renamed_before_.columns)
      if (const ColumnMapping* next = mapping_of(after, renamed(column_renames_, mapping.source)))
        mapping.target = next->target;
  }

  Result<TargetEvolution> run() {
    OMSQL_RETURN_IF_ERROR(check_filter());
    OMSQL_RETURN_IF_ERROR(columns());
    OMSQL_RETURN_IF_ERROR(indexes());
    checks();
    OMSQL_RETURN_IF_ERROR(foreign_keys());
    OMSQL_RETURN_IF_ERROR(table_options());
    return assemble();
  }

 private:
  Status unsupported(const std::string& what) const { return Status::unsupported(where_ + ": " + what); }

  // A FILTER is evaluated by replay over source column names: one it names that the statement
  // drops or renames could no longer be evaluated, and rows would pass or fail it silently.
  Status check_filter() const {
    for (const auto& name : before_.filter_columns) {
      std::string next = renamed(column_renames_, name);
      if (!iequals(next, name))
        return unsupported("column `" + name + "`, which the FILTER uses (" + before_.filter.value_or("") +
                           "), is renamed to `" + next +
                           "`: replay could no longer evaluate the FILTER; change the FILTER in the script and copy the table "
                           "again (omsrun FILE --recopy)");
      if (!column_of(after_.source_def, name))
        return unsupported("column `" + name + "`, which the FILTER uses (" + before_.filter.value_or("") +
                           "), is dropped: replay could no longer evaluate the FILTER; change the FILTER in the "
                           "script and copy the table again (omsrun FILE --recopy)");
    }
    if (before_.filter.value_or("") != after_.filter.value_or(""))
      return unsupported("the FILTER changes with the new name (" + before_.filter.value_or("none") + " -> " +
                         after_.filter.value_or("none") +
                         "): the target holds the rows the old FILTER took; keep the FILTER for the new name, or "
                         "copy the table again");
    for (const auto& name : after_.filter_columns)
      if (!column_of(after_.source_def, name))
        return unsupported("the FILTER names column `" + name + "`, which the table no longer has");
    return Status::ok();
  }

  Status columns() {
    struct Pair {
      const ColumnMapping* before = nullptr;  // in renamed_before_
      const ColumnMapping* after = nullptr;
    };
    std::vector<Pair> pairs;
    for (const auto& mapping : renamed_before_.columns) {
      const ColumnMapping* original = mapping_of(before_, mapping.source);
      std::string next = renamed(column_renames_, mapping.source);
      const bool is_renamed = !iequals(next, mapping.source);
      const ColumnMapping* partner = mapping_of(after_, next);
      if (!partner) {
        if (column_of(after_.source_def, next))
          return unsupported(
              is_renamed ? "column `" + mapping.source + "` is renamed to `" + next +
                               "`, which COLUMNS ... EXCLUDE excludes: the target column `" + original->target +
                               "` would no longer be written; drop it on the target by hand (or keep it unfed) and mark the DDL "
                               "applied, or the rules must stop excluding `" + next + "`"
                         : "column `" + mapping.source + "` is on the target (`" + original->target +
                               "`) but the rules for the new definition exclude it (COLUMNS ... EXCLUDE): the target "
                               "column would no longer be written");
        column_drops_.push_back("DROP COLUMN " + quote_identifier(original->target));
        continue;
      }
      // A MAP COLUMN names the old source name: after the rename the rules map the column to
      // its own name, and following them would rename the target column the user chose.
      if (is_renamed && !iequals(original->target, original->source) && iequals(partner->target, partner->source) &&
          partner->target != original->target)
        return unsupported("column `" + mapping.source + "` is renamed to `" + next + "`, and the script maps `" +
                           mapping.source + "` TO `" + original->target + "` (MAP COLUMN) but not `" + next +
                           "`, so following the rules would rename the target column `" + original->target + "` to `" + next +
                           "`: do that on the target by hand and mark the DDL applied, or, to keep `" +
                           original->target + "`, the rules must MAP COLUMN " + after_.source.str() + "." + next +
                           " TO " + original->target + " as well");
      pairs.push_back({&mapping, partner});
    }
    for (const auto& mapping : after_.columns) {
      bool paired = std::any_of(pairs.begin(), pairs.end(), [&](const Pair& p) { return p.after == &mapping; });
      if (paired) continue;
      std::string previous = renamed_from(column_renames_, mapping.source);
      if (column_of(before_.source_def, previous))
        return unsupported(
            !iequals(previous, mapping.source)
                ? "column `" + previous + "` is excluded (COLUMNS ... EXCLUDE) and renamed to `" + mapping.source +
                      "`, which the rules do not exclude: the target would get a column without the values the copy "
                      "left out; add it to the target by hand (rows copied before keep it empty) and mark the DDL applied, "
                      "or the rules must exclude `" + mapping.source + "` as well"
                : "column `" + mapping.source + "` was not on the target, but the rules now map it");
    }

    // Target column order: `current` is the target's order once drops are done; the columns
    // outside the longest run already in order are moved (FIRST / AFTER), the rest stay put.
    std::vector<const ColumnMapping*> current_before;  // renamed_before_ mappings in target order
    for (const auto& mapping : renamed_before_.columns)
      for (const auto& p : pairs)
        if (p.before == &mapping) current_before.push_back(&mapping);
    std::vector<int> position_in_current;  // per after column: its place in current_before, -1 = added
    for (const auto& mapping : after_.columns) {
      int position = -1;
      for (const auto& p : pairs)
        if (p.after == &mapping)
          for (size_t i = 0; i < current_before.size(); ++i)
            if (current_before[i] == p.before) position = static_cast<int>(i);
      position_in_current.push_back(position);
    }
    std::vector<bool> stays = longest_increasing(position_in_current);
    size_t last_kept = 0;  // after columns from here on are all added: appended without a position
    for (size_t i = 0; i < after_.columns.size(); ++i)
      if (position_in_current[i] >= 0) last_kept = i + 1;

    for (size_t i = 0; i < after_.columns.size(); ++i) {
      const ColumnMapping& mapping = after_.columns[i];
      std::string place = i == 0 ? " FIRST" : " AFTER " + quote_identifier(after_.columns[i - 1].target);
      std::vector<std::string> warnings;
      auto definition = column_definition_sql(after_, mapping, dialect_, &warnings);
      if (!definition) return definition.status().with_context(where_);
      if (position_in_current[i] < 0) {
        OMSQL_RETURN_IF_ERROR(check_existing_rows(mapping));
        column_changes_.push_back("ADD COLUMN " + *definition + (i >= last_kept ? "" : place));
        keep(warnings);
        continue;
      }
      const ColumnMapping* previous = current_before[static_cast<size_t>(position_in_current[i])];
      const ColumnMapping* original = mapping_of(before_, previous->source);
      std::vector<std::string> ignored;
      auto old_definition = column_definition_sql(renamed_before_, *previous, dialect_, &ignored);
      if (!old_definition) return old_definition.status().with_context(where_ + " (the definition before it)");
      const bool target_renamed = original->target != mapping.target;
      const bool moved = !stays[i];
      if (!target_renamed && !moved && *old_definition == *definition) continue;
      keep(warnings);
      column_changes_.push_back(
          (target_renamed ? "CHANGE COLUMN " + quote_identifier(original->target) + " " : std::string("MODIFY COLUMN ")) +
          *definition + (moved ? place : ""));
    }
    return Status::ok();
  }

  // The value an added column takes in the rows the table has: the same on both sides when it is a
  // constant, the statement's time (with the source's timestamp), or a number in primary key order.
  Status check_existing_rows(const ColumnMapping& mapping) {
    const ColumnDef* column = column_of(after_.source_def, mapping.source);
    if (!column || column->is_generated) return Status::ok();
    const std::string what = "ADD COLUMN `" + column->name + "`";
    if (to_lower(column->extra).find("auto_increment") != std::string::npos) {
      if (before_.source_def.primary_key()) return Status::ok();  // both sides number in primary key order
      return unsupported(what + " AUTO_INCREMENT numbers the existing rows in their physical order, which the "
                                "target (filled by the copy) does not share with the source: the table has no primary "
                                "key before the statement; copy the table again (omsrun FILE --recopy), or set the "
                                "values on the target by hand and mark the DDL applied");
    }
    if (!column->default_value) return Status::ok();
    std::string value = to_lower(*column->default_value);
    const bool literal = value.empty() || value == "null" || value[0] == '\'' || value.rfind("b'", 0) == 0 ||
                         value.rfind("x'", 0) == 0 || value.rfind("0x", 0) == 0 ||
                         std::isdigit(static_cast<unsigned char>(value[0])) || value[0] == '-' || value[0] == '+' ||
                         value[0] == '.';
    if (literal) return Status::ok();
    for (const char* now : {"current_timestamp", "now(", "localtimestamp", "localtime", "current_date", "curdate(",
                            "current_time", "curtime("})
      if (value.rfind(now, 0) == 0) {
        needs_source_timestamp_ = true;
        // A TIMESTAMP keeps the instant; DATETIME, DATE and TIME keep the session's local time.
        if (column->data_type != "timestamp") needs_source_time_zone_ = true;
        return Status::ok();
      }
    return unsupported(what + " DEFAULT " + *column->default_value +
                       ": each server computes the value of the rows the table already has, so the target's would "
                       "differ from the source's; set them on the target by hand and mark the DDL applied, or copy "
                       "the table again (omsrun FILE --recopy)");
  }

  // The longest strictly increasing subsequence of the non-negative entries (patience sort).
  static std::vector<bool> longest_increasing(const std::vector<int>& values) {
    std::vector<size_t> tails, parent(values.size(), SIZE_MAX);
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] < 0) continue;
      auto it = std::lower_bound(tails.begin(), tails.end(), values[i],
                                 [&](size_t index, int v) { return values[index] < v; });
      if (it != tails.begin()) parent[i] = *(it - 1);
      if (it == tails.end())
        tails.push_back(i);
      else
        *it = i;
    }
    std::vector<bool> out(values.size(), false);
    for (size_t i = tails.empty() ? SIZE_MAX : tails.back(); i != SIZE_MAX; i = parent[i]) out[i] = true;
    return out;
  }

  Status indexes() {
    std::vector<std::string> ignored;
    std::map<std::string, std::pair<const IndexDef*, std::string>> old_set;  // new name (lower) -> index, text
    for (const auto& index : before_.source_def.indexes) {
      IndexDef as_renamed = index;
      as_renamed.name = renamed(index_renames_, index.name);
      if (auto text = index_definition_sql(renamed_before_, as_renamed, dialect_, &ignored))
        old_set[to_lower(as_renamed.name)] = {&index, *text};
    }
    // Indexes the source had before under the same (renamed) name: when the target has none of
    // either, the schema phase warned already.
    std::set<std::string> old_names;
    for (const auto& index : before_.source_def.indexes) old_names.insert(to_lower(renamed(index_renames_, index.name)));
    std::map<std::string, bool> seen;
    for (const auto& index : after_.source_def.indexes) {
      std::vector<std::string> warnings;
      auto text = index_definition_sql(after_, index, dialect_, &warnings);
      auto old = old_set.find(to_lower(index.name));
      if (!text && old == old_set.end() && old_names.count(to_lower(index.name))) continue;
      if (old != old_set.end()) {
        seen[old->first] = true;
        const IndexDef& previous = *old->second.first;
        if (text && *text == old->second.second) {
          if (previous.name != index.name)
            index_drops_.push_back("RENAME INDEX " + quote_identifier(previous.name) + " TO " +
                                   quote_identifier(index.name));
          continue;
        }
        index_drops_.push_back(drop_index(previous));
      }
      keep(warnings);
      if (text) index_adds_.push_back("ADD " + *text);
    }
    for (const auto& [name, old] : old_set)
      if (!seen.count(name)) index_drops_.push_back(drop_index(*old.first));
    return Status::ok();
  }
  static std::string drop_index(const IndexDef& index) {
    return index.is_primary() ? "DROP PRIMARY KEY" : "DROP INDEX " + quote_identifier(index.name);
  }

  void checks() {
    std::vector<std::string> ignored;
    std::map<std::string, std::pair<std::string, std::string>> old_set;  // lower name -> name, text
    for (const auto& check : before_.source_def.checks)
      if (auto text = check_definition_sql(renamed_before_, check, dialect_, &ignored))
        old_set[to_lower(check.name)] = {check.name, *text};
    std::set<std::string> old_names;
    for (const auto& check : before_.source_def.checks) old_names.insert(to_lower(check.name));
    for (const auto& check : after_.source_def.checks) {
      std::vector<std::string> warnings;
      auto text = check_definition_sql(after_, check, dialect_, &warnings);
      if (check.column_level) continue;  // part of its column's definition
      auto old = old_set.find(to_lower(check.name));
      if (!text && old == old_set.end() && old_names.count(to_lower(check.name))) continue;  // warned before
      if (old != old_set.end()) {
        std::string old_text = old->second.second;
        std::string old_name = old->second.first;
        old_set.erase(old);
        if (text && *text == old_text) continue;
        constraint_drops_.push_back("DROP CONSTRAINT " + quote_identifier(old_name));
        keep(warnings);
        if (text) check_readds_.push_back("ADD " + *text);
        continue;
      }
      keep(warnings);
      if (text) constraint_adds_.push_back("ADD " + *text);
    }
    for (const auto& [name, old] : old_set) constraint_drops_.push_back("DROP CONSTRAINT " + quote_identifier(old.first));
  }

  // The parent job of `fk` of `job`: `job` itself for a self-reference, else the task's table;
  // nullptr when the task does not migrate the parent (the foreign key is not on the target).
  Result<const TableJob*> parent_of(const TableJob& job, const ForeignKeyDef& fk) const {
    if (iequals(fk.referenced.schema, before_.source.schema) && iequals(fk.referenced.table, before_.source.table))
      return &job;
    if (iequals(fk.referenced.schema, after_.source.schema) && iequals(fk.referenced.table, after_.source.table))
      return &job;
    if (!tables_)
      return unsupported("foreign key `" + fk.name + "` references " + fk.referenced.str() +
                         ": its target name needs the task's tables (evolve_target's task_tables)");
    for (const auto& t : *tables_)
      if (t.source == fk.referenced) return &t;
    return static_cast<const TableJob*>(nullptr);
  }

  // The foreign key as the source defines it, with the statement's renames applied: what to
  // compare before rendering, which needs the parent's job.
  std::string foreign_key_signature(const TableJob& job, const ForeignKeyDef& fk) const {
    auto target_of = [&](const std::string& c) {
      const ColumnMapping* m = mapping_of(job, c);
      return m ? m->target : "?" + c;
    };
    const bool self = (iequals(fk.referenced.schema, before_.source.schema) &&
                       iequals(fk.referenced.table, before_.source.table)) ||
                      (iequals(fk.referenced.schema, after_.source.schema) &&
                       iequals(fk.referenced.table, after_.source.table));
    std::string out;
    for (const auto& c : fk.columns) out += to_lower(target_of(c)) + ",";
    out += self ? std::string("->self(") : "->" + to_lower(fk.referenced.str()) + "(";
    for (const auto& c : fk.referenced_columns) out += to_lower(self ? target_of(c) : c) + ",";
    auto rule = [](const std::string& r) { return r.empty() || iequals(r, "NO ACTION") ? std::string("RESTRICT") : to_lower(r); };
    return out + ") " + rule(fk.on_delete) + " " + rule(fk.on_update);
  }

  Status foreign_keys() {
    std::map<std::string, const ForeignKeyDef*> old_set;
    for (const auto& fk : before_.source_def.foreign_keys) old_set[to_lower(fk.name)] = &fk;
    std::map<std::string, bool> seen;
    for (const auto& fk : after_.source_def.foreign_keys) {
      auto old = old_set.find(to_lower(fk.name));
      bool dropped = false;
      if (old != old_set.end()) {
        seen[old->first] = true;
        if (foreign_key_signature(renamed_before_, *old->second) == foreign_key_signature(after_, fk)) continue;
        auto drop = drop_foreign_key(*old->second);
        if (!drop) return drop.status();
        dropped = *drop;
      }
      auto parent = parent_of(after_, fk);
      if (!parent) return parent.status();
      if (!*parent) {
        warnings_.push_back(after_.source.str() + ": foreign key `" + fk.name + "` not created: it references " +
                            fk.referenced.str() + ", which is not migrated");
        continue;
      }
      std::vector<std::string> warnings;
      if (auto text = foreign_key_definition_sql(after_, fk, **parent, dialect_, &warnings))
        (dropped ? foreign_key_readds_ : foreign_key_adds_).push_back("ADD " + *text);
      keep(warnings);
    }
    for (const auto& [name, fk] : old_set)
      if (!seen.count(name)) {
        auto drop = drop_foreign_key(*fk);
        if (!drop) return drop.status();
      }
    return Status::ok();
  }
  // Drops the foreign key when the schema phase created it (its parent is migrated and the
  // dialect kept it); true when it did.
  Result<bool> drop_foreign_key(const ForeignKeyDef& fk) {
    auto parent = parent_of(renamed_before_, fk);
    if (!parent) return parent.status();
    std::vector<std::string> ignored;
    if (!*parent || !foreign_key_definition_sql(renamed_before_, fk, **parent, dialect_, &ignored)) return false;
    constraint_drops_.insert(constraint_drops_.begin(), "DROP FOREIGN KEY " + quote_identifier(fk.name));
    return true;
  }

  // Table options the dialect keeps, as name -> "name=value" tokens of table_options().
  static std::map<std::string, std::string> option_tokens(const std::string& options) {
    std::map<std::string, std::string> out;
    size_t start = 0;
    while (start < options.size()) {
      size_t end = options.find(' ', start);
      if (end == std::string::npos) end = options.size();
      std::string token = options.substr(start, end - start);
      if (!token.empty()) out[to_lower(token.substr(0, token.find('=')))] = token;
      start = end + 1;
    }
    return out;
  }

  Status table_options() {
    std::vector<std::string> ignored, warnings;
    auto old_tokens = option_tokens(schema::table_options(dialect_, before_.source_def, where_, &ignored));
    auto new_tokens = option_tokens(schema::table_options(dialect_, after_.source_def, where_, &warnings));
    bool changed = false;
    for (const auto& [name, token] : new_tokens) {
      auto old = old_tokens.find(name);
      if (old != old_tokens.end() && old->second == token) continue;
      option_changes_.push_back(token);
      changed = true;
    }
    for (const auto& [name, token] : old_tokens) {
      if (new_tokens.count(name)) continue;
      option_changes_.push_back(name == "key_block_size" ? "KEY_BLOCK_SIZE=0" : to_upper_ascii(name) + "=DEFAULT");
      changed = true;
    }
    if (changed) keep(warnings);

    auto old_charset = schema::choose_charset(dialect_, before_.source_def.charset, before_.source_def.collation,
                                              where_, &ignored);
    std::vector<std::string> charset_warnings;
    auto new_charset = schema::choose_charset(dialect_, after_.source_def.charset, after_.source_def.collation,
                                              where_, &charset_warnings);
    if (!new_charset) return new_charset.status();
    if (!old_charset || old_charset->charset != new_charset->charset ||
        old_charset->collation != new_charset->collation) {
      std::string clause;
      if (new_charset->charset) clause = "DEFAULT CHARSET=" + *new_charset->charset;
      if (new_charset->collation) clause += std::string(clause.empty() ? "" : " ") + "COLLATE=" + *new_charset->collation;
      if (!clause.empty()) option_changes_.push_back(clause);
      keep(charset_warnings);
    }
    if (before_.source_def.comment != after_.source_def.comment)
      option_changes_.push_back("COMMENT=" + sql::text_literal(after_.source_def.comment));
    return Status::ok();
  }
  static std::string to_upper_ascii(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }

  void keep(std::vector<std::string>& warnings) {
    for (auto& w : warnings) warnings_.push_back(std::move(w));
    warnings.clear();
  }

  TargetEvolution assemble() {
    TargetEvolution out;
    out.warnings = std::move(warnings_);
    out.key_change = row_key_change(before_, after_);
    out.needs_source_timestamp = needs_source_timestamp_;
    out.needs_source_time_zone = needs_source_time_zone_;
    if (out.key_change == RowKeyChange::kChanged && key_unchanged_but_renamed()) out.key_change = RowKeyChange::kSame;
    const bool renamed_table = !(before_.target == after_.target);
    auto concat = [](std::vector<std::string> a, const std::vector<std::string>& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    };
    // MariaDB cannot drop a foreign key and add one of the same name in one statement (errno 121):
    // those come by a second one, as do foreign keys to add when the table is renamed (a
    // self-reference names the new name).
    std::vector<std::string> later = foreign_key_readds_, foreign_keys_now = foreign_key_adds_;
    if (renamed_table) later = concat(std::move(foreign_keys_now), later), foreign_keys_now.clear();
    std::vector<std::vector<std::string>> groups = {constraint_drops_, index_drops_,
                                                    concat(column_drops_, column_changes_), index_adds_};
    std::string rename = "RENAME TO " + quote_name(after_.target);
    if (dialect_.dialect == Dialect::kOceanBase) {
      // One group per statement; a CHECK re-added under its name and the foreign keys each after
      // what they need.
      groups.push_back(constraint_adds_);
      groups.push_back(check_readds_);
      groups.push_back(foreign_keys_now);
      groups.push_back(option_changes_);
      for (const auto& group : groups)
        if (!group.empty()) out.statements.push_back("ALTER TABLE " + quote_name(before_.target) + " " + join(group, ", "));
      if (renamed_table) out.statements.push_back("ALTER TABLE " + quote_name(before_.target) + " " + rename);
    } else {
      groups.push_back(concat(concat(constraint_adds_, check_readds_), foreign_keys_now));
      groups.push_back(option_changes_);
      std::vector<std::string> clauses;
      for (const auto& group : groups) clauses.insert(clauses.end(), group.begin(), group.end());
      if (clauses.empty() && renamed_table)
        out.statements.push_back("RENAME TABLE " + quote_name(before_.target) + " TO " + quote_name(after_.target));
      else if (!clauses.empty())
        out.statements.push_back("ALTER TABLE " + quote_name(before_.target) + " " + join(clauses, ", ") +
                                 (renamed_table ? ", " + rename : ""));
    }
    if (!later.empty()) out.statements.push_back("ALTER TABLE " + quote_name(after_.target) + " " + join(later, ", "));
    return out;
  }

  // The key's columns are the old key's, renamed by the statement, with the same definitions.
  bool key_unchanged_but_renamed() const {
    if (before_.key.columns.size() != after_.key.columns.size() || before_.key.kind != after_.key.kind) return false;
    for (size_t i = 0; i < before_.key.columns.size(); ++i) {
      if (!iequals(renamed(column_renames_, before_.key.columns[i]), after_.key.columns[i])) return false;
      const ColumnDef* old_column = column_of(before_.source_def, before_.key.columns[i]);
      const ColumnDef* new_column = column_of(after_.source_def, after_.key.columns[i]);
      if (!old_column || !new_column || old_column->column_type != new_column->column_type ||
          old_column->collation != new_column->collation)
        return false;
    }
    return true;
  }

  const TableJob& before_;
  const TableJob& after_;
  const ClassifiedStatement& source_;
  const DialectTarget& dialect_;
  const std::vector<TableJob>* tables_;
  const std::string where_;
  const std::map<std::string, std::string> column_renames_, index_renames_;
  TableJob renamed_before_;
  bool needs_source_timestamp_ = false;
  bool needs_source_time_zone_ = false;
  std::vector<std::string> constraint_drops_, index_drops_, column_drops_, column_changes_, index_adds_,
      constraint_adds_, check_readds_, foreign_key_adds_, foreign_key_readds_, option_changes_, warnings_;
};

}  // namespace

namespace evolution_detail {

Result<TargetEvolution> evolve_table(const TableJob& before, const TableJob& after, const ClassifiedStatement& source,
                                     const DialectTarget& dialect, const std::vector<TableJob>* task_tables) {
  return Evolver(before, after, source, dialect, task_tables).run();
}

}  // namespace evolution_detail
}  // namespace omsql
