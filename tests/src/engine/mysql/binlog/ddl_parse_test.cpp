#include <doctest/doctest.h>

#include <string>

#include "src/engine/mysql/binlog/ddl_lexer.hpp"
#include "src/engine/mysql/binlog/ddl_parse.hpp"

using namespace omsql;

namespace {

// "kind | type schema.name[:part] role; ..." with flags in brackets, or "? why" for kUnknown.
std::string describe(const ClassifiedStatement& s) {
  if (s.kind == StatementKind::kUnknown) return "?";
  std::string text(statement_kind_name(s.kind));
  if (s.or_replace) text += " [or replace]";
  if (s.temporary) text += " [temporary]";
  if (s.if_exists) text += " [if exists]";
  if (s.if_not_exists) text += " [if not exists]";
  if (s.create_like) text += " [like]";
  if (s.create_select) text += " [select]";
  text += " |";
  bool first = true;
  for (const auto& o : s.objects) {
    text += first ? " " : "; ";
    first = false;
    text += std::string(object_type_name(o.type)) + " ";
    if (o.type == ObjectType::kDatabase) text += o.name.schema;
    else if (o.type == ObjectType::kUser) text += o.name.table;
    else text += o.name.schema + "." + o.name.table;
    if (!o.part.empty() || o.type == ObjectType::kIndex || o.type == ObjectType::kConstraint ||
        o.type == ObjectType::kColumn || o.type == ObjectType::kPartition)
      text += ":" + o.part;
    text += " " + std::string(object_role_name(o.role));
  }
  return text;
}

std::string alters(const ClassifiedStatement& s) {
  std::string text;
  for (const auto& a : s.alter) {
    if (!text.empty()) text += ", ";
    text += std::string(alter_action_name(a.action));
    if (!a.name.empty()) text += " " + a.name;
  }
  return text;
}

struct Case {
  const char* statement;
  const char* default_database;
  const char* expected;
};

void check_cases(const Case* begin, const Case* end) {
  for (const Case* c = begin; c != end; ++c) {
    const std::string statement_text = c->statement;
    CAPTURE(statement_text);
    const ClassifiedStatement s = classify_statement(c->statement, c->default_database);
    CAPTURE(s.unparsed);
    CHECK(describe(s) == c->expected);
  }
}

}  // namespace

TEST_CASE("lex_sql: quoting, comments and executable comments") {
  auto tokens = lex_sql("/*!40101 ALTER */ `we``ird`.\"x y\" -- gone\n'str''s' #gone\n /*M!100100 DROP*/ /* no */ a$1");
  REQUIRE(tokens.size() == 7);
  CHECK(tokens[0].text == "ALTER");
  CHECK(tokens[1].kind == SqlToken::kQuotedName);
  CHECK(tokens[1].text == "we`ird");
  CHECK(tokens[2].text == ".");
  CHECK(tokens[3].kind == SqlToken::kDoubleQuoted);
  CHECK(tokens[3].text == "x y");
  CHECK(tokens[4].kind == SqlToken::kString);
  CHECK(tokens[4].text == "str's");
  CHECK(tokens[5].text == "DROP");
  CHECK(tokens[6].text == "a$1");
  CHECK(lex_sql("a--b").size() == 4);  // `--` without a space after it is two minus signs
  CHECK(lex_sql("`never closed").size() == 1);
  CHECK(lex_sql("/* never closed").empty());
}

