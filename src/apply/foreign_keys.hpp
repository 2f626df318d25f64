#pragma once
// The foreign-key graph that replay honours. MariaDB does not binlog the rows that an FK action
// changes (ON DELETE / ON UPDATE CASCADE or SET NULL), and replay writes with foreign_key_checks=0,
// so the target never performs those actions either: replay derives the child changes itself
// (src/apply/cascade.hpp) from this graph. An edge is an FK whose child and parent tables are both
// in the task, in target names; FKs that reach outside the task, or whose columns are not copied,
// become notes for `omsrun check` saying what can diverge.
#include <cstddef>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/engine/change_event.hpp"

namespace omsql::apply {

// What an FK does to the child rows of a changed parent row. RESTRICT and NO ACTION change no
// rows (InnoDB refuses the parent change while children match), nor does SET DEFAULT, which InnoDB
// does not implement.
enum class FkAction { kNone, kCascade, kSetNull };

FkAction fk_action(const std::string& rule);  // "CASCADE", "SET NULL", anything else

struct FkEdge {
  std::string name;                         // constraint name
  size_t child = 0;                         // Plan::tables index
  size_t parent = 0;
  std::vector<std::string> child_columns;   // target names, in FK order
  std::vector<std::string> parent_columns;  // target names ("" for a column the parent's copy excludes)
  std::vector<size_t> parent_ordinals;      // source ordinal index of each referenced column (row images)
  FkAction on_delete = FkAction::kNone;
  FkAction on_update = FkAction::kNone;
  std::string on_delete_rule, on_update_rule;  // as the catalog prints them
  // Every referenced column is copied, so the cascade can go on from rows of this parent that a
  // cascade changed (which replay only knows on the target).
  bool parent_columns_on_target = true;

  FkAction action(bool is_delete) const { return is_delete ? on_delete : on_update; }
};

// One line for `omsrun check`: an FK replay honours, or one it cannot and what may diverge.
struct FkNote {
  bool warning = false;
  std::string message;
};

class FkGraph {
 public:
  FkGraph() = default;
  static FkGraph build(const Plan& plan);

  const std::vector<FkEdge>& edges() const { return edges_; }
  // Indexes into edges() of the FKs that reference table `parent` (a Plan::tables index).
  const std::vector<size_t>& referencing(size_t parent) const;
  // True when some edge has an action: without one, no change ever cascades.
  bool has_actions() const { return has_actions_; }
  // Every FK of a task table, honoured or not, for `omsrun check`.
  const std::vector<FkNote>& notes() const { return notes_; }

  // The tables that FKs with an action connect, as groups (connected components, Plan::tables
  // indexes in order; a self-referencing table alone is a group). The copy reads each group in one
  // consistent snapshot: derived changes match child rows through the target's rows of the tables
  // above them, which must then show the source at one moment, not at the moments their chunks
  // were read (docs/architecture.md, "FK actions").
  std::vector<std::vector<size_t>> snapshot_groups() const;

  // Whether the source's InnoDB changed child rows for `change` of table `table`: a delete, or an
  // update of referenced columns, of a row referenced by an FK with an action for it, with
  // non-NULL referenced values (NULL matches no child). A change made with foreign_key_checks=0
  // on the source cascades nothing.
  bool triggers(size_t table, const RowChange& change) const;
  // Whether `edge` acts on `change` of its parent table (the test of triggers(), per edge).
  static bool edge_triggers(const FkEdge& edge, const RowChange& change);

 private:
  std::vector<FkEdge> edges_;
  std::vector<std::vector<size_t>> referencing_;
  std::vector<FkNote> notes_;
  bool has_actions_ = false;
};

}  // namespace omsql::apply
