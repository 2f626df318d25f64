#pragma once
// Deriving the child changes of FK actions (ON DELETE / ON UPDATE CASCADE and SET NULL) on the
// target, since the source's binlog does not carry them and replay writes with
// foreign_key_checks=0 (so the target performs none itself, and a REPLACE never cascades).
//
// A CascadeTrigger is a parent change that acted on the source: its referenced values before
// (and after, for an update) as SQL literals. run_cascade executes, in one caller-owned
// transaction, what InnoDB did for it, set by set instead of row by row:
//   for each FK with an action that references the parent:
//     - if FKs reference the child rows in turn, their referenced values are first kept in a
//       temporary table omsql_meta.omsql_cascade_<depth> (old and, for updates, new values),
//     - DELETE (ON DELETE CASCADE), UPDATE ... SET fk = new values (ON UPDATE CASCADE) or
//       SET fk = NULL (SET NULL) the child rows matching the parent's values,
//     - and the same one level down, matching the child rows through that temporary table.
// NULL never matches (the join and the equality are not NULL-safe, as InnoDB's match is not).
// Like InnoDB it stops at 15 levels; rows are deleted before going down, so self-references and
// cycles end when a level matches nothing; an update never cascades into a table an enclosing
// update of the same cascade changed (InnoDB refuses such a statement, so the source holds none).
// The values stay on the server: temporary tables keep the columns' types and collations exactly.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/apply/foreign_keys.hpp"
#include "src/engine/change_event.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::apply {

// InnoDB's limit on cascade depth (FK_MAX_CASCADE_DEL): a deeper cascade fails on the source.
inline constexpr int kMaxCascadeDepth = 15;

struct CascadeTrigger {
  uint32_t table = 0;                    // the parent's Plan::tables index
  bool is_delete = true;                 // else an update of referenced columns
  std::vector<std::string> old_values;   // SQL literal per source column of the parent ("" = not referenced)
  std::vector<std::string> new_values;   // updates: the after image, same layout
  std::vector<uint8_t> changed;          // updates: 1 where the referenced column's value changes
  std::vector<uint32_t> skip_tables;     // children whose copy already holds this change (keyless snapshots)
  std::string where;                     // "shop.orders at mariadb-bin.000003:1234", for messages
  uint32_t before_statement = 0;         // in a LaneProgram: runs before this statement
};

// The trigger for `change` of Plan table `table`, or nullopt when it changes no child row
// (FkGraph::triggers). `skip_tables` as in CascadeTrigger.
std::optional<CascadeTrigger> make_trigger(const Plan& plan, const FkGraph& graph, size_t table,
                                           const RowChange& change, std::vector<uint32_t> skip_tables);

// Where derived statements run: a target connection inside the caller's transaction, or a fake
// in unit tests.
class StatementRunner {
 public:
  virtual ~StatementRunner() = default;
  // Runs one statement and returns the rows it inserted, deleted or changed.
  virtual Result<uint64_t> run(const std::string& sql) = 0;
  // Runs one statement (or transaction control) whose row count nobody needs.
  virtual Status execute(const std::string& sql) { return run(sql).status(); }
};

class ConnectionRunner : public StatementRunner {
 public:
  explicit ConnectionRunner(Connection& connection) : connection_(connection) {}
  Result<uint64_t> run(const std::string& sql) override;
  Status execute(const std::string& sql) override { return connection_.execute(sql); }

 private:
  Connection& connection_;
};

struct CascadeOutcome {
  uint64_t rows = 0;                     // child rows deleted or changed
  std::vector<std::string> warnings;     // depth limit reached, cascades that could not go on
};

// Executes the derived changes of `trigger`. REQUIRES: an open transaction with
// foreign_key_checks=0 on `runner`'s session; the target holds the source's rows as of just
// before the trigger's change.
Status run_cascade(StatementRunner& runner, const Plan& plan, const FkGraph& graph, const CascadeTrigger& trigger,
                   CascadeOutcome* outcome);

// Statements in binlog order with the cascades between them (CascadeTrigger::before_statement).
struct LaneProgram {
  std::vector<std::string> statements;
  std::vector<CascadeTrigger> cascades;  // in order of before_statement
};

// Runs `program`: each cascade just before the statement it precedes, the rest after the last.
Status run_program(StatementRunner& runner, const Plan& plan, const FkGraph& graph, const LaneProgram& program,
                   CascadeOutcome* outcome);

}  // namespace omsql::apply
