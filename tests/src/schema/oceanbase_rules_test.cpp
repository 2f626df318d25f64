// OceanBase 4.x MySQL-mode rules (docs/dialects.md), one table per rule family. No server.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "src/schema/ddl.hpp"
#include "src/schema/dialect_rules.hpp"

using namespace omsql;
using namespace omsql::schema;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
bool warned(const std::vector<std::string>& warnings, const std::string& part) {
  for (const auto& w : warnings)
    if (has(w, part)) return true;
  return false;
}

ColumnDef column(std::string name, std::string type, std::optional<std::string> default_value = std::nullopt) {
  ColumnDef c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.default_value = std::move(default_value);
  return c;
}

}  // namespace

TEST_CASE("oceanbase charsets and collations") {
  struct Case {
    const char* charset;
    const char* collation;
    const char* expected_charset;    // nullptr: an error
    const char* expected_collation;
    const char* warning;             // a part of the expected warning, "" for none
  };
  const Case cases[] = {
      {"utf8mb4", "utf8mb4_general_ci", "utf8mb4", "utf8mb4_general_ci", ""},
      {"utf8mb4", "utf8mb4_bin", "utf8mb4", "utf8mb4_bin", ""},
      {"utf8mb4", "utf8mb4_unicode_ci", "utf8mb4", "utf8mb4_unicode_ci", ""},
      {"utf8mb4", "utf8mb4_unicode_520_ci", "utf8mb4", "utf8mb4_unicode_ci", "collation utf8mb4_unicode_520_ci"},
      {"utf8mb4", "utf8mb4_uca1400_ai_ci", "utf8mb4", "utf8mb4_unicode_ci", "using utf8mb4_unicode_ci"},
      {"utf8mb4", "utf8mb4_nopad_bin", "utf8mb4", "utf8mb4_bin", "using utf8mb4_bin"},
      {"utf8mb4", "utf8mb4_0900_as_cs", "utf8mb4", "utf8mb4_bin", "using utf8mb4_bin"},
      {"utf8mb4", "utf8mb4_danish_ci", "utf8mb4", "utf8mb4_general_ci", "using utf8mb4_general_ci"},
      {"utf8mb3", "utf8mb3_general_ci", "utf8mb4", "utf8mb4_general_ci", "charset utf8mb3 stored as utf8mb4"},
      {"utf8", "utf8_bin", "utf8mb4", "utf8mb4_bin", "charset utf8 stored as utf8mb4"},
      {"ascii", "ascii_general_ci", "utf8mb4", "utf8mb4_general_ci", "charset ascii stored as utf8mb4"},
      {"ucs2", "ucs2_unicode_ci", "utf8mb4", "utf8mb4_unicode_ci", "charset ucs2"},
      {"latin1", "latin1_swedish_ci", "latin1", "latin1_swedish_ci", ""},
      {"latin1", "latin1_german1_ci", "latin1", "latin1_swedish_ci", "collation latin1_german1_ci"},
      {"gbk", "gbk_chinese_ci", "gbk", "gbk_chinese_ci", ""},
      {"gb18030", "gb18030_bin", "gb18030", "gb18030_bin", ""},
      {"utf16", "utf16_unicode_ci", "utf16", "utf16_unicode_ci", ""},
      {"binary", "binary", "binary", "binary", ""},
      {"latin2", "latin2_general_ci", nullptr, nullptr, "charset latin2 is not supported by OceanBase"},
      {"sjis", "sjis_japanese_ci", nullptr, nullptr, "charset sjis is not supported"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.collation);
    std::vector<std::string> warnings;
    auto choice = choose_charset(Dialect::kOceanBase, std::string(c.charset), std::string(c.collation), "db.t.c",
                                 &warnings);
    if (!c.expected_charset) {
      REQUIRE(!choice);
      CHECK(has(choice.status().message(), std::string("db.t.c: ") + c.warning));
      continue;
    }
    REQUIRE(choice);
    CHECK(*choice->charset == c.expected_charset);
    CHECK(*choice->collation == c.expected_collation);
    if (*c.warning) CHECK(warned(warnings, c.warning));
    else CHECK(warnings.empty());
  }
  std::vector<std::string> none;
  auto kept = choose_charset(Dialect::kMysql, std::string("latin2"), std::string("latin2_czech_cs"), "x", &none);
  REQUIRE(kept);
  CHECK(*kept->collation == "latin2_czech_cs");
}

