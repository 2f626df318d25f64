#pragma once
// ChangeBatch turns a run of decoded row changes of one table into the few statements that make
// the target reflect them, for the incremental phase.
//
// Tables with a key: changes are folded into the net effect per key (the final row image, or
// "deleted"), because at a transaction boundary the source's rows satisfy every constraint and
// only the final state matters. The statements are one DELETE by key for the keys that end
// deleted (or moved away by a key update), then REPLACE of every final image. Both are
// idempotent, so replaying a batch that the copy or an earlier run already applied is harmless
// (DESIGN §2 "safe mode", here always on).
//
// Tables without a key: changes apply one by one in order, by whole-row identity (DELETE ...
// LIMIT 1 matching every column, then INSERT).
//
// FILTER: a row image is written only when the target finds that it satisfies the filter (the
// target evaluates the WHERE text over a one-row derived table of the copied columns and the
// columns the filter names, under their source names); deletes by key are always
// applied, so a row whose update takes it out of the filtered set leaves the target.
//
// ChangeBatch folds; the target engine's ChangeRenderer (src/engine/engine.hpp; MySQL:
// src/engine/mysql/change_statements.hpp) writes the statements from the net change set.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/status.hpp"
#include "src/engine/engine.hpp"
#include "src/engine/change_event.hpp"
#include "src/model/plan.hpp"

namespace omsql::apply {

// The query replay's FILTER evaluation runs, over one row of NULLs and with LIMIT 0: pre-flight
// runs it on the target so that a filter the target cannot evaluate (an unknown column, function
// or table there) is found before the copy, not at the first change.
std::string filter_probe_sql(const TableJob& job);

// The source columns of the one-row derived table a FILTER is evaluated over: the copied ones and
// every column the filter names (an excluded or generated column too), in ordinal order.
std::vector<size_t> filter_row_columns(const TableJob& job);

// The SQL literal of `cell`, a value of the source column `column`. Text bytes carry the column's
// charset and collation, so that the target compares them as the column does (and can use its
// index) instead of as a binary string.
std::string cell_literal(const ColumnDef& column, const Cell& cell);

class ChangeBatch {
 public:
  // REQUIRES: `job` and `target_engine` outlive the batch. `target_engine` renders the statements
  // (null: the MySQL-family engine's, engine_for(Dialect::kMysql)).
  explicit ChangeBatch(const TableJob& job, const engine::Engine* target_engine = nullptr);

  // Adds one change, in binlog order. Fails when the row image does not match the table's
  // columns (the table's definition changed since the task started).
  Status add(const RowChange& change);

  bool empty() const { return changes_ == 0; }
  uint64_t changes() const { return changes_; }
  // The SQL text accumulated so far, roughly (for closing batches by size).
  uint64_t approximate_bytes() const { return approximate_bytes_; }

  // The statements, each at most about `max_statement_bytes` long, as the target engine's
  // ChangeRenderer writes the net change set. With `row_keys`, also the key of each row of each
  // statement, in the statement's row order (describe_key; "" for a keyless table), so that a
  // failure "at row N" can name the row's key instead of showing the row.
  std::vector<std::string> statements(size_t max_statement_bytes = 4 << 20,
                                      std::vector<std::vector<std::string>>* row_keys = nullptr) const;

  void clear();

  // The canonical bytes of the key columns of a full row image ("" for a table without a key):
  // equal keys give equal bytes, so a caller can route changes of one key to one apply lane.
  std::string key_of(const std::vector<Cell>& image) const;
  bool keyed() const { return !key_columns_.empty(); }
  // True when two key values are equal on the server exactly when their bytes are: no key column
  // compares by a case/accent-insensitive or PAD SPACE collation, and none is a float ('a' = 'A',
  // 'a' = 'a ', -0 = 0). Only then may changes of one table be routed to lanes by key bytes;
  // otherwise two images of the same target row could land on two lanes and race.
  bool key_is_bytewise() const { return key_is_bytewise_; }
  // The key bytes of key_of as a message shows them: "`id` = 42", "(`a`, `b`) = (1, 'x')";
  // text shown when printable, else as hex, each value shortened to 40 bytes.
  std::string describe_key(const std::string& key) const;

 private:
  const TableJob& job_;
  const engine::Engine& engine_;
  // Made at the first statements(): the batches that only route keys never render.
  mutable std::unique_ptr<engine::ChangeRenderer> renderer_;
  std::vector<size_t> key_columns_;     // source ordinal index of every key column
  std::vector<std::string> target_key_names_;
  bool key_is_bytewise_ = true;
  // Keyed tables: key bytes -> final image (nullopt = deleted). Keyless: the ordered operations.
  std::map<std::string, std::optional<std::vector<Cell>>> final_images_;
  std::vector<std::pair<bool, std::vector<Cell>>> keyless_operations_;  // (insert?, image)
  uint64_t changes_ = 0;
  uint64_t approximate_bytes_ = 0;
};

// What a failed replay statement's message adds to name its row: " (key `id` = 42)" for the
// row the server's message points at ("... at row N"), or for the statement's only row; "" when
// the message names no row of the statement.
std::string failing_row_note(std::string_view server_message, const std::vector<std::string>& row_keys);

}  // namespace omsql::apply
