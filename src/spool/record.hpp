#pragma once
// The spool's record payload: a compact binary form of one binlog Event (transaction markers,
// rows events, DDL statements, heartbeats) with its BinlogPosition. Integers are little-endian
// varints, strings are varint-length-prefixed, cells use Cell::append_canonical.
#include <string>
#include <string_view>

#include "src/engine/mysql/binlog/event.hpp"
#include "src/common/status.hpp"

namespace omsql::spool {

// Appends the encoding of `event` to `out`.
void encode_event(const Event& event, std::string* out);
// Decodes one payload written by encode_event; Corruption when it is malformed.
Result<Event> decode_event(std::string_view payload);

}  // namespace omsql::spool
