#pragma once
// The MySQL-family engine's ChangeRenderer (src/engine/engine.hpp): safe-mode statements for the
// net changes replay folded (src/apply/change_batch.hpp says why they are what they are).
//
// With a key: one DELETE ... WHERE (key) IN (...) of the keys that end deleted (with a FILTER:
// of every key touched, since the filter may drop the new image), then REPLACE of every final
// image. Without a key: each operation in order, by whole-row identity (DELETE ... LIMIT 1 matching
// every column, INSERT). FILTER: REPLACE ... SELECT <copied columns> FROM (SELECT <literals> AS
// <source columns>) AS omsql_rows WHERE (<filter>), so the target evaluates it over the row.
#include <memory>

#include "src/engine/engine.hpp"

namespace omsql::engine {

// REQUIRES: `job` outlives the renderer.
std::unique_ptr<ChangeRenderer> mysql_change_renderer(const TableJob& job);

}  // namespace omsql::engine
