#pragma once
#include <cstdint>
// Small string helpers shared by every stage.
#include <string>
#include <string_view>
#include <vector>

namespace omsql {

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
// Glob match where '*' matches any run of characters and '?' one character; case-insensitive
// when `case_insensitive` (MariaDB table names are case-sensitive on Linux by default).
bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive = false);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// "12.3 MB" (MiB, one decimal), for messages about sizes.
std::string megabytes(uint64_t bytes);

}  // namespace omsql
