// The information_schema row parsers (no server): extreme and malformed values are a Status, never
// an exception. Table-driven edge cases, then random rows (a fixed seed, so a failure reproduces).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "src/engine/mysql/mysql_catalog.hpp"

using namespace omsql;
using namespace omsql::catalog_rows;

namespace {

Row table_row(std::optional<std::string> auto_increment, std::optional<std::string> rows = "0") {
  return {"db", "t", "InnoDB", "latin1_swedish_ci", "", std::move(auto_increment), std::move(rows), "16384", ""};
}

Row column_row(std::optional<std::string> ordinal, std::optional<std::string> length,
               std::optional<std::string> precision) {
  return {"db", "t", "c", std::move(ordinal), "NULL", "YES", "varchar", std::move(length), std::move(precision),
          std::nullopt, std::nullopt, "utf8mb4", "utf8mb4_general_ci", "varchar(10)", "", "", std::nullopt};
}

}  // namespace

TEST_CASE("AUTO_INCREMENT past INT64_MAX (BIGINT UNSIGNED) is read exactly") {
  auto t = table_from_row(table_row("18446744073709551000"));
  REQUIRE(t);
  CHECK(t->auto_increment == 18446744073709551000ull);
  CHECK(t->charset == "latin1");
  auto max = table_from_row(table_row("18446744073709551615"));
  REQUIRE(max);
  CHECK(max->auto_increment == 18446744073709551615ull);
  auto none = table_from_row(table_row(std::nullopt));
  REQUIRE(none);
  CHECK(!none->auto_increment);
}

TEST_CASE("numbers out of range or malformed are errors naming the table or column and the field") {
  struct Case {
    Row row;
    const char* message;
  };
  const std::vector<Case> table_cases = {
      {table_row("18446744073709551616"), "table db.t AUTO_INCREMENT: value 18446744073709551616 is out of range"},
      {table_row("-1"), "table db.t AUTO_INCREMENT: '-1' is negative"},
      {table_row("12abc"), "table db.t AUTO_INCREMENT: '12abc' is not an integer"},
      {table_row(" 1"), "is not an integer"},
      {table_row("1", "1e9"), "table db.t TABLE_ROWS: '1e9' is not an integer"},
      {Row{"db", "t"}, "information_schema.TABLES returned a row of 2 columns, 9 expected"},
  };
  for (const auto& c : table_cases) {
    auto t = table_from_row(c.row);
    REQUIRE(!t);
    CHECK_MESSAGE(t.status().message().find(c.message) != std::string::npos, t.status().message());
  }
  const std::vector<Case> column_cases = {
      {column_row("99999999999", "10", std::nullopt), "column db.t.c ORDINAL_POSITION: value 99999999999 is out of range"},
      {column_row("1", "99999999999999999999", std::nullopt), "column db.t.c CHARACTER_MAXIMUM_LENGTH: value"},
      {column_row("1", "10", "x"), "column db.t.c NUMERIC_PRECISION: 'x' is not an integer"},
      {Row{}, "information_schema.COLUMNS returned a row of 0 columns, 17 expected"},
  };
  for (const auto& c : column_cases) {
    auto col = column_from_row(c.row, false);
    REQUIRE(!col);
    CHECK_MESSAGE(col.status().message().find(c.message) != std::string::npos, col.status().message());
  }
  auto stat = statistics_from_row({"db", "t", "ix", "1", "1", "c", "-", std::nullopt, "BTREE", ""});
  REQUIRE(!stat);
  CHECK(stat.status().message().find("index db.t.ix SUB_PART: '-' is not an integer") != std::string::npos);
  auto longtext = column_from_row(column_row("3", "4294967295", std::nullopt), false);
  REQUIRE(longtext);
  CHECK(longtext->char_max_length == 4294967295);
}

