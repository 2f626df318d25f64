#pragma once
// The spool: decoded binlog events kept durably on local disk between the binlog tailer (writer)
// and the replayer (reader), so the copy can run for hours while the source's binlog moves on.
//
// A spool is a directory of append-only segment files "segment-<id>.spool" (ids from 1, 16-byte
// header "OMSQLSP1" + id). Each record is: uint32 payload length, uint64 XXH3-64 checksum of the
// payload (seeded with the length), payload (src/spool/record.hpp). Only the last segment can end
// in a torn record: a segment is fsync'd before the next one is created.
//
// Durability: append() only buffers. sync() writes, fsyncs the segment (and the directory when a
// segment was created) and only then advances synced_end() / stored_position(): a caller
// acknowledges a binlog position as stored only after sync() returned ok.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "src/engine/change_event.hpp"
#include "src/common/status.hpp"

namespace omsql {

// Where a record starts: segment id and byte offset in that segment's file.
struct SpoolPosition {
  uint64_t segment = 0;
  uint64_t offset = 0;
  friend bool operator==(const SpoolPosition&, const SpoolPosition&) = default;
  friend auto operator<=>(const SpoolPosition&, const SpoolPosition&) = default;
  std::string str() const { return std::to_string(segment) + ":" + std::to_string(offset); }
};

// Reads SpoolPosition::str() output ("segment:offset") back, for checkpoints kept as text.
Result<SpoolPosition> parse_spool_position(const std::string& text);

struct SpoolOptions {
  // Roll to a new segment once a segment reaches this size. Applied space is given back a whole
  // segment at a time (remove_segments_before), so this bounds what applied records still occupy.
  uint64_t segment_bytes = 4ull << 20;
  size_t buffer_bytes = 1 << 20;         // append() writes to the file when this much is buffered
  // The write(2) the writer calls: tests inject failures (ENOSPC) through it. Null: ::write.
  std::function<ssize_t(int fd, const void* data, size_t size)> write_file;
};

class SpoolWriter {
 public:
  // Opens (creating if needed) the spool in `directory`. Recovery: a torn or corrupt tail of the
  // last segment is truncated away, and so is an unfinished transaction at the end, so the spool
  // ends at a resume point (resume_position()). A bad record with valid data after it, or in an
  // earlier segment, is Corruption naming the file and offset. When it fails for want of space
  // (ENOSPC, EDQUOT), `*out_of_space` is set: opening again once there is space goes on.
  static Result<std::unique_ptr<SpoolWriter>> open(const std::string& directory, SpoolOptions options = {},
                                                   bool* out_of_space = nullptr);
  ~SpoolWriter();  // closes without syncing: unsynced records may be lost, which recovery handles
  SpoolWriter(const SpoolWriter&) = delete;
  SpoolWriter& operator=(const SpoolWriter&) = delete;

  // Buffers one record; returns where it starts. Not durable until sync().
  Result<SpoolPosition> append(const Event& event);
  // Makes every appended record durable (write + fsync; directory fsync after a segment roll).
  Status sync();

  // Whether the last failed append() or sync() failed for want of space (ENOSPC, EDQUOT).
  bool out_of_space() const { return out_of_space_; }
  // After a failed append() or sync(): drops every record after synced_end() (buffered, written,
  // or in segments created since), so the spool ends at synced_end() and resume_position() again
  // and appending may go on once space returns. Readers never saw those records: they read up to
  // synced_end(). Frees the space the dropped records took.
  Status discard_unsynced();

  // After the last appended record / after the last synced record.
  SpoolPosition end() const { return end_; }
  SpoolPosition synced_end() const { return synced_end_; }
  // Bytes appended since the last sync: what a failed sync would drop, so callers bound it.
  uint64_t unsynced_bytes() const { return unsynced_bytes_; }
  // The binlog position of the last synced resume point (TransactionCommit, DdlStatement or
  // Heartbeat): where the tailer restarts the stream after a crash. Empty for an empty spool.
  const SourcePosition& resume_position() const { return synced_resume_; }

