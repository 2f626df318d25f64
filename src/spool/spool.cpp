#include "src/spool/spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "src/spool/record.hpp"
#include "src/task/private_files.hpp"

namespace omsql {

namespace {

constexpr char kMagic[8] = {'O', 'M', 'S', 'Q', 'L', 'S', 'P', '1'};
constexpr uint64_t kHeaderSize = 16;        // magic + segment id
constexpr uint64_t kRecordHeaderSize = 12;  // length + checksum
constexpr uint32_t kMaxRecordBytes = 1u << 30;

uint64_t record_checksum(const char* payload, uint32_t length) { return XXH3_64bits_withSeed(payload, length, length); }

void put_le(uint64_t v, int bytes, char* out) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint64_t get_le(const char* in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  return v;
}

// A segment's 16 header bytes: the omsql magic, then the segment's own id.
bool is_segment_header(const char* header, uint64_t id) {
  return std::memcmp(header, kMagic, 8) == 0 && get_le(header + 8, 8) == id;
}

std::string errno_text() { return std::strerror(errno); }

bool no_space(int error) { return error == ENOSPC || error == EDQUOT; }

Status sync_directory(const std::string& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::io_error("spool " + directory + ": cannot open directory: " + errno_text());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::io_error("spool " + directory + ": fsync of the directory failed: " + errno_text());
  return Status::ok();
}

std::vector<uint64_t> list_segments(const std::string& directory) {
  std::vector<uint64_t> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    unsigned long long id;
    char tail[8] = {};
    if (name.size() == 8 + 16 + 6 && std::sscanf(name.c_str(), "segment-%16llu%7s", &id, tail) == 2 &&
        std::strcmp(tail, ".spool") == 0)
      ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool is_resume_point(const Event& event) {
  return std::holds_alternative<TransactionCommit>(event) || std::holds_alternative<DdlStatement>(event) ||
         std::holds_alternative<Heartbeat>(event);
}

// What a scan of one segment found.
struct SegmentScan {
  uint64_t valid_end = kHeaderSize;     // after the last good record
  uint64_t boundary_end = 0;            // after the last resume-point record (0: none)
  SourcePosition boundary_position;
};

// Reads every record of a segment. In the last segment a bad record that reaches the end of the
// file (or is followed only by zero bytes) is a torn write and ends the scan; anything else is
// Corruption naming the file and offset.
Status scan_segment(const std::string& path, uint64_t id, bool last, SegmentScan* scan) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status::io_error("spool segment " + path + ": cannot open: " + errno_text());
  std::fseek(file, 0, SEEK_END);
  const uint64_t size = static_cast<uint64_t>(std::ftell(file));
  std::fseek(file, 0, SEEK_SET);
  char header[kHeaderSize];
  Status status;
  if (size < kHeaderSize || std::fread(header, 1, kHeaderSize, file) != kHeaderSize) {
    std::fclose(file);
    if (last) {  // torn creation: the header never reached the disk
      scan->valid_end = 0;
      return Status::ok();
    }
    return Status::corruption("spool segment " + path + ": shorter than its header");
  }
  if (!is_segment_header(header, id)) {
    std::fclose(file);
    return Status::corruption("spool segment " + path + ": bad header (not an omsql spool segment, or renamed)");
  }
  std::string payload;
  uint64_t at = kHeaderSize;
  while (at < size) {
    char record_header[kRecordHeaderSize];
    std::string problem;
    uint64_t claimed_end = size;
    if (size - at < kRecordHeaderSize || std::fread(record_header, 1, kRecordHeaderSize, file) != kRecordHeaderSize) {
      problem = "incomplete record header";
    } else {
      uint32_t length = static_cast<uint32_t>(get_le(record_header, 4));
      claimed_end = at + kRecordHeaderSize + length;
      if (length > kMaxRecordBytes || claimed_end > size) {
        problem = "record of " + std::to_string(length) + " bytes runs past the end of the file";
        claimed_end = size;
      } else {
        payload.resize(length);
        if (std::fread(payload.data(), 1, length, file) != length) {
          problem = "read failed";
        } else if (record_checksum(payload.data(), length) != get_le(record_header + 4, 8)) {
          problem = "checksum mismatch";
        } else if (payload.size() >= 2 && (payload[1] == 1 || payload[1] == 3 || payload[1] == 4)) {
          auto event = spool::decode_event(payload);
          if (!event) {
            problem = event.status().message();
          } else if (is_resume_point(*event)) {
            scan->boundary_end = claimed_end;
            scan->boundary_position = event_position(*event);
          }
        }
      }
    }
    if (!problem.empty()) {
      bool torn = last && claimed_end >= size;
      if (last && !torn) {  // garbage followed only by zeros is a torn tail too (preallocated blocks)
        std::fseek(file, static_cast<long>(at), SEEK_SET);
        torn = true;
        int c;
        while ((c = std::fgetc(file)) != EOF)
          if (c != 0) {
            torn = false;
            break;
          }
      }
      std::fclose(file);
      if (torn) return Status::ok();
      return Status::corruption("spool segment " + path + ": corrupt record at offset " + std::to_string(at) + " (" +
                                problem + ")" + (last ? " followed by more records" : ""));
    }
    at = claimed_end;
    scan->valid_end = at;
  }
  std::fclose(file);
  return Status::ok();
}

}  // namespace

Result<SpoolPosition> parse_spool_position(const std::string& text) {
  unsigned long long segment = 0, offset = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%llu:%llu%c", &segment, &offset, &tail) != 2)
    return Status::invalid_argument("not a spool position (expected segment:offset): '" + text + "'");
  return SpoolPosition{segment, offset};
}

std::string spool_segment_path(const std::string& directory, uint64_t id) {
  char name[40];
  std::snprintf(name, sizeof name, "segment-%016llu.spool", static_cast<unsigned long long>(id));
  return directory + "/" + name;
}

// ---------------------------------------------------------------------------------------------
// SpoolWriter

SpoolWriter::SpoolWriter(std::string directory, SpoolOptions options)
    : directory_(std::move(directory)), options_(options) {}

SpoolWriter::~SpoolWriter() {
  if (fd_ >= 0) {
    (void)write_buffer();  // best effort: the data is not claimed durable
    ::close(fd_);
  }
}

Result<std::unique_ptr<SpoolWriter>> SpoolWriter::open(const std::string& directory, SpoolOptions options,
                                                       bool* out_of_space) {
  if (out_of_space) *out_of_space = false;
  if (Status created = create_private_directory(directory); !created) {
    if (out_of_space) *out_of_space = no_space(errno);
    return created.with_context("spool");
  }
  std::unique_ptr<SpoolWriter> writer(new SpoolWriter(directory, options));
  if (Status recovered = writer->recover(); !recovered) {
    if (out_of_space) *out_of_space = writer->out_of_space_;
    return recovered;
  }
  return writer;
}

Status SpoolWriter::create_segment(uint64_t id) {
  const std::string path = spool_segment_path(directory_, id);
  auto opened = open_private_file(path, O_TRUNC | O_WRONLY);
  if (!opened) {
    out_of_space_ = no_space(errno);
    return opened.status().with_context("spool segment");
  }
  int fd = *opened;
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  char header[kHeaderSize];
  std::memcpy(header, kMagic, 8);
  put_le(id, 8, header + 8);
  buffer_.append(header, kHeaderSize);
  end_ = {id, kHeaderSize};
  directory_dirty_ = true;
  return Status::ok();
}

Status SpoolWriter::recover() {
  std::vector<uint64_t> ids = list_segments(directory_);
  if (ids.empty()) {
    first_segment_ = 1;
    OMSQL_RETURN_IF_ERROR(create_segment(1));
    OMSQL_RETURN_IF_ERROR(sync());
    return Status::ok();
  }
  // Reclaim removes segments oldest first, so a gap means a removal whose directory update was
  // not all durable (power loss): everything before the gap was applied already. Finish it, so
  // the spool is one run of segments again (a reader stops at a missing segment).
  for (size_t i = ids.size() - 1; i > 0; --i) {
    if (ids[i - 1] + 1 == ids[i]) continue;
    for (size_t j = 0; j < i; ++j) {
      const std::string path = spool_segment_path(directory_, ids[j]);
      if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return Status::io_error("spool segment " + path + ": cannot remove: " + errno_text());
    }
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i));
    directory_dirty_ = true;
    break;
  }
  first_segment_ = ids.front();
  // Find the last resume point, from the last segment backwards; what follows it (a torn record,
  // an unfinished transaction) is cut off, so the spool ends exactly where the stream restarts.
  size_t keep = ids.size() - 1;
  uint64_t keep_end = kHeaderSize;
  for (size_t i = ids.size(); i-- > 0;) {
    SegmentScan scan;
    OMSQL_RETURN_IF_ERROR(scan_segment(spool_segment_path(directory_, ids[i]), ids[i], i + 1 == ids.size(), &scan));
    if (scan.boundary_end != 0) {
      keep = i;
      keep_end = scan.boundary_end;
      synced_resume_ = scan.boundary_position;
      pending_resume_ = synced_resume_;
      synced_resume_segment_ = pending_resume_segment_ = ids[i];
      break;
    }
    keep = i;
    keep_end = kHeaderSize;  // no resume point here: keep looking in the segment before
  }
  for (size_t i = keep + 1; i < ids.size(); ++i) {
    const std::string path = spool_segment_path(directory_, ids[i]);
    if (::unlink(path.c_str()) != 0) return Status::io_error("spool segment " + path + ": cannot remove: " + errno_text());
  }
  const std::string path = spool_segment_path(directory_, ids[keep]);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) < kHeaderSize) {
    OMSQL_RETURN_IF_ERROR(create_segment(ids[keep]));  // rewrite a header that never made it
  } else {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::io_error("spool segment " + path + ": cannot open: " + errno_text());
    if (::ftruncate(fd_, static_cast<off_t>(keep_end)) != 0)
      return Status::io_error("spool segment " + path + ": cannot truncate: " + errno_text());
    if (::lseek(fd_, static_cast<off_t>(keep_end), SEEK_SET) < 0)
      return Status::io_error("spool segment " + path + ": seek failed: " + errno_text());
    end_ = {ids[keep], keep_end};
    directory_dirty_ = true;  // removals above
  }
  OMSQL_RETURN_IF_ERROR(sync());
  return Status::ok();
}

