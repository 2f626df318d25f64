#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include "src/engine/cell.hpp"

using namespace omsql;

TEST_CASE("to_sql_literal gives exact literals for every kind") {
  CHECK(Cell::null().to_sql_literal() == "NULL");
  CHECK(Cell::signed_integer(INT64_MIN).to_sql_literal() == "-9223372036854775808");
  CHECK(Cell::unsigned_integer(UINT64_MAX).to_sql_literal() == "18446744073709551615");
  CHECK(Cell::float_value(FLT_MAX).to_sql_literal() == "3.40282347e+38");
  CHECK(Cell::float_value(-FLT_MIN).to_sql_literal() == "-1.17549435e-38");
  CHECK(Cell::double_value(DBL_MAX).to_sql_literal() == "1.7976931348623157e+308");
  CHECK(Cell::double_value(0.5).to_sql_literal() == "0.5e0");
  CHECK(Cell::double_value(-0.0).to_sql_literal() == "-0e0");
  CHECK(Cell::double_value(std::nan("")).to_sql_literal() == "NULL");
  CHECK(Cell::decimal("-0.000000000000000000000000000001").to_sql_literal() == "-0.000000000000000000000000000001");
  CHECK(Cell::bytes("").to_sql_literal() == "''");
  CHECK(Cell::bytes(std::string("\0'\\", 3)).to_sql_literal() == "X'00275C'");
  CHECK(Cell::temporal("-838:59:59.000000").to_sql_literal() == "'-838:59:59.000000'");
  CHECK(Cell::bit(5).to_sql_literal() == "5");
  CHECK(Cell::enum_index(2).to_sql_literal() == "2");
  CHECK(Cell::set_mask(6).to_sql_literal() == "6");
}

TEST_CASE("canonical bytes round-trip and tell kinds apart") {
  std::vector<Cell> cells = {Cell::null(), Cell::signed_integer(-1), Cell::unsigned_integer(UINT64_MAX),
                             Cell::float_value(1.25f), Cell::double_value(-2.5), Cell::decimal("1.50"),
                             Cell::bytes(std::string("a\0b", 3)), Cell::temporal("2024-01-01"), Cell::bit(3),
                             Cell::enum_index(1), Cell::set_mask(1)};
  std::string all;
  for (const Cell& cell : cells) cell.append_canonical(all);
  size_t offset = 0;
  for (const Cell& cell : cells) {
    Cell back;
    REQUIRE(Cell::read_canonical(all.data(), all.size(), &offset, &back));
    CHECK(back == cell);
  }
  CHECK(offset == all.size());
  // Same value, different kind: different bytes (a hash over them tells them apart).
  std::string a, b;
  Cell::signed_integer(1).append_canonical(a);
  Cell::unsigned_integer(1).append_canonical(b);
  CHECK(a != b);
  // Truncated input is refused.
  Cell out;
  size_t at = 1;  // the BIGINT -1 cell needs 9 bytes
  CHECK(!Cell::read_canonical(all.data(), 5, &at, &out));
}
