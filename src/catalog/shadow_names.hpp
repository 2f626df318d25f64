#pragma once
// The databases the live link's ShadowSchema creates on the target for one DDL evaluation and drops
// after it (src/engine/mysql/shadow_schema.hpp). They are system schemas (is_system_schema): no
// MIGRATE pattern takes them, no catalog listing shows them.
#include <string_view>

namespace omsql {

inline constexpr std::string_view kShadowSchemaPrefix = "omsql_shadow_";
// A name kShadowSchemaPrefix begins, any case, with something after it.
bool is_shadow_schema(std::string_view schema);

}  // namespace omsql
