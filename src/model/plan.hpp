#pragma once
// The Plan: what a bound .omsql script asks the engine to do: the model of a task. The binder
// (bind_script in dsl/compiler.hpp) produces it from the script and the source catalog; the engine,
// actors and runner consume it without linking the parser. Plain data only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/catalog/catalog.hpp"
#include "src/catalog/table_def.hpp"
#include "src/common/retry.hpp"
#include "src/model/ddl_policy.hpp"
#include "src/model/migration_rules.hpp"
#include "src/model/target_version.hpp"

namespace omsql {

enum class Dialect { kMysql, kOceanBase };
const char* dialect_name(Dialect d);

// Where a server is. The password is never stored here: only the name of the environment variable
// that holds it, so a Plan can be printed, logged and saved in the task directory safely.
struct Endpoint {
  Dialect dialect = Dialect::kMysql;
  std::string user = "root";
  std::string host = "127.0.0.1";
  int port = 3306;
  std::optional<std::string> password_env;  // PASSWORD ENV 'NAME'
  // PASSWORD FILE 'path' or `omsrun --defaults-extra-file`: the absolute path of the MySQL option
  // file whose [client] (then `password_group`) password is read when connecting (src/common/option_file.hpp).
  std::optional<std::string> password_file;
  std::string password_group;               // "omsql-source" or "omsql-target"
  // VERSION '4.2.1' (TARGET oceanbase only): the server version the dialect rules and the copy's wire
  // format are chosen for. Unset: the oldest OceanBase 4.x is assumed (pre-flight warns).
  std::optional<TargetVersion> version;
  // The OceanBase version the target's VERSION() reported at the run's pre-flight (never from the
  // script): with `version`, it decides the copy's wire format (copy::wire_format_for); the DDL rules
  // follow the declaration alone.
  std::optional<TargetVersion> reported_version;
  std::string describe() const { return user + "@" + host + ":" + std::to_string(port); }
};

struct Phases {
  bool schema = true;
  bool full = true;
  bool incremental = true;
};

enum class OnExists { kFail, kTruncate, kAppend };

// WITH (...) options. Every option has a default here; docs/language.md lists them.
struct Options {
  int parallel = 4;                     // reader and applier pool sizes
  int64_t chunk_rows = 20000;           // target rows per key-range chunk
  int64_t batch_rows = 50000;           // a batch is closed at batch_rows or batch_bytes, whichever first
  int64_t batch_bytes = 4 << 20;
  int credits = 4;                      // batches in flight per reader (backpressure)
  int64_t max_rows_per_sec = 0;         // the copy, all readers together; 0 = unthrottled
  int64_t max_events_per_sec = 0;       // replay: row changes applied per second; 0 = unthrottled
  OnExists on_exists = OnExists::kFail;
  // same_server = 'allow': SOURCE and TARGET may be one server (MAP into other databases); pre-flight
  // still refuses any target table that is a source table of the task. Default 'refuse'.
  bool same_server_allowed = false;
  // definer = 'keep': views, routines, triggers and events keep the source's DEFINER; default
  // 'current_user' (accounts are not migrated, so the source's definer rarely exists on the target).
  bool keep_definer = false;
  std::string task_dir;                 // empty = derived from the script name (.omsql/<script>)
  // Every server call: backoff 100 ms doubling to retry_max_delay, for up to retry_patience.
  RetryPolicy retry;
};

struct VerifyOptions {
  bool enabled = true;                  // verify after catch-up
  int64_t chunk_rows = 10000;
  std::string repair_file;              // empty = no repair script
  bool repair_apply = false;            // repair = 'apply'
  // While a live link applies changes: how long a table's differing rows may wait for the link to
  // apply the source position they were read at, before they are reported as not settled.
  int64_t settle_seconds = 60;
};

struct ColumnMapping {
  std::string source;                   // source column name
  std::string target;                   // target column name (MAP COLUMN)
  std::optional<std::string> cast_to;   // CAST rule: the target column type, e.g. "BOOLEAN"
  bool generated = false;               // generated on both sides: created, never copied
  friend bool operator==(const ColumnMapping&, const ColumnMapping&) = default;
};

struct TableJob {
  QualifiedName source;
  QualifiedName target;
  std::vector<ColumnMapping> columns;   // source ordinal order; COLUMNS ... EXCLUDE removed
  std::optional<std::string> filter;    // FILTER ... WHERE <sql>, over source column names
  std::vector<std::string> filter_columns;  // source columns the FILTER names (ordinal order)
  // "file:line:col: why incremental replay cannot evaluate the FILTER" (a subquery, NOW(), ...):
  // the compiler refuses it when the script has the INCREMENTAL phase; pre-flight when --mode adds it.
  std::optional<std::string> filter_replay_problem;
  std::string filter_place;             // "file:line:col" of the FILTER clause ("" without one)
  RowKey key;                           // source column names
  TableDef source_def;                  // as read from the source catalog

  // The source columns incremental replay reads, by ordinal index: every mapped column, the key and
  // what the FILTER names. The others (COLUMNS ... EXCLUDE) are dropped by the binlog decoder, so
  // their values never reach the spool.
  std::vector<bool> replayed_columns() const;

  // The mapping of a source column, or nullptr when the column is not copied (excluded or unknown).
  const ColumnMapping* find_column(const std::string& source_column) const {
    for (const auto& c : columns)
      if (c.source == source_column) return &c;
    return nullptr;
  }
  friend bool operator==(const TableJob&, const TableJob&) = default;
};

// A standalone VERIFY statement: verify these tables (by source name) with the script's mappings.
struct VerifyRequest {
  std::vector<QualifiedName> tables;
  VerifyOptions options;                // the MIGRATE's VERIFY options, overridden by this statement's WITH
};

struct Plan {
  std::string script_path;
  Endpoint source;
  Endpoint target;
  Phases phases;
  Options options;
  VerifyOptions verify;
  std::vector<TableJob> tables;         // sorted by source name
  // The MIGRATE's patterns and MAP rules that `tables` were expanded from (empty without MIGRATE):
  // what the task would do with a table the catalog did not have at bind time.
  MigrationRules rules;
  // The MIGRATE's DDL (...) clause: what the live link does with each kind of source DDL on a task
  // table (defaults without the clause: src/model/ddl_policy.hpp, docs/language.md).
  DdlPolicy ddl_policy;
  std::vector<VerifyRequest> verify_requests;
  bool has_migrate = false;             // false for a script with only VERIFY statements
};

}  // namespace omsql
