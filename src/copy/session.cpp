#include "src/copy/session.hpp"

namespace omsql::copy {

Status prepare_source_session(Connection& source) {
  OMSQL_RETURN_IF_ERROR(source.execute(
      "SET SESSION character_set_results = binary, net_write_timeout = 31536000, net_read_timeout = 31536000, "
      "time_zone = '+00:00'"));
  OMSQL_RETURN_IF_ERROR(source.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
  // MariaDB's statement time limit; MySQL calls it max_execution_time. Neither may cut a chunk.
  if (!source.execute("SET SESSION max_statement_time = 0"))
    (void)source.execute("SET SESSION max_execution_time = 0");
  return Status::ok();
}

Status prepare_target_session(Connection& target) {
  OMSQL_RETURN_IF_ERROR(target.execute(
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', "
      "foreign_key_checks = 0, unique_checks = 1, time_zone = '+00:00', autocommit = 1, "
      "net_read_timeout = 3600, net_write_timeout = 3600"));
  // MariaDB only; elsewhere the variable does not exist and CHECK constraints stay as they are.
  (void)target.execute("SET SESSION check_constraint_checks = 0");
  return Status::ok();
}

}  // namespace omsql::copy
