#pragma once
// The MySQL family's catalog sessions and DDL evaluator behind the engine seam
// (Engine::open_catalog, Engine::open_ddl_evaluator): MysqlCatalog and ShadowSchema, each on a
// connection of its own.
#include <memory>

#include "src/engine/engine.hpp"

namespace omsql::engine {

Result<std::unique_ptr<Catalog>> open_mysql_catalog(const Endpoint& endpoint, const char* role);
Result<std::unique_ptr<DdlEvaluator>> open_mysql_ddl_evaluator(const Endpoint& target);

}  // namespace omsql::engine