Status SpoolWriter::write_buffer() {
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = options_.write_file ? options_.write_file(fd_, buffer_.data() + done, buffer_.size() - done)
                                    : ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      out_of_space_ = no_space(errno);
      // What did reach the file is cut off by discard_unsynced(); the rest stays buffered.
      buffer_.erase(0, done);
      return Status::io_error("spool segment " + spool_segment_path(directory_, end_.segment) + ": write failed: " + errno_text());
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return Status::ok();
}

Status SpoolWriter::fsync_segment() {
  if (::fsync(fd_) == 0) return Status::ok();
  out_of_space_ = no_space(errno);
  return Status::io_error("spool segment " + spool_segment_path(directory_, end_.segment) + ": fsync failed: " + errno_text());
}

Status SpoolWriter::discard_unsynced() {
  buffer_.clear();
  const SpoolPosition keep = synced_end_;
  for (uint64_t id = end_.segment; id > keep.segment; --id) {  // segments created since the last sync
    const std::string path = spool_segment_path(directory_, id);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return Status::io_error("spool segment " + path + ": cannot remove: " + errno_text());
    directory_dirty_ = true;
  }
  const std::string path = spool_segment_path(directory_, keep.segment);
  if (end_.segment != keep.segment) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::io_error("spool segment " + path + ": cannot open: " + errno_text());
  }
  if (::ftruncate(fd_, static_cast<off_t>(keep.offset)) != 0)
    return Status::io_error("spool segment " + path + ": cannot truncate: " + errno_text());
  if (::lseek(fd_, static_cast<off_t>(keep.offset), SEEK_SET) < 0)
    return Status::io_error("spool segment " + path + ": seek failed: " + errno_text());
  end_ = keep;
  pending_resume_ = synced_resume_;
  pending_resume_segment_ = synced_resume_segment_;
  unsynced_bytes_ = 0;
  out_of_space_ = false;
  return Status::ok();
}

