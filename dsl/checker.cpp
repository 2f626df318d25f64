// The checker: the parse tree judged without a server. Endpoints, dialects, ${NAME}, options, pattern
// shapes, phases, CAST types and rules that contradict each other are all decided here; what is left
// (which tables exist, which columns they have) is the binder's job.
#include <algorithm>
#include <cstdlib>
#include <map>

#include "dsl/filter_sql.hpp"
#include "dsl/grammar.hpp"
#include "src/model/options.hpp"
#include "dsl/rules.hpp"
#include "src/common/strings.hpp"

namespace omsql::dsl {
namespace {

std::string render(const ast::Pattern& pattern) {
  std::vector<std::string> parts;
  for (const auto& part : pattern.parts) parts.push_back(NamePart{part.text, false}.str());
  for (size_t i = 0; i < parts.size(); ++i)
    if (!pattern.parts[i].quoted) parts[i] = pattern.parts[i].text;
  return join(parts, ".");
}

NamePart name_part(const ast::Word& word) {
  bool glob = !word.quoted && word.text.find_first_of("*?") != std::string::npos;
  return NamePart{word.text, glob};
}

class Checker {
 public:
  Checker(CompiledScript& script, const CompileSettings& settings, std::vector<Diagnostic>& diagnostics)
      : script_(script), source_(script.source), settings_(settings), diagnostics_(diagnostics) {}

  void statement(const ast::Statement& statement) {
    boost::apply_visitor([&](const auto& s) { check(s); }, statement.get());
  }

  // Whole-script rules; skipped after syntax errors, when a statement may simply have been lost.
  void finish(bool had_syntax_errors) {
    if (had_syntax_errors) return;
    int place = first_statement_ < 0 ? 0 : first_statement_;
    if (!source_seen_)
      error(place, "missing SOURCE statement: add SOURCE <mysql|mariadb|oceanbase> 'user@host:port';");
    if (!target_seen_)
      error(place, "missing TARGET statement: add TARGET <mysql|mariadb|oceanbase> 'user@host:port';");
    if (!script_.migrate && script_.verifies.empty())
      error(place, "nothing to do: the script has no MIGRATE or VERIFY statement");
  }

 private:
  void error(int offset, std::string message) { diagnostics_.push_back(source_.at(offset, std::move(message))); }
  int line_of(int offset) const { return source_.at(offset, "").line; }
  std::string at_line(int offset) const { return "line " + std::to_string(line_of(offset)); }

  void check(const ast::EndpointStatement& statement) {
    note_statement(statement.offset);
    const char* keyword = statement.is_target ? "TARGET" : "SOURCE";
    std::optional<int>& seen = statement.is_target ? target_offset_ : source_offset_;
    (statement.is_target ? target_seen_ : source_seen_) = true;
    if (seen) {
      error(statement.offset, std::string("duplicate ") + keyword + " statement (the first is at " +
                                  at_line(*seen) + ")");
      return;
    }
    seen = statement.offset;
    Endpoint& endpoint = statement.is_target ? script_.plan.target : script_.plan.source;

    std::string dialect = to_lower(statement.dialect.text);
    if (dialect == "mysql" || dialect == "mariadb") {
      endpoint.dialect = Dialect::kMysql;
    } else if (dialect == "oceanbase") {
      endpoint.dialect = Dialect::kOceanBase;
    } else {
      error(statement.dialect.offset,
            "unknown dialect '" + statement.dialect.text + "'; expected one of: mysql, mariadb, oceanbase");
    }
    check_endpoint(statement, source_, settings_, endpoint, diagnostics_);
  }

  std::optional<TablePattern> table_pattern(const ast::Pattern& pattern) {
    if (pattern.parts.size() != 2) {
      error(pattern.offset, "bad table pattern '" + render(pattern) +
                                "': expected database.table, such as shop.orders or shop.*");
      return std::nullopt;
    }
    if (!valid_parts(pattern)) return std::nullopt;
    return TablePattern{name_part(pattern.parts[0]), name_part(pattern.parts[1]), pattern.offset};
  }

  std::optional<ColumnPattern> column_pattern(const ast::Pattern& pattern) {
    if (pattern.parts.size() != 3) {
      error(pattern.offset, "bad column pattern '" + render(pattern) +
                                "': expected database.table.column, such as shop.orders.amount");
      return std::nullopt;
    }
    if (!valid_parts(pattern)) return std::nullopt;
    TablePattern table{name_part(pattern.parts[0]), name_part(pattern.parts[1]), pattern.offset};
    return ColumnPattern{table, name_part(pattern.parts[2]), pattern.offset};
  }

