#pragma once
// The sentences `omsrun status|pause|resume` print (pure: a TaskStatus in, text out; unit-tested
// to the character in tests/src/runner/status_text_test.cpp).
#include <string>
#include <vector>

#include "src/task/table_set.hpp"
#include "src/task/task_status.hpp"

namespace omsql::runner {

// A retry this recent counts as "retrying now": the backoff between attempts caps at 10 s.
constexpr double kRetryingWithinSeconds = 15.0;

// What the task waits for, one sentence each (empty: it waits for nothing): spool space, a server
// call retried within kRetryingWithinSeconds (a server down or refusing), a resume.
std::vector<std::string> waiting_for(const TaskStatus& status);

// One line per table of the copy: "shop.orders -> copy.orders  1200 of ~3000 rows (40.0%),
// 600 rows/s, copying" (rows/s over that table's own copy time in this run; the count includes the
// rows earlier runs copied, said after the rate: "(800 before the resume)").
std::vector<std::string> table_progress_lines(const std::vector<TableCopyStatus>& tables);

// What the live link changed in the task's table set (table-set.json), in binlog order, one line
// per table: "joined  shop.b (to copy.b) at POS: CREATE TABLE ..." for one a CREATE TABLE or RENAME
// brought in, "left    shop.a (to copy.a) at POS: dropped, its target table dropped with it" or
// "...: renamed to shop.c" for one a DROP or RENAME took away. The statement is cut to 80 bytes.
std::vector<std::string> table_set_lines(const TableSet& set);

// What `omsrun pause` / `resume` print once the task answered: `changed` false when it already
// was in that state.
std::string control_sentence(const std::string& command, bool changed, const std::string& task_dir);

}  // namespace omsql::runner
