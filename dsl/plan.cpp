#include "dsl/plan.hpp"

namespace omsql {

const char* dialect_name(Dialect d) {
  switch (d) {
    case Dialect::kMysql: return "mysql";
    case Dialect::kOceanBase: return "oceanbase";
  }
  return "?";
}

}  // namespace omsql