Status check_spool_holds_after(const std::string& directory, const SourcePosition& applied) {
  std::vector<uint64_t> ids = list_segments(directory);
  if (ids.empty() || ids.front() == 1) return Status::ok();  // nothing given back yet
  auto reader = SpoolReader::open(directory, {ids.front(), 0});
  if (!reader) return reader.status();
  auto first = (*reader)->next();
  if (!first) return first.status();
  const std::string oldest = spool_segment_path(directory, ids.front());
  std::string held = first->has_value() ? "its first change is at " + event_position((*first)->event).str()
                                        : "it holds no change";
  if (!applied.empty() && (!first->has_value() || !(applied < event_position((*first)->event)))) return Status::ok();
  return Status::corruption(
      "spool " + directory + " begins at " + oldest + " (the segments before were given back once applied) and " +
      held + ", but the target's apply checkpoint for this task " +
      (applied.empty() ? std::string("is missing for some lane (was `parallel` raised, or the checkpoint table "
                                     "omsql_meta.checkpoint emptied?)")
                       : "is at " + applied.str()) +
      ": the changes in between are no longer in the spool, and replaying on would skip them. Copy the tables "
      "again (omsrun FILE --recopy)");
}

Result<uint64_t> spool_free_bytes(const std::string& directory) {
  struct statvfs info {};
  if (::statvfs(directory.c_str(), &info) != 0)
    return Status::io_error("spool " + directory + ": statvfs failed: " + errno_text());
  return static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
}