TEST_CASE("classify_statement: databases, tables, rename, truncate (table-driven)") {
  const Case cases[] = {
      {"CREATE DATABASE shop", "", "CREATE DATABASE | database shop created"},
      {"create schema if not exists `shop`", "", "CREATE DATABASE [if not exists] | database shop created"},
      {"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */", "",
       "CREATE DATABASE [if not exists] | database shop created"},
      {"CREATE OR REPLACE DATABASE shop", "", "CREATE DATABASE [or replace] | database shop created"},
      {"ALTER DATABASE shop CHARACTER SET utf8mb4", "", "ALTER DATABASE | database shop changed"},
      {"ALTER DATABASE DEFAULT COLLATE utf8mb4_bin", "shop", "ALTER DATABASE | database shop changed"},
      {"ALTER SCHEMA `shop` UPGRADE DATA DIRECTORY NAME", "", "ALTER DATABASE | database shop changed"},
      {"DROP DATABASE shop", "", "DROP DATABASE | database shop dropped"},
      {"drop schema if exists `sh``op`", "", "DROP DATABASE [if exists] | database sh`op dropped"},
      {"CREATE TABLE orders (id INT PRIMARY KEY)", "shop", "CREATE TABLE | table shop.orders created"},
      {"CREATE TABLE `shop`.`orders` (id INT)", "crm", "CREATE TABLE | table shop.orders created"},
      {"CREATE TABLE IF NOT EXISTS orders (id INT)", "shop", "CREATE TABLE [if not exists] | table shop.orders created"},
      {"CREATE OR REPLACE TABLE shop.orders (id INT)", "", "CREATE TABLE [or replace] | table shop.orders created"},
      {"create temporary table shop.orders (id int)", "", "CREATE TABLE [temporary] | table shop.orders created"},
      {"CREATE OR REPLACE TEMPORARY TABLE t1 (a INT)", "x",
       "CREATE TABLE [or replace] [temporary] | table x.t1 created"},
      {"CREATE TABLE other.x LIKE shop.orders", "", "CREATE TABLE [like] | table other.x created; table shop.orders read"},
      {"CREATE TABLE x (LIKE orders)", "shop", "CREATE TABLE [like] | table shop.x created; table shop.orders read"},
      {"CREATE TABLE other.x AS SELECT * FROM shop.orders", "",
       "CREATE TABLE [select] | table other.x created; table shop.orders read"},
      {"CREATE TABLE other.x (id INT) IGNORE SELECT o.id FROM shop.orders o JOIN items i ON i.oid = o.id WHERE 1", "shop",
       "CREATE TABLE [select] | table other.x created; table shop.orders read; table shop.items read"},
      {"CREATE TABLE other.x SELECT a.id FROM shop.orders AS a, `shop`.`items` b", "",
       "CREATE TABLE [select] | table other.x created; table shop.orders read; table shop.items read"},
      {"CREATE TABLE x (SELECT 1 AS one)", "shop", "CREATE TABLE [select] | table shop.x created"},
      {"CREATE TABLE x AS (SELECT id FROM orders)", "shop", "CREATE TABLE [select] | table shop.x created; table shop.orders read"},
      {"CREATE TABLE x (a INT, b INT AS (a + 1)) ENGINE=InnoDB", "shop", "CREATE TABLE | table shop.x created"},
      {"CREATE TABLE shop.items (id INT, oid INT, FOREIGN KEY (oid) REFERENCES orders (id))", "shop",
       "CREATE TABLE | table shop.items created; table shop.orders read"},
      {"CREATE TABLE t (y INT DEFAULT (EXTRACT(YEAR FROM now())))", "d", "CREATE TABLE | table d.t created"},
      {"CREATE TABLE shop.audit (note VARCHAR(10) DEFAULT 'orders') COMMENT 'about shop.orders'", "",
       "CREATE TABLE | table shop.audit created"},
      {"CREATE TABLE `my table` (`a``b` INT) ENGINE=InnoDB", "shop", "CREATE TABLE | table shop.my table created"},
      {"CREATE TABLE `shop`.`a.b` (x INT)", "", "CREATE TABLE | table shop.a.b created"},
      {"CREATE TABLE shop.`заказы` (x INT)", "", "CREATE TABLE | table shop.заказы created"},
      {"CREATE TABLE \"shop\".\"orders\" (x INT)", "", "CREATE TABLE | table shop.orders created"},
      {"CREATE TABLE t (a INT) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN MAXVALUE)",
       "d", "CREATE TABLE | table d.t created"},
      {"DROP TABLE orders", "shop", "DROP TABLE | table shop.orders dropped"},
      {"DROP TABLE IF EXISTS `orders` /* generated by server */", "shop",
       "DROP TABLE [if exists] | table shop.orders dropped"},
      {"DROP TABLE IF EXISTS `a`,`shop`.`orders`,b /* generated by server */", "crm",
       "DROP TABLE [if exists] | table crm.a dropped; table shop.orders dropped; table crm.b dropped"},
      {"DROP /*!40005 TEMPORARY */ TABLE IF EXISTS `tmp1` /* generated by server */", "shop",
       "DROP TABLE [temporary] [if exists] | table shop.tmp1 dropped"},
      {"DROP TEMPORARY TABLE IF EXISTS t", "shop", "DROP TABLE [temporary] [if exists] | table shop.t dropped"},
      {"DROP TABLE a WAIT 5, b NOWAIT CASCADE", "d", "DROP TABLE | table d.a dropped; table d.b dropped"},
      {"drop tables shop.orders", "", "DROP TABLE | table shop.orders dropped"},
      {"TRUNCATE shop.orders", "crm", "TRUNCATE TABLE | table shop.orders changed"},
      {"truncate table `orders` wait 3", "shop", "TRUNCATE TABLE | table shop.orders changed"},
      {"RENAME TABLE shop.tmp TO shop.orders", "", "RENAME TABLE | table shop.tmp renamed-from; table shop.orders renamed-to"},
      {"RENAME TABLE orders TO orders_old, orders_new TO orders", "shop",
       "RENAME TABLE | table shop.orders renamed-from; table shop.orders_old renamed-to; table shop.orders_new "
       "renamed-from; table shop.orders renamed-to"},
      {"RENAME TABLES IF EXISTS a NOWAIT TO other.a", "shop",
       "RENAME TABLE [if exists] | table shop.a renamed-from; table other.a renamed-to"},
      {"RENAME TABLE shop.orders TO archive.orders;", "", "RENAME TABLE | table shop.orders renamed-from; table archive.orders renamed-to"},
      {"/* app: deploy 42 */ RENAME /* x */ TABLE `shop` . `orders` TO `shop`.`orders_2024`", "",
       "RENAME TABLE | table shop.orders renamed-from; table shop.orders_2024 renamed-to"},
  };
  check_cases(std::begin(cases), std::end(cases));
}

