#include "src/apply/ddl_barrier.hpp"

#include <utility>

#include "src/engine/mysql/checkpoint.hpp"
#include "src/sql/quote.hpp"

namespace omsql::apply {

DdlBarrier::DdlBarrier(const Plan& plan) : plan_(plan), rules_(plan) {}

DdlStep DdlBarrier::step(const DdlStatement& ddl, const ReplayGroup& group) const {
  DdlStep step;
  // What the tailer would have stopped for (a spool written before the rule changed, or a
  // statement it spooled for the replayer to stop at): stop here, after everything before it.
  if (auto stop = rules_.on_statement(ddl)) {
    step.action = DdlStep::Action::kStop;
    step.message = stop->message;
    return step;
  }
  const DdlReplication replication = rules_.replication_of(ddl);
  if (replication.kind == ReplicatedDdl::kNone) return step;
  size_t table = plan_.tables.size();
  for (size_t i = 0; i < plan_.tables.size(); ++i)
    if (plan_.tables[i].source == replication.table) table = i;
  if (table == plan_.tables.size()) return step;  // not reached: the rules name only plan tables
  // The table's copy was read in one snapshot taken at or after the DDL: it holds its effect, and
  // the changes up to the snapshot are skipped, so running it would remove rows they made.
  if (group.in_snapshot(table, ddl.position)) return step;
  const TableJob& job = plan_.tables[table];
  step.kind = replication.kind;
  step.table = table;
  switch (replication.kind) {
    case ReplicatedDdl::kTruncateTable:
      step.action = DdlStep::Action::kApply;
      step.statements.push_back("TRUNCATE TABLE " + sql::quote_name(job.target));
      step.message = "TRUNCATE TABLE " + job.source.str() + " at " + ddl.position.str() + ": emptying " +
                     job.target.str() + " on the target";
      break;
    case ReplicatedDdl::kNone:
      break;
  }
  return step;
}

LaneWork ddl_work(std::vector<std::string> statements, const BinlogPosition& at, const std::string& task_id,
                  size_t lanes) {
  LaneWork work;
  work.lane = 0;
  work.ddl = true;
  work.end = at;
  work.statements = std::move(statements);
  for (size_t lane = 1; lane < lanes; ++lane) work.also_checkpoint.push_back(checkpoint::lane_task_id(task_id, lane));
  return work;
}

}  // namespace omsql::apply
