#pragma once
// How capture answers what it meets, engine-neutral and without a server: why the link stops,
// what a failed change stream means, where capture resumes, when a read is synced, and when a full
// spool filesystem has room again. The tailer actor only decides when and to whom.
#include <cstdint>
#include <optional>
#include <string>

#include "src/common/status.hpp"
#include "src/engine/change_event.hpp"
#include "src/model/source_position.hpp"

namespace omsql {

// Why the link stops, when it must.
struct CaptureStop {
  // The change log cannot be replayed from here, now or on a rerun: the task must be copied again
  // (the coordinator says how and remembers it); else the task fails with `message`.
  bool needs_recopy = false;
  std::string message;
  // A DDL the link does not replicate: the tailer spools it and reads no further, and the replayer
  // stops at it once everything before it is applied (src/apply/ddl_barrier.hpp). Otherwise the
  // tailer stops the link itself.
  bool at_barrier = false;
};

// What a failed change stream (to open or in mid-read) means: nullopt when it is transient (a
// source that restarted or went away is read again from the resume point after the backoff);
// else why the link stops. A purged binlog and an event the link cannot replay (a partial row
// image, a compressed event without its data, an unknown column type) need a re-copy.
std::optional<CaptureStop> stream_failure_stop(const Status& error);

// Where capture reads the binlog from: where the spool's durable records end (`spool_resume`),
// or the task's start position while the spool holds nothing.
inline SourcePosition capture_resume_point(const SourcePosition& spool_resume, const SourcePosition& start) {
  return spool_resume.empty() ? start : spool_resume;
}

// A read is synced once it holds this much: a full filesystem then drops at most this much (read
// again after the pause), well below the free space capture waits for (one segment).
inline constexpr uint64_t kCaptureSyncBytes = 1 << 20;

// Whether a read ends (and is synced) after appending `event`, with `unsynced_bytes` not yet
// synced: at a heartbeat (the source is idle; make what was read durable now), or at
// kCaptureSyncBytes.
bool sync_after(const Event& event, uint64_t unsynced_bytes);

// Whether capture paused on a full filesystem may resume: a whole segment fits again. Replay goes
// on meanwhile, and the segments it has applied are removed, which usually gives the space back.
inline bool space_returned(uint64_t free_bytes, uint64_t segment_bytes) { return free_bytes >= segment_bytes; }

}  // namespace omsql
