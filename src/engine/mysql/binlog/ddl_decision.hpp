#pragma once
// What the live link does with a statement from the binlog (a QUERY event other than
// BEGIN/COMMIT): ignore it, or stop, naming the statement kind and the migrated table. Pure, on
// top of the classifier (ddl_parse.hpp); the table in docs/binlog.md ("DDL in the live link") is
// this function's contract. It only ever stops for a statement that creates, changes, drops or
// renames a migrated table (or the database holding one); everything it cannot classify, and
// statement-logged DML, is decided by the old name scan (ddl_touches_table), never ignored blindly.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "src/engine/mysql/binlog/ddl_parse.hpp"
#include "src/catalog/table_def.hpp"

namespace omsql {

// The tables the task migrates, as the decision asks about them. Names compare ASCII
// case-insensitively (same_name): a false "same" stops the link, a false "different" would let
// the target drift silently.
class MigratedTables {
 public:
  // `pattern`, when set, says whether the task's MIGRATE rules take a table that is not one of
  // `tables` (a new one: CREATE TABLE, RENAME ... TO); without it, new tables are never the task's.
  explicit MigratedTables(std::vector<QualifiedName> tables,
                          std::function<bool(const QualifiedName&)> pattern = {});

  // The task's own spelling of `table`, or nullptr when it is not migrated.
  const QualifiedName* find(const QualifiedName& table) const;
  bool is_migrated(const QualifiedName& table) const { return find(table) != nullptr; }
  // The first migrated table of `database`, or nullptr.
  const QualifiedName* first_in(std::string_view database) const;
  bool matches_pattern(const QualifiedName& table) const { return pattern_ && pattern_(table); }
  const std::vector<QualifiedName>& tables() const { return tables_; }

 private:
  std::vector<QualifiedName> tables_;
  std::function<bool(const QualifiedName&)> pattern_;
};

enum class DdlAction { kIgnore, kStop };

struct DdlDecision {
  DdlAction action = DdlAction::kIgnore;
  QualifiedName table;   // kStop: the migrated table the statement touches
  std::string reason;    // kStop: "ALTER TABLE changes it: ADD COLUMN note"; kIgnore: why it is harmless
  bool scanned = false;  // decided by the name scan (statement not understood, or statement DML)
  // kStop: `table` is not (yet) the task's, but the MIGRATE rules take it: the statement creates
  // it or renames another table to it, so its rows would be missing on the target.
  bool new_table = false;
};

// Decides for `classified` = classify_statement(statement, default_database).
DdlDecision decide_ddl(const ClassifiedStatement& classified, std::string_view statement,
                       std::string_view default_database, const MigratedTables& migrated);
// Classifies, then decides.
DdlDecision decide_ddl(std::string_view statement, std::string_view default_database, const MigratedTables& migrated);

}  // namespace omsql