Result<SpoolPosition> SpoolWriter::append(const Event& event) {
  if (end_.offset > kHeaderSize && end_.offset >= options_.segment_bytes) {
    // Roll: the full segment is made durable before the next one exists, so only the last
    // segment of a spool can ever end in a torn record.
    OMSQL_RETURN_IF_ERROR(write_buffer());
    OMSQL_RETURN_IF_ERROR(fsync_segment());
    OMSQL_RETURN_IF_ERROR(create_segment(end_.segment + 1));
  }
  const size_t start = buffer_.size();
  buffer_.resize(start + kRecordHeaderSize);
  spool::encode_event(event, &buffer_);
  const size_t length = buffer_.size() - start - kRecordHeaderSize;
  if (length > kMaxRecordBytes) {
    buffer_.resize(start);
    return Status::invalid_argument("spool: event at " + event_position(event).str() + " encodes to " +
                                    std::to_string(length) + " bytes, more than a record may hold");
  }
  put_le(length, 4, buffer_.data() + start);
  put_le(record_checksum(buffer_.data() + start + kRecordHeaderSize, static_cast<uint32_t>(length)), 8,
         buffer_.data() + start + 4);
  SpoolPosition position = end_;
  end_.offset += kRecordHeaderSize + length;
  unsynced_bytes_ += kRecordHeaderSize + length;
  if (is_resume_point(event)) {
    pending_resume_ = event_position(event);
    pending_resume_segment_ = position.segment;
  }
  if (buffer_.size() >= options_.buffer_bytes) OMSQL_RETURN_IF_ERROR(write_buffer());
  return position;
}

Status SpoolWriter::sync() {
  OMSQL_RETURN_IF_ERROR(write_buffer());
  OMSQL_RETURN_IF_ERROR(fsync_segment());
  if (directory_dirty_) {
    if (Status st = sync_directory(directory_); !st) {
      out_of_space_ = no_space(errno);
      return st;
    }
    directory_dirty_ = false;
  }
  synced_end_ = end_;
  synced_resume_ = pending_resume_;
  synced_resume_segment_ = pending_resume_segment_;
  unsynced_bytes_ = 0;
  return Status::ok();
}

Status SpoolWriter::remove_segments_before(const SpoolPosition& position) {
  bool removed = false;
  for (uint64_t id : list_segments(directory_)) {
    if (id >= position.segment || id >= end_.segment || id >= synced_resume_segment_) break;
    const std::string path = spool_segment_path(directory_, id);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return Status::io_error("spool segment " + path + ": cannot remove: " + errno_text());
    removed = true;
  }
  if (removed) OMSQL_RETURN_IF_ERROR(sync_directory(directory_));
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------
// SpoolReader

SpoolReader::SpoolReader(std::string directory, SpoolPosition from) : directory_(std::move(directory)), position_(from) {}

SpoolReader::~SpoolReader() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Reads a segment's header through `fd`: it must be the omsql magic and the segment's own id.
Status check_segment_header(int fd, const std::string& path, uint64_t id) {
  char header[kHeaderSize];
  ssize_t n;
  do n = ::pread(fd, header, kHeaderSize, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Status::io_error("spool segment " + path + ": read failed: " + errno_text());
  if (static_cast<uint64_t>(n) != kHeaderSize || !is_segment_header(header, id))
    return Status::corruption("spool segment " + path + ": bad or missing header");
  return Status::ok();
}

constexpr size_t kReadBytes = 64 << 10;  // what one pread fetches ahead of small records

}  // namespace

Result<std::unique_ptr<SpoolReader>> SpoolReader::open(const std::string& directory, SpoolPosition from) {
  std::vector<uint64_t> ids = list_segments(directory);
  if (ids.empty()) return Status::not_found("spool " + directory + ": no segment files");
  if (from.segment == 0) from = {ids.front(), 0};
  if (from.segment < ids.front())
    return Status::not_found("spool " + directory + ": segment " + std::to_string(from.segment) +
                             " was already removed (oldest is " + std::to_string(ids.front()) + ")");
  if (from.offset < kHeaderSize) from.offset = kHeaderSize;
  // The header is checked now, so a wrong directory fails at once; the file is opened again at
  // the first read (see next()).
  const std::string path = spool_segment_path(directory, from.segment);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::not_found("spool segment " + path + ": cannot open: " + errno_text());
  Status header = check_segment_header(fd, path, from.segment);
  ::close(fd);
  OMSQL_RETURN_IF_ERROR(header);
  return std::unique_ptr<SpoolReader>(new SpoolReader(directory, from));
}

Status SpoolReader::open_segment(uint64_t id) {
  const std::string path = spool_segment_path(directory_, id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::not_found("spool segment " + path + ": cannot open: " + errno_text());
  if (Status header = check_segment_header(fd, path, id); !header) {
    ::close(fd);
    return header;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  fd_segment_ = id;
  buffer_.clear();
  buffer_offset_ = 0;
  return Status::ok();
}

Status SpoolReader::read_at(uint64_t offset, char* out, size_t size, uint64_t readable, size_t* got) {
  *got = 0;
  while (*got < size) {
    const uint64_t at = offset + *got;
    const size_t want = size - *got;
    if (at >= buffer_offset_ && at < buffer_offset_ + buffer_.size()) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(want, buffer_offset_ + buffer_.size() - at));
      std::memcpy(out + *got, buffer_.data() + (at - buffer_offset_), n);
      *got += n;
      continue;
    }
    // A large payload goes straight to `out`; small records share one read ahead, up to the limit.
    const bool direct = want >= kReadBytes || at >= readable;
    char* into = out + *got;
    size_t ask = want;
    if (!direct) {
      ask = static_cast<size_t>(std::min<uint64_t>(kReadBytes, readable - at));
      buffer_.resize(ask);
      into = buffer_.data();
    }
    ssize_t n;
    do n = ::pread(fd_, into, ask, static_cast<off_t>(at));
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      buffer_.clear();
      return Status::io_error("spool segment " + spool_segment_path(directory_, fd_segment_) + ": read failed: " +
                              errno_text());
    }
    if (direct) {
      *got += static_cast<size_t>(n);
    } else {
      buffer_.resize(static_cast<size_t>(n));
      buffer_offset_ = at;
    }
    if (n == 0) break;  // the end of what is in the file
  }
  return Status::ok();
}

