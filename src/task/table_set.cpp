#include "src/task/table_set.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "src/common/strings.hpp"
#include "src/task/position_json.hpp"
#include "src/task/task_state.hpp"

namespace omsql {
namespace {

using nlohmann::json;

constexpr const char* kFileName = "/table-set.json";

json name_json(const QualifiedName& name) { return json::array({name.schema, name.table}); }

json pattern_json(const TableNamePattern& p) {
  return json{{"schema", p.schema.text}, {"schema_glob", p.schema.glob}, {"table", p.table.text},
              {"table_glob", p.table.glob}};
}

// Throws json exceptions on a damaged file; the caller turns them into a Corruption.
QualifiedName name_of(const json& j) { return QualifiedName{j.at(0).get<std::string>(), j.at(1).get<std::string>()}; }

// An entry's position: "position" in SourcePosition's form, or the flat binlog_file /
// binlog_offset / gtid a table set written before it kept. Throws as the reader's JSON does.
SourcePosition position_in(const json& entry, const std::string& file) {
  if (entry.contains("position")) return position_from_json_or_throw(entry.at("position"), file);
  auto position = position_from_binlog_fields(entry.at("binlog_file").get<std::string>(),
                                              entry.at("binlog_offset").get<uint64_t>(), entry.value("gtid", ""), file);
  if (!position) throw std::runtime_error(position.status().message());
  return std::move(position).value();
}

TableNamePattern pattern_of(const json& j) {
  return TableNamePattern{{j.at("schema").get<std::string>(), j.at("schema_glob").get<bool>()},
                          {j.at("table").get<std::string>(), j.at("table_glob").get<bool>()}};
}

const TableSetEntry* find_entry(const TableSet& set, const QualifiedName& source) {
  auto it = std::lower_bound(set.tables.begin(), set.tables.end(), source,
                             [](const TableSetEntry& e, const QualifiedName& n) { return e.source < n; });
  return it != set.tables.end() && it->source == source ? &*it : nullptr;
}

// What is in `a` and not in `b` (both sorted).
std::vector<std::string> minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

std::vector<std::string> column_rules_of(const MigrationRules& rules, const QualifiedName& source) {
  std::vector<std::string> out;
  for (const auto& r : rules.column_renames)
    if (r.table.matches(source)) out.push_back("MAP COLUMN " + r.column + " TO " + r.to);
  for (const auto& e : rules.column_exclusions)
    if (e.table.matches(source)) out.push_back("COLUMNS EXCLUDE (" + join(e.columns, ", ") + ")");
  for (const auto& c : rules.casts)
    if (c.table.matches(source)) out.push_back("CAST " + c.column.str() + " FROM " + c.from_type + " TO " + c.to_type);
  for (const auto& f : rules.filters)
    if (f.table.matches(source)) out.push_back("FILTER WHERE " + f.condition);
  std::sort(out.begin(), out.end());
  return out;
}

TableSet table_set_of(const Plan& plan) {
  TableSet set;
  for (const auto& job : plan.tables)
    set.tables.push_back({job.source, job.target, column_rules_of(plan.rules, job.source), std::nullopt});
  std::sort(set.tables.begin(), set.tables.end(),
            [](const TableSetEntry& a, const TableSetEntry& b) { return a.source < b.source; });
  set.rules.include = plan.rules.include;
  set.rules.exclude = plan.rules.exclude;
  set.rules.maps = plan.rules.maps;
  return set;
}

std::string table_set_to_json(const TableSet& set) {
  json tables = json::array();
  for (const auto& e : set.tables) {
    json entry{{"source", name_json(e.source)}, {"target", name_json(e.target)}};
    if (e.column_rules) entry["column_rules"] = *e.column_rules;
    if (e.joined)
      entry["joined"] = json{{"position", position_json(e.joined->position)}, {"statement", e.joined->statement}};
    tables.push_back(std::move(entry));
  }
  json include = json::array(), exclude = json::array(), maps = json::array();
  for (const auto& p : set.rules.include) include.push_back(pattern_json(p));
  for (const auto& p : set.rules.exclude) exclude.push_back(pattern_json(p));
  for (const auto& m : set.rules.maps) maps.push_back(json{{"from", pattern_json(m.from)}, {"to", pattern_json(m.to)}});
  json j{{"tables", tables}, {"include", include}, {"exclude", exclude}, {"maps", maps}};
  if (!set.left.empty()) {
    json left = json::array();
    for (const auto& d : set.left) {
      json entry{{"source", name_json(d.source)}, {"target", name_json(d.target)},
                 {"position", position_json(d.position)}, {"statement", d.statement}};
      if (d.renamed_to) entry["renamed_to"] = name_json(*d.renamed_to);
      left.push_back(std::move(entry));
    }
    j["left"] = std::move(left);
  }
  return j.dump(2) + "\n";
}

Result<TableSet> table_set_from_json(const std::string& text, const std::string& file) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::corruption(file + ": not valid JSON");
  try {
    TableSet set;
    for (const auto& e : j.at("tables")) {
      TableSetEntry entry{name_of(e.at("source")), name_of(e.at("target")), std::nullopt, std::nullopt};
      if (e.contains("column_rules")) entry.column_rules = e.at("column_rules").get<std::vector<std::string>>();
      if (e.contains("joined")) {
        const json& j = e.at("joined");
        entry.joined = JoinedAt{position_in(j, file), j.at("statement").get<std::string>()};
      }
      set.tables.push_back(std::move(entry));
    }
    std::sort(set.tables.begin(), set.tables.end(),
              [](const TableSetEntry& a, const TableSetEntry& b) { return a.source < b.source; });
    for (const auto& p : j.at("include")) set.rules.include.push_back(pattern_of(p));
    for (const auto& p : j.at("exclude")) set.rules.exclude.push_back(pattern_of(p));
    for (const auto& m : j.at("maps")) set.rules.maps.push_back({pattern_of(m.at("from")), pattern_of(m.at("to"))});
    if (j.contains("left"))
      for (const auto& d : j.at("left")) {
        set.left.push_back(DepartedTable{name_of(d.at("source")), name_of(d.at("target")), position_in(d, file),
                                         d.at("statement").get<std::string>(), std::nullopt});
        if (d.contains("renamed_to")) set.left.back().renamed_to = name_of(d.at("renamed_to"));
      }
    return set;
  } catch (const json::exception& e) {
    return Status::corruption(file + ": damaged table set (" + e.what() + ")");
  } catch (const std::runtime_error& e) {
    return Status::corruption(file + ": damaged table set (" + e.what() + ")");
  }
}

Result<std::optional<TableSet>> load_table_set(const std::string& directory) {
  const std::string file = directory + kFileName;
  std::ifstream in(file);
  if (!in) return std::optional<TableSet>{};
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto set = table_set_from_json(buffer.str(), file);
  if (!set) return set.status();
  return std::optional<TableSet>(std::move(set).value());
}

Status save_table_set(const std::string& directory, const TableSet& set) {
  return write_file_atomically(directory + kFileName, table_set_to_json(set));
}

Status record_tables_left(const std::string& directory, const std::vector<QualifiedName>& sources,
                          const SourcePosition& position, const std::string& statement) {
  auto loaded = load_table_set(directory);
  if (!loaded) return loaded.status();
  if (!loaded->has_value()) return Status::ok();
  TableSet set = std::move(**loaded);
  bool changed = false;
  for (const auto& source : sources) {
    auto it = std::find_if(set.tables.begin(), set.tables.end(), [&](const TableSetEntry& e) { return e.source == source; });
    if (it == set.tables.end()) continue;
    set.left.push_back(DepartedTable{it->source, it->target, position, statement, std::nullopt});
    set.tables.erase(it);
    changed = true;
  }
  return changed ? save_table_set(directory, set) : Status::ok();
}

Status record_tables_renamed(const std::string& directory, const std::vector<TableRenamed>& renames,
                             const SourcePosition& position, const std::string& statement) {
  auto loaded = load_table_set(directory);
  if (!loaded) return loaded.status();
  if (!loaded->has_value()) return Status::ok();
  TableSet set = std::move(**loaded);
  for (const auto& d : set.left)
    if (d.position == position && d.renamed_to) return Status::ok();  // recorded when first read
  bool changed = false;
  for (const auto& rename : renames) {
    auto it = std::find_if(set.tables.begin(), set.tables.end(),
                           [&](const TableSetEntry& e) { return e.source == rename.from; });
    if (it == set.tables.end()) continue;
    set.left.push_back(DepartedTable{it->source, it->target, position, statement, rename.to_source});
    set.tables.erase(it);
    if (rename.to)
      set.tables.insert(std::lower_bound(set.tables.begin(), set.tables.end(), *rename.to,
                                         [](const TableSetEntry& a, const TableSetEntry& b) { return a.source < b.source; }),
                        *rename.to);
    changed = true;
  }
  return changed ? save_table_set(directory, set) : Status::ok();
}

std::vector<TableSetEntry> joined_tables(const TableSet& set) {
  std::vector<TableSetEntry> out;
  for (const auto& entry : set.tables)
    if (entry.joined) out.push_back(entry);
  return out;
}

Result<std::vector<TableSetEntry>> load_joined_tables(const std::string& directory) {
  auto loaded = load_table_set(directory);
  if (!loaded) return loaded.status();
  if (!loaded->has_value()) return std::vector<TableSetEntry>{};
  return joined_tables(**loaded);
}

Status record_table_joined(const std::string& directory, const TableSetEntry& entry) {
  auto loaded = load_table_set(directory);
  if (!loaded) return loaded.status();
  if (!loaded->has_value()) return Status::ok();
  TableSet set = std::move(**loaded);
  if (find_entry(set, entry.source)) return Status::ok();
  set.tables.insert(std::lower_bound(set.tables.begin(), set.tables.end(), entry,
                                     [](const TableSetEntry& a, const TableSetEntry& b) { return a.source < b.source; }),
                    entry);
  return save_table_set(directory, set);
}

TableSetComparison compare_table_set(const TableSet& started, const Plan& now) {
  TableSetComparison out;
  std::set<QualifiedName> bound;
  for (const auto& job : now.tables) {
    bound.insert(job.source);
    if (const TableSetEntry* entry = find_entry(started, job.source)) {
      if (entry->target != job.target)
        out.script_changes.push_back(job.source.str() + " was migrated to " + entry->target.str() +
                                     ", the script now maps it to " + job.target.str());
      if (entry->column_rules) {
        const std::vector<std::string> rules = column_rules_of(now.rules, job.source);
        const auto gone = minus(*entry->column_rules, rules), added = minus(rules, *entry->column_rules);
        std::vector<std::string> parts;
        if (!gone.empty()) parts.push_back("no longer " + join(gone, ", "));
        if (!added.empty()) parts.push_back("now " + join(added, ", "));
        if (!parts.empty()) out.column_changes.push_back(job.source.str() + ": " + join(parts, "; "));
      }
    } else if (started.rules.takes(job.source)) {
      out.appeared.push_back(job.source);
    } else {
      out.script_changes.push_back(job.source.str() + " is not in the task's table set; the script now takes it");
    }
  }
  std::sort(out.column_changes.begin(), out.column_changes.end());
  for (const auto& entry : started.tables) {
    // A table that joined in the live link is the tailer's and replayer's (from the schema
    // history), whatever the source holds now: a later DROP may not be recorded yet.
    if (bound.count(entry.source) || entry.joined) continue;
    if (now.rules.takes(entry.source))
      out.missing.push_back(entry.source);
    else
      out.script_changes.push_back(entry.source.str() + " (to " + entry.target.str() +
                                   ") is in the task's table set; the script no longer takes it");
  }
  return out;
}

std::string table_set_refusal(const TableSetComparison& comparison, const std::string& directory,
                              const std::string& script) {
  std::string text;
  if (!comparison.missing.empty()) {
    std::vector<std::string> names;
    for (const auto& name : comparison.missing) names.push_back(name.str());
    text += directory + ": the task's table " + join(names, ", ") + (names.size() > 1 ? " are" : " is") +
            " no longer on the source (dropped or renamed since the task started): the task cannot go on with " +
            (names.size() > 1 ? "them" : "it") + " missing. Bring " + (names.size() > 1 ? "them" : "it") +
            " back, or start the task afresh with the tables the source has now: omsrun " + script + " --recopy";
  }
  if (!comparison.script_changes.empty()) {
    if (!text.empty()) text += "\n";
    text += directory + ": the script's MIGRATE patterns or MAPs give another table set than the task started with:\n  " +
            join(comparison.script_changes, "\n  ") +
            "\nRevert the script to go on with the task's set, or start the task afresh with the new set: omsrun " +
            script + " --recopy";
  }
  if (!comparison.column_changes.empty()) {
    if (!text.empty()) text += "\n";
    text += directory + ": the script's column rules (MAP COLUMN, COLUMNS EXCLUDE, CAST, FILTER) changed since the task "
            "started, and its target tables hold what the old rules made of the rows:\n  " +
            join(comparison.column_changes, "\n  ") +
            "\nRevert the script to go on, or start the task afresh with the new rules: omsrun " + script + " --recopy";
  }
  return text;
}

Plan restrict_to_table_set(const Plan& plan, const TableSet& set) {
  Plan out = plan;
  auto in_set = [&](const QualifiedName& source) {
    const TableSetEntry* entry = find_entry(set, source);
    return entry != nullptr && !entry->joined;
  };
  out.tables.erase(std::remove_if(out.tables.begin(), out.tables.end(),
                                  [&](const TableJob& job) { return !in_set(job.source); }),
                   out.tables.end());
  for (auto& request : out.verify_requests)
    request.tables.erase(std::remove_if(request.tables.begin(), request.tables.end(),
                                        [&](const QualifiedName& t) { return !in_set(t); }),
                         request.tables.end());
  return out;
}

}  // namespace omsql
