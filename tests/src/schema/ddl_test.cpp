// DDL translator units: no server. Table-driven where the cases are alike.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/schema/ddl.hpp"
#include "src/schema/dialect_rules.hpp"

using namespace omsql;
using namespace omsql::schema;

namespace {

ColumnDef column(std::string name, std::string type, bool nullable = true) {
  ColumnDef c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.nullable = nullable;
  if (nullable) c.default_value = "NULL";
  return c;
}

TableDef users() {
  TableDef t;
  t.name = {"shop", "users"};
  auto id = column("id", "int(10) unsigned", false);
  id.extra = "auto_increment";
  id.default_value.reset();
  auto name = column("name", "varchar(100)");
  name.charset = "utf8mb4";
  name.collation = "utf8mb4_unicode_520_ci";
  name.comment = "it's the name";
  auto password = column("password_hash", "varbinary(64)");
  auto flag = column("active", "tinyint(1)", false);
  flag.default_value = "1";
  auto upper = column("upper_name", "varchar(100)");
  upper.is_generated = true;
  upper.generation_expression = "ucase(`name`)";
  upper.charset = "utf8mb4";
  upper.collation = "utf8mb4_general_ci";
  auto created = column("created", "timestamp", false);
  created.default_value = "current_timestamp()";
  created.extra = "on update current_timestamp()";
  t.columns = {id, name, password, flag, upper, created};
  for (size_t i = 0; i < t.columns.size(); ++i) t.columns[i].ordinal = static_cast<int>(i + 1);
  t.indexes = {
      {"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""},
      {"ix_name", false, "BTREE", {{"name", 10, true}, {"active", {}, false}}, "by name"},
      {"ux_pw", true, "BTREE", {{"password_hash", {}, false}}, ""},
      {"ft_name", false, "FULLTEXT", {{"name", {}, false}}, ""},
  };
  t.checks = {{"positive", "`active` >= 0 and `name` <> 'x`y'", false}};
  t.engine = "InnoDB";
  t.charset = "utf8mb4";
  t.collation = "utf8mb4_general_ci";
  t.comment = "the users";
  t.auto_increment = 42;
  t.create_options = "row_format=DYNAMIC";
  return t;
}

TableJob job_for(const TableDef& def) {
  TableJob job;
  job.source = def.name;
  job.target = def.name;
  job.source_def = def;
  for (const auto& c : def.columns) job.columns.push_back({c.name, c.name, std::nullopt, c.is_generated});
  job.key = choose_row_key(def);
  return job;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool warned(const std::vector<std::string>& warnings, const std::string& part) {
  for (const auto& w : warnings)
    if (has(w, part)) return true;
  return false;
}

}  // namespace

TEST_CASE("mysql dialect: a faithful CREATE TABLE without secondary indexes") {
  auto ddl = create_table_sql(job_for(users()), Dialect::kMysql, false);
  REQUIRE(ddl);
  CHECK(ddl->sql ==
        "CREATE TABLE `shop`.`users` (\n"
        "  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n"
        "  `name` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci NULL DEFAULT NULL COMMENT 'it''s the name',\n"
        "  `password_hash` varbinary(64) NULL DEFAULT NULL,\n"
        "  `active` tinyint(1) NOT NULL DEFAULT 1,\n"
        "  `upper_name` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci GENERATED ALWAYS AS (ucase(`name`)) VIRTUAL,\n"
        "  `created` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n"
        "  PRIMARY KEY (`id`),\n"
        "  CONSTRAINT `positive` CHECK (`active` >= 0 and `name` <> 'x`y')\n"
        ") ENGINE=InnoDB row_format=DYNAMIC AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci "
        "COMMENT='the users'");
  CHECK(ddl->warnings.empty());

  auto indexes = secondary_index_sql(job_for(users()), Dialect::kMysql);
  REQUIRE(indexes);
  CHECK(indexes->sql ==
        "ALTER TABLE `shop`.`users` ADD KEY `ix_name` (`name`(10) DESC, `active`) COMMENT 'by name', "
        "ADD UNIQUE KEY `ux_pw` (`password_hash`), ADD FULLTEXT KEY `ft_name` (`name`)");
  auto again = secondary_index_sql(job_for(users()), Dialect::kMysql, {"IX_NAME", "ux_pw", "ft_name"});
  REQUIRE(again);
  CHECK(again->sql.empty());

  auto full = create_table_sql(job_for(users()), Dialect::kMysql, true);
  REQUIRE(full);
  CHECK(has(full->sql, "  KEY `ix_name` (`name`(10) DESC, `active`) COMMENT 'by name',\n"));
  CHECK(has(full->sql, "  FULLTEXT KEY `ft_name` (`name`),\n"));
}

TEST_CASE("renames reach indexes, generated expressions and checks; excluded columns drop what uses them") {
  TableJob job = job_for(users());
  job.target = {"shop_v2", "clients"};
  job.columns[1].target = "full name";       // name -> `full name`
  job.columns.erase(job.columns.begin() + 2);  // password_hash excluded
  job.columns[1].cast_to = std::nullopt;
  auto ddl = create_table_sql(job, Dialect::kMysql, true);
  REQUIRE(ddl);
  CHECK(has(ddl->sql, "CREATE TABLE `shop_v2`.`clients`"));
  CHECK(has(ddl->sql, "GENERATED ALWAYS AS (ucase(`full name`)) VIRTUAL"));
  CHECK(has(ddl->sql, "KEY `ix_name` (`full name`(10) DESC, `active`)"));
  CHECK(has(ddl->sql, "CHECK (`active` >= 0 and `full name` <> 'x`y')"));  // the literal is untouched
  CHECK(!has(ddl->sql, "password_hash"));
  CHECK(!has(ddl->sql, "ux_pw"));
  CHECK(warned(ddl->warnings, "shop.users: index `ux_pw` dropped: column `password_hash` is excluded"));
}

TEST_CASE("a generated column over an excluded column is an error naming both") {
  TableJob job = job_for(users());
  job.columns.erase(job.columns.begin() + 1);  // name excluded, upper_name kept
  auto ddl = create_table_sql(job, Dialect::kMysql, false);
  REQUIRE(!ddl);
  CHECK(has(ddl.status().message(), "shop.users.upper_name: generated column uses excluded column `name`"));
}

TEST_CASE("CAST replaces the type and its charset") {
  TableJob job = job_for(users());
  job.columns[3].cast_to = "BOOLEAN";
  job.columns[1].cast_to = "TEXT";
  auto ddl = create_table_sql(job, Dialect::kMysql, false);
  REQUIRE(ddl);
  CHECK(has(ddl->sql, "`active` BOOLEAN NOT NULL DEFAULT 1,"));
  CHECK(has(ddl->sql, "`name` TEXT NULL DEFAULT NULL COMMENT"));
}

TEST_CASE("an AUTO_INCREMENT column outside the primary key keeps its index in the CREATE") {
  TableDef t;
  t.name = {"shop", "log"};
  auto a = column("a", "int(11)", false);
  a.default_value.reset();
  auto id = column("id", "bigint(20)", false);
  id.default_value.reset();
  id.extra = "auto_increment";
  t.columns = {a, id};
  t.indexes = {{"PRIMARY", true, "BTREE", {{"a", {}, false}, {"id", {}, false}}, ""},
               {"other", false, "BTREE", {{"a", {}, false}}, ""},
               {"ix_id", false, "BTREE", {{"id", {}, false}}, ""}};
  auto job = job_for(t);
  auto ddl = create_table_sql(job, Dialect::kMysql, false);
  REQUIRE(ddl);
  CHECK(has(ddl->sql, "KEY `ix_id` (`id`)"));
  CHECK(!has(ddl->sql, "`other`"));
  auto rest = secondary_index_sql(job, Dialect::kMysql);
  REQUIRE(rest);
  CHECK(rest->sql == "ALTER TABLE `shop`.`log` ADD KEY `other` (`a`)");
  CHECK(created_with_table(job, t.indexes[2]));
  CHECK(!created_with_table(job, t.indexes[1]));
}

TEST_CASE("foreign keys follow the referenced table's target name and column renames") {
  TableDef parent = users();
  TableDef child;
  child.name = {"shop", "orders"};
  auto id = column("id", "int(11)", false);
  id.default_value.reset();
  child.columns = {id, column("user_id", "int(10) unsigned")};
  child.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""}};
  child.foreign_keys = {{"fk_user", {"user_id"}, {"shop", "users"}, {"id"}, "CASCADE", "SET NULL"}};
  TableJob parent_job = job_for(parent);
  parent_job.target = {"shop_v2", "clients"};
  parent_job.columns[0].target = "client_id";
  TableJob child_job = job_for(child);
  child_job.target = {"shop_v2", "orders"};

