#pragma once
// `omsrun check`: everything that can be learnt about a migration before it starts, from both
// servers, without writing anything. Each finding is one line a user can act on, naming the
// server, table or column it is about; errors are what would make the task fail.
#include <optional>
#include <string>
#include <vector>

#include "src/model/plan.hpp"
#include "src/catalog/table_def.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::check {

// What a finding is about, for code that decides on findings (a resumed run, tests): the message
// is for people and may change; the code is what a decision tests.
enum class FindingCode {
  kServerVersion,          // a server's version (and the target's dialect)
  kQueryFailed,            // a query of the check itself failed (the message names the server)
  kBinlogSetting,          // log_bin, binlog_format, binlog_row_image, server_id; the GTID position
  kPrivilegeMissing,       // a grant the task needs is not there (a warning when a role may hold it)
  kGrantsUnreadable,       // SHOW GRANTS failed: privileges not checked
  kNoPrimaryKey,           // a table without a primary key (unique key used, or no key: one chunk)
  kLossyCast,              // a CAST may change or reject values
  kSameServer,             // source and target are one server (refused unless allowed)
  kSameServerUnknown,      // cannot tell whether source and target are one server
  kTargetIsSourceTable,    // with same_server = 'allow': a target table is a source table
  kDialectMismatch,        // TARGET oceanbase against another server, or the reverse
  kTargetVersion,          // TARGET oceanbase: the declared VERSION against the server's, or none declared
  kCollationCollision,     // a unique key whose remapped collation makes source rows equal on the target
  kLocalInfile,            // local_infile is OFF on the target, or cannot be read
  kCopyPath,               // TARGET oceanbase: the wire format the copy will write with, and why
  kTargetTableExists,      // SCHEMA with on_exists = 'fail': the target table exists already
  kTargetNotATable,        // the target name is a view (or another non-table)
  kTargetTableMismatch,    // an existing target table the task would write into differs from the job
  kTargetTableReused,      // an existing, matching target table is emptied or written into
  kFilterNotReplayable,    // a FILTER replay cannot evaluate on the target
  kFilterExcludedColumns,  // a FILTER reads excluded columns (kept in the spool)
  kFilterInvalid,          // a FILTER the source cannot evaluate over its table (unknown column, bad SQL)
  kDdlTranslation,         // a DDL translation warning or error for the target dialect
  kForeignKeys,            // the FK graph replay honours, and what it does not
};

struct Finding {
  enum Severity { kError, kWarning, kInfo };
  Severity severity = kInfo;
  FindingCode code = FindingCode::kServerVersion;
  std::string message;
};

// TARGET oceanbase: the declared VERSION against what the server's VERSION() says (`server_version`):
// a warning when none is declared or they differ, a note when they agree, nothing when the server is
// not OceanBase (the dialect mismatch is reported on its own).
std::optional<Finding> target_version_finding(const Endpoint& target, const std::string& server_version);

// TARGET oceanbase: which wire format the copy writes with for these versions, and why (a note).
Finding copy_path_finding(const Endpoint& target);

// "error", "warning", "info".
const char* severity_name(Finding::Severity severity);

// Whether a finding stops a run from starting: every error, except that a resumed task finds the
// target tables it created itself (kTargetTableExists), which is not an on_exists conflict.
bool blocks_run(const Finding& finding, bool resuming);

// Source and target: whether they are one server (same_server below); refused unless WITH
// (same_server = 'allow'), and then still refused for any target table that is a source table.
// Source: version; log_bin, binlog_format=ROW, binlog_row_image=FULL and server_id (errors when
// the plan has the INCREMENTAL phase, notes otherwise); SELECT, REPLICATION SLAVE and REPLICATION
// CLIENT / BINLOG MONITOR grants; tables with no usable key; lossy CASTs.
// Target: version and dialect (and a declared OceanBase VERSION); on OceanBase, the copy path the
// versions allow (copy::wire_format_for with the VERSION() reported); local_infile when the copy
// uses LOAD DATA LOCAL INFILE; CREATE,
// ALTER, INDEX, INSERT, DELETE (and DROP for on_exists='truncate') grants; existing target tables
// against on_exists, and each existing table that 'truncate' or 'append' (or a MODE without SCHEMA)
// would write into against the job (table_differences); every DDL translation warning or error for
// the target dialect.
// Queries that fail become findings too: nothing is thrown and nothing is written.
std::vector<Finding> run_preflight(Connection& source, Connection& target, const Plan& plan);

// What a server says about itself, enough to tell whether two connections reach one server
// whatever host name, address, port forward or proxy each went through.
struct ServerIdentity {
  std::string server_uuid;  // @@server_uuid (MySQL); empty where the server has none (MariaDB)
  std::string hostname;     // @@hostname
  std::string port;         // @@port
  std::string datadir;      // @@datadir
  std::string server_id;    // @@server_id
  std::string uuid_node;    // clock sequence and node of UUID(): random per server start, so two
                            // servers on one machine (same MAC) still differ
  std::string describe() const;  // "hostname vm, port 3306, datadir /var/lib/mysql/"
};
Result<ServerIdentity> read_server_identity(Connection& connection);
// One server: equal server_uuid where both have one; else equal hostname, port, datadir, server_id
// and UUID() node (a cloned machine with an identical configuration still differs in the node).
bool same_server(const ServerIdentity& a, const ServerIdentity& b);

// Why the existing target table `existing` cannot take the rows of `job` unchanged, one line per
// difference (empty when it can): columns by target name (none missing, none extra), types that hold
// every source value (lossy_cast_reason), nullability, character set (text is copied as bytes),
// generated columns, and a PRIMARY KEY or UNIQUE index on the row key (rows are replaced by key),
// with the same collation on text key columns.
std::vector<std::string> table_differences(const TableJob& job, const TableDef& existing);

// Why CASTing `from` to the type text `to` may change or reject values ("narrows BIGINT to INT"),
// or nullopt when every value of `from` fits `to` unchanged (e.g. TINYINT(1) to BOOLEAN).
std::optional<std::string> lossy_cast_reason(const ColumnDef& from, const std::string& to);

// Whether SHOW GRANTS lines give `privilege` on every table of `schema` (globally or on the
// database, whose name in a grant is a LIKE pattern). ALL PRIVILEGES counts as every privilege.
bool grants_cover(const std::vector<std::string>& grants, const std::string& privilege, const std::string& schema);

}  // namespace omsql::check
