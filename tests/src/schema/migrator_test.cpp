// Schema migration against the sandboxes: source catalog -> DDL -> target, then SHOW CREATE TABLE
// compared on both sides. Databases are named after the test so tests can share the sandboxes.
#include <doctest/doctest.h>

#include <map>

#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/schema/ddl.hpp"
#include "src/schema/migrator.hpp"
#include "src/sql/quote.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

// A Plan over `tables` of the source, each mapped to the same name in `target_schema`.
Plan plan_for(Connection& source, const std::vector<QualifiedName>& tables, const std::string& target_schema) {
  MysqlCatalog catalog(source);
  auto defs = catalog.describe_tables(tables);
  if (!defs) throw std::runtime_error(defs.status().message());
  Plan plan;
  for (auto& def : *defs) {
    TableJob job;
    job.source = def.name;
    job.target = {target_schema, def.name.table};
    for (const auto& c : def.columns) job.columns.push_back({c.name, c.name, std::nullopt, c.is_generated});
    job.key = choose_row_key(def);
    job.source_def = std::move(def);
    plan.tables.push_back(std::move(job));
  }
  return plan;
}

std::string show_create(Connection& c, const QualifiedName& name) {
  auto r = c.query("SHOW CREATE TABLE " + sql::quote_name(name));
  if (!r) throw std::runtime_error(r.status().message());
  return *r->rows.at(0).at(1);
}

std::string scalar(Connection& c, const std::string& sql) {
  auto v = c.query_value(sql);
  if (!v) throw std::runtime_error(v.status().message());
  return v->value_or("NULL");
}

const char* kEveryType =
    "CREATE TABLE `omsql_test_schema_rt`.`odd ``name`` select` ("
    " `id` INT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'row id',"
    " `select` TINYINT NOT NULL DEFAULT -1, `tu` TINYINT UNSIGNED DEFAULT 255, `flag` TINYINT(1) NOT NULL DEFAULT 0,"
    " `sm` SMALLINT DEFAULT NULL, `me` MEDIUMINT UNSIGNED ZEROFILL, `bi` BIGINT UNSIGNED NOT NULL DEFAULT 18446744073709551615,"
    " `dec` DECIMAL(65,30) DEFAULT 0.000000000000000000000000000001, `fl` FLOAT DEFAULT 1.5, `db` DOUBLE,"
    " `bits` BIT(64) DEFAULT b'1010', `ch` CHAR(10) CHARACTER SET latin1 COLLATE latin1_german1_ci DEFAULT 'ä',"
    " `my col` VARCHAR(255) NOT NULL DEFAULT '' COMMENT 'it''s a \"quoted\" comment',"
    " `back``tick` VARCHAR(20) CHARACTER SET utf8mb3 DEFAULT 'a''b',"
    " `bin` BINARY(16), `vb` VARBINARY(300) DEFAULT 'x',"
    " `tt` TINYTEXT, `tx` TEXT NOT NULL, `mt` MEDIUMTEXT, `lt` LONGTEXT COLLATE utf8mb4_bin,"
    " `tb` TINYBLOB, `bl` BLOB, `mb` MEDIUMBLOB, `lb` LONGBLOB,"
    " `d` DATE DEFAULT '2024-01-31', `t` TIME(6), `dt` DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),"
    " `ts` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
    " `tsn` TIMESTAMP NULL DEFAULT NULL, `y` YEAR DEFAULT 2024,"
    " `e` ENUM('small','large','x''y') NOT NULL DEFAULT 'large', `s` SET('a','b','c') DEFAULT 'a,c',"
    " `j` JSON, `g` GEOMETRY NOT NULL, `pt` POINT,"
    " `ip6` INET6, `uid` UUID, `ip4` INET4,"
    " `gen_v` INT AS (`select` * 2) VIRTUAL COMMENT 'virtual',"
    " `gen_s` VARCHAR(300) AS (CONCAT(`my col`, '`select`')) STORED,"
    " `parent_id` INT,"
    " `expr` INT DEFAULT (`select` + 1),"
    " PRIMARY KEY (`id`),"
    " UNIQUE KEY `ux prefix` (`my col`(20) DESC, `select`),"
    " UNIQUE KEY `ux_hash` (`tx`),"
    " KEY `ix_desc` (`dt` DESC, `id`) COMMENT 'newest first',"
    " KEY `ix_gen` (`gen_s`(10)),"
    " FULLTEXT KEY `ft` (`mt`, `tt`),"
    " SPATIAL KEY `sp` (`g`),"
    " CONSTRAINT `fk parent` FOREIGN KEY (`parent_id`) REFERENCES `order` (`key`) ON DELETE SET NULL ON UPDATE CASCADE,"
    " CONSTRAINT `positive` CHECK (`select` >= -100)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='every ''type'''";

