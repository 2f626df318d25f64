// The USING clause of each index, read from SHOW CREATE TABLE text: no server.
#include <doctest/doctest.h>

#include "src/engine/mysql/mysql_catalog_indexes.hpp"

using namespace omsql;

TEST_CASE("every index definition of MariaDB's SHOW CREATE TABLE with its USING clause, or none") {
  // As MariaDB 10.11 prints it: names with commas, parentheses and back-quotes; a comment that
  // spells a USING clause; IGNORED after the comment.
  const char* text =
      "CREATE TABLE `t(x` (\n"
      "  `a` int(11) NOT NULL COMMENT 'KEY `fake` (`a`) USING HASH',\n"
      "  `b` int(11) DEFAULT NULL,\n"
      "  `we``ird, (x)` text DEFAULT NULL,\n"
      "  `g` geometry NOT NULL,\n"
      "  `v` int(11) GENERATED ALWAYS AS (`a` + 1) VIRTUAL,\n"
      "  PRIMARY KEY (`a`) USING BTREE,\n"
      "  UNIQUE KEY `u` (`we``ird, (x)`) USING HASH,\n"
      "  KEY `k,(1)` (`b`) USING HASH COMMENT 'c USING BTREE',\n"
      "  KEY `k2` (`a`,`b`) USING BTREE COMMENT 'z' IGNORED,\n"
      "  KEY `plain` (`we``ird, (x)`(10)),\n"
      "  SPATIAL KEY `sg` (`g`),\n"
      "  FULLTEXT KEY `ft` (`we``ird, (x)`),\n"
      "  CONSTRAINT `fk` FOREIGN KEY (`b`) REFERENCES `p` (`id`) ON DELETE CASCADE,\n"
      "  CONSTRAINT `c1` CHECK (`b` > 0 and `a` <> 'KEY `x` (`a`) USING HASH')\n"
      ") ENGINE=MEMORY DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='KEY `y` (a) USING HASH'";
  auto got = index_algorithms(text);
  std::map<std::string, std::string> want = {{"PRIMARY", "BTREE"}, {"u", "HASH"}, {"k,(1)", "HASH"},
                                             {"k2", "BTREE"},      {"plain", ""},  {"sg", ""},
                                             {"ft", ""}};
  CHECK(got == want);
}

TEST_CASE("MySQL's forms: INDEX, USING before the parts, version comments, functional parts") {
  const char* text =
      "CREATE TABLE `m` (\n"
      "  `id` int NOT NULL,\n"
      "  `j` json DEFAULT NULL,\n"
      "  `h` int DEFAULT NULL /*!80023 INVISIBLE */,\n"
      "  PRIMARY KEY (`id`),\n"
      "  UNIQUE INDEX `ux` USING HASH (`h`),\n"
      "  KEY `fx` ((cast(json_extract(`j`,_utf8mb4'$.a') as unsigned array))) USING BTREE,\n"
      "  KEY `vis` (`h`) /*!80000 INVISIBLE */\n"
      ") ENGINE=InnoDB /*!50100 PARTITION BY HASH (`id`) PARTITIONS 4 */";
  std::map<std::string, std::string> want = {{"PRIMARY", ""}, {"ux", "HASH"}, {"fx", "BTREE"}, {"vis", ""}};
  CHECK(index_algorithms(text) == want);
}

TEST_CASE("text that is not a CREATE TABLE this reader knows gives no answer, never a throw") {
  CHECK(index_algorithms("").empty());
  CHECK(index_algorithms("CREATE TABLE `t` (\n  `a` int,\n  KEY `k` (`a`) USING BTREE").empty());  // cut off
  CHECK(index_algorithms("CREATE TABLE `t` (`a` int, KEY `k` (`a`) USING LSM)").empty());  // unknown algorithm
  CHECK(index_algorithms("CREATE TABLE `t` (`a` int, KEY `k` (`a`) USING)").count("k") == 1);
  CHECK(index_algorithms("CREATE TABLE `t` (`a` int, KEY `k` (`a`) USING)").at("k").empty());
  CHECK(index_algorithms("CREATE TABLE `t` (`a` int, KEY `unterminated (`a`))").empty());
  CHECK(index_algorithms("CREATE TABLE `t` (`a` varchar(3) DEFAULT 'it''s \\' ) x', KEY `k` (`a`) USING HASH)") ==
        std::map<std::string, std::string>{{"k", "HASH"}});
}

TEST_CASE("every prefix of a real definition and random bytes never throw, and a prefix never invents a clause") {
  const std::string text =
      "CREATE TABLE `t` (\n  `a` int(11) NOT NULL COMMENT 'x''y',\n  `b` text,\n  PRIMARY KEY (`a`) USING BTREE,\n"
      "  UNIQUE KEY `u` (`b`) USING HASH,\n  KEY `k` (`a`,`b`(3)) COMMENT 'USING HASH'\n) ENGINE=InnoDB";
  const std::map<std::string, std::string> whole = {{"PRIMARY", "BTREE"}, {"u", "HASH"}, {"k", ""}};
  REQUIRE(index_algorithms(text) == whole);
  for (size_t n = 0; n <= text.size(); ++n) {
    std::map<std::string, std::string> got;
    REQUIRE_NOTHROW(got = index_algorithms(std::string_view(text).substr(0, n)));
    // A cut-off statement has no closing parenthesis: no answer at all, so INDEX_TYPE decides.
    if (n < text.size() - std::string(" ENGINE=InnoDB").size()) CHECK(got.empty());
  }
  uint64_t state = 0x9e3779b97f4a7c15ull;
  const std::string alphabet = "`'\"()\\, \nKEYUSINGBTREHAPRMQ*/!";
  for (int round = 0; round < 20000; ++round) {
    std::string s = "CREATE TABLE t (";
    for (int i = 0; i < 40; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      s += alphabet[(state >> 33) % alphabet.size()];
    }
    REQUIRE_NOTHROW(index_algorithms(s));
  }
}
