#pragma once
// The MySQL-family engine (MySQL, MariaDB, OceanBase in MySQL mode) behind the engine seam: sessions
// over src/mysql/connection, chunks from src/copy/chunk_planner, rows from src/copy/chunk_cursor,
// writes through src/copy/batch_writer, snapshots from src/copy/session.
#include "src/engine/engine.hpp"

namespace omsql::engine {

const Engine& mysql_engine();

}  // namespace omsql::engine