void create_source(Connection& source) {
  must(source, "DROP DATABASE IF EXISTS omsql_test_schema_rt");
  must(source, "CREATE DATABASE omsql_test_schema_rt");
  must(source, "CREATE TABLE omsql_test_schema_rt.`order` (`key` INT NOT NULL, `desc` TEXT, PRIMARY KEY (`key`))");
  must(source, kEveryType);
  must(source, "INSERT INTO omsql_test_schema_rt.`order` VALUES (1, 'one')");
  must(source, "INSERT INTO omsql_test_schema_rt.`odd ``name`` select` (`tx`, `my col`, `g`, `parent_id`) "
               "VALUES ('a', 'x', ST_GeomFromText('POINT(1 1)'), 1), ('b', 'y', ST_GeomFromText('POINT(2 2)'), 1)");
  must(source, "CREATE TABLE omsql_test_schema_rt.keyless (a INT, b VARCHAR(10))");
}

}  // namespace

TEST_CASE("mysql dialect round trip: SHOW CREATE TABLE is equal on both sides") {
  auto source = connect_source();
  auto target = connect_target();
  create_source(*source);
  must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_rt");

  const QualifiedName odd{"omsql_test_schema_rt", "odd `name` select"};
  const QualifiedName order{"omsql_test_schema_rt", "order"};
  Plan plan = plan_for(*source, {odd, {"omsql_test_schema_rt", "keyless"}, order}, "omsql_test_schema_rt");
  std::vector<std::string> warnings;
  auto created = schema::create_target_schema(*target, plan, &warnings);
  REQUIRE_MESSAGE(created, created.message());
  CHECK(warnings.empty());

  // Before the copy: only the primary key; no secondary index, no foreign key yet.
  std::string early = show_create(*target, odd);
  CHECK(early.find("PRIMARY KEY (`id`)") != std::string::npos);
  CHECK(early.find("ix_desc") == std::string::npos);
  CHECK(early.find("FOREIGN KEY") == std::string::npos);

  auto finished = schema::finish_target_schema(*target, plan);
  REQUIRE_MESSAGE(finished, finished.message());
  for (const auto& name : {odd, order, QualifiedName{"omsql_test_schema_rt", "keyless"}}) {
    CAPTURE(name.str());
    CHECK(show_create(*source, name) == show_create(*target, name));
  }
  // A resumed task finishes again: nothing to add, nothing fails.
  auto again = schema::finish_target_schema(*target, plan);
  REQUIRE_MESSAGE(again, again.message());
  CHECK(show_create(*source, odd) == show_create(*target, odd));

  must(*source, "DROP DATABASE omsql_test_schema_rt");
  must(*target, "DROP DATABASE omsql_test_schema_rt");
}

