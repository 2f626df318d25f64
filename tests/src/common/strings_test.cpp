#include <doctest/doctest.h>

#include "src/common/strings.hpp"

using omsql::glob_match;

TEST_CASE("glob_match follows shell-style wildcards") {
  struct Case { const char* pattern; const char* text; bool match; };
  const Case cases[] = {
      {"*", "", true},          {"*", "orders", true},     {"tmp_*", "tmp_1", true},
      {"tmp_*", "tmp", false},  {"t?p", "tip", true},      {"t?p", "tp", false},
      {"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false},  {"orders", "Orders", false},
      {"*_log", "audit_log", true}, {"**x", "x", true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.text);
    CHECK(glob_match(c.pattern, c.text) == c.match);
  }
  CHECK(glob_match("orders", "Orders", true));
}
