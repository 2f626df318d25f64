// What error messages show of a statement: its head, never its values.
#include <doctest/doctest.h>

#include "src/sql/quote.hpp"

using omsql::sql::statement_for_message;

TEST_CASE("statement_for_message keeps the head and drops every value") {
  struct Case {
    const char* sql;
    const char* shown;
  };
  const Case cases[] = {
      {"REPLACE INTO `d`.`t` (`id`, `v`) VALUES (1, _utf8mb4 X'736563726574'), (2, X'00')",
       "REPLACE INTO `d`.`t` (`id`, `v`) ..."},
      {"DELETE FROM `d`.`t` WHERE (`id`) IN ((1), (2))", "DELETE FROM `d`.`t` ..."},
      {"DELETE FROM `d`.`t` WHERE `a` <=> 'x' AND `b` <=> 5 LIMIT 1", "DELETE FROM `d`.`t` ..."},
      {"INSERT INTO `d`.`t` (`a`) SELECT * FROM (SELECT 5 AS `a`) AS omsql_rows WHERE a > 1",
       "INSERT INTO `d`.`t` (`a`) ..."},
      {"UPDATE `d`.`t` SET `salary` = 50000 WHERE `id` = 3", "UPDATE `d`.`t` ..."},
      {"SELECT `id` FROM `d`.`t` WHERE `id` > 41 ORDER BY `id` LIMIT 1", "SELECT `id` FROM `d`.`t` ..."},
      {"SET time_zone = '+00:00'", "SET time_zone = ..."},
      {"SET SESSION foreign_key_checks = 0", "SET SESSION foreign_key_checks = 0"},
      {"START TRANSACTION", "START TRANSACTION"},
      {"SELECT X'00ff'", "SELECT ..."},
      {"SELECT \"text\"", "SELECT ..."},
      // Quoted identifiers are shown whole, whatever they contain.
      {"REPLACE INTO `we'ird``where` VALUES (1)", "REPLACE INTO `we'ird``where` ..."},
  };
  for (const auto& c : cases) {
    CAPTURE(c.sql);
    CHECK(statement_for_message(c.sql) == c.shown);
  }
  std::string long_head = "CREATE TABLE `d`.`t` (" + std::string(300, 'c') + " INT)";
  std::string shown = statement_for_message(long_head);
  CHECK(shown.size() <= 204);
  CHECK(shown.substr(shown.size() - 3) == "...");
}