  // Gives back whole segments whose id is below `position.segment`, oldest first: call with the
  // spool position after the last record every lane has committed on the target. Never removes
  // the segment being written nor the one holding the last synced resume point (recovery restarts
  // the stream there), so the spool always begins at or before a durably applied record.
  Status remove_segments_before(const SpoolPosition& position);

  const std::string& directory() const { return directory_; }

 private:
  SpoolWriter(std::string directory, SpoolOptions options);
  Status recover();
  Status create_segment(uint64_t id);
  Status write_buffer();
  Status fsync_segment();

  std::string directory_;
  SpoolOptions options_;
  int fd_ = -1;
  uint64_t first_segment_ = 0;
  SpoolPosition end_;
  SpoolPosition synced_end_;
  std::string buffer_;
  bool directory_dirty_ = false;
  SourcePosition pending_resume_;
  SourcePosition synced_resume_;
  uint64_t pending_resume_segment_ = 0;  // the segments holding pending_resume_ / synced_resume_
  uint64_t synced_resume_segment_ = 0;   // (0: no resume point yet)
  bool out_of_space_ = false;
  uint64_t unsynced_bytes_ = 0;
};

// One record read back, with where it starts and where the next one starts.
struct SpoolRecord {
  Event event;
  SpoolPosition position;
  SpoolPosition next;
};

class SpoolReader {
 public:
  // Reads records from `from` (a record start, or {segment, 0} / {0, 0} for the start of a
  // segment / of the spool). Memory is bounded: one record at a time through a fixed buffer.
  static Result<std::unique_ptr<SpoolReader>> open(const std::string& directory, SpoolPosition from = {});
  ~SpoolReader();
  SpoolReader(const SpoolReader&) = delete;
  SpoolReader& operator=(const SpoolReader&) = delete;

  // The next record before `limit` (pass the writer's synced_end() to read only durable records),
  // or nullopt when none is complete yet (call again later). Corruption names file and offset.
  //
  // Nothing at or past `limit` is read or kept: the bytes there may still change (a writer's
  // recovery cuts an unfinished tail and the stream writes it again, possibly differently), and a
  // reader opened before that recovery must not hand out what it cached of the old tail. So the
  // segment file is opened at the first read below a limit, not by open(), and read with pread
  // into a buffer that never reaches past the limit.
  Result<std::optional<SpoolRecord>> next(SpoolPosition limit = {UINT64_MAX, UINT64_MAX});
  // Where the next record starts.
  SpoolPosition position() const { return position_; }

 private:
  SpoolReader(std::string directory, SpoolPosition from);
  Status open_segment(uint64_t id);
  // Copies up to `size` bytes of the open segment at `offset` into `out`; `*got` is how many were
  // there (fewer at the end of the file). Bytes at or past `readable` are never buffered.
  Status read_at(uint64_t offset, char* out, size_t size, uint64_t readable, size_t* got);

  std::string directory_;
  SpoolPosition position_;
  int fd_ = -1;
  uint64_t fd_segment_ = 0;       // the segment fd_ reads (0: none open)
  std::string buffer_;            // bytes of that segment from buffer_offset_
  uint64_t buffer_offset_ = 0;
  std::string payload_;
};

// "DIR/segment-0000000000000001.spool"
std::string spool_segment_path(const std::string& directory, uint64_t id);

// Whether the spool still holds every change after `applied` (the slowest apply lane's checkpoint
// on the target; empty: none). Segments are given back once applied, so a spool that no longer
// starts at segment 1 must start at or before `applied`; otherwise (a checkpoint missing or behind
// what was reclaimed) replay would skip changes, and this is an error saying what to do.
Status check_spool_holds_after(const std::string& directory, const SourcePosition& applied);

// Bytes an unprivileged writer may still use on the filesystem of `directory` (statvfs f_bavail):
// the tailer waits for space with it when the spool's filesystem is full.
Result<uint64_t> spool_free_bytes(const std::string& directory);

}  // namespace omsql