  bool valid_parts(const ast::Pattern& pattern) {
    for (const auto& part : pattern.parts) {
      if (part.text.empty()) {
        error(part.offset, "empty name in pattern '" + render(pattern) + "'");
        return false;
      }
    }
    return true;
  }

  void check(const ast::MigrateStatement& statement) {
    note_statement(statement.offset);
    if (script_.migrate) {
      error(statement.offset, "only one MIGRATE statement is allowed (the first is at " +
                                  at_line(script_.migrate->offset) + ")");
      return;
    }
    script_.plan.has_migrate = true;
    MigrateRules& rules = script_.migrate.emplace();
    rules.offset = statement.offset;
    for (const auto& p : statement.patterns)
      if (auto t = table_pattern(p); t && !names_system_schema(*t)) rules.include.push_back(*t);
    for (const auto& clause : statement.clauses)
      boost::apply_visitor([&](const auto& c) { check_clause(c, rules); }, clause.get());
    check_conflicts(rules);
    // After every clause: MODE may come after the FILTER.
    if (script_.plan.phases.incremental)
      for (const auto& filter : rules.filters)
        if (filter.replay_problem) diagnostics_.push_back(*filter.replay_problem);
  }

  // A pattern whose database is literally a system schema selects nothing the catalog lists: say
  // why instead of "matches no table".
  bool names_system_schema(const TablePattern& pattern) {
    if (pattern.schema.glob || !is_system_schema(pattern.schema.text)) return false;
    error(pattern.offset, "'" + pattern.str() + "': " + pattern.schema.text + " is a system schema, not migrated");
    return true;
  }

  void check_clause(const ast::ExcludeClause& clause, MigrateRules& rules) {
    for (const auto& p : clause.patterns)
      if (auto t = table_pattern(p)) rules.exclude.push_back(*t);
  }

  void check_clause(const ast::MapClause& clause, MigrateRules& rules) {
    auto from = table_pattern(clause.from);
    auto to = table_pattern(clause.to);
    if (!from || !to) return;
    int from_wildcards = from->schema.wildcard_count() + from->table.wildcard_count();
    int to_wildcards = to->schema.wildcard_count() + to->table.wildcard_count();
    if (from_wildcards != to_wildcards) {
      error(clause.to.offset, "MAP target '" + to->str() + "' has " + std::to_string(to_wildcards) +
                                  " wildcard(s) but its source '" + from->str() + "' has " +
                                  std::to_string(from_wildcards) +
                                  ": each '*' or '?' of the target takes what the same wildcard of the source "
                                  "matched");
      return;
    }
    if (!to->schema.glob && is_system_schema(to->schema.text)) {
      error(clause.to.offset, system_target_message(to->str(), to->schema.text));
      return;
    }
    rules.maps.push_back(MapRule{*from, *to, clause.offset});
  }

  void check_clause(const ast::MapColumnClause& clause, MigrateRules& rules) {
    auto column = column_pattern(clause.column);
    if (!column) return;
    if (column->column.glob) {
      error(clause.column.parts[2].offset, "MAP COLUMN needs a column name, not a pattern: '" +
                                               column->column.text + "'");
      return;
    }
    if (clause.to.text.empty()) {
      error(clause.to.offset, "empty column name after TO");
      return;
    }
    rules.map_columns.push_back(MapColumnRule{*column, clause.to.text, clause.offset});
  }

  void check_clause(const ast::FilterClause& clause, MigrateRules& rules) {
    auto table = table_pattern(clause.table);
    if (!table) return;
    FilterRule rule{*table, clause.condition.text, clause.offset, {}, std::nullopt};
    FilterAnalysis analysis = analyze_filter(rule.condition);
    rule.names = std::move(analysis.names);
    if (analysis.not_a_condition) {
      error(offset_in_condition(clause.condition, analysis.not_a_condition->index),
            "FILTER on " + table->str() + ": " + analysis.not_a_condition->what +
                " is not part of a condition: the condition becomes the WHERE of the copy's SELECT and of replay's "
                "statements, so it must be one expression over the row (UNION, ORDER BY, LIMIT, INTO ... belong to "
                "a query; inside parentheses, as a subquery, they are fine)");
      return;
    }
    if (analysis.problem) {
      const FilterProblem& p = *analysis.problem;
      rule.replay_problem = source_.at(
          offset_in_condition(clause.condition, p.index),
          "FILTER on " + table->str() + ": " + p.what + " cannot be evaluated when changes are replayed: " + p.why +
              ". Write the condition over the row's own columns and constants (a fixed list is fine: id IN (1, 2, 3)), "
              "or copy the table without the INCREMENTAL phase (MODE SCHEMA, FULL; in a script of its own if other "
              "tables need the live link)");
    }
    rules.filters.push_back(std::move(rule));
  }

