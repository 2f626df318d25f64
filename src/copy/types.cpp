#include "src/copy/types.hpp"

namespace omsql::copy {

const char* wire_format_name(WireFormat format) {
  switch (format) {
    case WireFormat::kLoadData: return "LOAD DATA";
    case WireFormat::kInsertValues: return "INSERT";
    case WireFormat::kLoadDataIgnore: return "LOAD DATA IGNORE";
  }
  return "?";
}

WireFormat wire_format_for(Dialect dialect, const std::optional<TargetVersion>& declared,
                           const std::optional<TargetVersion>& reported) {
  if (dialect != Dialect::kOceanBase) return kDefaultWireFormat;
  // Before 4.2.2 there is no LOAD DATA LOCAL at all (docs/dialects.md): a statement that fails on
  // the first batch. Both versions must allow it, so a declaration the server contradicts (pre-flight
  // warns) cannot pick a path the server lacks, nor an undeclared one a path the rules did not assume.
  const bool known = declared || reported;
  const bool allowed = (!declared || declared->at_least(4, 2, 2)) && (!reported || reported->at_least(4, 2, 2));
  return known && allowed ? WireFormat::kLoadDataIgnore : WireFormat::kInsertValues;
}

WireFormat wire_format_for(const Endpoint& target) {
  return wire_format_for(target.dialect, target.version, target.reported_version);
}

}  // namespace omsql::copy
