#pragma once
// Internal to dsl/: the checked form of a script (what compile_script produces and bind_script
// consumes). Patterns are validated, options applied; nothing here has looked at a catalog yet.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/compiler.hpp"
#include "dsl/diagnostic.hpp"
#include "src/model/column_types.hpp"
#include "src/model/migration_rules.hpp"
#include "src/model/plan.hpp"

namespace omsql::dsl {

// One dot-separated part of a name pattern. A bare part with '*' or '?' is a glob; a back-quoted
// part is always literal.
struct NamePart {
  std::string text;
  bool glob = false;
  bool matches(std::string_view name) const;
  // Appends what each wildcard matched, left to right; false when `name` does not match.
  bool capture(std::string_view name, std::vector<std::string>& captures) const;
  int wildcard_count() const;
  std::string str() const;  // as the user could write it: back-quoted when needed
  NamePattern pattern() const;  // as the model keeps it
};

struct TablePattern {
  NamePart schema, table;
  int offset = 0;
  bool literal() const { return !schema.glob && !table.glob; }
  bool matches(const QualifiedName& name) const { return schema.matches(name.schema) && table.matches(name.table); }
  std::string str() const { return schema.str() + "." + table.str(); }
  TableNamePattern pattern() const;
};

struct ColumnPattern {
  TablePattern table;
  NamePart column;
  int offset = 0;
  std::string str() const { return table.str() + "." + column.str(); }
};

struct MapRule {
  TablePattern from, to;
  int offset = 0;
  // The target of `source`, which `from` matches: each wildcard of `to` takes the text that the
  // wildcard at the same position in `from` matched.
  QualifiedName target_of(const QualifiedName& source) const;
};

struct MapColumnRule {
  ColumnPattern column;  // the column part is a literal name
  std::string to;
  int offset = 0;
};

struct FilterRule {
  TablePattern table;
  std::string condition;
  int offset = 0;
  std::vector<std::string> names;  // what the condition may read (dsl/filter_sql.hpp)
  // Why incremental replay cannot evaluate the condition on a row image, placed at the offending
  // part: an error when the script runs INCREMENTAL, kept for pre-flight (`--mode` may add it).
  std::optional<Diagnostic> replay_problem;
};

struct ExcludedColumn {
  std::string name;
  int offset = 0;
};

struct ColumnsExcludeRule {
  TablePattern table;
  std::vector<ExcludedColumn> columns;
  int offset = 0;
};

struct CastRule {
  ColumnPattern column;
  std::string from_type;  // normalized: lower case, single spaces ("tinyint(1)")
  std::string to_type;    // as written, upper-cased ("BOOLEAN")
  int offset = 0;
};

struct MigrateRules {
  int offset = 0;
  std::vector<TablePattern> include, exclude;
  std::vector<MapRule> maps;
  std::vector<MapColumnRule> map_columns;
  std::vector<FilterRule> filters;
  std::vector<ColumnsExcludeRule> column_excludes;
  std::vector<CastRule> casts;
};

struct VerifyRule {
  int offset = 0;
  std::vector<TablePattern> patterns;
  VerifyOptions options;
};

struct CompiledScript {
  // The text is owned here because `source` (and every offset) refers into it.
  CompiledScript(std::string text_in, std::string file_name) : text(std::move(text_in)), source(std::move(file_name), text) {}
  CompiledScript(const CompiledScript&) = delete;
  CompiledScript& operator=(const CompiledScript&) = delete;

  const std::string text;
  const SourceText source;
  Plan plan;  // unbound: no tables, no verify requests
  std::optional<MigrateRules> migrate;
  std::vector<VerifyRule> verifies;
};

// The error for a MAP whose target (`target`, as written or as bound) lies in system schema `schema`.
std::string system_target_message(const std::string& target, const std::string& schema);

struct ParsedScript;
// dsl/checker.cpp: judges every parsed statement into `script`; whole-script rules (missing SOURCE,
// ...) only when the parse had no errors, since a statement may simply have been lost.
void check_script(const ParsedScript& parsed, CompiledScript& script, const CompileSettings& settings,
                  std::vector<Diagnostic>& diagnostics);

// dsl/endpoint_check.cpp: the address (${NAME}, user@host:port), VERSION and PASSWORD of one SOURCE
// or TARGET into `endpoint`, reading its option file (PASSWORD FILE, or settings.defaults_extra_file
// when the statement has no PASSWORD clause). The dialect is already set. Diagnostics are appended.
void check_endpoint(const ast::EndpointStatement& statement, const SourceText& source, const CompileSettings& settings,
                    Endpoint& endpoint, std::vector<Diagnostic>& diagnostics);

// dsl/options.cpp: WITH (...) and VERIFY (...) option lists. Diagnostics are appended.
void apply_migrate_options(const std::vector<ast::OptionItem>& items, const SourceText& source, Options& options,
                           std::vector<Diagnostic>& diagnostics);
void apply_verify_options(const std::vector<ast::OptionItem>& items, const SourceText& source,
                          VerifyOptions& options, std::vector<Diagnostic>& diagnostics);
// DDL (...) of a MIGRATE into `policy`: each kind once, known kinds and actions, errors at the
// kind or action that is wrong.
void apply_ddl_policy(const ast::DdlClause& clause, const SourceText& source, DdlPolicy& policy,
                      std::vector<Diagnostic>& diagnostics);

// normalize_type, is_known_type and type_matches (CAST's column types) are the model's
// (src/model/column_types.hpp), so that bind_table matches a CAST as the binder does.

}  // namespace omsql::dsl
