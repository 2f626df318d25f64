#pragma once
// The DDL barrier once the user has said how to go on after the link stopped at that statement
// (issue 12 §5: `omsrun ddl skip|applied|retry`, src/task/ddl_resolution.hpp), and what the target
// must hold for a statement taken as applied by hand. Pure decisions over the plan, the schema
// history and what the target's catalog says: the replayer and `omsrun ddl applied` only read the
// target and carry out the answer (docs/operations.md "Stopped at a DDL").
#include <optional>
#include <string>
#include <vector>

#include "src/apply/ddl_barrier.hpp"
#include "src/task/ddl_resolution.hpp"

namespace omsql {
class Connection;
}

namespace omsql::apply {

// The step replay takes for `ddl`: the barrier's own (the script's DDL policy included,
// DdlBarrier::step) unless `resolution` is the user's word about this very statement (same
// position, same text; a word about another statement is not used):
//   skip     kApply without target statements: only the checkpoint moves past it. An ALTER's table
//            is rebound to the job of the definition capture recorded after it (the rows after it
//            are laid out by that); one that changes the columns replay writes stops again (the
//            rows after it would not fit the target), as the policy's IGNORE does. A DROP TABLE's
//            tables leave the task; their target tables stay.
//   applied  kApply without target statements and `expect` = target_expectations: the replayer
//            checks that the target holds them before the checkpoint moves (a stop if not). An
//            ALTER's table is rebound to the whole new job. A statement whose outcome omsql cannot
//            tell stops again, saying so.
//   retry    DdlBarrier::replicated_step, without the policy: its target statements run again (an
//            ALTER is settled against the target as always); one the link cannot apply stops again.
// `plan` is the barrier's plan (the jobs valid at the replay position).
DdlStep decided_step(const DdlBarrier& barrier, const Plan& plan, const DdlStatement& ddl, const ReplayGroup& group,
                     const SchemaHistory* history, const std::optional<DdlResolution>& resolution);

// What the target must hold once `ddl` is applied: an ALTER's (CREATE/DROP INDEX's) table as the
// plan's rules make the definition capture recorded after it, a dropped table gone, a truncated
// one empty. InvalidArgument saying why omsql cannot tell (a statement the link does not
// replicate, no definition recorded after it).
Result<std::vector<TargetExpectation>> target_expectations(const DdlBarrier& barrier, const Plan& plan,
                                                           const DdlStatement& ddl, const SchemaHistory* history);

// A target table as its catalog reads it now.
struct TargetTableState {
  std::optional<TableDef> definition;  // nullopt: there is no such table
  bool has_rows = false;               // read for TargetExpectation::What::kEmpty only
};
// nullopt when `state` meets `expectation`; else what differs (names the table, and the first
// difference of a definition).
std::optional<std::string> unmet_expectation(const TargetExpectation& expectation, const TargetTableState& state,
                                             const Plan& plan);

// Reads each expectation's target table through `target` and says the first one unmet (nullopt:
// all are met). For the replayer at the barrier and `omsrun ddl applied` before it writes anything.
Result<std::optional<std::string>> check_target_expectations(Connection& target,
                                                             const std::vector<TargetExpectation>& expectations,
                                                             const Plan& plan);

}  // namespace omsql::apply