TEST_CASE("classify_statement: indexes, views, triggers, routines, events, sequences (table-driven)") {
  const Case cases[] = {
      {"CREATE INDEX i ON orders (created_at)", "shop", "CREATE INDEX | table shop.orders changed; index shop.orders:i created"},
      {"CREATE UNIQUE INDEX IF NOT EXISTS u USING BTREE ON shop.orders (a, b)", "",
       "CREATE INDEX [if not exists] | table shop.orders changed; index shop.orders:u created"},
      {"CREATE OR REPLACE FULLTEXT INDEX ft ON `shop`.`orders` (note)", "",
       "CREATE INDEX [or replace] | table shop.orders changed; index shop.orders:ft created"},
      {"DROP INDEX i ON orders", "shop", "DROP INDEX | table shop.orders changed; index shop.orders:i dropped"},
      {"DROP INDEX IF EXISTS `PRIMARY` ON shop.orders ALGORITHM=INPLACE", "",
       "DROP INDEX [if exists] | table shop.orders changed; index shop.orders:PRIMARY dropped"},
      {"CREATE VIEW shop.v AS SELECT o.orders FROM shop.items o", "shop",
       "CREATE VIEW | view shop.v created; table shop.items read"},
      {"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select `orders`.`id` AS `id` from `orders`",
       "shop", "CREATE VIEW | view shop.v created; table shop.orders read"},
      {"CREATE OR REPLACE VIEW IF NOT EXISTS v (a) AS SELECT 1", "d", "CREATE VIEW [or replace] [if not exists] | view d.v created"},
      {"ALTER DEFINER=CURRENT_USER() VIEW shop.v AS SELECT * FROM shop.orders", "",
       "ALTER VIEW | view shop.v changed; table shop.orders read"},
      {"DROP VIEW IF EXISTS v1, shop.v2 RESTRICT", "d", "DROP VIEW [if exists] | view d.v1 dropped; view shop.v2 dropped"},
      {"CREATE TRIGGER t BEFORE INSERT ON shop.orders FOR EACH ROW SET @x = 1", "",
       "CREATE TRIGGER | trigger .t created; table shop.orders read"},
      {"CREATE DEFINER=`app`@`%` TRIGGER `shop`.`trg` AFTER UPDATE ON `orders` FOR EACH ROW BEGIN "
       "UPDATE items SET n = n + 1; DELETE FROM orders WHERE 0; END",
       "shop", "CREATE TRIGGER | trigger shop.trg created; table shop.orders read"},
      {"CREATE OR REPLACE DEFINER=root@localhost TRIGGER IF NOT EXISTS trg BEFORE DELETE ON orders FOR EACH ROW FOLLOWS other SET @a=1",
       "shop", "CREATE TRIGGER [or replace] [if not exists] | trigger shop.trg created; table shop.orders read"},
      {"DROP TRIGGER IF EXISTS shop.trg", "", "DROP TRIGGER [if exists] | trigger shop.trg dropped"},
      {"CREATE DEFINER=`root`@`localhost` PROCEDURE `p`(IN a INT) BEGIN INSERT INTO orders VALUES (a); DROP TABLE x; END",
       "shop", "CREATE PROCEDURE | procedure shop.p created"},
      {"CREATE OR REPLACE PROCEDURE IF NOT EXISTS shop.p() SELECT 1", "",
       "CREATE PROCEDURE [or replace] [if not exists] | procedure shop.p created"},
      {"ALTER PROCEDURE p COMMENT 'x'", "shop", "ALTER PROCEDURE | procedure shop.p changed"},
      {"DROP PROCEDURE IF EXISTS `shop`.`p`", "", "DROP PROCEDURE [if exists] | procedure shop.p dropped"},
      {"CREATE DEFINER=`u`@`h` FUNCTION f(x INT) RETURNS int(11) DETERMINISTIC RETURN x + 1", "shop",
       "CREATE FUNCTION | function shop.f created"},
      {"CREATE AGGREGATE FUNCTION IF NOT EXISTS agg(x INT) RETURNS INT BEGIN RETURN 1; END", "d",
       "CREATE FUNCTION [if not exists] | function d.agg created"},
      {"CREATE FUNCTION metaphon RETURNS STRING SONAME 'udf_example.so'", "d", "CREATE FUNCTION | function d.metaphon created"},
      {"ALTER FUNCTION shop.f SQL SECURITY INVOKER", "", "ALTER FUNCTION | function shop.f changed"},
      {"DROP FUNCTION f", "shop", "DROP FUNCTION | function shop.f dropped"},
      {"CREATE EVENT shop.orders ON SCHEDULE EVERY 1 HOUR DO DELETE FROM shop.orders WHERE 0", "",
       "CREATE EVENT | event shop.orders created"},
      {"CREATE DEFINER=`root`@`localhost` EVENT IF NOT EXISTS `e` ON SCHEDULE AT '2030-01-01' ON COMPLETION PRESERVE DISABLE DO BEGIN "
       "TRUNCATE orders; END",
       "shop", "CREATE EVENT [if not exists] | event shop.e created"},
      {"ALTER EVENT e ON SCHEDULE EVERY 2 HOUR", "shop", "ALTER EVENT | event shop.e changed"},
      {"ALTER DEFINER=CURRENT_USER EVENT e RENAME TO shop.e2 DO SELECT 1", "shop",
       "ALTER EVENT | event shop.e renamed-from; event shop.e2 renamed-to"},
      {"DROP EVENT IF EXISTS e", "shop", "DROP EVENT [if exists] | event shop.e dropped"},
      {"CREATE SEQUENCE s START WITH 10 INCREMENT BY 5", "shop", "CREATE SEQUENCE | sequence shop.s created"},
      {"CREATE OR REPLACE TEMPORARY SEQUENCE IF NOT EXISTS s", "shop",
       "CREATE SEQUENCE [or replace] [temporary] [if not exists] | sequence shop.s created"},
      {"ALTER SEQUENCE IF EXISTS shop.s RESTART 100", "", "ALTER SEQUENCE [if exists] | sequence shop.s changed"},
      {"DROP SEQUENCE IF EXISTS s1, other.s2", "shop",
       "DROP SEQUENCE [if exists] | sequence shop.s1 dropped; sequence other.s2 dropped"},
  };
  check_cases(std::begin(cases), std::end(cases));
}

