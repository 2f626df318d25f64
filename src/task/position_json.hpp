#pragma once
// Source positions in the task directory's JSON files (state.json and the others): written in
// SourcePosition's own form (src/model/source_position.hpp), read in it or in the form those files
// had before the opaque position, a MySQL-family binlog position {"file", "offset", "gtid"}
// (or state.json's flat start_binlog_file/start_binlog_offset/start_gtid). A task directory
// written by an older omsql resumes; its next save writes the new form.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "src/common/status.hpp"
#include "src/model/source_position.hpp"

namespace omsql {

nlohmann::json position_json(const SourcePosition& position);

// `j` in the new form or the old binlog form ({"file","offset"} with an optional "gtid"; file
// and gtid as text or {"hex": ...}, as the schema history kept them). Corruption naming `where`.
Result<SourcePosition> position_from_json(const nlohmann::json& j, const std::string& where);

// position_from_json for the readers that parse a whole file inside one try block (their JSON
// errors are exceptions too): std::runtime_error with the Corruption's message.
SourcePosition position_from_json_or_throw(const nlohmann::json& j, const std::string& where);

// The old flat form: a binlog file, an offset and an optional GTID as a MySQL-family position.
// Corruption naming `where` for a file name no server writes.
Result<SourcePosition> position_from_binlog_fields(const std::string& file, uint64_t offset, const std::string& gtid,
                                                  const std::string& where);

}  // namespace omsql
