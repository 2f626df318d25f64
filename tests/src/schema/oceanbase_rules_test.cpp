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
      // Zero dates: OceanBase's default sql_mode has NO_ZERO_IN_DATE but not NO_ZERO_DATE, and the
      // migrator's DDL session drops both, so the source's default is written as it is.
      {column("a", "datetime", "'0000-00-00 00:00:00'"), "'0000-00-00 00:00:00'", ""},
      {column("a", "date", "'2024-00-00'"), "'2024-00-00'", ""},
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
  CHECK(column_extra_attributes(Dialect::kOceanBase, ts, "db.t.ts", &warnings) ==
        " ON UPDATE CURRENT_TIMESTAMP(6) INVISIBLE");
  CHECK(warnings.empty());
  CHECK(column_extra_attributes(Dialect::kMysql, ts, "db.t.ts", &warnings) ==
        " ON UPDATE current_timestamp(6) INVISIBLE");

  TableDef t;
  t.engine = "Aria";
  t.create_options = "row_format=PAGE key_block_size=8 partitioned";
  warnings.clear();
  CHECK(table_options(Dialect::kOceanBase, t, "db.t", &warnings) == "");
  CHECK(warned(warnings, "db.t: table options dropped for OceanBase"));
  CHECK(warned(warnings, "ENGINE=Aria key_block_size=8"));
  CHECK_FALSE(warned(warnings, "partitioning"));  // the PARTITION BY clause is target_partitioning's
  warnings.clear();
  CHECK_FALSE(target_partitioning(Dialect::kOceanBase, t, "db.t", &warnings));  // flagged, no definition read
  CHECK(warnings == std::vector<std::string>{"db.t: partitioning is not migrated (the table is created "
                                             "unpartitioned, every row is copied): its definition was not read "
                                             "from the source"});
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

namespace {

TableJob job_of(const TableDef& t) {
  TableJob job;
  job.source = job.target = t.name;
  job.source_def = t;
  for (const auto& c : t.columns) job.columns.push_back({c.name, c.name, std::nullopt, c.is_generated});
  job.key = choose_row_key(t);
  return job;
}

ColumnDef not_null(ColumnDef c) {
  c.nullable = false;
  return c;
}

}  // namespace

