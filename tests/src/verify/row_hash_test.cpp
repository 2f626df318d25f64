// The canonical encoding, row hashes and chunk digests (no server), table-driven; the SQL a
// TableSpec builds for each side; compare_rows on hand-made rows.
#include <doctest/doctest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "src/verify/differ.hpp"
#include "src/verify/row_hash.hpp"
#include "src/verify/table_spec.hpp"

using namespace omsql;
using namespace omsql::verify;

namespace {

std::string encode(ValueClass value_class, std::optional<std::string> value) {
  std::string out;
  append_canonical(value_class, value ? value->data() : nullptr, value ? value->size() : 0, out);
  return out;
}

uint64_t hash_row(const std::vector<std::pair<ValueClass, std::optional<std::string>>>& cells) {
  std::string encoded;
  for (const auto& [c, v] : cells) encoded += encode(c, v);
  return row_hash(encoded);
}

struct EncodingCase {
  ValueClass value_class;
  std::optional<std::string> a;
  std::optional<std::string> b;
  bool equal;
  const char* why;
};

}  // namespace

TEST_CASE("canonical encoding: equal values encode equal, different values differently") {
  using V = ValueClass;
  const std::optional<std::string> null;
  const EncodingCase cases[] = {
      {V::kBytes, null, std::string(""), false, "NULL is not ''"},
      {V::kBytes, null, std::string("NULL"), false, "NULL is not 'NULL'"},
      {V::kBytes, std::string(""), std::string("NULL"), false, "'' is not 'NULL'"},
      {V::kBytes, std::string("a"), std::string("A"), false, "bytes are case-exact"},
      {V::kBytes, std::string("a"), std::string("a "), false, "VARCHAR keeps trailing spaces"},
      {V::kBytes, std::string("a\0b", 3), std::string("a\0c", 3), false, "binary bytes after a NUL"},
      {V::kBytes, std::string("\xff\x00", 2), std::string("\xff\x00", 2), true, "same bytes"},
      {V::kCharPadded, std::string("pad  "), std::string("pad"), true, "CHAR cannot hold trailing spaces"},
      {V::kCharPadded, std::string(" pad"), std::string("pad"), false, "leading spaces count"},
      {V::kExactNumber, std::string("1.50"), std::string("1.5"), true, "DECIMAL scale"},
      {V::kExactNumber, std::string("1.5000"), std::string("1.5"), true, "DECIMAL widened by CAST"},
      {V::kExactNumber, std::string("5.00"), std::string("5"), true, "INT cast to DECIMAL"},
      {V::kExactNumber, std::string("-0.000"), std::string("0"), true, "negative zero"},
      {V::kExactNumber, std::string("007"), std::string("7"), true, "leading zeros (ZEROFILL)"},
      {V::kExactNumber, std::string("0.5"), std::string(".5"), true, "no integer digit"},
      {V::kExactNumber, std::string("10"), std::string("1"), false, "trailing integer zeros count"},
      {V::kExactNumber, std::string("-1"), std::string("1"), false, "sign"},
      {V::kExactNumber, std::string("18446744073709551615"), std::string("18446744073709551614"), false,
       "BIGINT UNSIGNED exact"},
      {V::kExactNumber, null, std::string("0"), false, "NULL is not 0"},
      {V::kFloat, std::string("0.10000000149011612"), std::string("0.1"), true, "FLOAT value, any exact print"},
      {V::kFloat, std::string("10"), std::string("10.000000953674316"), false, "FLOAT one ulp apart"},
      {V::kDouble, std::string("0.1"), std::string("0.10000000149011612"), false, "DOUBLE is not FLOAT"},
      {V::kDouble, std::string("0.30000000000000004"), std::string("0.3"), false, "DOUBLE exact"},
      {V::kDouble, std::string("-0"), std::string("0"), true, "-0 equals 0"},
      {V::kDouble, std::string("1e300"), std::string("1E+300"), true, "exponent spelling"},
      {V::kTemporal, std::string("10:00:00.500"), std::string("10:00:00.5"), true, "TIME fraction"},
      {V::kTemporal, std::string("2024-01-01 10:00:00.000000"), std::string("2024-01-01 10:00:00"), true,
       "DATETIME(6) vs DATETIME"},
      {V::kTemporal, std::string("2024-01-01 00:00:00"), std::string("2024-01-01"), true, "DATE widened"},
      {V::kTemporal, std::string("2024-01-01 10:00:00.000001"), std::string("2024-01-01 10:00:00"), false,
       "one microsecond"},
      {V::kTemporal, std::string("-838:59:59"), std::string("838:59:59"), false, "negative TIME"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.why);
    CHECK((encode(c.value_class, c.a) == encode(c.value_class, c.b)) == c.equal);
  }
}