TEST_CASE("renames, excluded columns and CAST on a real target") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_schema_map");
  must(*source, "CREATE DATABASE omsql_test_schema_map");
  must(*source,
       "CREATE TABLE omsql_test_schema_map.users (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, "
       "password_hash VARBINARY(64), active TINYINT(1) NOT NULL DEFAULT 1, upper_name VARCHAR(40) AS (UPPER(name)), "
       "UNIQUE KEY ux_name (name), KEY ix_pw (password_hash), KEY ix_upper (upper_name), CHECK (LENGTH(name) > 0))");
  must(*source,
       "CREATE TABLE omsql_test_schema_map.orders (id INT NOT NULL PRIMARY KEY, user_id INT, "
       "CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id))");
  must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_map_v2");

  Plan plan = plan_for(*source, {{"omsql_test_schema_map", "orders"}, {"omsql_test_schema_map", "users"}},
                       "omsql_test_schema_map_v2");
  TableJob& users = plan.tables[1];
  users.target.table = "clients";
  users.columns[0].target = "client id";                      // MAP COLUMN id TO `client id`
  users.columns[1].target = "full_name";                      // MAP COLUMN name TO full_name
  users.columns.erase(users.columns.begin() + 2);             // COLUMNS EXCLUDE (password_hash)
  users.columns[1 + 1].cast_to = "BOOLEAN";                   // CAST TINYINT(1) TO BOOLEAN
  std::vector<std::string> warnings;
  auto created = schema::create_target_schema(*target, plan, &warnings);
  REQUIRE_MESSAGE(created, created.message());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "omsql_test_schema_map.users: index `ix_pw` dropped: column `password_hash` is excluded");
  auto finished = schema::finish_target_schema(*target, plan);
  REQUIRE_MESSAGE(finished, finished.message());

  std::string clients = show_create(*target, {"omsql_test_schema_map_v2", "clients"});
  CHECK(clients.find("`client id` int(11) NOT NULL") != std::string::npos);
  CHECK(clients.find("`active` tinyint(1) NOT NULL DEFAULT 1") != std::string::npos);  // BOOLEAN is tinyint(1)
  CHECK(clients.find("GENERATED ALWAYS AS (ucase(`full_name`)) VIRTUAL") != std::string::npos);
  CHECK(clients.find("UNIQUE KEY `ux_name` (`full_name`)") != std::string::npos);
  CHECK(clients.find("KEY `ix_upper` (`upper_name`)") != std::string::npos);
  CHECK(clients.find("CHECK (octet_length(`full_name`) > 0)") != std::string::npos);
  CHECK(clients.find("password_hash") == std::string::npos);
  std::string orders = show_create(*target, {"omsql_test_schema_map_v2", "orders"});
  CHECK(orders.find("CONSTRAINT `fk_user` FOREIGN KEY (`user_id`) REFERENCES `clients` (`client id`)") !=
        std::string::npos);

  must(*source, "DROP DATABASE omsql_test_schema_map");
  must(*target, "DROP DATABASE omsql_test_schema_map_v2");
}

TEST_CASE("existing target tables: fail names them, truncate empties them, append keeps their rows") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_schema_exists");
  must(*source, "CREATE DATABASE omsql_test_schema_exists");
  must(*source, "CREATE TABLE omsql_test_schema_exists.t (id INT PRIMARY KEY, v INT, KEY ix_v (v))");
  must(*source, "CREATE TABLE omsql_test_schema_exists.fresh (id INT PRIMARY KEY)");
  must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_exists");
  must(*target, "CREATE DATABASE omsql_test_schema_exists");
  must(*target, "CREATE TABLE omsql_test_schema_exists.t (id INT PRIMARY KEY, v INT, KEY ix_v (v))");
  must(*target, "INSERT INTO omsql_test_schema_exists.t VALUES (1, 1), (2, 2)");
  Plan plan = plan_for(*source, {{"omsql_test_schema_exists", "fresh"}, {"omsql_test_schema_exists", "t"}},
                       "omsql_test_schema_exists");
  const std::string count = "SELECT COUNT(*) FROM omsql_test_schema_exists.t";
  const std::string fresh_exists =
      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'omsql_test_schema_exists' "
      "AND TABLE_NAME = 'fresh'";

  plan.options.on_exists = OnExists::kFail;
  auto failed = schema::create_target_schema(*target, plan, nullptr);
  REQUIRE(!failed);
  CHECK(failed.message().find("target root@127.0.0.1:") == 0);
  CHECK(failed.message().find("target table omsql_test_schema_exists.t (from omsql_test_schema_exists.t) already exists") !=
        std::string::npos);
  CHECK(failed.message().find("on_exists") != std::string::npos);
  CHECK(scalar(*target, fresh_exists) == "0");  // nothing written
  CHECK(scalar(*target, count) == "2");

  plan.options.on_exists = OnExists::kAppend;
  REQUIRE(schema::create_target_schema(*target, plan, nullptr));
  CHECK(scalar(*target, count) == "2");
  CHECK(scalar(*target, fresh_exists) == "1");
  REQUIRE(schema::finish_target_schema(*target, plan));  // ix_v exists already: skipped, no error

  plan.options.on_exists = OnExists::kTruncate;
  REQUIRE(schema::create_target_schema(*target, plan, nullptr));
  CHECK(scalar(*target, count) == "0");

  must(*source, "DROP DATABASE omsql_test_schema_exists");
  must(*target, "DROP DATABASE omsql_test_schema_exists");
}