TEST_CASE("oceanbase FULLTEXT and SPATIAL follow the declared VERSION") {
  TableDef t;
  t.name = {"shop", "places"};
  auto body = column("body", "text", "NULL");
  body.charset = "utf8mb4";
  body.collation = "utf8mb4_general_ci";
  t.columns = {not_null(column("id", "int(11)")), body, not_null(column("shape", "point")), column("area", "polygon")};
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""},
               {"ft", false, "FULLTEXT", {{"body", {}, false}}, ""},
               {"sp", false, "SPATIAL", {{"shape", {}, false}}, ""},
               {"sp_area", false, "SPATIAL", {{"area", {}, false}}, ""}};
  t.charset = "utf8mb4";
  t.collation = "utf8mb4_general_ci";
  TableJob job = job_of(t);

  struct Case {
    const char* version;  // nullptr: none declared
    const char* alter;    // the exact secondary-index statement
    std::vector<const char*> warnings;
  };
  const Case cases[] = {
      {nullptr, "",
       {"shop.places: FULLTEXT index `ft` dropped: OceanBase (no VERSION declared) has no FULLTEXT index (OceanBase "
        "has them from 4.3.1: declare TARGET ... VERSION if the target is newer, or create it by hand)",
        "shop.places: SPATIAL index `sp` dropped: OceanBase (no VERSION declared) has no spatial index (OceanBase "
        "supports GIS from 4.2.2: declare TARGET ... VERSION if the target is newer)",
        "shop.places: SPATIAL index `sp_area` dropped: OceanBase (no VERSION declared) has no spatial index "
        "(OceanBase supports GIS from 4.2.2: declare TARGET ... VERSION if the target is newer)"}},
      {"4.2.1", "",
       {"shop.places: FULLTEXT index `ft` dropped: OceanBase 4.2.1 has no FULLTEXT index (OceanBase has them from "
        "4.3.1: declare TARGET ... VERSION if the target is newer, or create it by hand)",
        "shop.places: SPATIAL index `sp` dropped: OceanBase 4.2.1 has no spatial index (OceanBase supports GIS from "
        "4.2.2: declare TARGET ... VERSION if the target is newer)",
        "shop.places: SPATIAL index `sp_area` dropped: OceanBase 4.2.1 has no spatial index (OceanBase supports GIS "
        "from 4.2.2: declare TARGET ... VERSION if the target is newer)"}},
      {"4.2.2", "ALTER TABLE `shop`.`places` ADD SPATIAL KEY `sp` (`shape`)",
       {"shop.places: FULLTEXT index `ft` dropped: OceanBase 4.2.2 has no FULLTEXT index (OceanBase has them from "
        "4.3.1: declare TARGET ... VERSION if the target is newer, or create it by hand)",
        "shop.places: SPATIAL index `sp` created without an SRID on its column (the source's `shape` declares "
        "none): OceanBase's optimizer uses it only once the column has one; after checking SELECT DISTINCT "
        "ST_SRID(`shape`), ALTER TABLE ... MODIFY the column with SRID n",
        "shop.places: SPATIAL index `sp_area` dropped: OceanBase requires its column `area` to be NOT NULL"}},
      {"4.3.1", "ALTER TABLE `shop`.`places` ADD FULLTEXT KEY `ft` (`body`), ADD SPATIAL KEY `sp` (`shape`)",
       {"shop.places: FULLTEXT index `ft` created, but OceanBase tokenizes with its own parsers: MATCH ... AGAINST "
        "results and relevance can differ from the source's",
        "shop.places: SPATIAL index `sp` created without an SRID on its column (the source's `shape` declares "
        "none): OceanBase's optimizer uses it only once the column has one; after checking SELECT DISTINCT "
        "ST_SRID(`shape`), ALTER TABLE ... MODIFY the column with SRID n",
        "shop.places: SPATIAL index `sp_area` dropped: OceanBase requires its column `area` to be NOT NULL"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.version ? c.version : "(none)");
    DialectTarget target(Dialect::kOceanBase, c.version ? parse_version_number(c.version) : std::nullopt);
    auto ddl = secondary_index_sql(job, target);
    REQUIRE(ddl);
    CHECK(ddl->sql == c.alter);
    REQUIRE(ddl->warnings.size() == c.warnings.size());
    for (size_t i = 0; i < c.warnings.size(); ++i) CHECK(ddl->warnings[i] == c.warnings[i]);
  }
  // mysql keeps both, whatever the version.
  auto mysql = secondary_index_sql(job, Dialect::kMysql);
  REQUIRE(mysql);
  CHECK(mysql->sql ==
        "ALTER TABLE `shop`.`places` ADD FULLTEXT KEY `ft` (`body`), ADD SPATIAL KEY `sp` (`shape`), ADD SPATIAL KEY "
        "`sp_area` (`area`)");
}

TEST_CASE("oceanbase: a generated column over a generated column is an error naming both") {
  TableDef t;
  t.name = {"shop", "calc"};
  auto a = not_null(column("a", "int(11)"));
  auto b = column("b", "int(11)");
  b.is_generated = true;
  b.generation_expression = "`a` * 2";
  auto c = column("c", "int(11)");
  c.is_generated = true;
  c.generated_stored = true;
  c.generation_expression = "`b` + `a`";
  t.columns = {a, b, c};
  t.indexes = {{"PRIMARY", true, "BTREE", {{"a", {}, false}}, ""}};
  TableJob job = job_of(t);
  auto ddl = create_table_sql(job, Dialect::kOceanBase, false);
  REQUIRE(!ddl);
  CHECK(ddl.status().message() ==
        "shop.calc.c: generated column uses generated column `b`, which OceanBase does not support (a generated "
        "column may only use ordinary columns): exclude `c` (COLUMNS ... EXCLUDE) and recreate it by hand");
  auto mysql = create_table_sql(job, Dialect::kMysql, false);
  REQUIRE(mysql);
  CHECK(has(mysql->sql, "`c` int(11) GENERATED ALWAYS AS (`b` + `a`) STORED"));

  // Without `c` the table is fine: `b` only uses an ordinary column.
  job.columns.pop_back();
  auto kept = create_table_sql(job, Dialect::kOceanBase, false);
  REQUIRE(kept);
  CHECK(kept->sql ==
        "CREATE TABLE `shop`.`calc` (\n"
        "  `a` int(11) NOT NULL,\n"
        "  `b` int(11) GENERATED ALWAYS AS (`a` * 2) VIRTUAL,\n"
        "  PRIMARY KEY (`a`)\n"
        ")");
}

