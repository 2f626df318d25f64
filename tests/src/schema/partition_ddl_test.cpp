// Partitioning in the DDL translator, both dialects, as exact strings (docs/dialects.md, rule 20 and
// the mysql table). The definitions come from SHOW CREATE TABLE text as MariaDB 10.11 prints it,
// through the catalog's parser. No server.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/engine/mysql/partition_clause.hpp"
#include "src/schema/ddl.hpp"
#include "src/schema/dialect_rules.hpp"

using namespace omsql;
using namespace omsql::schema;

namespace {

ColumnDef column(std::string name, std::string type, bool nullable) {
  ColumnDef c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.nullable = nullable;
  if (nullable) c.default_value = "NULL";
  return c;
}

// shop.orders (id, placed, region; PRIMARY KEY (id, placed)) partitioned by `clause`.
TableJob orders(const std::string& clause) {
  TableDef t;
  t.name = {"shop", "orders"};
  t.columns = {column("id", "int(11)", false), column("placed", "date", false), column("region", "varchar(8)", true)};
  t.columns[2].charset = "utf8mb4";
  t.columns[2].collation = "utf8mb4_general_ci";
  for (size_t i = 0; i < t.columns.size(); ++i) t.columns[i].ordinal = static_cast<int>(i + 1);
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}, {"placed", {}, false}}, ""}};
  t.engine = "InnoDB";
  t.create_options = "partitioned";
  t.partitioning = parse_partition_clause("CREATE TABLE `orders` (...) ENGINE=InnoDB\n" + clause);
  REQUIRE(t.partitioning);
  REQUIRE_MESSAGE(t.partitioning->unreadable.empty(), t.partitioning->unreadable);
  TableJob job;
  job.source = job.target = t.name;
  job.source_def = t;
  for (const auto& c : t.columns) job.columns.push_back({c.name, c.name, std::nullopt, false});
  job.key = choose_row_key(t);
  return job;
}

const std::string kColumns =
    "CREATE TABLE `shop`.`orders` (\n"
    "  `id` int(11) NOT NULL,\n"
    "  `placed` date NOT NULL,\n"
    "  `region` varchar(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL,\n"
    "  PRIMARY KEY (`id`, `placed`)\n"
    ")";

std::string create(const TableJob& job, const DialectTarget& dialect, std::vector<std::string>* warnings = nullptr) {
  auto ddl = create_table_sql(job, dialect, false);
  REQUIRE_MESSAGE(ddl, ddl.status().message());
  if (warnings) *warnings = ddl->warnings;
  return ddl->sql;
}

}  // namespace

TEST_CASE("mysql: RANGE, LIST, HASH, KEY and subpartitions are written back as read") {
  struct Case {
    const char* source;    // SHOW CREATE TABLE's clause
    const char* expected;  // what follows the table options in the CREATE
  };
  const Case cases[] = {
      {" PARTITION BY RANGE (year(`placed`))\n(PARTITION `p0` VALUES LESS THAN (2000) COMMENT = 'old' ENGINE = InnoDB,\n"
       " PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)",
       "PARTITION BY RANGE (year(`placed`))\n(PARTITION `p0` VALUES LESS THAN (2000) COMMENT = 'old' ENGINE = InnoDB,\n"
       " PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)"},
      {" PARTITION BY RANGE  COLUMNS(`placed`,`id`)\n(PARTITION `p 0` VALUES LESS THAN ('2000-01-01',10) ENGINE = InnoDB)",
       "PARTITION BY RANGE COLUMNS (`placed`, `id`)\n(PARTITION `p 0` VALUES LESS THAN ('2000-01-01',10) ENGINE = InnoDB)"},
      {" PARTITION BY LIST (`id`)\n(PARTITION `p0` VALUES IN (NULL,1,2) ENGINE = InnoDB,\n"
       " PARTITION `pd` DEFAULT ENGINE = InnoDB)",
       "PARTITION BY LIST (`id`)\n(PARTITION `p0` VALUES IN (NULL,1,2) ENGINE = InnoDB,\n"
       " PARTITION `pd` DEFAULT ENGINE = InnoDB)"},
      {" PARTITION BY LIST  COLUMNS(`region`)\n(PARTITION `eu` VALUES IN ('de','it''s') ENGINE = InnoDB)",
       "PARTITION BY LIST COLUMNS (`region`)\n(PARTITION `eu` VALUES IN ('de','it''s') ENGINE = InnoDB)"},
      {" PARTITION BY HASH (`id` DIV 10)\nPARTITIONS 4", "PARTITION BY HASH (`id` DIV 10)\nPARTITIONS 4"},
      {" PARTITION BY LINEAR HASH (`id`)\nPARTITIONS 3", "PARTITION BY LINEAR HASH (`id`)\nPARTITIONS 3"},
      {" PARTITION BY KEY ()\nPARTITIONS 2", "PARTITION BY KEY ()\nPARTITIONS 2"},
      {" PARTITION BY LINEAR KEY ALGORITHM = 1 (`id`)\nPARTITIONS 2",
       "PARTITION BY LINEAR KEY ALGORITHM = 1 (`id`)\nPARTITIONS 2"},
      {" PARTITION BY RANGE (year(`placed`))\nSUBPARTITION BY HASH (`id`)\nSUBPARTITIONS 2\n"
       "(PARTITION `p0` VALUES LESS THAN (2000) ENGINE = InnoDB,\n PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)",
       "PARTITION BY RANGE (year(`placed`))\nSUBPARTITION BY HASH (`id`)\nSUBPARTITIONS 2\n"
       "(PARTITION `p0` VALUES LESS THAN (2000) ENGINE = InnoDB,\n PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)"},
      {" PARTITION BY LIST (`id`)\nSUBPARTITION BY KEY (`placed`)\n(PARTITION `p0` VALUES IN (1)\n"
       " (SUBPARTITION `s0` ENGINE = InnoDB,\n  SUBPARTITION `s1` COMMENT = 'x' ENGINE = InnoDB))",
       "PARTITION BY LIST (`id`)\nSUBPARTITION BY KEY (`placed`)\n(PARTITION `p0` VALUES IN (1)\n"
       " (SUBPARTITION `s0` ENGINE = InnoDB,\n  SUBPARTITION `s1` COMMENT = 'x' ENGINE = InnoDB))"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.source);
    std::vector<std::string> warnings;
    CHECK(create(orders(c.source), Dialect::kMysql, &warnings) == kColumns + " ENGINE=InnoDB\n" + c.expected);
    CHECK(warnings.empty());
  }
}

