#include "actors/messages.hpp"

namespace omsql::actors {

void add_message_types(caf::actor_system_config& config) {
  config.add_message_type<ChunkWork>("omsql::ChunkWork");
  config.add_message_type<BatchEnvelope>("omsql::BatchEnvelope");
  config.add_message_type<BatchAck>("omsql::BatchAck");
  config.add_message_type<ChunkDone>("omsql::ChunkDone");
  config.add_message_type<SpoolStored>("omsql::SpoolStored");
  config.add_message_type<SyncStatus>("omsql::SyncStatus");
  config.add_message_type<ThrottleChange>("omsql::ThrottleChange");
  config.add_message_type<CopySummary>("omsql::CopySummary");
}

}  // namespace omsql::actors