TEST_CASE("oceanbase: a foreign key must reference the parent's PRIMARY KEY or a UNIQUE key") {
  TableDef parent;
  parent.name = {"shop", "parent"};
  auto code = not_null(column("code", "varchar(10)"));
  code.charset = "utf8mb4";
  code.collation = "utf8mb4_bin";
  auto body = column("body", "text", "NULL");
  parent.columns = {not_null(column("id", "int(11)")), not_null(column("region", "int(11)")), code, body};
  parent.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""},
                    {"ux_code_region", true, "BTREE", {{"region", {}, false}, {"code", {}, false}}, ""},
                    {"ix_region", false, "BTREE", {{"region", {}, false}}, ""},
                    {"ux_code_prefix", true, "BTREE", {{"code", 4, false}}, ""},
                    {"ux_body", true, "HASH", {{"body", {}, false}}, ""}};
  TableDef child;
  child.name = {"shop", "child"};
  child.columns = {not_null(column("id", "int(11)")), column("parent_id", "int(11)"), column("region", "int(11)"),
                   column("code", "varchar(10)"), column("body", "text")};
  child.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""}};
  auto fk = [](const char* name, std::vector<std::string> from, std::vector<std::string> to) {
    ForeignKeyDef f;
    f.name = name;
    f.columns = std::move(from);
    f.referenced = {"shop", "parent"};
    f.referenced_columns = std::move(to);
    return f;
  };
  child.foreign_keys = {fk("fk_pk", {"parent_id"}, {"id"}),
                        fk("fk_unique", {"code", "region"}, {"code", "region"}),  // same set, other order
                        fk("fk_plain", {"region"}, {"region"}),
                        fk("fk_prefix", {"code"}, {"code"}),
                        fk("fk_lob", {"body"}, {"body"})};
  child.foreign_keys[0].on_delete = "CASCADE";
  std::vector<TableJob> jobs = {job_of(child), job_of(parent)};

  auto ddl = foreign_key_sql(jobs[0], jobs, Dialect::kOceanBase);
  REQUIRE(ddl);
  CHECK(ddl->sql ==
        "ALTER TABLE `shop`.`child` ADD CONSTRAINT `fk_pk` FOREIGN KEY (`parent_id`) REFERENCES `shop`.`parent` (`id`) "
        "ON DELETE CASCADE, ADD CONSTRAINT `fk_unique` FOREIGN KEY (`code`, `region`) REFERENCES `shop`.`parent` "
        "(`code`, `region`)");
  const char* tail =
      " of shop.parent to be its PRIMARY KEY or a UNIQUE key, and they are not (add such a key on the target and the "
      "foreign key by hand)";
  REQUIRE(ddl->warnings.size() == 3);
  CHECK(ddl->warnings[0] ==
        std::string("shop.child: foreign key `fk_plain` dropped: OceanBase requires the referenced columns (`region`)") +
            tail);
  CHECK(ddl->warnings[1] ==
        std::string("shop.child: foreign key `fk_prefix` dropped: OceanBase requires the referenced columns (`code`)") +
            tail);
  // ux_body is a UNIQUE key on the source, but OceanBase cannot create it (a TEXT part).
  CHECK(ddl->warnings[2] ==
        std::string("shop.child: foreign key `fk_lob` dropped: OceanBase requires the referenced columns (`body`)") +
            tail);

  auto mysql = foreign_key_sql(jobs[0], jobs, Dialect::kMysql);
  REQUIRE(mysql);
  CHECK(mysql->warnings.empty());
  CHECK(has(mysql->sql, "ADD CONSTRAINT `fk_plain` FOREIGN KEY (`region`) REFERENCES `shop`.`parent` (`region`)"));
}

TEST_CASE("oceanbase: INVISIBLE columns are kept") {
  TableDef t;
  t.name = {"shop", "hidden"};
  auto secret = column("secret", "int(11)", "NULL");
  secret.extra = "INVISIBLE";
  t.columns = {not_null(column("id", "int(11)")), secret};
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""}};
  auto ddl = create_table_sql(job_of(t), DialectTarget(Dialect::kOceanBase, parse_version_number("4.2.1")), false);
  REQUIRE(ddl);
  CHECK(ddl->sql ==
        "CREATE TABLE `shop`.`hidden` (\n"
        "  `id` int(11) NOT NULL,\n"
        "  `secret` int(11) NULL DEFAULT NULL INVISIBLE,\n"
        "  PRIMARY KEY (`id`)\n"
        ")");
  CHECK(ddl->warnings.empty());
}

