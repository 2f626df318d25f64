#pragma once
// Column types as CAST rules name them: the script's spelling normalised, the known base types,
// and whether a source column is of the type a CAST's from-type names. The checker (dsl/) validates
// CASTs with them; bind_table (src/model/table_binding.hpp) applies them.
#include <string>
#include <string_view>

#include "src/catalog/table_def.hpp"

namespace omsql {

// Lower case, single spaces, no spaces around parentheses and commas: "TINYINT( 1 )" -> "tinyint(1)".
std::string normalize_type(std::string_view type);
bool is_known_type(std::string_view normalized_type);
// Whether a source column of this type is what a CAST rule's from-type names.
bool type_matches(std::string_view normalized_from_type, const ColumnDef& column);

}  // namespace omsql
