#include <doctest/doctest.h>

#include "src/catalog/catalog.hpp"

using namespace omsql;

namespace {
ColumnDef column(std::string name, bool nullable) {
  ColumnDef c;
  c.name = std::move(name);
  c.nullable = nullable;
  c.data_type = "int";
  return c;
}
IndexDef index(std::string name, bool unique, std::vector<std::string> columns) {
  IndexDef i;
  i.name = std::move(name);
  i.unique = unique;
  for (auto& c : columns) i.parts.push_back({c, std::nullopt, false});
  return i;
}
}  // namespace

TEST_CASE("choose_row_key prefers the primary key, then a NOT NULL unique key") {
  TableDef t;
  t.name = {"shop", "orders"};
  t.columns = {column("id", false), column("code", false), column("maybe", true)};

  SUBCASE("no index: no key") { CHECK(choose_row_key(t).kind == RowKey::Kind::kNone); }
  SUBCASE("nullable unique is not a key") {
    t.indexes = {index("u_maybe", true, {"maybe"})};
    CHECK(choose_row_key(t).kind == RowKey::Kind::kNone);
  }
  SUBCASE("not-null unique") {
    t.indexes = {index("u_maybe", true, {"maybe"}), index("u_code", true, {"code"})};
    auto key = choose_row_key(t);
    CHECK(key.kind == RowKey::Kind::kUniqueNotNull);
    CHECK(key.columns == std::vector<std::string>{"code"});
  }
  SUBCASE("primary wins even when listed later") {
    t.indexes = {index("u_code", true, {"code"}), index("PRIMARY", true, {"id", "code"})};
    auto key = choose_row_key(t);
    CHECK(key.kind == RowKey::Kind::kPrimary);
    CHECK(key.columns == std::vector<std::string>{"id", "code"});
  }
}

TEST_CASE("MemoryCatalog lists and describes") {
  MemoryCatalog catalog;
  TableDef t;
  t.name = {"b", "t"};
  catalog.add(t);
  t.name = {"a", "t"};
  catalog.add(t);
  auto names = catalog.list_tables();
  REQUIRE(names);
  REQUIRE(names->size() == 2);
  CHECK((*names)[0].schema == "a");
  CHECK(catalog.describe({"a", "t"}));
  CHECK(catalog.describe({"c", "t"}).status().code() == Status::Code::kNotFound);
}
