#pragma once
// The version of the target server the dialect rules are written for: OceanBase 4.x features come and
// go by minor version (LOAD DATA LOCAL from 4.2.2, FULLTEXT from 4.3.1, ...), so the script declares
// it (`TARGET oceanbase '...' VERSION '4.2.1'`) and pre-flight compares it with what the server says.
// Plain data and pure parsing: the DSL checker, the DDL rules and pre-flight share it.
#include <array>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace omsql {

struct TargetVersion {
  std::array<int, 4> parts{0, 0, 0, 0};  // major.minor.patch.build; missing parts are 0
  std::string text;                      // as written or reported ("4.2.1", "4.2.1.2")

  // True when this version is `major.minor.patch` or later.
  bool at_least(int major, int minor, int patch = 0) const {
    return std::array<int, 3>{parts[0], parts[1], parts[2]} >= std::array<int, 3>{major, minor, patch};
  }
  friend bool operator==(const TargetVersion& a, const TargetVersion& b) { return a.parts == b.parts; }
  friend auto operator<=>(const TargetVersion& a, const TargetVersion& b) { return a.parts <=> b.parts; }
};

// "4.2.1", "4.2.1.2" (two to four dot-separated numbers) -> the version; nullopt for anything else.
std::optional<TargetVersion> parse_version_number(std::string_view text);

// The OceanBase version inside VERSION()'s answer: "5.7.25-OceanBase_CE-v4.2.1.2" or
// "5.7.25-OceanBase-v4.3.5.1" -> 4.2.1.2 / 4.3.5.1; nullopt when the text names no OceanBase version.
std::optional<TargetVersion> oceanbase_version_of(std::string_view server_version);

}  // namespace omsql
