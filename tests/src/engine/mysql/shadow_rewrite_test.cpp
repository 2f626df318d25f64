// rewrite_database_qualifiers: the shadow's statement differs from the source's only in the
// database qualifiers it maps, whatever the quoting, spacing and comments.
#include <doctest/doctest.h>

#include "src/catalog/catalog.hpp"
#include "src/engine/mysql/shadow_schema.hpp"

using namespace omsql;

TEST_CASE("database qualifiers are replaced token by token; everything else is kept as written") {
  const std::vector<std::pair<std::string, std::string>> map{{"shop", "omsql_shadow_x_0"}, {"crm", "s1"}};
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"ALTER TABLE shop.orders ADD c INT", "ALTER TABLE `omsql_shadow_x_0`.orders ADD c INT"},
      {"ALTER TABLE `Shop` . `or``ders` ADD `shop` INT /* shop.orders */ -- shop.x\n",
       "ALTER TABLE `omsql_shadow_x_0` . `or``ders` ADD `shop` INT /* shop.orders */ -- shop.x\n"},
      {"RENAME TABLE shop.a TO crm.b, a TO b", "RENAME TABLE `omsql_shadow_x_0`.a TO `s1`.b, a TO b"},
      // A column qualified by database and table keeps its table part; 'shop.t' in a string stays.
      {"CREATE TABLE t AS SELECT shop.o.id, 'shop.t' FROM shop.o", "CREATE TABLE t AS SELECT `omsql_shadow_x_0`.o.id, 'shop.t' FROM `omsql_shadow_x_0`.o"},
      {"ALTER TABLE o ADD FOREIGN KEY (c) REFERENCES crm.customers(id)", "ALTER TABLE o ADD FOREIGN KEY (c) REFERENCES `s1`.customers(id)"},
      {"ALTER TABLE x.shop ADD y INT", "ALTER TABLE x.shop ADD y INT"},  // shop after a '.' is a table
      {"/*!40000 ALTER TABLE shop.t DISABLE KEYS */", "/*!40000 ALTER TABLE `omsql_shadow_x_0`.t DISABLE KEYS */"},
      {"DROP TABLE \"shop\".t", "DROP TABLE `omsql_shadow_x_0`.t"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(rewrite_database_qualifiers(c.in, map) == c.out);
  }
}

TEST_CASE("shadow database names carry the server time; only omsql's own, begun long before, are stale") {
  const std::string name = shadow_database_name("0123456789ab", 1000000, 7, 2);
  CHECK(name == "omsql_shadow_0123456789ab_1000000_7_2");
  CHECK(is_system_schema(name));
  CHECK(is_system_schema("OMSQL_SHADOW_x"));
  CHECK(!is_system_schema("omsql_shadow_"));
  CHECK(!is_system_schema("omsql_shadowy"));
  const uint64_t begun = 1000000;
  CHECK(!stale_shadow_database(name, begun));                            // this very moment
  CHECK(!stale_shadow_database(name, begun + kShadowStaleSeconds));     // within the bound
  CHECK(stale_shadow_database(name, begun + kShadowStaleSeconds + 1));  // older than it
  for (const char* other : {"omsql_shadow_0123456789ab_0_1",            // an older omsql's name (no time)
                            "omsql_shadow_0123456789AB_5_7_2",          // not our hex
                            "omsql_shadow_0123456789a_5_7_2",           // 11 digits
                            "omsql_shadow_0123456789ab_5_7_2_",         // a trailing '_'
                            "omsql_shadow_0123456789ab_5_7_x",          // not a number
                            "omsql_shadow_0123456789ab_5_7_2_1",        // one part too many
                            "omsql_shadow_mine",                        // a user's database
                            "shop", "OMSQL_SHADOW_0123456789ab_5_7_2"})
    CHECK_MESSAGE(!stale_shadow_database(other, begun * 10), other);
}