TEST_CASE("mysql: partition DATA/INDEX DIRECTORY, paths on the source host, are dropped with a warning") {
  std::vector<std::string> warnings;
  std::string sql = create(orders(" PARTITION BY HASH (`id`)\n(PARTITION `p0` DATA DIRECTORY = '/ssd' INDEX DIRECTORY = "
                                  "'/ssd2' COMMENT = 'c' ENGINE = InnoDB,\n PARTITION `p1` ENGINE = InnoDB)"),
                           Dialect::kMysql, &warnings);
  CHECK(sql.substr(sql.find("PARTITION BY")) ==
        "PARTITION BY HASH (`id`)\n(PARTITION `p0` COMMENT = 'c' ENGINE = InnoDB,\n PARTITION `p1` ENGINE = InnoDB)");
  CHECK(warnings == std::vector<std::string>{"shop.orders: partitioning kept, directories of the source host dropped "
                                             "(the target's datadir is used): partition `p0` DATA DIRECTORY = '/ssd', "
                                             "partition `p0` INDEX DIRECTORY = '/ssd2'"});
}

TEST_CASE("MAP COLUMN renames reach partitioning expressions and column lists, not partition names or values") {
  auto job = orders(
      " PARTITION BY RANGE (year(`placed`))\nSUBPARTITION BY KEY (`id`)\nSUBPARTITIONS 2\n"
      "(PARTITION `placed` VALUES LESS THAN (2000) COMMENT = '`placed`' ENGINE = InnoDB)");
  job.columns[0].target = "order id";
  job.columns[1].target = "placed_on";
  std::string sql = create(job, Dialect::kMysql);
  CHECK(sql.substr(sql.find("PARTITION BY")) ==
        "PARTITION BY RANGE (year(`placed_on`))\nSUBPARTITION BY KEY (`order id`)\nSUBPARTITIONS 2\n"
        "(PARTITION `placed` VALUES LESS THAN (2000) COMMENT = '`placed`' ENGINE = InnoDB)");
  auto columns = orders(" PARTITION BY LIST  COLUMNS(`region`)\n(PARTITION `eu` VALUES IN ('de') ENGINE = InnoDB)");
  columns.columns[2].target = "zone";
  sql = create(columns, Dialect::kOceanBase);
  CHECK(sql.substr(sql.find("PARTITION BY")) == "PARTITION BY LIST COLUMNS (`zone`)\n(PARTITION `eu` VALUES IN ('de'))");
}

