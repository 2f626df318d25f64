#pragma once
// `omsrun check`: everything that can be learnt about a migration before it starts, from both
// servers, without writing anything. Each finding is one line a user can act on, naming the
// server, table or column it is about; errors are what would make the task fail.
#include <optional>
#include <string>
#include <vector>

#include "dsl/plan.hpp"
#include "src/catalog/table_def.hpp"
#include "src/mysql/connection.hpp"

namespace omsql::check {

struct Finding {
  enum Severity { kError, kWarning, kInfo };
  Severity severity = kInfo;
  std::string message;
};

// "error", "warning", "info".
const char* severity_name(Finding::Severity severity);

// Source: version; log_bin, binlog_format=ROW, binlog_row_image=FULL and server_id (errors when
// the plan has the INCREMENTAL phase, notes otherwise); SELECT, REPLICATION SLAVE and REPLICATION
// CLIENT / BINLOG MONITOR grants; tables with no usable key; lossy CASTs.
// Target: version and dialect; local_infile (the copy uses LOAD DATA LOCAL INFILE); CREATE,
// ALTER, INDEX, INSERT, DELETE (and DROP for on_exists='truncate') grants; existing target tables
// against on_exists; every DDL translation warning or error for the target dialect.
// Queries that fail become findings too: nothing is thrown and nothing is written.
std::vector<Finding> run_preflight(Connection& source, Connection& target, const Plan& plan);

// Why CASTing `from` to the type text `to` may change or reject values ("narrows BIGINT to INT"),
// or nullopt when every value of `from` fits `to` unchanged (e.g. TINYINT(1) to BOOLEAN).
std::optional<std::string> lossy_cast_reason(const ColumnDef& from, const std::string& to);

// Whether SHOW GRANTS lines give `privilege` on every table of `schema` (globally or on the
// database, whose name in a grant is a LIKE pattern). ALL PRIVILEGES counts as every privilege.
bool grants_cover(const std::vector<std::string>& grants, const std::string& privilege, const std::string& schema);

}  // namespace omsql::check
