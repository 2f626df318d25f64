#include "src/copy/types.hpp"

namespace omsql::copy {

const char* wire_format_name(WireFormat format) {
  switch (format) {
    case WireFormat::kLoadData: return "LOAD DATA";
    case WireFormat::kInsertValues: return "INSERT";
  }
  return "?";
}

}  // namespace omsql::copy