TEST_CASE("canonical encoding: tag byte and length prefix") {
  CHECK(encode(ValueClass::kBytes, std::nullopt) == std::string(1, kTagNull));
  CHECK(encode(ValueClass::kBytes, std::string("ab")) == std::string("\x01\x02\x00\x00\x00" "ab", 7));
  CHECK(encode(ValueClass::kExactNumber, std::string("1.50")) == std::string("\x02\x03\x00\x00\x00" "1.5", 8));
  CHECK(encode(ValueClass::kDouble, std::string("1")).size() == 1 + 4 + 8);
  CHECK(normalize_number("-01.500") == "-1.5");
  CHECK(normalize_number("abc") == "abc");
  CHECK(normalize_temporal("10:00:00.000") == "10:00:00");
}

TEST_CASE("row hashes: cell boundaries and columns are part of the hash") {
  using V = ValueClass;
  // Moving a byte from one cell to the next changes the row.
  CHECK(hash_row({{V::kBytes, "ab"}, {V::kBytes, "c"}}) != hash_row({{V::kBytes, "a"}, {V::kBytes, "bc"}}));
  // Moving a NULL between columns changes the row.
  CHECK(hash_row({{V::kBytes, std::nullopt}, {V::kBytes, ""}}) != hash_row({{V::kBytes, ""}, {V::kBytes, std::nullopt}}));
  CHECK(hash_row({{V::kExactNumber, "1.0"}, {V::kBytes, "x"}}) == hash_row({{V::kExactNumber, "1"}, {V::kBytes, "x"}}));
}

TEST_CASE("chunk digests: no cancellation, order matters where rows have an order") {
  using V = ValueClass;
  const uint64_t r1 = hash_row({{V::kExactNumber, "1"}, {V::kBytes, "ab"}});
  const uint64_t r2 = hash_row({{V::kExactNumber, "2"}, {V::kBytes, "cd"}});
  const uint64_t s1 = hash_row({{V::kExactNumber, "1"}, {V::kBytes, "cd"}});  // values swapped between rows
  const uint64_t s2 = hash_row({{V::kExactNumber, "2"}, {V::kBytes, "ab"}});
  for (bool ordered : {true, false}) {
    CAPTURE(ordered);
    ChunkDigester a(ordered), b(ordered);
    a.add(r1), a.add(r2);
    b.add(s1), b.add(s2);
    CHECK(a.digest().rows == 2);
    CHECK(a.digest() != b.digest());
    // Two equal rows do not cancel (as XOR would).
    ChunkDigester twice(ordered), none(ordered);
    twice.add(r1), twice.add(r1);
    CHECK(twice.digest().digest != none.digest().digest);
    CHECK(twice.digest().rows == 2);
  }
  ChunkDigester in_order(true), reversed(true);
  in_order.add(r1), in_order.add(r2);
  reversed.add(r2), reversed.add(r1);
  CHECK(in_order.digest() != reversed.digest());
  ChunkDigester any(false), any_reversed(false);
  any.add(r1), any.add(r2);
  any_reversed.add(r2), any_reversed.add(r1);
  CHECK(any.digest() == any_reversed.digest());
}

namespace {

ColumnDef column(const std::string& name, const std::string& type, std::optional<std::string> charset = {},
                 bool generated = false) {
  ColumnDef c;
  c.name = name;
  c.data_type = type;
  c.charset = charset;
  if (charset) c.collation = *charset + "_general_ci";
  c.nullable = name != "id";
  c.is_generated = generated;
  return c;
}

TableJob sample_job() {
  TableJob job;
  job.source = {"shop", "orders"};
  job.target = {"shop_v2", "orders"};
  job.source_def.name = job.source;
  job.source_def.columns = {column("id", "int"), column("amt", "decimal"), column("w", "float"),
                            column("city", "varchar", "latin1"), column("note", "text", "utf8mb4"),
                            column("flags", "bit"), column("total", "int", {}, true)};
  job.key.kind = RowKey::Kind::kPrimary;
  job.key.columns = {"id"};
  job.filter = "amt > 0";
  job.columns = {{"id", "id", {}, false},     {"amt", "amount", {}, false}, {"w", "w", {}, false},
                 {"city", "city", {}, false}, {"note", "note", {}, false},  {"flags", "flags", {}, false},
                 {"total", "total", {}, true}};
  return job;
}

}  // namespace