TEST_CASE("oceanbase column defaults") {
  struct Case {
    ColumnDef column;
    std::optional<std::string> expected;
    const char* warning;
  };
  const Case cases[] = {
      {column("a", "int(11)", "5"), "5", ""},
      {column("a", "int(11)", "-5"), "-5", ""},
      {column("a", "varchar(5)", "'x''y'"), "'x''y'", ""},
      {column("a", "int(11)", "NULL"), "NULL", ""},
      {column("a", "bit(3)", "b'101'"), "b'101'", ""},
      {column("a", "timestamp", "current_timestamp()"), "CURRENT_TIMESTAMP", ""},
      {column("a", "datetime(6)", "current_timestamp(6)"), "CURRENT_TIMESTAMP(6)", ""},
      {column("a", "datetime", "now()"), "CURRENT_TIMESTAMP", ""},
      {column("a", "text", "'abc'"), std::nullopt, "DEFAULT 'abc' dropped (OceanBase allows no default on TEXT"},
      {column("a", "blob", "NULL"), "NULL", ""},
      {column("a", "char(36)", "uuid()"), std::nullopt, "expression DEFAULT uuid() dropped"},
      {column("a", "int(11)", "(`b` + 1)"), std::nullopt, "expression DEFAULT (`b` + 1) dropped"},
      {column("a", "int(11)"), std::nullopt, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.column.column_type);
    CAPTURE(c.column.default_value.value_or("(none)"));
    std::vector<std::string> warnings;
    CHECK(column_default(Dialect::kOceanBase, c.column, "db.t.a", &warnings) == c.expected);
    if (*c.warning) CHECK(warned(warnings, c.warning));
    else CHECK(warnings.empty());
  }
}

TEST_CASE("oceanbase types, attributes and table options") {
  std::vector<std::string> warnings;
  CHECK(column_type(Dialect::kOceanBase, column("u", "uuid"), "db.t.u", &warnings) == "char(36)");
  CHECK(column_type(Dialect::kOceanBase, column("i", "inet6"), "db.t.i", &warnings) == "varchar(39)");
  CHECK(column_type(Dialect::kOceanBase, column("i", "inet4"), "db.t.i", &warnings) == "varchar(15)");
  CHECK(column_type(Dialect::kOceanBase, column("n", "decimal(65,30) unsigned"), "db.t.n", &warnings) ==
        "decimal(65,30) unsigned");
  CHECK(column_type(Dialect::kMysql, column("u", "uuid"), "db.t.u", &warnings) == "uuid");
  CHECK(warned(warnings, "db.t.u: MariaDB type uuid has no OceanBase equivalent: created as char(36)"));

  auto ts = column("ts", "timestamp(6)", "current_timestamp(6)");
  ts.extra = "on update current_timestamp(6) INVISIBLE";
  warnings.clear();
  CHECK(column_extra_attributes(Dialect::kOceanBase, ts, "db.t.ts", &warnings) == " ON UPDATE CURRENT_TIMESTAMP(6)");
  CHECK(warned(warnings, "db.t.ts: INVISIBLE dropped"));
  CHECK(column_extra_attributes(Dialect::kMysql, ts, "db.t.ts", &warnings) ==
        " ON UPDATE current_timestamp(6) INVISIBLE");

  TableDef t;
  t.engine = "Aria";
  t.create_options = "row_format=PAGE key_block_size=8 partitioned";
  warnings.clear();
  CHECK(table_options(Dialect::kOceanBase, t, "db.t", &warnings) == "");
  CHECK(warned(warnings, "db.t: table options dropped for OceanBase"));
  CHECK(warned(warnings, "ENGINE=Aria key_block_size=8"));
  CHECK(warned(warnings, "partitioning is not migrated"));
  warnings.clear();
  CHECK(table_options(Dialect::kMysql, t, "db.t", &warnings) == "ENGINE=Aria row_format=PAGE key_block_size=8");
}