TEST_CASE("oceanbase rules match whole names and words, not parts of them (near misses)") {
  // Collations: the words after the charset's name decide, never a substring.
  struct CollationCase {
    const char* charset;
    const char* collation;
    const char* expected;
    size_t warnings;
  };
  const CollationCase collations[] = {
      {"utf8mb4", "utf8mb4_unicode_520_nopad_ci", "utf8mb4_unicode_ci", 1},
      {"utf8mb4", "utf8mb4_uca1400_as_ci", "utf8mb4_unicode_ci", 1},
      {"utf8mb4", "utf8mb4_unicodex_ci", "utf8mb4_general_ci", 1},   // not the word "unicode"
      {"utf8mb4", "utf8mb4_xuca_ci", "utf8mb4_general_ci", 1},       // "uca" inside a word
      {"utf8mb4", "utf8mb4_ucax_ci", "utf8mb4_general_ci", 1},       // "uca" not followed by a version
      {"utf8mb4", "utf8mb4_10900_ci", "utf8mb4_general_ci", 1},      // "0900" inside a word
      {"latin1", "latin1_general_cs", "latin1_bin", 1},
      {"latin1", "latin1_csx_ci", "latin1_swedish_ci", 1},          // "cs" is not the last word
      {"latin1", "latin1_binx", "latin1_swedish_ci", 1},             // "bin" inside a word
      // MariaDB reports utf8mb3_* collations for charset utf8: the charset's name is not a prefix
      // of the collation's, and the collation is still the same one under utf8mb4.
      {"utf8", "utf8mb3_bin", "utf8mb4_bin", 1},
      {"utf8", "utf8mb3_general_ci", "utf8mb4_general_ci", 1},
      {"utf8mb3", "utf8mb3_unicode_ci", "utf8mb4_unicode_ci", 1},
  };
  for (const auto& c : collations) {
    CAPTURE(c.collation);
    std::vector<std::string> warnings;
    auto choice = choose_charset(Dialect::kOceanBase, std::string(c.charset), std::string(c.collation), "db.t.c",
                                 &warnings);
    REQUIRE(choice);
    CHECK(*choice->collation == c.expected);
    CHECK(warnings.size() == c.warnings);
  }

  // Defaults: a literal is a whole literal; text that only starts like one is an expression.
  struct DefaultCase {
    const char* type;
    const char* value;
    std::optional<std::string> expected;
  };
  const DefaultCase defaults[] = {
      {"int(11)", "-0.50", "-0.50"},
      {"double", "1e3", "1e3"},
      {"double", ".5", ".5"},
      {"varbinary(4)", "0x41", "0x41"},
      {"varbinary(4)", "_binary 'A'", "_binary 'A'"},
      {"varchar(9)", "'a\\'b'", "'a\\'b'"},
      {"int(11)", "1 + 1", std::nullopt},            // starts with a digit, is an expression
      {"int(11)", "-a", std::nullopt},
      {"double", "1e", std::nullopt},
      {"varchar(9)", "'a' || 'b'", std::nullopt},     // starts with a quote, is an expression
      {"varchar(9)", "'unterminated", std::nullopt},
      {"varbinary(4)", "0x4G", std::nullopt},
      {"bit(3)", "b'102'", std::nullopt},
      {"varbinary(4)", "_binary_fn()", std::nullopt},  // not the _binary introducer
  };
  for (const auto& d : defaults) {
    CAPTURE(d.value);
    std::vector<std::string> warnings;
    CHECK(column_default(Dialect::kOceanBase, column("a", d.type, std::string(d.value)), "db.t.a", &warnings) ==
          d.expected);
    CHECK(warnings.size() == (d.expected ? 0u : 1u));
  }

  // Types: only the LOB and geometry types themselves have no default on OceanBase.
  std::vector<std::string> warnings;
  for (const char* type : {"tinytext", "mediumtext", "longblob", "json", "multipoint", "geometrycollection"}) {
    CAPTURE(type);
    CHECK_FALSE(column_default(Dialect::kOceanBase, column("a", type, std::string("'x'")), "db.t.a", &warnings));
  }
  warnings.clear();
  for (const char* type : {"varchar(10)", "char(3)", "varbinary(4)", "multiset", "context", "blobby"}) {
    CAPTURE(type);
    CHECK(column_default(Dialect::kOceanBase, column("a", type, std::string("'x'")), "db.t.a", &warnings) ==
          std::optional<std::string>("'x'"));
  }
  CHECK(warnings.empty());

  // EXTRA: whole words.
  auto ts = column("ts", "timestamp", std::string("current_timestamp()"));
  ts.extra = "DEFAULT_GENERATED on update now()";
  CHECK(column_extra_attributes(Dialect::kOceanBase, ts, "db.t.ts", &warnings) == " ON UPDATE CURRENT_TIMESTAMP");
  ts.extra = "VIRTUAL GENERATED INVISIBLE";
  CHECK(column_extra_attributes(Dialect::kOceanBase, ts, "db.t.ts", &warnings) == " INVISIBLE");
  ts.extra = "NOT_INVISIBLE";
  CHECK(column_extra_attributes(Dialect::kOceanBase, ts, "db.t.ts", &warnings) == "");

  // Table options: the option's name, not its prefix.
  TableDef t;
  t.engine = "InnoDB";
  t.create_options = "row_format=DYNAMIC row_format_x=1";
  CHECK(table_options(Dialect::kOceanBase, t, "db.t", &warnings) == "");
  CHECK(warned(warnings, "db.t: table options dropped for OceanBase (it has one storage engine with its own block and "
                         "compression settings): row_format_x=1"));
}