TEST_CASE("a repeated schema step keeps the tables it created and still refuses the others") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_schema_again");
  must(*source, "CREATE DATABASE omsql_test_schema_again");
  must(*source, "CREATE TABLE omsql_test_schema_again.a (id INT PRIMARY KEY)");
  must(*source, "CREATE TABLE omsql_test_schema_again.b (id INT PRIMARY KEY)");
  must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_again");
  Plan plan = plan_for(*source, {{"omsql_test_schema_again", "a"}, {"omsql_test_schema_again", "b"}},
                       "omsql_test_schema_again");
  plan.options.on_exists = OnExists::kFail;
  std::set<QualifiedName> created;
  REQUIRE(schema::create_target_schema(*target, plan, nullptr, &created));
  CHECK(created.size() == 2);
  must(*target, "INSERT INTO omsql_test_schema_again.a VALUES (1)");
  // As after a lost connection: the same call again keeps both tables and their rows.
  REQUIRE(schema::create_target_schema(*target, plan, nullptr, &created));
  CHECK(scalar(*target, "SELECT COUNT(*) FROM omsql_test_schema_again.a") == "1");
  // A table it did not create is still a clash.
  std::set<QualifiedName> only_a{{"omsql_test_schema_again", "a"}};
  auto clash = schema::create_target_schema(*target, plan, nullptr, &only_a);
  REQUIRE(!clash);
  CHECK(clash.message().find("omsql_test_schema_again.b (from omsql_test_schema_again.b) already exists") !=
        std::string::npos);
  must(*source, "DROP DATABASE omsql_test_schema_again");
  must(*target, "DROP DATABASE omsql_test_schema_again");
}

TEST_CASE("catalog text replays under a hostile target sql_mode, which is restored afterwards") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_schema_mode");
  must(*source, "CREATE DATABASE omsql_test_schema_mode");
  must(*source, "SET SESSION sql_mode = ''");
  must(*source,
       "CREATE TABLE omsql_test_schema_mode.t (id INT PRIMARY KEY, "
       "a VARCHAR(10) DEFAULT 'x\\\\y''z' COMMENT 'c\\\\d \"q\"', d DATETIME DEFAULT '0000-00-00 00:00:00', "
       "g VARCHAR(20) AS (CONCAT(a, 'q\\\\r')) VIRTUAL, CONSTRAINT bs CHECK (a <> 'b\\\\c')) COMMENT 'tab\\\\le'");
  must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_mode");
  const std::string hostile = "ANSI_QUOTES,NO_BACKSLASH_ESCAPES,NO_ZERO_DATE,NO_ZERO_IN_DATE,STRICT_ALL_TABLES";
  must(*target, "SET SESSION sql_mode = '" + hostile + "'");
  const std::string before = scalar(*target, "SELECT @@SESSION.sql_mode");

  Plan plan = plan_for(*source, {{"omsql_test_schema_mode", "t"}}, "omsql_test_schema_mode");
  auto created = schema::create_target_schema(*target, plan, nullptr);
  REQUIRE_MESSAGE(created, created.message());
  auto finished = schema::finish_target_schema(*target, plan);
  REQUIRE_MESSAGE(finished, finished.message());
  CHECK(scalar(*target, "SELECT @@SESSION.sql_mode") == before);
  CHECK(scalar(*target, "SELECT @@SESSION.foreign_key_checks") == "1");
  must(*target, "SET SESSION sql_mode = DEFAULT");
  CHECK(show_create(*source, {"omsql_test_schema_mode", "t"}) == show_create(*target, {"omsql_test_schema_mode", "t"}));

  must(*source, "DROP DATABASE omsql_test_schema_mode");
  must(*target, "DROP DATABASE omsql_test_schema_mode");
}

