#pragma once
// Inside evolve_target (src/schema/evolution.hpp): the statements for a table that exists before
// and after the source statement (ALTER TABLE, CREATE/DROP INDEX, RENAME TABLE within the task).
#include <vector>

#include "src/schema/evolution.hpp"

namespace omsql::evolution_detail {

Result<TargetEvolution> evolve_table(const TableJob& before, const TableJob& after, const ClassifiedStatement& source,
                                     const DialectTarget& dialect, const std::vector<TableJob>* task_tables);

}  // namespace omsql::evolution_detail