  auto fk = foreign_key_sql(child_job, {parent_job, child_job}, Dialect::kMysql);
  REQUIRE(fk);
  CHECK(fk->sql ==
        "ALTER TABLE `shop_v2`.`orders` ADD CONSTRAINT `fk_user` FOREIGN KEY (`user_id`) REFERENCES "
        "`shop_v2`.`clients` (`client_id`) ON DELETE SET NULL ON UPDATE CASCADE");
  auto again = foreign_key_sql(child_job, {parent_job, child_job}, Dialect::kMysql, {"FK_USER"});
  REQUIRE(again);
  CHECK(again->sql.empty());

  auto orphan = foreign_key_sql(child_job, {child_job}, Dialect::kMysql);
  REQUIRE(orphan);
  CHECK(orphan->sql.empty());
  CHECK(warned(orphan->warnings, "shop.orders: foreign key `fk_user` dropped: it references shop.users, which is not migrated"));
}

TEST_CASE("expression renaming leaves literals alone and reports every column it saw") {
  struct Case {
    const char* expression;
    const char* expected;
  };
  std::vector<std::pair<std::string, std::string>> renames = {{"a", "x"}, {"b`q", "y z"}};
  const Case cases[] = {
      {"`a` + 1", "`x` + 1"},
      {"concat(`a`,'`a`')", "concat(`x`,'`a`')"},
      {"`b``q` * 2", "`y z` * 2"},
      {"'it''s `a`' = `A`", "'it''s `a`' = `x`"},
      {"'back\\'slash `a`' or `c`", "'back\\'slash `a`' or `c`"},
      {"\"`a`\" = `a`", "\"`a`\" = `x`"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.expression);
    CHECK(rename_columns_in_expression(c.expression, renames) == c.expected);
  }
  std::set<std::string> seen;
  rename_columns_in_expression("`A` + `c` + 'x`d`'", renames, &seen);
  CHECK(seen == std::set<std::string>{"a", "c"});
}

