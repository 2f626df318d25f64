// The PARTITION BY parser over SHOW CREATE TABLE text (no server): MariaDB 10.11's and MySQL 8's
// printed forms, pieces exact; malformed and truncated text gives `unreadable`, never a throw.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "src/engine/mysql/partition_clause.hpp"

using namespace omsql;

namespace {

const char* kHead =
    "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `d` date NOT NULL,\n  PRIMARY KEY (`id`,`d`)\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='PARTITION BY HASH (x)'\n";

PartitioningDef parsed(const std::string& clause) {
  auto p = parse_partition_clause(kHead + clause);
  REQUIRE(p);
  CAPTURE(clause);
  REQUIRE_MESSAGE(p->unreadable.empty(), p->unreadable);
  return *p;
}

}  // namespace

TEST_CASE("no PARTITION BY clause: nullopt, whatever the comment says") {
  CHECK_FALSE(parse_partition_clause(kHead));
  CHECK_FALSE(parse_partition_clause(""));
}

TEST_CASE("RANGE over an expression, with MAXVALUE, a comment and the engine") {
  auto p = parsed(
      " PARTITION BY RANGE (year(`d`))\n(PARTITION `p0` VALUES LESS THAN (2000) COMMENT = 'old' ENGINE = InnoDB,\n"
      " PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)");
  CHECK(p.method.kind == "RANGE");
  CHECK(p.method.expression == "year(`d`)");
  CHECK_FALSE(p.method.count);
  CHECK_FALSE(p.sub);
  REQUIRE(p.partitions.size() == 2);
  CHECK(p.partitions[0].name == "p0");
  CHECK(p.partitions[0].bound == "VALUES LESS THAN (2000)");
  REQUIRE(p.partitions[0].options.size() == 2);
  CHECK(p.partitions[0].options[0] == PartitionOption{"COMMENT", "'old'"});
  CHECK(p.partitions[0].options[1] == PartitionOption{"ENGINE", "InnoDB"});
  CHECK(p.partitions[1].bound == "VALUES LESS THAN MAXVALUE");
}

TEST_CASE("RANGE COLUMNS and LIST COLUMNS: column lists, tuples and quoted values verbatim") {
  auto rc = parsed(
      " PARTITION BY RANGE  COLUMNS(`a`,`b`)\n(PARTITION `p0` VALUES LESS THAN (10,'m') ENGINE = InnoDB,\n"
      " PARTITION `p 1` VALUES LESS THAN (MAXVALUE,MAXVALUE) ENGINE = InnoDB)");
  CHECK(rc.method.kind == "RANGE COLUMNS");
  CHECK(rc.method.columns == std::vector<std::string>{"a", "b"});
  CHECK(rc.partitions[0].bound == "VALUES LESS THAN (10,'m')");
  CHECK(rc.partitions[1].name == "p 1");
  CHECK(rc.partitions[1].bound == "VALUES LESS THAN (MAXVALUE,MAXVALUE)");
  auto lc = parsed(
      " PARTITION BY LIST  COLUMNS(`c`)\n(PARTITION `p0` VALUES IN ('a','b') ENGINE = InnoDB,\n"
      " PARTITION `p``1` VALUES IN ('it''s', ')') ENGINE = InnoDB)");
  CHECK(lc.method.kind == "LIST COLUMNS");
  CHECK(lc.partitions[1].name == "p`1");
  CHECK(lc.partitions[1].bound == "VALUES IN ('it''s', ')')");
}

TEST_CASE("LIST with NULL and MariaDB's DEFAULT partition") {
  auto p = parsed(
      " PARTITION BY LIST (`a`)\n(PARTITION `p0` VALUES IN (NULL,1,2) ENGINE = InnoDB,\n"
      " PARTITION `p1` VALUES IN (3) ENGINE = InnoDB,\n PARTITION `pd` DEFAULT ENGINE = InnoDB)");
  CHECK(p.method.kind == "LIST");
  CHECK(p.method.expression == "`a`");
  CHECK(p.partitions[0].bound == "VALUES IN (NULL,1,2)");
  CHECK(p.partitions[2].bound == "DEFAULT");
  CHECK(p.partitions[2].options == std::vector<PartitionOption>{{"ENGINE", "InnoDB"}});
}

TEST_CASE("HASH, LINEAR HASH, KEY (), LINEAR KEY ALGORITHM: counts without a list") {
  auto h = parsed(" PARTITION BY HASH (`a`)\nPARTITIONS 4");
  CHECK(h.method.kind == "HASH");
  CHECK(h.method.count == 4u);
  CHECK(h.partitions.empty());
  auto lh = parsed(" PARTITION BY LINEAR HASH (`a` + 1)\nPARTITIONS 3");
  CHECK(lh.method.kind == "LINEAR HASH");
  CHECK(lh.method.expression == "`a` + 1");
  auto k = parsed(" PARTITION BY KEY ()\nPARTITIONS 2");
  CHECK(k.method.kind == "KEY");
  CHECK(k.method.columns.empty());
  CHECK(k.method.count == 2u);
  auto ka = parsed(" PARTITION BY LINEAR KEY ALGORITHM = 1 (`a`,`b`)\nPARTITIONS 2");
  CHECK(ka.method.kind == "LINEAR KEY");
  CHECK(ka.method.algorithm == 1);
  CHECK(ka.method.columns == std::vector<std::string>{"a", "b"});
  auto named = parsed(" PARTITION BY HASH (`a`)\n(PARTITION `x1` ENGINE = InnoDB,\n PARTITION `x2` COMMENT = 'c' ENGINE = InnoDB)");
  REQUIRE(named.partitions.size() == 2);
  CHECK(named.partitions[1].bound.empty());
  CHECK(named.partitions[1].options[0] == PartitionOption{"COMMENT", "'c'"});
}

