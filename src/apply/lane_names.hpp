#pragma once
// The names of a live task's apply lanes, as their checkpoint rows carry them on the target
// ("<task_id>#<lane>"): the replayer names its lanes so, a lane transaction writes its own row and an
// ordered group's other lanes' rows, and an engine's checkpoint store reads a task's lanes back by
// them (MySQL: src/engine/mysql/checkpoint.hpp).
#include <cstddef>
#include <optional>
#include <string>

namespace omsql::apply {

// The checkpoint row name of one apply lane of a task: "<task_id>#<lane>".
std::string lane_task_id(const std::string& task_id, size_t lane);

// The lane number of checkpoint row `row` when it is a lane row of `task_id` ("<task_id>#<n>",
// n of 1 to 6 digits); nullopt for anything else (the task's own row, another task's rows).
std::optional<size_t> lane_of_row(const std::string& row, const std::string& task_id);

}  // namespace omsql::apply