TEST_CASE("oceanbase SPATIAL: a declared REF_SYSTEM_ID is named with the query that proves it; mysql keeps it") {
  TableDef t;
  t.name = {"geo", "sites"};
  auto at = not_null(column("at", "point"));
  at.srid = 4326;
  t.columns = {not_null(column("id", "int(11)")), at};
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""}, {"sp", false, "SPATIAL", {{"at", {}, false}}, ""}};
  TableJob job = job_of(t);
  DialectTarget target(Dialect::kOceanBase, parse_version_number("4.2.2"));
  auto ob = create_table_sql(job, target, true);
  REQUIRE(ob);
  CHECK(ob->sql ==
        "CREATE TABLE `geo`.`sites` (\n"
        "  `id` int(11) NOT NULL,\n"
        "  `at` point NOT NULL,\n"
        "  PRIMARY KEY (`id`),\n"
        "  SPATIAL KEY `sp` (`at`)\n"
        ")");
  CHECK(ob->warnings == std::vector<std::string>{
                            "geo.sites: SPATIAL index `sp` created without an SRID on its column: the source's `at` "
                            "declares REF_SYSTEM_ID=4326, which MariaDB does not enforce, while OceanBase refuses "
                            "every row of another SRID; OceanBase's optimizer uses the index only once the column has "
                            "one: when SELECT COUNT(*) ... WHERE ST_SRID(`at`) <> 4326 finds none, ALTER TABLE ... "
                            "MODIFY the column with SRID 4326"});
  auto mysql = create_table_sql(job, Dialect::kMysql, true);
  REQUIRE(mysql);
  CHECK(has(mysql->sql, "  `at` point REF_SYSTEM_ID=4326 NOT NULL,\n"));
  CHECK(mysql->warnings.empty());
}

TEST_CASE("oceanbase: a written USING BTREE is kept (the only algorithm OceanBase has), USING HASH omitted, warned") {
  TableDef t;
  t.name = {"shop", "keys"};
  t.columns = {not_null(column("id", "int(11)")), column("a", "int(11)"), column("b", "int(11)")};
  IndexDef pk{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""};
  pk.algorithm = "BTREE";
  IndexDef by_a{"k_a", false, "BTREE", {{"a", {}, false}}, ""};
  by_a.algorithm = "HASH";
  IndexDef by_b{"k_b", false, "BTREE", {{"b", {}, false}}, ""};
  by_b.algorithm = "";
  t.indexes = {pk, by_a, by_b};
  auto ddl = create_table_sql(job_of(t), Dialect::kOceanBase, true);
  REQUIRE(ddl);
  CHECK(ddl->sql ==
        "CREATE TABLE `shop`.`keys` (\n"
        "  `id` int(11) NOT NULL,\n"
        "  `a` int(11) NULL,\n"
        "  `b` int(11) NULL,\n"
        "  PRIMARY KEY (`id`) USING BTREE,\n"
        "  KEY `k_a` (`a`),\n"
        "  KEY `k_b` (`b`)\n"
        ")");
  CHECK(ddl->warnings == std::vector<std::string>{"shop.keys: index `k_a`: USING HASH omitted (OceanBase supports "
                                                  "only USING BTREE; InnoDB built this index as a B-tree too)"});
}