TEST_CASE("random information_schema values never throw") {
  std::mt19937_64 random(13);
  const std::vector<std::string> pieces = {"",  "0", "1", "-", "+", "9", "18446744073709551615", "9223372036854775808",
                                           "-9223372036854775809", " ", "e", "x", "\x00", "\xff", "_", ".5", "utf8mb4_bin"};
  auto value = [&]() -> std::optional<std::string> {
    if (random() % 6 == 0) return std::nullopt;
    std::string out;
    for (int n = static_cast<int>(random() % 4); n >= 0; --n) out += pieces[random() % pieces.size()];
    return out;
  };
  auto row = [&](size_t width) {
    Row r;
    size_t n = random() % 5 == 0 ? random() % (width + 2) : width;  // sometimes short or long
    for (size_t i = 0; i < n; ++i) r.push_back(value());
    return r;
  };
  int parsed = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    bool t = false, c = false, s = false;
    REQUIRE_NOTHROW(t = table_from_row(row(9)).is_ok());
    REQUIRE_NOTHROW(c = column_from_row(row(17), i % 2 == 0).is_ok());
    REQUIRE_NOTHROW(s = statistics_from_row(row(i % 3 == 0 ? 11 : 10)).is_ok());
    ColumnDef geometry;
    REQUIRE_NOTHROW((void)apply_srs_id(row(4), geometry));
    for (bool ok : {t, c, s}) (ok ? parsed : refused)++;
  }
  CHECK(parsed > 1000);   // the generator reaches valid rows...
  CHECK(refused > 1000);  // ...and malformed ones
}

TEST_CASE("UNSIGNED is read as a word of COLUMN_TYPE after the type, not inside an ENUM's values") {
  auto with_type = [](std::string type) {
    Row r = column_row("1", std::nullopt, std::nullopt);
    r[13] = std::move(type);
    return r;
  };
  const std::pair<const char*, bool> cases[] = {
      {"bigint(20) unsigned", true},
      {"int(10) unsigned zerofill", true},
      {"double unsigned", true},
      {"decimal(10,2) UNSIGNED", true},
      {"bigint(20)", false},
      {"enum('x unsigned','y')", false},         // the value, not the attribute
      {"set('a','it''s unsigned')", false},
      {"enum('a)',' unsigned')", false},          // a parenthesis inside a value does not end the list
      {"varchar(10)", false},
      {"unsignedx", false},
  };
  for (const auto& [type, is_unsigned] : cases) {
    CAPTURE(type);
    auto col = column_from_row(with_type(type), false);
    REQUIRE(col);
    CHECK(col->is_unsigned == is_unsigned);
  }
}

TEST_CASE("an index's hidden word (IGNORED / INVISIBLE) and MySQL 8's SRS_ID are read, anything else refused") {
  auto stat = statistics_from_row({"db", "t", "ix", "1", "1", "c", std::nullopt, "A", "BTREE", "", "IGNORED"});
  REQUIRE(stat);
  CHECK(stat->index.hidden_as == "IGNORED");
  stat = statistics_from_row({"db", "t", "ix", "1", "1", "c", std::nullopt, "A", "BTREE", "", "INVISIBLE"});
  REQUIRE(stat);
  CHECK(stat->index.hidden_as == "INVISIBLE");
  stat = statistics_from_row({"db", "t", "ix", "1", "1", "c", std::nullopt, "A", "BTREE", ""});  // server without it
  REQUIRE(stat);
  CHECK(stat->index.hidden_as.empty());
  stat = statistics_from_row({"db", "t", "ix", "1", "1", "c", std::nullopt, "A", "BTREE", "", "YES"});
  REQUIRE(!stat);
  CHECK(stat.status().message().find("index db.t.ix: unexpected visibility 'YES'") != std::string::npos);

  ColumnDef g;
  REQUIRE(apply_srs_id({"db", "t", "g", "4326"}, g));
  CHECK(g.srid == 4326u);
  CHECK(g.srid_enforced);
  ColumnDef flat;
  REQUIRE(apply_srs_id({"db", "t", "g", "0"}, flat));
  CHECK(flat.srid == 0u);
  CHECK(flat.srid_enforced);
  ColumnDef none;
  REQUIRE(apply_srs_id({"db", "t", "g", std::nullopt}, none));
  CHECK_FALSE(none.srid);
  CHECK_FALSE(none.srid_enforced);
  ColumnDef bad;
  Status too_big = apply_srs_id({"db", "t", "g", "4294967296"}, bad);
  REQUIRE(!too_big);
  CHECK(too_big.message().find("column db.t.g SRS_ID: '4294967296' is not an SRID") != std::string::npos);
}