TEST_CASE("without a primary key, the unique key rows are identified by comes with the table") {
  TableDef t;
  t.name = {"shop", "codes"};
  auto code = column("code", "varchar(8)", false);
  code.default_value.reset();
  t.columns = {code, column("note", "varchar(20)")};
  t.indexes = {{"ix_note", false, "BTREE", {{"note", {}, false}}, ""},
               {"ux_code", true, "BTREE", {{"code", {}, false}}, ""}};
  TableJob job = job_for(t);
  REQUIRE(job.key.kind == RowKey::Kind::kUniqueNotNull);
  auto ddl = create_table_sql(job, Dialect::kMysql, false);
  REQUIRE(ddl);
  CHECK(has(ddl->sql, "  UNIQUE KEY `ux_code` (`code`)\n)"));
  CHECK(!has(ddl->sql, "ix_note"));
  auto rest = secondary_index_sql(job, Dialect::kMysql);
  REQUIRE(rest);
  CHECK(rest->sql == "ALTER TABLE `shop`.`codes` ADD KEY `ix_note` (`note`)");
  CHECK(*create_database_sql("we`ird", Dialect::kOceanBase) == "CREATE DATABASE IF NOT EXISTS `we``ird`");
}

TEST_CASE("CREATE DATABASE keeps the source database's default charset and collation") {
  CHECK(*create_database_sql("l1", Dialect::kMysql, "latin1", "latin1_swedish_ci") ==
        "CREATE DATABASE IF NOT EXISTS `l1` CHARACTER SET latin1 COLLATE latin1_swedish_ci");
  CHECK(*create_database_sql("u", Dialect::kMysql, "utf8mb4", std::nullopt) ==
        "CREATE DATABASE IF NOT EXISTS `u` CHARACTER SET utf8mb4");
  std::vector<std::string> warnings;
  auto ob = create_database_sql("u3", Dialect::kOceanBase, "utf8mb3", "utf8mb3_general_ci", &warnings);
  REQUIRE(ob);
  CHECK(*ob == "CREATE DATABASE IF NOT EXISTS `u3` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
  CHECK(warned(warnings, "database u3: charset utf8mb3 stored as utf8mb4"));
}

TEST_CASE("foreign key rules are written as the source's SHOW CREATE TABLE has them: RESTRICT is left unwritten") {
  // InnoDB stores an explicit RESTRICT added under foreign_key_checks=0 as NO ACTION.
  TableDef parent = users();
  struct Case {
    const char* on_delete;
    const char* on_update;
    const char* rules;
  };
  const Case cases[] = {
      {"RESTRICT", "RESTRICT", ""},
      {"NO ACTION", "RESTRICT", " ON DELETE NO ACTION"},
      {"RESTRICT", "NO ACTION", " ON UPDATE NO ACTION"},
      {"CASCADE", "SET NULL", " ON DELETE CASCADE ON UPDATE SET NULL"},
      {"SET DEFAULT", "CASCADE", " ON DELETE SET DEFAULT ON UPDATE CASCADE"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.on_delete);
    CAPTURE(c.on_update);
    TableDef child;
    child.name = {"shop", "orders"};
    auto id = column("id", "int(11)", false);
    id.default_value.reset();
    child.columns = {id, column("user_id", "int(10) unsigned")};
    child.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""}};
    child.foreign_keys = {{"fk", {"user_id"}, {"shop", "users"}, {"id"}, c.on_update, c.on_delete}};
    TableJob child_job = job_for(child);
    auto fk = foreign_key_sql(child_job, {job_for(parent), child_job}, Dialect::kMysql);
    REQUIRE(fk);
    CHECK(fk->sql == std::string("ALTER TABLE `shop`.`orders` ADD CONSTRAINT `fk` FOREIGN KEY (`user_id`) "
                                 "REFERENCES `shop`.`users` (`id`)") + c.rules);
  }
}

