#pragma once
// TableDef as JSON, losslessly: every field of src/catalog/table_def.hpp, unset optionals as null,
// so table_def_from_json(to_json(d)) == d. For the task's schema history (src/task/schema_history.hpp)
// and anything else that keeps a definition on disk. A text that is not valid UTF-8 (a binary
// column's default) is kept as {"hex": "..."}, since JSON strings cannot hold it.
#include <nlohmann/json.hpp>

#include "src/catalog/table_def.hpp"
#include "src/common/status.hpp"

namespace omsql {

nlohmann::json to_json(const TableDef& table);
nlohmann::json to_json(const QualifiedName& name);  // ["schema", "table"]
// kCorruption naming the field when a member is missing or of the wrong type.
Result<TableDef> table_def_from_json(const nlohmann::json& j);
Result<QualifiedName> qualified_name_from_json(const nlohmann::json& j);

// One text as to_json keeps it (a string, or {"hex": ...} when not valid UTF-8), and back
// (throws nlohmann::json::exception or std::invalid_argument on a damaged value).
nlohmann::json text_json(const std::string& text);
std::string text_from_json(const nlohmann::json& j);

}  // namespace omsql