TEST_CASE("classify_statement: maintenance, accounts, DML and what it does not understand (table-driven)") {
  const Case cases[] = {
      {"ANALYZE TABLE shop.orders", "", "table maintenance | table shop.orders changed"},
      {"analyze table orders persistent for all", "shop", "table maintenance | table shop.orders changed"},
      {"ANALYZE NO_WRITE_TO_BINLOG TABLE a, b", "d", "table maintenance | table d.a changed; table d.b changed"},
      {"OPTIMIZE TABLE `orders`", "shop", "table maintenance | table shop.orders changed"},
      {"REPAIR LOCAL TABLE shop.orders QUICK USE_FRM", "", "table maintenance | table shop.orders changed"},
      {"CHECK TABLE shop.orders EXTENDED", "", "table maintenance | table shop.orders changed"},
      {"CHECKSUM TABLE shop.orders", "", "table maintenance | table shop.orders changed"},
      {"FLUSH TABLES shop.orders WITH READ LOCK", "", "FLUSH |"},
      {"FLUSH PRIVILEGES", "", "FLUSH |"},
      {"GRANT SELECT ON shop.orders TO 'app'@'%'", "", "GRANT |"},
      {"REVOKE ALL ON shop.* FROM 'app'@'%'", "", "REVOKE |"},
      {"CREATE USER IF NOT EXISTS 'orders'@'%' IDENTIFIED BY 'x', bob@localhost", "shop",
       "account statement [if not exists] | user orders@% created; user bob@localhost created"},
      {"CREATE OR REPLACE ROLE orders", "shop", "account statement [or replace] | user orders created"},
      {"DROP USER orders", "shop", "account statement | user orders dropped"},
      {"DROP ROLE IF EXISTS r1, r2", "", "account statement [if exists] | user r1 dropped; user r2 dropped"},
      {"ALTER USER 'app'@'%' IDENTIFIED BY 'secret'", "", "account statement | user app@% changed"},
      {"RENAME USER a TO b", "", "account statement |"},
      {"SET PASSWORD FOR 'app'@'%' = PASSWORD('x')", "", "account statement |"},
      {"SET DEFAULT ROLE r FOR app", "", "account statement |"},
      {"insert into sf.t values (3,3,3)", "", "INSERT | table sf.t changed"},
      {"INSERT LOW_PRIORITY IGNORE INTO t (a) SELECT a FROM shop.orders", "d", "INSERT | table d.t changed"},
      {"REPLACE INTO `shop`.`orders` VALUES (1)", "", "REPLACE | table shop.orders changed"},
      {"  /* app */ UPDATE `sf`.`t` SET v = 10 WHERE id = 1", "", "UPDATE | table sf.t changed"},
      {"DELETE QUICK FROM orders WHERE id = 1", "shop", "DELETE | table shop.orders changed"},
      {"LOAD DATA LOCAL INFILE 'x' REPLACE INTO TABLE shop.orders FIELDS TERMINATED BY ','", "",
       "LOAD DATA | table shop.orders changed"},
      // Not understood: the caller must fall back to the name scan.
      {"", "shop", "?"},
      {"   -- only a comment\n", "shop", "?"},
      {"SET @orders = 1; UPDATE shop.orders SET a = 1", "", "?"},
      {"DROP TABLE a; DROP TABLE shop.orders", "", "?"},
      {"CREATE TABLE other.x (a INT); DROP TABLE shop.orders", "", "?"},
      {"XA START 'x'", "", "?"},
      {"CREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'h')", "", "?"},
      {"INSTALL SONAME 'ha_connect'", "", "?"},
      {"CREATE TABLE", "shop", "?"},
      {"DROP TABLE IF EXISTS", "shop", "?"},
      {"RENAME TABLE a", "shop", "?"},
      {"RENAME TABLE a TO", "shop", "?"},
      {"CREATE INDEX i orders (a)", "shop", "?"},
      {"WITH x AS (SELECT 1) UPDATE orders SET a = 1", "shop", "?"},
      {"DROP TABLE shop.", "shop", "?"},
      {"SET STATEMENT max_statement_time = 10, sql_mode = 'a,b' FOR ALTER TABLE orders ADD x INT", "shop",
       "ALTER TABLE | table shop.orders changed; column shop.orders:x created"},
      {"SET STATEMENT lock_wait_timeout = 1 FOR ANALYZE TABLE orders", "shop", "table maintenance | table shop.orders changed"},
      {"SET STATEMENT x = 1 FOR", "shop", "?"},
      {"SET STATEMENT x = 1", "shop", "?"},
      {"DROP TABLE 'orders'", "shop", "?"},
  };
  check_cases(std::begin(cases), std::end(cases));
}