TEST_CASE("an excluded primary-key column drops the primary key, loudly") {
  TableJob job = job_for(users());
  job.columns.erase(job.columns.begin());  // id excluded
  auto ddl = create_table_sql(job, Dialect::kMysql, false);
  REQUIRE(ddl);
  CHECK(!has(ddl->sql, "PRIMARY KEY"));
  CHECK(!has(ddl->sql, "AUTO_INCREMENT"));
  CHECK(warned(ddl->warnings, "shop.users: primary key dropped: column `id` is excluded (uniqueness is no longer "
                              "enforced on the target)"));
}

TEST_CASE("USING BTREE / USING HASH are written as the source wrote them, and never added") {
  TableDef t;
  t.name = {"shop", "keys"};
  auto id = column("id", "int(11)", false);
  id.default_value.reset();
  t.columns = {id, column("a", "int(11)"), column("b", "int(11)"), column("c", "text")};
  auto index = [](std::string name, bool unique, std::string kind, std::string part,
                  std::optional<std::string> algorithm) {
    IndexDef i{std::move(name), unique, std::move(kind), {{std::move(part), {}, false}}, ""};
    i.algorithm = std::move(algorithm);
    return i;
  };
  t.indexes = {index("PRIMARY", true, "BTREE", "id", "BTREE"),     // PRIMARY KEY (...) USING BTREE
               index("k_btree", false, "BTREE", "a", "BTREE"),     // KEY ... USING BTREE
               index("k_hash", false, "BTREE", "b", "HASH"),       // InnoDB keeps a written USING HASH
               index("k_plain", false, "BTREE", "a", ""),          // no clause on the source: none here
               index("u_long", true, "HASH", "c", "HASH"),         // MariaDB long unique key
               index("k_memory", false, "HASH", "b", ""),          // MEMORY's implicit HASH: no clause
               index("k_unread", false, "HASH", "b", std::nullopt)};  // not read: INDEX_TYPE decides
  auto ddl = create_table_sql(job_for(t), Dialect::kMysql, true);
  REQUIRE(ddl);
  CHECK(ddl->sql ==
        "CREATE TABLE `shop`.`keys` (\n"
        "  `id` int(11) NOT NULL,\n"
        "  `a` int(11) NULL DEFAULT NULL,\n"
        "  `b` int(11) NULL DEFAULT NULL,\n"
        "  `c` text NULL DEFAULT NULL,\n"
        "  PRIMARY KEY (`id`) USING BTREE,\n"
        "  KEY `k_btree` (`a`) USING BTREE,\n"
        "  KEY `k_hash` (`b`) USING HASH,\n"
        "  KEY `k_plain` (`a`),\n"
        "  UNIQUE KEY `u_long` (`c`) USING HASH,\n"
        "  KEY `k_memory` (`b`),\n"
        "  KEY `k_unread` (`b`) USING HASH\n"
        ") ENGINE=InnoDB");
  // OceanBase has USING BTREE only (docs/dialects.md rule 18): a written one is kept, HASH omitted
  // (warned where the source wrote it), nothing added.
  auto ob = create_table_sql(job_for(t), Dialect::kOceanBase, false);
  REQUIRE(ob);
  CHECK(has(ob->sql, "  PRIMARY KEY (`id`) USING BTREE\n)"));
  auto ob_indexes = secondary_index_sql(job_for(t), Dialect::kOceanBase);
  REQUIRE(ob_indexes);
  CHECK(ob_indexes->sql ==
        "ALTER TABLE `shop`.`keys` ADD KEY `k_btree` (`a`) USING BTREE, ADD KEY `k_hash` (`b`), ADD KEY `k_plain` "
        "(`a`), ADD KEY `k_memory` (`b`), ADD KEY `k_unread` (`b`)");
  CHECK(ob_indexes->warnings == std::vector<std::string>{
                                    "shop.keys: index `k_hash`: USING HASH omitted (OceanBase supports only USING "
                                    "BTREE; InnoDB built this index as a B-tree too)",
                                    "shop.keys: index `u_long` dropped: OceanBase cannot index TEXT/BLOB/JSON column "
                                    "`c` (uniqueness is no longer enforced on the target)"});
}
