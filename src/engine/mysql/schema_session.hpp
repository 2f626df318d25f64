#pragma once
// The MySQL-family engine's SchemaSession (src/engine/engine.hpp): a client connection to the
// target over which src/schema's migrator and object creation run.
#include <memory>

#include "src/engine/engine.hpp"

namespace omsql::engine {

Result<std::unique_ptr<SchemaSession>> open_mysql_schema(const Endpoint& endpoint);

}  // namespace omsql::engine
