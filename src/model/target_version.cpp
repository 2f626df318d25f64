#include "src/model/target_version.hpp"

#include <cctype>

namespace omsql {

std::optional<TargetVersion> parse_version_number(std::string_view text) {
  TargetVersion version;
  version.text = std::string(text);
  size_t part = 0, i = 0;
  while (true) {
    if (part >= version.parts.size() || i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i])))
      return std::nullopt;
    int value = 0;
    size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (++digits > 6) return std::nullopt;  // no real version part is that long; keeps `value` in range
      value = value * 10 + (text[i++] - '0');
    }
    version.parts[part++] = value;
    if (i == text.size()) break;
    if (text[i++] != '.') return std::nullopt;
  }
  if (part < 2) return std::nullopt;
  return version;
}

std::optional<TargetVersion> oceanbase_version_of(std::string_view server_version) {
  size_t at = server_version.find("OceanBase");
  if (at == std::string_view::npos) return std::nullopt;
  size_t v = server_version.find("-v", at);
  if (v == std::string_view::npos) return std::nullopt;
  size_t begin = v + 2, end = begin;
  while (end < server_version.size() &&
         (std::isdigit(static_cast<unsigned char>(server_version[end])) || server_version[end] == '.'))
    ++end;
  while (end > begin && server_version[end - 1] == '.') --end;
  return parse_version_number(server_version.substr(begin, end - begin));
}

}  // namespace omsql
