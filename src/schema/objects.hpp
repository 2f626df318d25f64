#pragma once
// Schema objects other than base tables: views, functions, procedures, triggers, events, sequences,
// system-versioned tables, users. Every one in the databases of the plan's tables gets a fate —
// exact, changed (how) or not migrated (why) — which `omsrun check` prints and the run follows.
//
//   read_source_objects   the source's objects (SHOW CREATE text, sql_mode, trigger table);
//   plan_objects          pure: each object's fate and the statement that creates it on the target,
//                         with MAP applied to the names its text references (rewrite_references);
//   create_objects        runs the plan on the target after the copy, in dependency order.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::schema {

enum class ObjectKind { kTable, kVersionedTable, kSequence, kFunction, kProcedure, kView, kTrigger, kEvent, kUsers };
const char* object_kind_name(ObjectKind kind);  // "view", "system-versioned table", ...

struct SourceObject {
  ObjectKind kind = ObjectKind::kView;
  QualifiedName name;          // schema and object name (users: {"", "N account(s)"})
  std::string create_sql;      // SHOW CREATE ... text
  std::string sql_mode;        // the object's sql_mode (routines, triggers, events)
  std::string time_zone;       // events
  std::string trigger_table;   // triggers: the table it is on
};

enum class Fate { kExact, kChanged, kNotMigrated };
const char* fate_name(Fate fate);  // "exact", "changed", "not migrated"

struct ObjectPlan {
  SourceObject object;
  Fate fate = Fate::kExact;
  std::vector<std::string> notes;  // how it changed, or why it is not migrated
  QualifiedName target;
  std::string sql;                 // the CREATE statement for the target (empty when not migrated)
  // Triggers of a task with INCREMENTAL: created by `omsrun finish` at cut-over, not after the copy.
  bool at_cut_over = false;
  std::string line() const;        // "view a.v -> b.v: changed (references a -> b)"
};

// The objects of the source databases holding the plan's tables, plus one line for users.
Result<std::vector<SourceObject>> read_source_objects(Connection& source, const Plan& plan);

// Every table job (exact, or changed by its column rules) and every object, in creation order:
// sequences, routines, views (a view after the views it selects from), triggers, events.
// `source_tables` are all base tables of the source (a reference to one outside the plan is reported).
std::vector<ObjectPlan> plan_objects(const std::vector<SourceObject>& objects, const Plan& plan,
                                     const std::set<QualifiedName>& source_tables);

// The result of rewriting one object's text for the target.
struct Rewrite {
  std::string text;
  std::vector<std::string> problems;           // references that cannot be rewritten safely
  std::set<QualifiedName> references;          // qualified source names referenced
  bool changed = false;
};
// Replaces the qualified references `s`.`n` (quoted or bare, outside strings and comments) of
// `text`: a plan table by its target name, another object of a mapped database by the target
// database. An unqualified identifier that names a plan table of `own_schema` whose name or
// columns the MAP changes is a problem (the text cannot be rewritten by name alone).
Rewrite rewrite_references(const std::string& text, const std::string& own_schema, const Plan& plan,
                           const std::map<std::string, std::string>& database_map);

// The statement with its DEFINER=... clause replaced by DEFINER=CURRENT_USER (when present).
std::string definer_to_current_user(const std::string& create_sql, bool* changed);
// An event's CREATE with ENABLE / DISABLE ON SLAVE turned into DISABLE.
std::string event_disabled(const std::string& create_sql, bool* changed);

// What became of one object on the target: its fate, or why creating it failed (`failed`).
struct ObjectResult {
  std::string line;
  bool failed = false;
  std::string text() const { return failed ? "error: " + line : line; }  // as printed after "objects: "
};

// Creates the planned objects on the target: those not `at_cut_over` when `cut_over` is false,
// all (and sequences set again to the source's next value) when true. An object that already exists
// on the target is kept. Returns one result per object.
Result<std::vector<ObjectResult>> create_objects(Connection& source, Connection& target, const Plan& plan,
                                                 bool cut_over);

}  // namespace omsql::schema