TEST_CASE("classify_statement: ALTER TABLE clause lists (table-driven)") {
  struct AlterCase {
    const char* statement;
    const char* expected;  // describe()
    const char* clauses;   // alter list
  };
  const AlterCase cases[] = {
      {"ALTER TABLE orders ADD COLUMN note TEXT", "ALTER TABLE | table shop.orders changed; column shop.orders:note created",
       "ADD COLUMN note"},
      {"ALTER TABLE orders ADD note TEXT AFTER id, ADD COLUMN IF NOT EXISTS (a INT, b INT)",
       "ALTER TABLE | table shop.orders changed; column shop.orders:note created; column shop.orders:a created; column "
       "shop.orders:b created",
       "ADD COLUMN note, ADD COLUMN a, ADD COLUMN b"},
      {"alter table `shop`.`ORDERS` drop column x", "ALTER TABLE | table shop.ORDERS changed; column shop.ORDERS:x dropped",
       "DROP COLUMN x"},
      {"ALTER TABLE orders DROP IF EXISTS x, DROP `y` CASCADE",
       "ALTER TABLE | table shop.orders changed; column shop.orders:x dropped; column shop.orders:y dropped",
       "DROP COLUMN x, DROP COLUMN y"},
      {"ALTER TABLE orders MODIFY COLUMN v BIGINT NOT NULL DEFAULT 0 COMMENT 'a, b'",
       "ALTER TABLE | table shop.orders changed; column shop.orders:v changed", "MODIFY COLUMN v"},
      {"ALTER TABLE orders CHANGE v v BIGINT, CHANGE COLUMN IF EXISTS w w2 INT",
       "ALTER TABLE | table shop.orders changed; column shop.orders:v changed; column shop.orders:w renamed-from; column "
       "shop.orders:w2 renamed-to",
       "CHANGE COLUMN v, CHANGE COLUMN w"},
      {"ALTER TABLE orders RENAME COLUMN a TO b",
       "ALTER TABLE | table shop.orders changed; column shop.orders:a renamed-from; column shop.orders:b renamed-to",
       "RENAME COLUMN a"},
      {"ALTER TABLE orders ALTER COLUMN v SET DEFAULT 5, ALTER w DROP DEFAULT",
       "ALTER TABLE | table shop.orders changed; column shop.orders:v changed; column shop.orders:w changed",
       "ALTER COLUMN v, ALTER COLUMN w"},
      {"ALTER TABLE orders ADD INDEX i (a), ADD KEY (b), ADD UNIQUE KEY u (c), ADD FULLTEXT (d), ADD SPATIAL INDEX s (e)",
       "ALTER TABLE | table shop.orders changed; index shop.orders:i created; index shop.orders: created; index "
       "shop.orders:u created; index shop.orders: created; index shop.orders:s created",
       "ADD INDEX i, ADD INDEX, ADD INDEX u, ADD INDEX, ADD INDEX s"},
      {"ALTER TABLE orders ADD PRIMARY KEY (id), DROP PRIMARY KEY",
       "ALTER TABLE | table shop.orders changed; index shop.orders:PRIMARY created; index shop.orders:PRIMARY dropped",
       "ADD PRIMARY KEY PRIMARY, DROP PRIMARY KEY PRIMARY"},
      {"ALTER TABLE items ADD CONSTRAINT fk1 FOREIGN KEY (oid) REFERENCES orders (id) ON DELETE CASCADE",
       "ALTER TABLE | table shop.items changed; constraint shop.items:fk1 created; table shop.orders read",
       "ADD FOREIGN KEY fk1"},
      {"ALTER TABLE items ADD FOREIGN KEY IF NOT EXISTS (oid) REFERENCES other.orders (id)",
       "ALTER TABLE | table shop.items changed; constraint shop.items: created; table other.orders read", "ADD FOREIGN KEY"},
      {"ALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0), ADD CHECK (b > 0), ADD CONSTRAINT UNIQUE (x)",
       "ALTER TABLE | table shop.orders changed; constraint shop.orders:c created; constraint shop.orders: created; index "
       "shop.orders: created",
       "ADD CHECK c, ADD CHECK, ADD INDEX"},
      {"ALTER TABLE orders DROP INDEX i, DROP KEY IF EXISTS k, DROP FOREIGN KEY fk1, DROP CONSTRAINT IF EXISTS c",
       "ALTER TABLE | table shop.orders changed; index shop.orders:i dropped; index shop.orders:k dropped; constraint "
       "shop.orders:fk1 dropped; constraint shop.orders:c dropped",
       "DROP INDEX i, DROP INDEX k, DROP FOREIGN KEY fk1, DROP CONSTRAINT c"},
      {"ALTER TABLE orders RENAME INDEX a TO b",
       "ALTER TABLE | table shop.orders changed; index shop.orders:a renamed-from; index shop.orders:b renamed-to",
       "RENAME INDEX a"},
      {"ALTER TABLE orders RENAME TO archive.orders",
       "ALTER TABLE | table shop.orders changed; table shop.orders renamed-from; table archive.orders renamed-to",
       "RENAME TO archive.orders"},
      {"ALTER TABLE tmp RENAME AS orders", "ALTER TABLE | table shop.tmp changed; table shop.tmp renamed-from; table shop.orders renamed-to",
       "RENAME TO shop.orders"},
      {"ALTER TABLE orders COMMENT = 'x', ENGINE=InnoDB ROW_FORMAT=DYNAMIC, AUTO_INCREMENT = 100",
       "ALTER TABLE | table shop.orders changed", "table options, table options, table options"},
      {"ALTER TABLE orders DEFAULT CHARSET = utf8mb4, CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
       "ALTER TABLE | table shop.orders changed", "table options, CONVERT TO CHARACTER SET"},
      {"ALTER ONLINE IGNORE TABLE IF EXISTS orders WAIT 10 ADD x INT, ALGORITHM=INPLACE, LOCK=NONE",
       "ALTER TABLE [if exists] | table shop.orders changed; column shop.orders:x created",
       "ADD COLUMN x, ALGORITHM/LOCK, ALGORITHM/LOCK"},
      {"ALTER TABLE orders FORCE", "ALTER TABLE | table shop.orders changed", "rebuild"},
      {"/*!40000 ALTER TABLE `orders` DISABLE KEYS */", "ALTER TABLE | table shop.orders changed", "rebuild"},
      {"ALTER TABLE orders", "ALTER TABLE | table shop.orders changed", ""},
      {"ALTER TABLE shop.orders ANALYZE PARTITION p0, p1",
       "ALTER TABLE | table shop.orders changed; partition shop.orders:p0 read; partition shop.orders:p1 read",
       "partition maintenance"},
      {"ALTER TABLE orders OPTIMIZE PARTITION ALL, ALGORITHM=INPLACE", "ALTER TABLE | table shop.orders changed",
       "partition maintenance, ALGORITHM/LOCK"},
      {"ALTER TABLE orders DROP PARTITION p0, p1, ADD x INT",
       "ALTER TABLE | table shop.orders changed; partition shop.orders:p0 dropped; partition shop.orders:p1 dropped; column "
       "shop.orders:x created",
       "partitioning change, ADD COLUMN x"},
      {"ALTER TABLE orders TRUNCATE PARTITION p2", "ALTER TABLE | table shop.orders changed; partition shop.orders:p2 changed",
       "partitioning change"},
      {"ALTER TABLE other.t EXCHANGE PARTITION p0 WITH TABLE shop.orders WITHOUT VALIDATION",
       "ALTER TABLE | table other.t changed; partition other.t:p0 changed; table shop.orders changed", "partitioning change"},
      {"ALTER TABLE t CONVERT PARTITION p0 TO TABLE orders",
       "ALTER TABLE | table shop.t changed; partition shop.t:p0 dropped; table shop.orders created", "partitioning change p0"},
      {"ALTER TABLE t CONVERT TABLE orders TO PARTITION p9 VALUES LESS THAN (100)",
       "ALTER TABLE | table shop.t changed; table shop.orders dropped", "partitioning change"},
      {"ALTER TABLE orders ADD x INT PARTITION BY HASH (id) PARTITIONS 4",
       "ALTER TABLE | table shop.orders changed; column shop.orders:x created", "ADD COLUMN x, partitioning change"},
      {"ALTER TABLE orders ORDER BY a DESC, `b`, ALGORITHM=COPY", "ALTER TABLE | table shop.orders changed",
       "rebuild, ALGORITHM/LOCK"},
      {"ALTER TABLE orders COALESCE PARTITION 2, ADD y INT",
       "ALTER TABLE | table shop.orders changed; column shop.orders:y created", "partitioning change, ADD COLUMN y"},
      {"ALTER TABLE orders REORGANIZE PARTITION p0, p1 INTO (PARTITION p2 VALUES LESS THAN (5), PARTITION p3 VALUES LESS THAN (9))",
       "ALTER TABLE | table shop.orders changed; partition shop.orders:p0 changed; partition shop.orders:p1 changed",
       "partitioning change"},
      {"ALTER TABLE orders ADD x ENUM('a,b', 'c'), COMMENT 'x, y'",
       "ALTER TABLE | table shop.orders changed; column shop.orders:x created", "ADD COLUMN x, table options"},
      {"ALTER TABLE orders ADD COLUMN `from` INT, ADD `select` INT",
       "ALTER TABLE | table shop.orders changed; column shop.orders:from created; column shop.orders:select created",
       "ADD COLUMN from, ADD COLUMN select"},
      {"ALTER TABLE orders REMOVE PARTITIONING", "ALTER TABLE | table shop.orders changed", "partitioning change"},
      {"ALTER TABLE orders ADD PARTITION (PARTITION p3 VALUES LESS THAN (30), PARTITION p4 VALUES LESS THAN (40))",
       "ALTER TABLE | table shop.orders changed", "partitioning change"},
      {"ALTER TABLE orders DISCARD TABLESPACE", "ALTER TABLE | table shop.orders changed", "other change"},
      {"ALTER TABLE orders ADD SYSTEM VERSIONING", "ALTER TABLE | table shop.orders changed", "other change"},
      {"ALTER /* c */ TABLE `a``b`.`c d` /* c */ ADD /* c */ COLUMN `e``f` INT",
       "ALTER TABLE | table a`b.c d changed; column a`b.c d:e`f created", "ADD COLUMN e`f"},
      {"ALTER TABLE orders ADD COLUMN", "?", ""},
      {"ALTER TABLE orders ADD", "?", ""},
      {"ALTER TABLE orders RENAME COLUMN a", "?", ""},
  };
  for (const auto& c : cases) {
    const std::string statement_text = c.statement;
    CAPTURE(statement_text);
    const ClassifiedStatement s = classify_statement(c.statement, "shop");
    CAPTURE(s.unparsed);
    CHECK(describe(s) == c.expected);
    if (s.kind != StatementKind::kUnknown) CHECK(alters(s) == c.clauses);
  }
}