TEST_CASE("oceanbase DDL for the every-type table is valid MySQL syntax (smoke test on MariaDB)") {
  // No OceanBase server in the sandbox: this checks that what the oceanbase rules write parses and
  // creates on a MySQL-compatible server, and that the rules fired; tests/src/schema/
  // oceanbase_rules_test.cpp checks each rule's text.
  auto source = connect_source();
  auto target = connect_target();
  create_source(*source);
  must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_ob");
  Plan plan = plan_for(*source, {{"omsql_test_schema_rt", "odd `name` select"}, {"omsql_test_schema_rt", "order"}},
                       "omsql_test_schema_ob");
  plan.target.dialect = Dialect::kOceanBase;
  std::vector<std::string> warnings;
  auto created = schema::create_target_schema(*target, plan, &warnings);
  REQUIRE_MESSAGE(created, created.message());
  auto finished = schema::finish_target_schema(*target, plan);
  REQUIRE_MESSAGE(finished, finished.message());
  std::string all;
  for (const auto& w : warnings) all += w + "\n";
  CAPTURE(all);
  CHECK(all.find("FULLTEXT index `ft` dropped") != std::string::npos);
  CHECK(all.find("SPATIAL index `sp` dropped") != std::string::npos);
  CHECK(all.find("index `ux_hash` dropped: OceanBase cannot index TEXT/BLOB/JSON column `tx`") != std::string::npos);
  CHECK(all.find("index `ux prefix` created ascending") != std::string::npos);
  CHECK(all.find("`back``tick`: charset utf8mb3 stored as utf8mb4") == std::string::npos);  // names are raw
  CHECK(all.find("odd `name` select.back`tick: charset utf8mb3 stored as utf8mb4") != std::string::npos);
  CHECK(all.find("odd `name` select.uid: MariaDB type uuid has no OceanBase equivalent") != std::string::npos);
  CHECK(all.find("odd `name` select.expr: expression DEFAULT (`select` + 1) dropped") != std::string::npos);
  CHECK(all.find("odd `name` select.ch: collation latin1_german1_ci") != std::string::npos);
  std::string created_sql = show_create(*target, {"omsql_test_schema_ob", "odd `name` select"});
  CHECK(created_sql.find("`uid` char(36)") != std::string::npos);
  CHECK(created_sql.find("CHECK (json_valid(`j`))") != std::string::npos);
  CHECK(created_sql.find("DESC") == std::string::npos);
  CHECK(created_sql.find("CONSTRAINT `fk parent` FOREIGN KEY") != std::string::npos);
  must(*source, "DROP DATABASE omsql_test_schema_rt");
  must(*target, "DROP DATABASE omsql_test_schema_ob");
}

