#pragma once
// The MySQL-family engine's ApplySession (src/engine/engine.hpp): one client connection prepared
// as the copy's target sessions are (src/engine/mysql/copy/session.hpp) with foreign_key_checks=0
// (replay derives FK actions itself, src/apply/cascade.hpp), the lane rows in
// omsql_meta.checkpoint (src/engine/mysql/checkpoint.hpp, created when missing), and the lane
// transaction of src/apply/lane_transaction.hpp over that connection.
#include <memory>

#include "src/engine/engine.hpp"

namespace omsql::engine {

Result<std::unique_ptr<ApplySession>> open_mysql_apply(const Endpoint& endpoint, const Plan& plan,
                                                       const apply::FkGraph& graph);

}  // namespace omsql::engine
