#pragma once
// The inspection of every payload of the actor protocol (actors/protocol.hpp, which includes this
// at its end): CAF's serialization, which also makes the types printable in CAF logs. A field
// added to a payload is added here too, or it does not travel (remote workers over the middleman).
#include <caf/all.hpp>

#include "actors/protocol.hpp"


namespace omsql {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CopySummary& x) {
  return f(caf::meta::type_name("CopySummary"), x.rows, x.bytes, x.seconds);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, QualifiedName& x) {
  return f(caf::meta::type_name("QualifiedName"), x.schema, x.table);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SourcePosition& x) {
  return f(caf::meta::type_name("SourcePosition"), x.engine, x.order, x.payload);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SpoolPosition& x) {
  return f(caf::meta::type_name("SpoolPosition"), x.segment, x.offset);
}
}  // namespace omsql

namespace omsql::copy {
// CAF 0.17 cannot serialize std::optional: a range travels as two flags and two tuples.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChunkRange& x) {
  bool has_lower = x.lower_exclusive.has_value();
  bool has_upper = x.upper_inclusive.has_value();
  KeyTuple lower = has_lower ? *x.lower_exclusive : KeyTuple{};
  KeyTuple upper = has_upper ? *x.upper_inclusive : KeyTuple{};
  return f(caf::meta::type_name("ChunkRange"), x.id, has_lower, lower, has_upper, upper,
           caf::meta::load_callback([&]() -> caf::error {
             x.lower_exclusive = has_lower ? std::optional<KeyTuple>(lower) : std::nullopt;
             x.upper_inclusive = has_upper ? std::optional<KeyTuple>(upper) : std::nullopt;
             return caf::none;
           }));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, RowBatch& x) {
  auto format = static_cast<uint8_t>(x.format);
  return f(caf::meta::type_name("RowBatch"), x.source_table, x.chunk_id, x.data, x.rows, x.last_of_chunk, format,
           x.chunk, caf::meta::load_callback([&]() -> caf::error {
             x.format = static_cast<WireFormat>(format);
             return caf::none;
           }));
}
}  // namespace omsql::copy

namespace omsql::apply {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CascadeTrigger& x) {
  return f(caf::meta::type_name("CascadeTrigger"), x.table, x.is_delete, x.old_values, x.new_values, x.changed,
           x.skip_tables, x.where, x.before_statement);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, LaneWork& x) {
  return f(caf::meta::type_name("LaneWork"), x.lane, x.statements, x.row_keys, x.cascades, x.also_checkpoint, x.end,
           x.changes, x.repair, x.ddl);
}
}  // namespace omsql::apply

namespace omsql::verify {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, RowDifference& x) {
  auto kind = static_cast<uint8_t>(x.kind);
  bool has_key = x.key_values.has_value();
  KeyTuple key_values = has_key ? *x.key_values : KeyTuple{};
  return f(caf::meta::type_name("RowDifference"), kind, x.key, x.columns, x.copies, x.repair, has_key, key_values,
           caf::meta::load_callback([&]() -> caf::error {
             x.kind = static_cast<DifferenceKind>(kind);
             x.key_values = has_key ? std::optional<KeyTuple>(key_values) : std::nullopt;
             return caf::none;
           }));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableReport& x) {
  return f(caf::meta::type_name("TableReport"), x.source, x.target, x.keyed, x.source_rows, x.target_rows, x.chunks,
           x.chunks_mismatched, x.ranges_rehashed, x.missing, x.extra, x.different, x.seconds, x.differences, x.error,
           x.rechecks, x.cleared_by_recheck, x.unsettled, x.unsettled_reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VerifyReport& x) {
  return f(caf::meta::type_name("VerifyReport"), x.tables, x.seconds, x.repair_file, x.repair_statements,
           x.repair_applied, x.repair_queued, x.mode, x.id);
}
}  // namespace omsql::verify

namespace omsql::actors {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VerifyProgress& x) {
  return f(caf::meta::type_name("VerifyProgress"), x.id, x.tables_total, x.tables_done, x.rows, x.seconds,
           x.rows_per_second, x.settling);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableRows& x) {
  return f(caf::meta::type_name("TableRows"), x.table, x.rows);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableSettling& x) {
  return f(caf::meta::type_name("TableSettling"), x.table, x.waiting_for);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VerificationResult& x) {
  return f(caf::meta::type_name("VerificationResult"), x.error, x.report);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, RepairRows& x) {
  return f(caf::meta::type_name("RepairRows"), x.table, x.rows);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableWork& x) {
  return f(caf::meta::type_name("TableWork"), x.table, x.live_task_id, x.settle_ms, x.progress);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableRef& x) {
  return f(caf::meta::type_name("TableRef"), x.index, x.source);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChunkWork& x) {
  return f(caf::meta::type_name("ChunkWork"), x.has_work, x.table, x.range, x.snapshot_group);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BatchEnvelope& x) {
  return f(caf::meta::type_name("BatchEnvelope"), x.table, x.batch, x.restart_chunk, x.generation);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BatchAck& x) {
  return f(caf::meta::type_name("BatchAck"), x.table, x.chunk_id, x.rows, x.bytes, x.failed);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableCopyCounts& x) {
  return f(caf::meta::type_name("TableCopyCounts"), x.rows, x.bytes, x.seconds);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CopyCounts& x) {
  return f(caf::meta::type_name("CopyCounts"), x.tables);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChunkDone& x) {
  return f(caf::meta::type_name("ChunkDone"), x.table, x.range, x.snapshot, x.rows, x.bytes);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChunksTotal& x) {
  return f(caf::meta::type_name("ChunksTotal"), x.table, x.chunks);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, RedoCopy& x) {
  return f(caf::meta::type_name("RedoCopy"), x.table, x.chunk_id, x.generation);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SchemaResult& x) {
  return f(caf::meta::type_name("SchemaResult"), x.error, x.created);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SpoolStored& x) {
  return f(caf::meta::type_name("SpoolStored"), x.spool_end, x.source_position, x.stored_at_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DdlStopReport& x) {
  return f(caf::meta::type_name("DdlStopReport"), x.position, x.statement, x.reason, x.schema);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SyncStatus& x) {
  return f(caf::meta::type_name("SyncStatus"), x.applied, x.stored, x.events_applied, x.events_per_second,
           x.lag_seconds, x.oldest_unapplied_ms, x.reached_catch_up_target, x.lanes, x.table_copy);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableSkip& x) {
  return f(caf::meta::type_name("TableSkip"), x.table, x.after);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableCopyState& x) {
  return f(caf::meta::type_name("TableCopyState"), x.table, x.has_read_by, x.read_by, x.incomplete, x.created_by_task);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ReplayStart& x) {
  return f(caf::meta::type_name("ReplayStart"), x.skip, x.copies);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CopyDdl& x) {
  return f(caf::meta::type_name("CopyDdl"), x.table, x.position, x.statement);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableFailure& x) {
  return f(caf::meta::type_name("TableFailure"), x.table, x.message);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TableCopyDone& x) {
  return f(caf::meta::type_name("TableCopyDone"), x.error, x.table_level, x.read_by, x.snapshot, x.rows);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ThrottleChange& x) {
  return f(caf::meta::type_name("ThrottleChange"), x.max_rows_per_sec, x.max_events_per_sec);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ControlRequest& x) {
  return f(caf::meta::type_name("ControlRequest"), x.command, x.body);
}
}  // namespace omsql::actors