TEST_CASE("subpartitions: a template count, or explicit definitions per partition") {
  auto s = parsed(
      " PARTITION BY RANGE (year(`d`))\nSUBPARTITION BY HASH (`a`)\nSUBPARTITIONS 2\n"
      "(PARTITION `p0` VALUES LESS THAN (2000) ENGINE = InnoDB,\n PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)");
  REQUIRE(s.sub);
  CHECK(s.sub->kind == "HASH");
  CHECK(s.sub->expression == "`a`");
  CHECK(s.sub->count == 2u);
  CHECK(s.partitions[0].subpartitions.empty());
  auto e = parsed(
      " PARTITION BY LIST (`a`)\nSUBPARTITION BY KEY (`d`)\n(PARTITION `p0` VALUES IN (1)\n"
      " (SUBPARTITION `s0` ENGINE = InnoDB,\n  SUBPARTITION `s1` COMMENT = 'x' ENGINE = InnoDB),\n"
      " PARTITION `p1` VALUES IN (2)\n (SUBPARTITION `s2` ENGINE = InnoDB,\n  SUBPARTITION `s3` ENGINE = InnoDB))");
  REQUIRE(e.sub);
  CHECK(e.sub->kind == "KEY");
  CHECK(e.sub->columns == std::vector<std::string>{"d"});
  REQUIRE(e.partitions.size() == 2);
  REQUIRE(e.partitions[0].subpartitions.size() == 2);
  CHECK(e.partitions[0].subpartitions[1].name == "s1");
  CHECK(e.partitions[0].subpartitions[1].options[0] == PartitionOption{"COMMENT", "'x'"});
  CHECK(e.partitions[1].subpartitions[1].name == "s3");
}

TEST_CASE("MySQL 8's form: version comment, unquoted names and column lists, DATA DIRECTORY") {
  auto p = parse_partition_clause(
      "CREATE TABLE `t` (\n  `a` int NOT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4\n"
      "/*!50100 PARTITION BY RANGE  COLUMNS(a)\n(PARTITION p0 VALUES LESS THAN (10) DATA DIRECTORY = '/d' ENGINE = "
      "InnoDB,\n PARTITION p1 VALUES LESS THAN (MAXVALUE) ENGINE = InnoDB) */");
  REQUIRE(p);
  REQUIRE_MESSAGE(p->unreadable.empty(), p->unreadable);
  CHECK(p->method.kind == "RANGE COLUMNS");
  CHECK(p->method.columns == std::vector<std::string>{"a"});
  CHECK(p->partitions[0].name == "p0");
  CHECK(p->partitions[0].options[0] == PartitionOption{"DATA DIRECTORY", "'/d'"});
  CHECK(p->partitions[1].bound == "VALUES LESS THAN (MAXVALUE)");
}

TEST_CASE("MariaDB SYSTEM_TIME partitioning: parameters kept verbatim") {
  auto p = parsed(
      " PARTITION BY SYSTEM_TIME INTERVAL 1 MONTH STARTS TIMESTAMP'2024-01-01 00:00:00'\n"
      "(PARTITION `p0` HISTORY ENGINE = InnoDB,\n PARTITION `pn` CURRENT ENGINE = InnoDB)");
  CHECK(p.method.kind == "SYSTEM_TIME");
  CHECK(p.method.parameters == "INTERVAL 1 MONTH STARTS TIMESTAMP'2024-01-01 00:00:00'");
  CHECK(p.partitions[0].bound == "HISTORY");
  CHECK(p.partitions[1].bound == "CURRENT");
}

TEST_CASE("text the parser does not know is unreadable, with a place; truncations never throw") {
  for (const char* bad : {" PARTITION BY FOO (a)", " PARTITION BY RANGE (a", " PARTITION BY HASH (a) PARTITIONS x",
                          " PARTITION BY RANGE (a) (PARTITION p0 VALUES NEAR (1))",
                          " PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (1) ENGINE InnoDB)",
                          " PARTITION BY HASH (a) PARTITIONS 2 garbage"}) {
    CAPTURE(bad);
    auto p = parse_partition_clause(std::string(kHead) + bad);
    REQUIRE(p);
    CHECK(p->unreadable.find(" at offset ") != std::string::npos);
  }
  const std::string full = std::string(kHead) +
                           " PARTITION BY LIST (`a`)\nSUBPARTITION BY KEY (`d`)\n(PARTITION `p0` VALUES IN (1,'x''y')\n"
                           " (SUBPARTITION `s0` COMMENT = 'c' ENGINE = InnoDB), PARTITION `pd` DEFAULT)";
  std::mt19937 random(13);
  for (size_t cut = 0; cut <= full.size(); ++cut) {
    std::string text = full.substr(0, cut);
    if (cut % 3 == 0 && !text.empty()) text[random() % text.size()] = "`'()=,\n"[random() % 7];
    CHECK_NOTHROW(parse_partition_clause(text));
  }
}
