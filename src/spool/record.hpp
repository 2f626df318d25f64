#pragma once
// The spool's record payload: a compact binary form of one binlog Event (transaction markers,
// rows events, DDL statements, heartbeats) with its position. Integers are little-endian
// varints, strings are varint-length-prefixed, cells use Cell::append_canonical.
//
//   version (1 byte) | event kind (1 byte) | position | the kind's fields
//
// Version 3 keeps the position as an opaque SourcePosition (src/model/source_position.hpp,
// append_source_position: engine, order key, payload); versions 1 and 2, written before it, as a
// MySQL-family binlog position (file, offset, gtid), still read. Version 2 added a DDL's time and
// time_zone (version 1 DDL records read them as unknown).
#include <string>
#include <string_view>

#include "src/engine/change_event.hpp"
#include "src/common/status.hpp"

namespace omsql::spool {

// Appends the encoding of `event` to `out`.
void encode_event(const Event& event, std::string* out);
// Decodes one payload written by encode_event; Corruption when it is malformed.
Result<Event> decode_event(std::string_view payload);

}  // namespace omsql::spool
