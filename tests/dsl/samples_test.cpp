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

// The seed holds 4-byte UTF-8 ('Ana 🌍'): loaded by a client with its default character set
// (latin1 under LANG=C, utf8mb3 under C.UTF-8 for the 10.11 client) it would be double-encoded or
// refused unless the file says SET NAMES utf8mb4 before its first non-ASCII byte.
TEST_CASE("samples/seed/quickstart.sql sets its character set before any non-ASCII text") {
  const std::string seed = read("samples/seed/quickstart.sql");
  size_t first_non_ascii = 0;
  while (first_non_ascii < seed.size() && static_cast<unsigned char>(seed[first_non_ascii]) < 0x80) ++first_non_ascii;
  REQUIRE(first_non_ascii < seed.size());  // the seed does carry non-ASCII values
  size_t set_names = seed.find("\nSET NAMES utf8mb4;");
  REQUIRE(set_names != std::string::npos);
  CHECK(set_names < first_non_ascii);
}