TEST_CASE("COLUMNS EXCLUDE of a partitioning column is an error naming the table and the column") {
  struct Case {
    const char* clause;
    size_t excluded;  // index in orders' columns
    const char* column;
  };
  const Case cases[] = {
      {" PARTITION BY RANGE (year(`placed`))\n(PARTITION `p0` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)", 1, "placed"},
      {" PARTITION BY LIST  COLUMNS(`region`)\n(PARTITION `eu` VALUES IN ('de') ENGINE = InnoDB)", 2, "region"},
      {" PARTITION BY HASH (`id`)\nSUBPARTITION BY KEY (`region`)\nSUBPARTITIONS 2\n"
       "(PARTITION `p0` ENGINE = InnoDB)", 2, "region"},
      {" PARTITION BY KEY ()\nPARTITIONS 2", 0, "id"},  // KEY () hashes the primary key
  };
  for (const auto& c : cases) {
    CAPTURE(c.clause);
    for (Dialect d : {Dialect::kMysql, Dialect::kOceanBase}) {
      auto job = orders(c.clause);
      job.columns.erase(job.columns.begin() + static_cast<long>(c.excluded));
      auto ddl = create_table_sql(job, d, false);
      REQUIRE_FALSE(ddl);
      CHECK(ddl.status().message().rfind(std::string("shop.orders.") + c.column +
                                             ": column is excluded (COLUMNS ... EXCLUDE) but the table is partitioned "
                                             "by it",
                                         0) == 0);
    }
  }
}

TEST_CASE("CAST on a partitioning column is kept, with a warning") {
  auto job = orders(" PARTITION BY HASH (`id`)\nPARTITIONS 2");
  job.columns[0].cast_to = "bigint(20)";
  std::vector<std::string> warnings;
  create(job, Dialect::kMysql, &warnings);
  CHECK(warnings == std::vector<std::string>{"shop.orders.id: CAST to bigint(20) on a partitioning column: the "
                                             "target checks the partitioning against the new type"});
}

