#pragma once
// The MySQL-family engine's VerifySession (src/engine/engine.hpp): a client connection to each side,
// prepared by verify::prepare_verify_session, over which src/verify compares, re-checks and
// repairs, and the lane rows of omsql_meta.checkpoint (src/engine/mysql/checkpoint.hpp) tell the
// live link's applied position.
#include <memory>

#include "src/engine/engine.hpp"

namespace omsql::engine {

Result<std::unique_ptr<VerifySession>> open_mysql_verify(const Endpoint& source, const Endpoint& target);

}  // namespace omsql::engine