TEST_CASE("TableSpec: source names with FILTER, target names without; exact reads; generated columns skipped") {
  TableJob job = sample_job();
  auto spec = TableSpec::make(job);
  REQUIRE(spec);
  CHECK(spec->columns().size() == 6);
  KeyRange range{KeyTuple{"10"}, KeyTuple{"20"}};
  CHECK(spec->select_rows_sql(Side::kSource, range) ==
        "SELECT `id`, `amt`, CAST(`w` AS DOUBLE), CONVERT(`city` USING utf8mb4), `note`, CAST(`flags` AS UNSIGNED) "
        "FROM `shop`.`orders` WHERE (`id` > 10 AND `id` <= 20) AND (amt > 0) ORDER BY `id`");
  CHECK(spec->select_rows_sql(Side::kTarget, range) ==
        "SELECT `id`, `amount`, CAST(`w` AS DOUBLE), CONVERT(`city` USING utf8mb4), `note`, CAST(`flags` AS UNSIGNED) "
        "FROM `shop_v2`.`orders` WHERE `id` > 10 AND `id` <= 20 ORDER BY `id`");
  CHECK(spec->value_literal(3, std::string("K\xc3\xb6ln")) == "_utf8mb4 X'4BC3B66C6E'");
  CHECK(spec->value_literal(3, std::string()) == "_utf8mb4 X''");
  CHECK(spec->value_literal(1, std::string("1.50")) == "1.50");
  CHECK(spec->value_literal(1, std::nullopt) == "NULL");
}

TEST_CASE("TableSpec: composite keys compare lexicographically; a key not copied means no key") {
  TableJob job = sample_job();
  job.key.columns = {"city", "id"};
  job.filter.reset();
  auto spec = TableSpec::make(job);
  REQUIRE(spec);
  CHECK(spec->match_columns() == 1);
  KeyRange range{KeyTuple{"a", "1"}, std::nullopt};
  CHECK(spec->range_predicate(Side::kTarget, range) ==
        "`city` >= _utf8mb4 X'61' AND (`city` > _utf8mb4 X'61' OR (`city` = _utf8mb4 X'61' AND `id` > 1))");
  job.columns.erase(job.columns.begin() + 3);  // city excluded from the copy
  auto without = TableSpec::make(job);
  REQUIRE(without);
  CHECK_FALSE(without->keyed());
}

TEST_CASE("compare_rows: missing, extra and different with column names") {
  TableJob job = sample_job();
  auto spec = TableSpec::make(job);
  REQUIRE(spec);
  auto row = [&](const std::string& id, const std::string& amount) {
    FetchedRow r;
    std::vector<std::optional<std::string>> values = {id, amount, std::string("1"), std::string("x"),
                                                      std::nullopt, std::string("3")};
    std::string encoded;
    for (size_t i = 0; i < values.size(); ++i) {
      std::string cell;
      append_canonical(spec->columns()[i].value_class, values[i] ? values[i]->data() : nullptr,
                       values[i] ? values[i]->size() : 0, cell);
      r.cells.push_back(cell);
      encoded += cell;
    }
    r.values = values;
    r.hash = row_hash(encoded);
    r.match_key = r.cells[0];
    return r;
  };
  std::vector<FetchedRow> source = {row("1", "1.50"), row("2", "2.00"), row("3", "3")};
  std::vector<FetchedRow> target = {row("1", "1.5"), row("3", "3.5"), row("4", "4")};
  auto differences = compare_rows(*spec, source, target);
  REQUIRE(differences.size() == 3);
  CHECK(differences[0].kind == DifferenceKind::kMissingOnTarget);
  CHECK(differences[0].key == "(id) = ('2')");
  CHECK(differences[0].repair.rfind("REPLACE INTO `shop_v2`.`orders` (`id`, `amount`, `w`, `city`, `note`, `flags`) "
                                    "VALUES (2, 2.00, 1, _utf8mb4 X'78', NULL, 3)", 0) == 0);
  CHECK(differences[1].kind == DifferenceKind::kDifferent);
  CHECK(differences[1].columns == std::vector<std::string>{"amount"});
  CHECK(differences[2].kind == DifferenceKind::kExtraOnTarget);
  CHECK(differences[2].repair == "DELETE FROM `shop_v2`.`orders` WHERE `id` = 4");
}
