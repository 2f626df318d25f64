// The samples the docs cite compile as the docs say: samples/bad.omsql gives exactly the errors
// docs/language.md shows under "Errors"; the good samples compile.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "dsl/compiler.hpp"

using namespace omsql::dsl;

namespace {

std::string source_root() {
  const char* root = std::getenv("OMSQL_SOURCE_ROOT");
  REQUIRE_MESSAGE(root != nullptr, "OMSQL_SOURCE_ROOT is set by meson test");
  return root;
}

std::string read(const std::string& relative) {
  std::ifstream in(source_root() + "/" + relative, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("samples/bad.omsql gives the errors docs/language.md shows") {
  const std::string doc = read("docs/language.md");
  const std::string marker = "<!-- samples/bad.omsql -->\n```\n";
  size_t start = doc.find(marker);
  REQUIRE(start != std::string::npos);
  start += marker.size();
  size_t end = doc.find("\n```", start);
  REQUIRE(end != std::string::npos);
  const std::string documented = doc.substr(start, end - start);

  auto outcome = compile_script(read("samples/bad.omsql"), "samples/bad.omsql");
  std::string actual;
  for (const auto& d : outcome.diagnostics) actual += (actual.empty() ? "" : "\n") + d.format();
  CHECK(actual == documented);
}

TEST_CASE("the good samples compile") {
  setenv("OMSQL_SRC_PORT", "3306", 0);
  setenv("OMSQL_TGT_PORT", "3307", 0);
  for (const char* sample : {"samples/quickstart.omsql", "samples/shop.omsql"}) {
    CAPTURE(sample);
    auto outcome = compile_script(read(sample), sample);
    for (const auto& d : outcome.diagnostics) MESSAGE(d.format());
    CHECK(outcome.ok());
  }
}
