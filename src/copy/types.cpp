#include "src/copy/types.hpp"

namespace omsql::copy {

const char* wire_format_name(WireFormat format) {
  switch (format) {
    case WireFormat::kLoadData: return "LOAD DATA";
    case WireFormat::kInsertValues: return "INSERT";
  }
  return "?";
}

WireFormat wire_format_for(const Endpoint& target) {
  // Every OceanBase version: before 4.2.2 there is no LOAD DATA LOCAL at all (docs/dialects.md).
  return target.dialect == Dialect::kOceanBase ? WireFormat::kInsertValues : kDefaultWireFormat;
}

}  // namespace omsql::copy
