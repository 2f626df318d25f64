#include "src/capture/capture_policy.hpp"

#include <variant>

namespace omsql {

std::optional<CaptureStop> stream_failure_stop(const Status& error) {
  if (error.code() == Status::Code::kNotFound)  // the binlog file is purged or unknown
    return CaptureStop{true, error.message() +
                                 " — to keep this from happening, keep binlogs longer on the source "
                                 "(binlog_expire_logs_seconds / expire_logs_days) than a copy plus any "
                                 "outage lasts"};
  // Reading again would meet the same event.
  if (error.code() == Status::Code::kUnsupported) return CaptureStop{true, error.message()};
  if (!error.is_transient()) return CaptureStop{false, error.message()};
  return std::nullopt;
}

bool sync_after(const Event& event, uint64_t unsynced_bytes) {
  return std::holds_alternative<Heartbeat>(event) || unsynced_bytes >= kCaptureSyncBytes;
}

}  // namespace omsql
