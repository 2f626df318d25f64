// The one key-range SQL builder, on exact strings: every stage's ranges and lookups come from here.
#include <doctest/doctest.h>

#include "src/sql/key_range.hpp"

using namespace omsql::sql;

namespace {
KeyPart number(const char* lhs) { return {lhs, LiteralForm::kNumber, "", ""}; }
KeyPart text(const char* lhs) { return {lhs, LiteralForm::kText, "", ""}; }
KeyPart string(const char* lhs, const char* charset, const char* collation = "") {
  return {lhs, LiteralForm::kString, charset, collation};
}
KeyPart binary(const char* lhs) { return {lhs, LiteralForm::kBinary, "", ""}; }
}  // namespace

TEST_CASE("key literals by form") {
  CHECK(key_literal(number("`id`"), "18446744073709551615") == "18446744073709551615");
  CHECK(key_literal(number("`d`"), "-12.50") == "-12.50");
  CHECK(key_literal(number("`f`"), "1.5e-7") == "1.5e-7");
  // Not decimal text: never pasted bare into SQL.
  CHECK(key_literal(number("`id`"), "1; DROP") == "X'313B2044524F50'");
  CHECK(key_literal(number("`id`"), "") == "X''");
  CHECK(key_literal(text("`t`"), "2026-12-01 10:00:00.123456") == "'2026-12-01 10:00:00.123456'");
  CHECK(key_literal(text("`t`"), "it's") == "X'69742773'");
  CHECK(key_literal(text("`t`"), "a\\b") == "X'615C62'");
  CHECK(key_literal(string("`s`", "utf8mb4", "utf8mb4_unicode_ci"), "K\xc3\xb6ln") ==
        "_utf8mb4 X'4BC3B66C6E' COLLATE utf8mb4_unicode_ci");
  CHECK(key_literal(string("`s`", "latin1"), "") == "_latin1 X''");
  CHECK(key_literal(binary("`b`"), std::string("\x00\xff", 2)) == "X'00FF'");
}

TEST_CASE("one-part ranges") {
  std::vector<KeyPart> key{number("`id`")};
  CHECK(key_after(key, {"100"}) == "`id` > 100");
  CHECK(key_at_most(key, {"2000"}) == "`id` <= 2000");
  KeyRange range;
  CHECK(key_range_condition(key, range).empty());
  CHECK_FALSE(range.bounded());
  range.lower_exclusive = KeyTuple{"100"};
  CHECK(key_range_condition(key, range) == "`id` > 100");
  range.upper_inclusive = KeyTuple{"2000"};
  CHECK(range.bounded());
  CHECK(key_range_condition(key, range) == "`id` > 100 AND `id` <= 2000");
  range.lower_exclusive.reset();
  CHECK(key_range_condition(key, range) == "`id` <= 2000");
}

TEST_CASE("composite ranges lead with a range on the first part and expand the row order") {
  std::vector<KeyPart> key{string("`region`", "utf8mb4", "utf8mb4_general_ci"), number("`n`")};
  CHECK(key_after(key, {"eu", "7"}) ==
        "`region` >= _utf8mb4 X'6575' COLLATE utf8mb4_general_ci AND "
        "(`region` > _utf8mb4 X'6575' COLLATE utf8mb4_general_ci OR "
        "(`region` = _utf8mb4 X'6575' COLLATE utf8mb4_general_ci AND `n` > 7))");
  std::vector<KeyPart> three{number("`a`"), number("`b`"), number("(`e`+0)")};
  CHECK(key_at_most(three, {"1", "2", "3"}) ==
        "`a` <= 1 AND (`a` < 1 OR (`a` = 1 AND (`b` < 2 OR (`b` = 2 AND (`e`+0) <= 3))))");
  KeyRange range{KeyTuple{"1", "2", "3"}, KeyTuple{"4", "5", "6"}};
  CHECK(key_range_condition(three, range) ==
        "`a` >= 1 AND (`a` > 1 OR (`a` = 1 AND (`b` > 2 OR (`b` = 2 AND (`e`+0) > 3)))) AND "
        "`a` <= 4 AND (`a` < 4 OR (`a` = 4 AND (`b` < 5 OR (`b` = 5 AND (`e`+0) <= 6))))");
}

TEST_CASE("point lookups and the key order") {
  std::vector<KeyPart> one{number("`id`")};
  CHECK(key_equals_any(one, {{"1"}, {"5"}}) == "`id` IN (1, 5)");
  std::vector<KeyPart> two{text("`day`"), binary("`tag`")};
  CHECK(key_equals_any(two, {{"2026-01-01", "a"}, {"2026-01-02", std::string("\x01", 1)}}) ==
        "(`day` = '2026-01-01' AND `tag` = X'61') OR (`day` = '2026-01-02' AND `tag` = X'01')");
  CHECK(key_order(two) == "`day`, `tag`");
}

TEST_CASE("row IN pieces for replay's batched delete") {
  CHECK(row_in_open({"`id`"}) == "(`id`) IN (");
  CHECK(row_in_open({"`a`", "`b`"}) + row_tuple({"1", "X'00'"}) + ", " + row_tuple({"2", "X''"}) + ")" ==
        "(`a`, `b`) IN ((1, X'00'), (2, X''))");
}