  // The script offset of byte `index` of a FILTER condition: the condition text is the script's
  // text from the Word's offset with each comment replaced by one space (dsl/grammar.cpp WhereText).
  int offset_in_condition(const ast::Word& word, size_t index) const {
    std::string_view text = source_.text();
    size_t at = static_cast<size_t>(std::max(word.offset, 0));
    for (size_t k = 0; at < text.size() && k < index;) {
      char c = text[at];
      if (c == '\'' || c == '"' || c == '`') {
        size_t close = at + 1;
        while (close < text.size()) {
          if (text[close] == '\\' && c != '`' && close + 1 < text.size()) {
            close += 2;
            continue;
          }
          if (text[close++] == c) {
            if (close < text.size() && text[close] == c) {
              ++close;
              continue;
            }
            break;
          }
        }
        if (k + (close - at) > index) return static_cast<int>(at + (index - k));
        k += close - at;
        at = close;
        continue;
      }
      if ((c == '-' && at + 1 < text.size() && text[at + 1] == '-') || (c == '/' && at + 1 < text.size() && text[at + 1] == '*')) {
        if (c == '-') {
          at = std::min(text.find('\n', at), text.size());
        } else {
          size_t close = text.find("*/", at + 2);
          at = close == std::string_view::npos ? text.size() : close + 2;
        }
        ++k;
        continue;
      }
      ++at;
      ++k;
    }
    return static_cast<int>(at);
  }

  void check_clause(const ast::ColumnsClause& clause, MigrateRules& rules) {
    auto table = table_pattern(clause.table);
    if (!table) return;
    ColumnsExcludeRule rule{*table, {}, clause.offset};
    for (const auto& column : clause.excluded) {
      bool repeated = std::any_of(rule.columns.begin(), rule.columns.end(),
                                  [&](const ExcludedColumn& c) { return c.name == column.text; });
      if (repeated)
        error(column.offset, "column '" + column.text + "' is listed twice");
      else
        rule.columns.push_back({column.text, column.offset});
    }
    rules.column_excludes.push_back(std::move(rule));
  }

  void check_clause(const ast::CastClause& clause, MigrateRules& rules) {
    auto column = column_pattern(clause.column);
    std::string from = normalize_type(clause.from_type.text);
    std::string to = normalize_type(clause.to_type.text);
    bool types_ok = true;
    for (const auto* type : {&clause.from_type, &clause.to_type}) {
      if (!is_known_type(normalize_type(type->text))) {
        error(type->offset, "unknown column type '" + type->text +
                                "' in CAST; expected a type such as BOOLEAN, INT, BIGINT, DECIMAL(10,2), "
                                "VARCHAR(255), TEXT, DATETIME");
        types_ok = false;
      }
    }
    if (!column || !types_ok) return;
    std::string to_upper;
    for (char c : to) to_upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    rules.casts.push_back(CastRule{*column, from, to_upper, clause.offset});
  }

  void check_clause(const ast::ModeClause& clause, MigrateRules&) {
    if (mode_offset_) {
      error(clause.offset, "MODE is given twice (first at " + at_line(*mode_offset_) + ")");
      return;
    }
    mode_offset_ = clause.offset;
    Phases phases{false, false, false};
    for (const auto& word : clause.phases)
      if (auto message = add_phase(phases, word.text)) error(word.offset, *message);
    script_.plan.phases = phases;
  }

  void check_clause(const ast::WithClause& clause, MigrateRules&) {
    if (with_offset_) {
      error(clause.offset, "WITH is given twice (first at " + at_line(*with_offset_) + ")");
      return;
    }
    with_offset_ = clause.offset;
    apply_migrate_options(clause.options, source_, script_.plan.options, diagnostics_);
  }

  void check_clause(const ast::VerifyClause& clause, MigrateRules&) {
    if (verify_offset_) {
      error(clause.offset, "VERIFY is given twice (first at " + at_line(*verify_offset_) + ")");
      return;
    }
    verify_offset_ = clause.offset;
    script_.plan.verify.enabled = true;
    apply_verify_options(clause.options, source_, script_.plan.verify, diagnostics_);
  }

