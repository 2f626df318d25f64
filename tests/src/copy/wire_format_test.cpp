// The copy's wire format by target dialect and version (copy::wire_format_for): OceanBase has no
// LOAD DATA LOCAL before 4.2.2 and loads it with IGNORE from 4.2.2, so INSERT unless every version
// known (the declared VERSION, the one VERSION() reported) is 4.2.2 or later.
#include <doctest/doctest.h>

#include "src/copy/types.hpp"
#include "src/model/target_version.hpp"

using namespace omsql;
using copy::WireFormat;

namespace {

std::optional<TargetVersion> v(const char* text) { return parse_version_number(text); }

}  // namespace

TEST_CASE("wire format: MariaDB/MySQL always LOAD DATA, whatever a version says") {
  CHECK(copy::wire_format_for(Dialect::kMysql, std::nullopt, std::nullopt) == WireFormat::kLoadData);
  CHECK(copy::wire_format_for(Dialect::kMysql, v("4.2.1"), std::nullopt) == WireFormat::kLoadData);
}

TEST_CASE("wire format: OceanBase by declared and reported version") {
  struct Case {
    const char* declared;  // nullptr: no VERSION in the script
    const char* reported;  // nullptr: VERSION() named no OceanBase version (or no server: check, plan --sql)
    WireFormat expected;
  };
  const Case cases[] = {
      {nullptr, nullptr, WireFormat::kInsertValues},           // nothing known: the oldest 4.x
      {"4.2.1", nullptr, WireFormat::kInsertValues},           // no LOAD DATA LOCAL yet
      {"4.2.1.9", nullptr, WireFormat::kInsertValues},
      {"4.2.2", nullptr, WireFormat::kLoadDataIgnore},         // LOCAL exists, IGNORE implied
      {"4.3.5.1", nullptr, WireFormat::kLoadDataIgnore},
      {nullptr, "4.2.1.0", WireFormat::kInsertValues},
      {nullptr, "4.2.2.0", WireFormat::kLoadDataIgnore},       // undeclared: the server's word
      {"4.2.2", "4.2.1.2", WireFormat::kInsertValues},         // the server lacks what the script claims
      {"4.2.1", "4.3.1.0", WireFormat::kInsertValues},         // the script asks for the older path
      {"4.3.1", "4.3.1.0", WireFormat::kLoadDataIgnore},
      {"4.1", nullptr, WireFormat::kInsertValues},
      {"5.0", nullptr, WireFormat::kLoadDataIgnore},
  };
  for (const auto& c : cases) {
    CAPTURE(c.declared ? c.declared : "-");
    CAPTURE(c.reported ? c.reported : "-");
    auto declared = c.declared ? v(c.declared) : std::nullopt;
    auto reported = c.reported ? v(c.reported) : std::nullopt;
    CHECK(copy::wire_format_for(Dialect::kOceanBase, declared, reported) == c.expected);
    Endpoint target;
    target.dialect = Dialect::kOceanBase;
    target.version = declared;
    target.reported_version = reported;
    CHECK(copy::wire_format_for(target) == c.expected);
  }
}

TEST_CASE("wire format: the version VERSION() reports, as pre-flight reads it") {
  auto reported = oceanbase_version_of("5.7.25-OceanBase-v4.2.1.0");
  REQUIRE(reported);
  CHECK(copy::wire_format_for(Dialect::kOceanBase, std::nullopt, reported) == WireFormat::kInsertValues);
  reported = oceanbase_version_of("5.7.25-OceanBase_CE-v4.2.2.1");
  REQUIRE(reported);
  CHECK(copy::wire_format_for(Dialect::kOceanBase, std::nullopt, reported) == WireFormat::kLoadDataIgnore);
  // The MariaDB sandbox standing in for the target names no OceanBase version: nothing reported.
  CHECK_FALSE(oceanbase_version_of("10.11.6-MariaDB-log"));
  CHECK(copy::wire_format_for(Dialect::kOceanBase, v("4.2.2"), oceanbase_version_of("10.11.6-MariaDB-log")) ==
        WireFormat::kLoadDataIgnore);
}

TEST_CASE("wire format names and which formats are LOAD DATA text") {
  CHECK(std::string(copy::wire_format_name(WireFormat::kLoadDataIgnore)) == "LOAD DATA IGNORE");
  CHECK(copy::is_load_data(WireFormat::kLoadData));
  CHECK(copy::is_load_data(WireFormat::kLoadDataIgnore));
  CHECK_FALSE(copy::is_load_data(WireFormat::kInsertValues));
}