TEST_CASE("a MySQL 8 SRID (enforced on the source) is written as SRID n on both dialects, and the SPATIAL index is exact") {
  TableDef t;
  t.name = {"geo", "sites"};
  auto at = not_null(column("at", "point"));
  at.srid = 4326;
  at.srid_enforced = true;
  auto zero = not_null(column("flat", "point"));
  zero.srid = 0;  // SRID 0 is an SRID too (Cartesian), enforced like any other
  zero.srid_enforced = true;
  t.columns = {not_null(column("id", "int(11)")), at, zero};
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""}, {"sp", false, "SPATIAL", {{"at", {}, false}}, ""}};
  TableJob job = job_of(t);
  auto ob = create_table_sql(job, DialectTarget(Dialect::kOceanBase, parse_version_number("4.2.2")), true);
  REQUIRE(ob);
  CHECK(ob->sql ==
        "CREATE TABLE `geo`.`sites` (\n"
        "  `id` int(11) NOT NULL,\n"
        "  `at` point SRID 4326 NOT NULL,\n"
        "  `flat` point SRID 0 NOT NULL,\n"
        "  PRIMARY KEY (`id`),\n"
        "  SPATIAL KEY `sp` (`at`)\n"
        ")");
  CHECK(ob->warnings.empty());
  auto mysql = create_table_sql(job, Dialect::kMysql, true);
  REQUIRE(mysql);
  CHECK(has(mysql->sql, "  `at` point SRID 4326 NOT NULL,\n  `flat` point SRID 0 NOT NULL,\n"));
  CHECK(mysql->warnings.empty());
}

TEST_CASE("IGNORED / INVISIBLE indexes: kept as the source spells them on mysql, created visible and named on OceanBase") {
  TableDef t;
  t.name = {"shop", "hidden"};
  t.columns = {not_null(column("id", "int(11)")), column("a", "int(11)"), column("b", "int(11)")};
  IndexDef pk{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""};
  IndexDef ignored{"k_a", false, "BTREE", {{"a", {}, false}}, "old plan"};
  ignored.hidden_as = "IGNORED";  // MariaDB 10.6+
  IndexDef invisible{"u_b", true, "BTREE", {{"b", {}, false}}, ""};
  invisible.hidden_as = "INVISIBLE";  // MySQL 8
  t.indexes = {pk, ignored, invisible};
  TableJob job = job_of(t);
  job.target = {"shop_v2", "hidden"};

  auto mysql = secondary_index_sql(job, Dialect::kMysql);
  REQUIRE(mysql);
  CHECK(mysql->sql ==
        "ALTER TABLE `shop_v2`.`hidden` ADD KEY `k_a` (`a`) COMMENT 'old plan' IGNORED, ADD UNIQUE KEY `u_b` (`b`) "
        "INVISIBLE");
  CHECK(mysql->warnings.empty());

  auto ob = secondary_index_sql(job, DialectTarget(Dialect::kOceanBase, parse_version_number("4.2.1")));
  REQUIRE(ob);
  CHECK(ob->sql == "ALTER TABLE `shop_v2`.`hidden` ADD KEY `k_a` (`a`) COMMENT 'old plan', ADD UNIQUE KEY `u_b` (`b`)");
  CHECK(ob->warnings ==
        std::vector<std::string>{
            "shop.hidden: index `k_a` created visible: it is IGNORED on the source (the optimizer does not use it), and "
            "OceanBase's CREATE TABLE and ADD INDEX take no visibility option; ALTER TABLE `shop_v2`.`hidden` ALTER "
            "INDEX `k_a` INVISIBLE hides it again",
            "shop.hidden: index `u_b` created visible: it is INVISIBLE on the source (the optimizer does not use it), "
            "and OceanBase's CREATE TABLE and ADD INDEX take no visibility option; ALTER TABLE `shop_v2`.`hidden` "
            "ALTER INDEX `u_b` INVISIBLE hides it again"});
}