TEST_CASE("oceanbase: RANGE, LIST, HASH and KEY kept as OceanBase's MySQL mode accepts them") {
  struct Case {
    const char* source;
    const char* expected;
    std::vector<std::string> warnings;
  };
  const Case cases[] = {
      {" PARTITION BY RANGE (year(`placed`))\n(PARTITION `p0` VALUES LESS THAN (2000) ENGINE = InnoDB,\n"
       " PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)",
       "PARTITION BY RANGE (year(`placed`))\n(PARTITION `p0` VALUES LESS THAN (2000),\n"
       " PARTITION `p1` VALUES LESS THAN MAXVALUE)",
       {}},
      {" PARTITION BY RANGE  COLUMNS(`placed`)\n(PARTITION `p0` VALUES LESS THAN ('2000-01-01') ENGINE = InnoDB)",
       "PARTITION BY RANGE COLUMNS (`placed`)\n(PARTITION `p0` VALUES LESS THAN ('2000-01-01'))", {}},
      {" PARTITION BY LIST (`id`)\n(PARTITION `p0` VALUES IN (NULL,1,2) ENGINE = InnoDB)",
       "PARTITION BY LIST (`id`)\n(PARTITION `p0` VALUES IN (NULL,1,2))", {}},
      {" PARTITION BY LIST  COLUMNS(`region`)\n(PARTITION `eu` VALUES IN ('de','fr') ENGINE = InnoDB)",
       "PARTITION BY LIST COLUMNS (`region`)\n(PARTITION `eu` VALUES IN ('de','fr'))", {}},
      {" PARTITION BY HASH (`id`)\nPARTITIONS 4", "PARTITION BY HASH (`id`)\nPARTITIONS 4", {}},
      {" PARTITION BY KEY (`id`)\nPARTITIONS 4", "PARTITION BY KEY (`id`)\nPARTITIONS 4", {}},
      {" PARTITION BY RANGE (year(`placed`))\nSUBPARTITION BY HASH (`id`)\nSUBPARTITIONS 2\n"
       "(PARTITION `p0` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)",
       "PARTITION BY RANGE (year(`placed`))\nSUBPARTITION BY HASH (`id`)\nSUBPARTITIONS 2\n"
       "(PARTITION `p0` VALUES LESS THAN MAXVALUE)",
       {}},
      {" PARTITION BY LIST (`id`)\nSUBPARTITION BY KEY (`placed`)\n(PARTITION `p0` VALUES IN (1)\n"
       " (SUBPARTITION `s0` ENGINE = InnoDB,\n  SUBPARTITION `s1` ENGINE = InnoDB))",
       "PARTITION BY LIST (`id`)\nSUBPARTITION BY KEY (`placed`)\n(PARTITION `p0` VALUES IN (1)\n"
       " (SUBPARTITION `s0`,\n  SUBPARTITION `s1`))",
       {}},
      // Changed, each change named:
      {" PARTITION BY LINEAR HASH (`id`)\nPARTITIONS 3", "PARTITION BY HASH (`id`)\nPARTITIONS 3",
       {"shop.orders: partitioning kept, LINEAR HASH written as HASH (OceanBase has no LINEAR partitioning: the same "
        "number of partitions, rows placed by another hash function)"}},
      {" PARTITION BY LINEAR KEY ALGORITHM = 2 (`id`)\nPARTITIONS 2", "PARTITION BY KEY (`id`)\nPARTITIONS 2",
       {"shop.orders: partitioning kept, LINEAR KEY written as KEY (OceanBase has no LINEAR partitioning: the same "
        "number of partitions, rows placed by another hash function)",
        "shop.orders: partitioning kept, KEY ALGORITHM = 2 omitted (a MySQL hashing variant; OceanBase hashes with its "
        "own function)"}},
      {" PARTITION BY KEY ()\nPARTITIONS 2", "PARTITION BY KEY (`id`, `placed`)\nPARTITIONS 2",
       {"shop.orders: partitioning kept, KEY () written KEY (`id`, `placed`), the key it hashes on the source"}},
      {" PARTITION BY RANGE (`id`)\n(PARTITION `p0` VALUES LESS THAN (10) COMMENT = 'small' MAX_ROWS = 100 ENGINE = "
       "InnoDB,\n PARTITION `p1` VALUES LESS THAN MAXVALUE DATA DIRECTORY = '/fast' ENGINE = InnoDB)",
       "PARTITION BY RANGE (`id`)\n(PARTITION `p0` VALUES LESS THAN (10),\n PARTITION `p1` VALUES LESS THAN MAXVALUE)",
       {"shop.orders: partitioning kept, partition options dropped (not documented for OceanBase's MySQL mode): "
        "partition `p0` COMMENT = 'small', partition `p0` MAX_ROWS = 100, partition `p1` DATA DIRECTORY = '/fast'"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.source);
    std::vector<std::string> warnings;
    CHECK(create(orders(c.source), Dialect::kOceanBase, &warnings) == kColumns + "\n" + c.expected);
    CHECK(warnings == c.warnings);
  }
}

TEST_CASE("oceanbase: what it cannot take is created unpartitioned, with the reason") {
  struct Case {
    const char* source;
    const char* reason;
  };
  const Case cases[] = {
      {" PARTITION BY LIST (`id`)\n(PARTITION `p0` VALUES IN (1) ENGINE = InnoDB,\n PARTITION `pd` DEFAULT ENGINE = InnoDB)",
       "LIST partition `pd` is MariaDB's DEFAULT partition, which OceanBase's MySQL mode does not document"},
      {" PARTITION BY SYSTEM_TIME LIMIT 1000\n(PARTITION `p0` HISTORY ENGINE = InnoDB,\n PARTITION `pn` CURRENT ENGINE = "
       "InnoDB)",
       "MariaDB's SYSTEM_TIME (history) partitioning has no OceanBase equivalent"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.source);
    std::vector<std::string> warnings;
    CHECK(create(orders(c.source), Dialect::kOceanBase, &warnings) == kColumns);
    CHECK(warnings == std::vector<std::string>{std::string("shop.orders: partitioning is not migrated (the table is "
                                                           "created unpartitioned, every row is copied): ") +
                                               c.reason});
  }
  // KEY () on a table without a primary or NOT NULL unique key.
  auto keyless = orders(" PARTITION BY KEY ()\nPARTITIONS 2");
  keyless.source_def.indexes.clear();
  keyless.key = choose_row_key(keyless.source_def);
  std::vector<std::string> warnings;
  auto ddl = create_table_sql(keyless, Dialect::kOceanBase, false);
  REQUIRE(ddl);
  CHECK(ddl->sql.find("PARTITION BY") == std::string::npos);
  CHECK(ddl->warnings.back() ==
        "shop.orders: partitioning is not migrated (the table is created unpartitioned, every row is copied): KEY () "
        "has no primary or NOT NULL unique key to hash on");
  // A clause the catalog could not read: never silent, on either dialect.
  auto unread = orders(" PARTITION BY HASH (`id`)\nPARTITIONS 2");
  unread.source_def.partitioning->unreadable = "unknown partitioning method at offset 40";
  for (Dialect d : {Dialect::kMysql, Dialect::kOceanBase}) {
    CHECK(create(unread, d, &warnings).find("PARTITION BY") == std::string::npos);
    CHECK(warnings.back() ==
          "shop.orders: partitioning is not migrated (the table is created unpartitioned, every row is copied): SHOW "
          "CREATE TABLE's PARTITION BY clause could not be read (unknown partitioning method at offset 40)");
  }
}
