// The engines omsql is built with, by the Dialect of an endpoint. Adding an engine: a folder under
// src/engine/ implementing engine.hpp, and one case here (docs/architecture.md, "Adding an engine").
#include "src/engine/engine.hpp"
#include "src/engine/mysql/mysql_engine.hpp"

namespace omsql::engine {

const Engine& engine_for(Dialect dialect) {
  switch (dialect) {
    case Dialect::kMysql:
    case Dialect::kOceanBase:  // OceanBase in MySQL mode speaks the MySQL protocol and binlog
      break;
  }
  return mysql_engine();
}

const Engine& engine_or_default(const Engine* given, Dialect dialect) { return given ? *given : engine_for(dialect); }

}  // namespace omsql::engine
