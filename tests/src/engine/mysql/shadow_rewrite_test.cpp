// rewrite_database_qualifiers: the shadow's statement differs from the source's only in the
// database qualifiers it maps, whatever the quoting, spacing and comments.
#include <doctest/doctest.h>

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