Result<std::optional<SpoolRecord>> SpoolReader::next(SpoolPosition limit) {
  while (true) {
    if (position_ >= limit) return std::optional<SpoolRecord>();
    if (fd_segment_ != position_.segment) OMSQL_RETURN_IF_ERROR(open_segment(position_.segment));
    // A limit in a later segment means this one is complete (the writer fsyncs a segment before it
    // creates the next): all of it may be read. In this segment, only what lies before the limit.
    const bool later_limit = limit.segment > position_.segment;
    const uint64_t readable = later_limit ? UINT64_MAX : limit.offset;
    const std::string path = spool_segment_path(directory_, position_.segment);
    char header[kRecordHeaderSize];
    size_t got = 0;
    OMSQL_RETURN_IF_ERROR(read_at(position_.offset, header, kRecordHeaderSize, readable, &got));
    bool complete = got == kRecordHeaderSize;
    uint32_t length = 0;
    if (complete) {
      length = static_cast<uint32_t>(get_le(header, 4));
      if (length > kMaxRecordBytes)
        return Status::corruption("spool segment " + path + ": corrupt record at offset " + std::to_string(position_.offset) +
                                  " (length " + std::to_string(length) + ")");
      payload_.resize(length);
      size_t payload_got = 0;
      OMSQL_RETURN_IF_ERROR(read_at(position_.offset + kRecordHeaderSize, payload_.data(), length, readable, &payload_got));
      complete = payload_got == length;
    }
    if (!complete) {
      struct stat st;
      if (got == 0 && (limit.segment != UINT64_MAX ? later_limit
                                                   : ::stat(spool_segment_path(directory_, position_.segment + 1).c_str(), &st) == 0)) {
        // This segment is complete and the next one exists: move on.
        position_ = {position_.segment + 1, kHeaderSize};
        continue;
      }
      if (later_limit && limit.segment != UINT64_MAX)  // waiting would wait forever: the segment is done
        return Status::corruption("spool segment " + path + ": record at offset " + std::to_string(position_.offset) +
                                  " is cut short, but the segment is complete (a later one holds synced records)");
      // Not written yet (or a torn tail the writer will cut): try again later from the same place.
      return std::optional<SpoolRecord>();
    }
    if (record_checksum(payload_.data(), length) != get_le(header + 4, 8))
      return Status::corruption("spool segment " + path + ": corrupt record at offset " + std::to_string(position_.offset) +
                                " (checksum mismatch)");
    auto event = spool::decode_event(payload_);
    if (!event)
      return Status::corruption("spool segment " + path + ": record at offset " + std::to_string(position_.offset) + ": " +
                                event.status().message());
    SpoolRecord record{std::move(event).value(), position_, {}};
    position_.offset += kRecordHeaderSize + length;
    record.next = position_;
    return std::optional<SpoolRecord>(std::move(record));
  }
}

}  // namespace omsql
