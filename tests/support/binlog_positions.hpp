#pragma once
// MySQL-family source positions for tests: the opaque SourcePosition of a binlog file:offset
// (and GTID state), and its parts read back, for tests that check what the binlog side keeps.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "src/engine/mysql/binlog/position.hpp"


namespace omsql::test {

inline SourcePosition binlog_at(const std::string& file, uint64_t offset, const std::string& gtid = "") {
  return to_source_position(BinlogPosition{file, offset, gtid});
}

// REQUIRES: `position` is a MySQL-family position (else std::logic_error, which fails the test).
inline BinlogPosition binlog_of(const SourcePosition& position) {
  auto binlog = to_binlog_position(position);
  if (!binlog) throw std::logic_error(binlog.status().message());
  return std::move(binlog).value();
}
inline uint64_t offset_of(const SourcePosition& position) { return binlog_of(position).offset; }
inline std::string gtid_of(const SourcePosition& position) { return binlog_of(position).gtid; }

}  // namespace omsql::test
