#pragma once
// Bounds-checked little/big-endian reads over one binlog event. Every read reports failure instead
// of running past the end, so a truncated or hostile event becomes a Corruption status, never a crash.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace omsql::binlog_internal {

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : data_(reinterpret_cast<const uint8_t*>(bytes.data())), size_(bytes.size()) {}

  size_t remaining() const { return size_ - at_; }
  size_t offset() const { return at_; }
  bool skip(size_t n) {
    if (remaining() < n) return false;
    at_ += n;
    return true;
  }
  // Little-endian unsigned of `n` (1..8) bytes.
  bool le(size_t n, uint64_t* v) {
    if (remaining() < n) return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; ++i) x |= static_cast<uint64_t>(data_[at_ + i]) << (8 * i);
    at_ += n;
    *v = x;
    return true;
  }
  // Big-endian unsigned of `n` (1..8) bytes.
  bool be(size_t n, uint64_t* v) {
    if (remaining() < n) return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; ++i) x = (x << 8) | data_[at_ + i];
    at_ += n;
    *v = x;
    return true;
  }
  bool u8(uint8_t* v) {
    if (remaining() < 1) return false;
    *v = data_[at_++];
    return true;
  }
  // A view of the next `n` bytes.
  bool bytes(size_t n, std::string_view* out) {
    if (remaining() < n) return false;
    *out = std::string_view(reinterpret_cast<const char*>(data_ + at_), n);
    at_ += n;
    return true;
  }
  // MySQL length-encoded integer (1, 3, 4 or 9 bytes).
  bool lenenc(uint64_t* v) {
    uint8_t first;
    if (!u8(&first)) return false;
    if (first < 0xfb) {
      *v = first;
      return true;
    }
    if (first == 0xfc) return le(2, v);
    if (first == 0xfd) return le(3, v);
    if (first == 0xfe) return le(8, v);
    return false;  // 0xfb (NULL) and 0xff are not lengths
  }
  const uint8_t* current() const { return data_ + at_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

}  // namespace omsql::binlog_internal