TEST_CASE("oceanbase indexes: FULLTEXT, SPATIAL and LOB indexes dropped, DESC and USING HASH removed") {
  TableDef t;
  t.name = {"shop", "docs"};
  auto id = column("id", "int(11)");
  id.nullable = false;
  auto body = column("body", "text", "NULL");
  body.charset = "utf8mb4";
  body.collation = "utf8mb4_general_ci";
  auto title = column("title", "varchar(200)", "NULL");
  title.charset = "utf8mb3";
  title.collation = "utf8mb3_general_ci";
  auto shape = column("shape", "geometry");
  shape.nullable = false;
  t.columns = {id, body, title, shape};
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""},
               {"ux_body", true, "HASH", {{"body", {}, false}}, ""},
               {"ix_title", false, "BTREE", {{"title", 20, true}, {"id", {}, true}}, ""},
               {"ft", false, "FULLTEXT", {{"body", {}, false}}, ""},
               {"sp", false, "SPATIAL", {{"shape", {}, false}}, ""}};
  t.engine = "InnoDB";
  t.charset = "utf8mb3";
  t.collation = "utf8mb3_unicode_ci";
  t.create_options = "row_format=DYNAMIC";
  TableJob job;
  job.source = job.target = t.name;
  job.source_def = t;
  for (const auto& c : t.columns) job.columns.push_back({c.name, c.name, std::nullopt, false});
  job.key = choose_row_key(t);

  auto ddl = create_table_sql(job, Dialect::kOceanBase, true);
  REQUIRE(ddl);
  CHECK(ddl->sql ==
        "CREATE TABLE `shop`.`docs` (\n"
        "  `id` int(11) NOT NULL,\n"
        "  `body` text CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL,\n"
        "  `title` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT NULL,\n"
        "  `shape` geometry NOT NULL,\n"
        "  PRIMARY KEY (`id`),\n"
        "  KEY `ix_title` (`title`(20), `id`)\n"
        ") DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
  CHECK(warned(ddl->warnings, "shop.docs: index `ux_body` dropped: OceanBase cannot index TEXT/BLOB/JSON column `body` "
                              "(uniqueness is no longer enforced on the target)"));
  CHECK(warned(ddl->warnings, "shop.docs: FULLTEXT index `ft` dropped"));
  CHECK(warned(ddl->warnings, "shop.docs: SPATIAL index `sp` dropped"));
  CHECK(warned(ddl->warnings, "shop.docs: index `ix_title` created ascending"));
  CHECK(warned(ddl->warnings, "shop.docs.title: charset utf8mb3 stored as utf8mb4"));
  CHECK(warned(ddl->warnings, "shop.docs: charset utf8mb3 stored as utf8mb4"));

  auto mysql = create_table_sql(job, Dialect::kMysql, true);
  REQUIRE(mysql);
  CHECK(has(mysql->sql, "UNIQUE KEY `ux_body` (`body`) USING HASH"));
  CHECK(has(mysql->sql, "KEY `ix_title` (`title`(20) DESC, `id` DESC)"));
  CHECK(has(mysql->sql, "SPATIAL KEY `sp` (`shape`)"));
}

TEST_CASE("oceanbase: an unsupported charset is an error naming the column, unless a CAST replaces the type") {
  TableDef t;
  t.name = {"shop", "legacy"};
  auto name = column("name", "varchar(10)", "NULL");
  name.charset = "koi8r";
  name.collation = "koi8r_general_ci";
  t.columns = {name};
  TableJob job;
  job.source = job.target = t.name;
  job.source_def = t;
  job.columns = {{"name", "name", std::nullopt, false}};
  auto ddl = create_table_sql(job, Dialect::kOceanBase, false);
  REQUIRE(!ddl);
  CHECK(has(ddl.status().message(), "shop.legacy.name: charset koi8r is not supported by OceanBase"));
  job.columns[0].cast_to = "VARCHAR(10) CHARACTER SET utf8mb4";
  auto cast = create_table_sql(job, Dialect::kOceanBase, false);
  REQUIRE(cast);
  CHECK(has(cast->sql, "`name` VARCHAR(10) CHARACTER SET utf8mb4 NULL DEFAULT NULL"));
}
