#pragma once
// Evaluates a source DDL statement on private copies of the tables it touches, on a MySQL-family
// server omsql may write to (the target) — the server's own DDL rules compute the definition after
// the statement (like DM's schema tracker), so omsql never re-implements MariaDB's ALTER semantics.
//
// Where: every source database the statement or its "before" tables name gets a shadow database of
// its own for one evaluation, `omsql_shadow_<instance>_<time>_<evaluation>_<n>` (<time>: the
// target server's UNIX_TIMESTAMP() when the evaluation began), created with that database's default
// charset and collation and dropped afterwards, on success or failure. The
// copies keep the source's table names, so constraint and index names the server generates
// (`orders_ibfk_1`), and names InnoDB wants unique per database (foreign keys), come out as on the
// source. <instance> is 12 random hex digits per ShadowSchema, so two tasks (or two tailers) on one
// target never share a shadow database; nothing outside the shadow databases is touched.
//
// How: the before tables are created with the schema phase's translator (src/schema/ddl.hpp) for
// the server's dialect, foreign keys included, in a session with foreign_key_checks=0 (a foreign
// key to a table that has no copy is created all the same, pointing into the shadow database of its
// database) and sql_log_bin=0 where the account may set it (the shadow DDL is no change of the
// target's). The statement's database qualifiers are rewritten token by token (the DDL lexer's
// byte ranges: quoting, comments and executable comments survive) and its unqualified names resolve
// through `USE` of the default database's shadow. CREATE TABLE ... SELECT reads only the empty
// copies: every table it can name lies in a shadow database, and one without a copy makes the
// server refuse the statement (it never falls through to real data). The definitions after are
// read with the catalog reader (MysqlCatalog) and named back by the source's names.
//
// Fidelity: the copy is what the translator creates from the definition, partitioning included;
// when it would have to drop or change something (a warning: an unreadable partition clause, a
// dialect rule) the evaluation is refused rather than answered from a different table. The
// session's sql_mode is the server's, not the source event's. estimated_rows / estimated_bytes of a table
// that existed before are carried over from `before` (the copy is empty); AUTO_INCREMENT is the
// copy's.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"
#include "src/engine/mysql/binlog/ddl_parse.hpp"
#include "src/engine/engine.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql {

class ShadowSchema {
 public:
  // `server` must outlive this object and be its own session: evaluate sets the session's current
  // database, foreign_key_checks and sql_log_bin.
  explicit ShadowSchema(Connection& server);

  // `before`: the definitions of the tables the statement reads or changes, as valid before it.
  // Returns the definitions after it of every table it creates, changes or renames to (by the
  // source's names), and the names of the tables it drops or renames away.
  //
  // Understood: CREATE TABLE (plain, LIKE, ... SELECT), ALTER TABLE, RENAME TABLE, TRUNCATE TABLE,
  // DROP TABLE, CREATE INDEX, DROP INDEX. kUnsupported for other kinds, temporary tables, and before
  // tables the translator cannot copy exactly; kServerError with the server's
  // message (shadow names replaced by the source's) when the server refuses the statement — e.g. it
  // names a table whose definition is not in `before`. DROP TABLE is answered without the server:
  // every table it names is gone.
  //
  // A database's default charset and collation come from `databases`, else from a before table of
  // it (TableDef::schema_charset/collation). Where neither knows them, the after definitions in
  // that database have no schema_charset/collation, and a CREATE TABLE (other than LIKE) there is
  // refused (kInvalidArgument naming it): its columns' charset would be the shadow server's guess.
  using Outcome = engine::DdlEvaluation;
  using DatabaseDefaults = engine::DatabaseDefaults;
  Result<Outcome> evaluate(std::string_view statement, std::string_view default_database,
                           const ClassifiedStatement& classified, const std::vector<TableDef>& before,
                           const std::vector<DatabaseDefaults>& databases = {});

  // The prefix of this object's shadow databases ("omsql_shadow_<instance>_").
  const std::string& prefix() const { return prefix_; }

  // Drops the shadow databases a process killed in the middle of an evaluation left on the server
  // (one that ends drops its own): only names stale_shadow_database takes, begun before this
  // object's first use of the server by more than kShadowStaleSeconds, never this object's.
  // Returns the names dropped.
  Result<std::vector<std::string>> drop_stale();

 private:
  Status read_clock();
  uint64_t server_now() const;

  Connection* server_;
  std::string prefix_;
  uint64_t evaluations_ = 0;
  std::optional<uint64_t> server_started_;  // the server's UNIX_TIMESTAMP() at first use
  int64_t steady_started_ms_ = 0;            // this process's steady clock then
};

// A shadow database begun this long before the cleaner's start is stale: an evaluation creates
// empty tables and takes well under a second, so none still running can be that old.
inline constexpr uint64_t kShadowStaleSeconds = 600;

// Pure: the name of shadow database `n` of evaluation `evaluation` of instance `instance` (12 hex
// digits), begun at server time `unix_seconds`.
std::string shadow_database_name(std::string_view instance, uint64_t unix_seconds, uint64_t evaluation, size_t n);
// Pure: whether `name` is exactly as shadow_database_name makes it (any instance) and was begun
// more than kShadowStaleSeconds before `started` (server seconds). Anything else, such as a user's
// database that merely starts with omsql_shadow_, or an older omsql's name without its time, is not.
bool stale_shadow_database(std::string_view name, uint64_t started);

// Pure, for tests: `statement` with every database qualifier (a name followed by '.' and a name,
// not itself after a '.') that `shadow_of` maps replaced by the back-quoted shadow name; byte
// ranges from the DDL lexer, so the rest of the text (comments, quoting) is kept as written.
std::string rewrite_database_qualifiers(std::string_view statement,
                                        const std::vector<std::pair<std::string, std::string>>& shadow_of);

}  // namespace omsql