  void check_clause(const ast::DdlClause& clause, MigrateRules&) {
    if (ddl_offset_) {
      error(clause.offset, "DDL is given twice (first at " + at_line(*ddl_offset_) + ")");
      return;
    }
    ddl_offset_ = clause.offset;
    apply_ddl_policy(clause, source_, script_.plan.ddl_policy, diagnostics_);
  }

  // Rules that contradict each other whatever the catalog holds.
  void check_conflicts(const MigrateRules& rules) {
    std::map<std::string, const MapRule*> by_source, by_target;
    for (const auto& map : rules.maps) {
      auto [source_it, new_source] = by_source.emplace(map.from.str(), &map);
      if (!new_source) {
        error(map.offset, "'" + map.from.str() + "' is already mapped at " + at_line(source_it->second->offset));
        continue;
      }
      auto [target_it, new_target] = by_target.emplace(map.to.str(), &map);
      if (!new_target)
        error(map.to.offset, "MAP of '" + map.from.str() + "' to '" + map.to.str() + "' conflicts with the MAP of '" +
                                 target_it->second->from.str() + "' at " + at_line(target_it->second->offset) +
                                 ": two sources cannot have the same target");
      for (const auto& excluded : rules.exclude) {
        bool covered = excluded.str() == map.from.str() || (map.from.literal() && excluded.matches(
                                                                QualifiedName{map.from.schema.text, map.from.table.text}));
        if (covered) {
          error(map.from.offset, "MAP of '" + map.from.str() + "', which the EXCLUDE pattern '" + excluded.str() +
                                     "' at " + at_line(excluded.offset) + " removes");
          break;
        }
      }
    }
    std::multimap<std::string, const ColumnsExcludeRule*> excludes_by_table;
    for (const auto& excludes : rules.column_excludes) excludes_by_table.emplace(excludes.table.str(), &excludes);
    std::map<std::string, const MapColumnRule*> columns;
    for (const auto& rule : rules.map_columns) {
      auto [it, inserted] = columns.emplace(rule.column.str(), &rule);
      if (!inserted) {
        error(rule.offset, "column '" + rule.column.str() + "' is already mapped at " + at_line(it->second->offset));
        continue;
      }
      auto [first, last] = excludes_by_table.equal_range(rule.column.table.str());
      for (auto e = first; e != last; ++e) {
        const ColumnsExcludeRule& excludes = *e->second;
        for (const auto& c : excludes.columns)
          if (c.name == rule.column.column.text)
            error(rule.column.offset, "MAP COLUMN of '" + rule.column.str() + "', which the COLUMNS ... EXCLUDE at " +
                                          at_line(excludes.offset) + " removes");
      }
    }
    std::map<std::string, const FilterRule*> filters;
    for (const auto& rule : rules.filters) {
      auto [it, inserted] = filters.emplace(rule.table.str(), &rule);
      if (!inserted)
        error(rule.offset, "'" + rule.table.str() + "' already has a FILTER at " + at_line(it->second->offset));
    }
  }

  void check(const ast::VerifyStatement& statement) {
    note_statement(statement.offset);
    VerifyRule rule;
    rule.offset = statement.offset;
    rule.options = script_.plan.verify;
    rule.options.enabled = true;
    for (const auto& p : statement.patterns)
      if (auto t = table_pattern(p); t && !names_system_schema(*t)) rule.patterns.push_back(*t);
    apply_verify_options(statement.options, source_, rule.options, diagnostics_);
    script_.verifies.push_back(std::move(rule));
  }

  void note_statement(int offset) {
    if (first_statement_ < 0) first_statement_ = offset;
  }

  CompiledScript& script_;
  const SourceText& source_;
  const CompileSettings& settings_;
  std::vector<Diagnostic>& diagnostics_;
  int first_statement_ = -1;
  bool source_seen_ = false, target_seen_ = false;
  std::optional<int> source_offset_, target_offset_, mode_offset_, with_offset_, verify_offset_,
      ddl_offset_;
};

}  // namespace

void check_script(const ParsedScript& parsed, CompiledScript& script, const CompileSettings& settings,
                  std::vector<Diagnostic>& diagnostics) {
  Checker checker(script, settings, diagnostics);
  for (const auto& statement : parsed.statements) checker.statement(statement);
  checker.finish(!parsed.errors.empty());
}

}  // namespace omsql::dsl
