#include "actors/protocol.hpp"

#include <stdexcept>

namespace omsql::actors {

TableRef table_ref(const Plan& plan, size_t index) {
  return TableRef{static_cast<uint32_t>(index), plan.tables.at(index).source};
}

const TableJob& table_of(const Plan& plan, const TableRef& table) {
  if (table.index >= plan.tables.size() || plan.tables[table.index].source != table.source)
    throw std::logic_error("message names table " + table.source.str() + " at index " + std::to_string(table.index) +
                           ", which this task's plan does not hold there");
  return plan.tables[table.index];
}

uint32_t index_of(const Plan& plan, const TableRef& table) {
  (void)table_of(plan, table);
  return table.index;
}

std::vector<SourcePosition> replay_after_by_index(const Plan& plan, const ReplayStart& start) {
  std::vector<SourcePosition> after(plan.tables.size());
  for (const TableSkip& skip : start.skip) after[index_of(plan, skip.table)] = skip.after;
  return after;
}

void add_message_types(caf::actor_system_config& config) {
  config.add_message_type<TableRef>("omsql::TableRef");
  config.add_message_type<ChunkWork>("omsql::ChunkWork");
  config.add_message_type<BatchEnvelope>("omsql::BatchEnvelope");
  config.add_message_type<BatchAck>("omsql::BatchAck");
  config.add_message_type<ChunkDone>("omsql::ChunkDone");
  config.add_message_type<TableCopyCounts>("omsql::TableCopyCounts");
  config.add_message_type<CopyCounts>("omsql::CopyCounts");
  config.add_message_type<ChunksTotal>("omsql::ChunksTotal");
  config.add_message_type<RedoCopy>("omsql::RedoCopy");
  config.add_message_type<SchemaResult>("omsql::SchemaResult");
  config.add_message_type<SpoolStored>("omsql::SpoolStored");
  config.add_message_type<SyncStatus>("omsql::SyncStatus");
  config.add_message_type<DdlStopReport>("omsql::DdlStopReport");
  config.add_message_type<ThrottleChange>("omsql::ThrottleChange");
  config.add_message_type<ControlRequest>("omsql::ControlRequest");
  config.add_message_type<CopySummary>("omsql::CopySummary");
  config.add_message_type<VerifyProgress>("omsql::VerifyProgress");
  config.add_message_type<TableRows>("omsql::TableRows");
  config.add_message_type<TableSettling>("omsql::TableSettling");
  config.add_message_type<TableWork>("omsql::TableWork");
  config.add_message_type<VerificationResult>("omsql::VerificationResult");
  config.add_message_type<RepairRows>("omsql::RepairRows");
  config.add_message_type<verify::TableReport>("omsql::verify::TableReport");
  config.add_message_type<verify::VerifyReport>("omsql::verify::VerifyReport");
  config.add_message_type<ReplayStart>("omsql::ReplayStart");
  config.add_message_type<TableCopyState>("omsql::TableCopyState");
  config.add_message_type<CopyDdl>("omsql::CopyDdl");
  config.add_message_type<TableFailure>("omsql::TableFailure");
  config.add_message_type<TableCopyDone>("omsql::TableCopyDone");
  config.add_message_type<apply::LaneWork>("omsql::apply::LaneWork");
}

}  // namespace omsql::actors