TEST_CASE("partitioned tables: SHOW CREATE TABLE is equal on both sides; the oceanbase DDL creates on MariaDB") {
  auto source = connect_source();
  auto target = connect_target();
  must(*source, "DROP DATABASE IF EXISTS omsql_test_schema_part");
  must(*source, "CREATE DATABASE omsql_test_schema_part");
  const std::vector<std::pair<std::string, std::string>> tables = {
      {"r", "(id INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (id, d)) PARTITION BY RANGE (YEAR(d)) "
            "(PARTITION p0 VALUES LESS THAN (2000) COMMENT 'old', PARTITION p1 VALUES LESS THAN MAXVALUE)"},
      {"rc", "(a INT, b VARCHAR(10)) PARTITION BY RANGE COLUMNS (a, b) "
             "(PARTITION p0 VALUES LESS THAN (10, 'm'), PARTITION `p 1` VALUES LESS THAN (MAXVALUE, MAXVALUE))"},
      {"l", "(a INT) PARTITION BY LIST (a) (PARTITION p0 VALUES IN (1, 2, NULL), PARTITION p1 VALUES IN (3), "
            "PARTITION pd DEFAULT)"},
      {"lc", "(c VARCHAR(5)) PARTITION BY LIST COLUMNS (c) (PARTITION p0 VALUES IN ('a', 'b'), "
             "PARTITION p1 VALUES IN ('it''s'))"},
      {"h", "(a INT) PARTITION BY HASH (a) PARTITIONS 4"},
      {"lh", "(a INT) PARTITION BY LINEAR HASH (a + 1) PARTITIONS 3"},
      {"k", "(a INT PRIMARY KEY) PARTITION BY KEY () PARTITIONS 2"},
      {"ka", "(a INT, b INT) PARTITION BY LINEAR KEY ALGORITHM = 1 (a, b) PARTITIONS 2"},
      {"s", "(a INT, d DATE) PARTITION BY RANGE (YEAR(d)) SUBPARTITION BY HASH (a) SUBPARTITIONS 2 "
            "(PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE)"},
      {"s2", "(a INT, d DATE) PARTITION BY LIST (a) SUBPARTITION BY KEY (d) "
             "(PARTITION p0 VALUES IN (1) (SUBPARTITION s0, SUBPARTITION s1 COMMENT 'x'), "
             "PARTITION p1 VALUES IN (2) (SUBPARTITION s2, SUBPARTITION s3))"},
      {"hn", "(a INT) PARTITION BY HASH (a) (PARTITION x1, PARTITION x2 COMMENT 'c')"},
  };
  std::vector<QualifiedName> names;
  for (const auto& [name, definition] : tables) {
    must(*source, "CREATE TABLE omsql_test_schema_part.`" + name + "` " + definition);
    names.push_back({"omsql_test_schema_part", name});
  }

  SUBCASE("mysql") {
    must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_part");
    Plan plan = plan_for(*source, names, "omsql_test_schema_part");
    std::vector<std::string> warnings;
    auto created = schema::create_target_schema(*target, plan, &warnings);
    REQUIRE_MESSAGE(created, created.message());
    auto finished = schema::finish_target_schema(*target, plan);
    REQUIRE_MESSAGE(finished, finished.message());
    CHECK(warnings.empty());
    for (const auto& name : names) {
      CAPTURE(name.str());
      std::string source_sql = show_create(*source, name);
      CHECK(source_sql.find("PARTITION BY") != std::string::npos);
      CHECK(source_sql == show_create(*target, name));
    }
    must(*target, "DROP DATABASE omsql_test_schema_part");
  }
  SUBCASE("oceanbase") {
    // No OceanBase here: the rewritten clauses must at least be valid MySQL-family DDL.
    must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_part_ob");
    Plan plan = plan_for(*source, names, "omsql_test_schema_part_ob");
    plan.target.dialect = Dialect::kOceanBase;
    std::vector<std::string> warnings;
    auto created = schema::create_target_schema(*target, plan, &warnings);
    REQUIRE_MESSAGE(created, created.message());
    std::string all;
    for (const auto& w : warnings) all += w + "\n";
    CAPTURE(all);
    CHECK(all.find("omsql_test_schema_part.l: partitioning is not migrated") != std::string::npos);
    CHECK(all.find("omsql_test_schema_part.lh: partitioning kept, LINEAR HASH written as HASH") != std::string::npos);
    CHECK(all.find("omsql_test_schema_part.k: partitioning kept, KEY () written KEY (`a`)") != std::string::npos);
    CHECK(all.find("partition `p0` COMMENT = 'old'") != std::string::npos);
    for (const char* t : {"r", "rc", "lc", "h", "lh", "k", "ka", "s", "s2", "hn"})
      CHECK(show_create(*target, {"omsql_test_schema_part_ob", t}).find("PARTITION BY") != std::string::npos);
    CHECK(show_create(*target, {"omsql_test_schema_part_ob", "l"}).find("PARTITION BY") == std::string::npos);
    CHECK(show_create(*target, {"omsql_test_schema_part_ob", "lh"}).find("LINEAR") == std::string::npos);
    must(*target, "DROP DATABASE omsql_test_schema_part_ob");
  }
  SUBCASE("a partitioned table the target refuses is found before any table is created") {
    // The TEMPORARY trial runs without the PARTITION BY clause (InnoDB refuses partitioned temporary
    // tables), so the row size is still checked up front.
    must(*source, "CREATE TABLE omsql_test_schema_part.wide (id INT PRIMARY KEY, x VARCHAR(10), y VARCHAR(10)) "
                  "PARTITION BY HASH (id) PARTITIONS 2");
    must(*target, "DROP DATABASE IF EXISTS omsql_test_schema_part_w");
    Plan plan = plan_for(*source, {names[0], {"omsql_test_schema_part", "wide"}}, "omsql_test_schema_part_w");
    for (size_t c : {1, 2}) plan.tables[1].columns[c].cast_to = "VARCHAR(40000) CHARACTER SET latin1";
    std::vector<std::string> warnings;
    auto created = schema::create_target_schema(*target, plan, &warnings);
    REQUIRE_FALSE(created);
    CHECK(created.message().find("validating omsql_test_schema_part_w.wide") != std::string::npos);
    CHECK(scalar(*target, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "
                          "'omsql_test_schema_part_w'") == "0");
  }
  must(*source, "DROP DATABASE omsql_test_schema_part");
}
