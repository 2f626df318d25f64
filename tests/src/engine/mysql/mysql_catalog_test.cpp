// MysqlCatalog against the sandbox source: a rich table read back field by field.
#include <doctest/doctest.h>

#include <algorithm>

#include "src/engine/mysql/mysql_catalog.hpp"
#include "tests/support/sandbox.hpp"

using namespace omsql;
using namespace omsql::testing;

namespace {

const ColumnDef& column(const TableDef& t, const std::string& name) {
  const ColumnDef* c = t.find_column(name);
  REQUIRE_MESSAGE(c, "no column " << name);
  return *c;
}

const IndexDef& index(const TableDef& t, const std::string& name) {
  auto it = std::find_if(t.indexes.begin(), t.indexes.end(), [&](const IndexDef& i) { return i.name == name; });
  REQUIRE_MESSAGE(it != t.indexes.end(), "no index " << name);
  return *it;
}

}  // namespace

TEST_CASE("the catalog reads columns, indexes, keys, checks and options exactly") {
  auto c = connect_source();
  must(*c, "DROP DATABASE IF EXISTS omsql_test_catalog");
  must(*c, "CREATE DATABASE omsql_test_catalog");
  must(*c, "CREATE TABLE omsql_test_catalog.parent (a INT NOT NULL, b VARCHAR(10) NOT NULL, PRIMARY KEY (a, b)) "
           "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
  must(*c,
       "CREATE TABLE omsql_test_catalog.`rich table` ("
       " `key` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'the id',"
       " name VARCHAR(50) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL DEFAULT 'it''s',"
       " note TEXT,"
       " price DECIMAL(12,3) DEFAULT 1.500,"
       " flags BIT(4) DEFAULT b'1010',"
       " kind ENUM('a','b') NOT NULL DEFAULT 'b',"
       " doc JSON,"
       " created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
       " total INT AS (price * 2) VIRTUAL,"
       " label VARCHAR(60) AS (CONCAT(name, '!')) STORED,"
       " pa INT, pb VARCHAR(10),"
       " PRIMARY KEY (`key`),"
       " UNIQUE KEY ux_name (name(20) DESC, kind),"
       " KEY ix_created (created DESC) COMMENT 'recent first',"
       " FULLTEXT KEY ft_note (note),"
       " CONSTRAINT fk_parent FOREIGN KEY (pa, pb) REFERENCES parent (a, b) ON DELETE CASCADE ON UPDATE SET NULL,"
       " CONSTRAINT positive CHECK (price >= 0)"
       ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC COMMENT='rich' "
       "AUTO_INCREMENT=1000");
  must(*c, "CREATE VIEW omsql_test_catalog.v AS SELECT 1 AS one");

  MysqlCatalog catalog(*c);
  auto tables = catalog.list_tables();
  REQUIRE(tables);
  std::vector<QualifiedName> ours;
  for (const auto& t : *tables)
    if (t.schema == "omsql_test_catalog") ours.push_back(t);
  CHECK(ours == std::vector<QualifiedName>{{"omsql_test_catalog", "parent"}, {"omsql_test_catalog", "rich table"}});
  for (const auto& t : *tables) CHECK(t.schema != "mysql");

  auto found = catalog.describe({"omsql_test_catalog", "rich table"});
  REQUIRE(found);
  const TableDef& t = *found;
  CHECK(t.engine == "InnoDB");
  CHECK(t.charset == "utf8mb4");
  CHECK(t.collation == "utf8mb4_unicode_ci");
  CHECK(t.comment == "rich");
  CHECK(t.auto_increment == 1000u);
  CHECK(t.create_options.find("row_format=DYNAMIC") != std::string::npos);
  REQUIRE(t.columns.size() == 12);
  CHECK(t.columns[0].name == "key");
  CHECK(t.columns[11].name == "pb");

  const ColumnDef& key = column(t, "key");
  CHECK(key.column_type == "bigint(20) unsigned");
  CHECK(key.is_unsigned);
  CHECK(!key.nullable);
  CHECK(key.extra == "auto_increment");
  CHECK(key.comment == "the id");
  CHECK(!key.default_value);
  const ColumnDef& name = column(t, "name");
  CHECK(name.charset == "latin1");
  CHECK(name.collation == "latin1_bin");
  CHECK(name.default_value == "'it''s'");
  CHECK(name.char_max_length == 50);
  CHECK(column(t, "note").default_value == "NULL");  // MariaDB: the string NULL for DEFAULT NULL
  CHECK(column(t, "price").default_value == "1.500");
  CHECK(column(t, "price").numeric_precision == 12);
  CHECK(column(t, "price").numeric_scale == 3);
  CHECK(column(t, "flags").default_value == "b'1010'");
  CHECK(column(t, "kind").column_type == "enum('a','b')");
  CHECK(column(t, "kind").default_value == "'b'");
  CHECK(column(t, "created").default_value == "current_timestamp(6)");
  CHECK(column(t, "created").extra == "on update current_timestamp(6)");
  CHECK(column(t, "created").datetime_precision == 6);
  const ColumnDef& total = column(t, "total");
  CHECK(total.is_generated);
  CHECK(!total.generated_stored);
  CHECK(total.generation_expression == "`price` * 2");
  CHECK(!total.default_value);
  CHECK(column(t, "label").generated_stored);

  REQUIRE(t.indexes.size() == 5);
  CHECK(t.indexes[0].is_primary());
  CHECK(t.indexes[0].parts[0].column == "key");
  const IndexDef& ux = index(t, "ux_name");
  CHECK(ux.unique);
  REQUIRE(ux.parts.size() == 2);
  CHECK(ux.parts[0].column == "name");
  CHECK(ux.parts[0].prefix_length == 20);
  CHECK(ux.parts[0].descending);
  CHECK(!ux.parts[1].descending);
  CHECK(index(t, "ix_created").comment == "recent first");
  CHECK(index(t, "ix_created").parts[0].descending);
  CHECK(index(t, "ft_note").kind == "FULLTEXT");
  CHECK(index(t, "fk_parent").parts.size() == 2);  // InnoDB's implicit index for the foreign key

  REQUIRE(t.foreign_keys.size() == 1);
  const ForeignKeyDef& fk = t.foreign_keys[0];
  CHECK(fk.name == "fk_parent");
  CHECK(fk.columns == std::vector<std::string>{"pa", "pb"});
  CHECK(fk.referenced == QualifiedName{"omsql_test_catalog", "parent"});
  CHECK(fk.referenced_columns == std::vector<std::string>{"a", "b"});
  CHECK(fk.on_delete == "CASCADE");
  CHECK(fk.on_update == "SET NULL");

  REQUIRE(t.checks.size() == 2);
  bool json_check = false, table_check = false;
  for (const auto& check : t.checks) {
    if (check.name == "doc" && check.column_level && check.clause == "json_valid(`doc`)") json_check = true;
    if (check.name == "positive" && !check.column_level && check.clause == "`price` >= 0") table_check = true;
  }
  CHECK(json_check);
  CHECK(table_check);

  auto missing = catalog.describe({"omsql_test_catalog", "v"});
  REQUIRE(!missing);
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message().find("omsql_test_catalog.v") != std::string::npos);

  auto both = catalog.describe_tables({{"omsql_test_catalog", "rich table"}, {"omsql_test_catalog", "parent"}});
  REQUIRE(both);
  REQUIRE(both->size() == 2);
  CHECK((*both)[1].name.table == "parent");
  CHECK((*both)[1].indexes[0].parts.size() == 2);
  must(*c, "DROP DATABASE omsql_test_catalog");
}

TEST_CASE("many tables are described with one query per view, in the order asked") {
  auto c = connect_source();
  must(*c, "DROP DATABASE IF EXISTS omsql_test_catalog_many");
  must(*c, "CREATE DATABASE omsql_test_catalog_many");
  std::vector<QualifiedName> names;
  for (int i = 0; i < 40; ++i) {
    std::string table = "t" + std::to_string(i);
    must(*c, "CREATE TABLE omsql_test_catalog_many." + table + " (id INT PRIMARY KEY, v" + std::to_string(i) +
                 " INT, KEY ix (v" + std::to_string(i) + "))");
    names.push_back({"omsql_test_catalog_many", table});
  }
  std::reverse(names.begin(), names.end());
  MysqlCatalog catalog(*c);
  auto defs = catalog.describe_tables(names);
  REQUIRE(defs);
  REQUIRE(defs->size() == names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const TableDef& t = (*defs)[i];
    CHECK(t.name == names[i]);
    REQUIRE(t.columns.size() == 2);
    CHECK(t.columns[1].name == "v" + names[i].table.substr(1));
    REQUIRE(t.indexes.size() == 2);
    CHECK(t.indexes[1].parts[0].column == t.columns[1].name);
  }
  names.push_back({"omsql_test_catalog_many", "missing"});
  auto missing = catalog.describe_tables(names);
  REQUIRE(!missing);
  CHECK(missing.status().message().find("omsql_test_catalog_many.missing does not exist") != std::string::npos);
  must(*c, "DROP DATABASE omsql_test_catalog_many");
}

TEST_CASE("IGNORED indexes are read as the source spells them (MariaDB 10.6+: STATISTICS.IGNORED)") {
  auto c = connect_source();
  must(*c, "DROP DATABASE IF EXISTS omsql_test_catalog_hidden");
  must(*c, "CREATE DATABASE omsql_test_catalog_hidden");
  must(*c, "CREATE TABLE omsql_test_catalog_hidden.t (id INT PRIMARY KEY, a INT, b INT, "
           "KEY k_used (a), KEY k_ignored (a, b) COMMENT 'old' IGNORED, UNIQUE KEY u_ignored (b) IGNORED)");
  MysqlCatalog catalog(*c);
  auto defs = catalog.describe_tables({{"omsql_test_catalog_hidden", "t"}});
  REQUIRE(defs);
  REQUIRE(defs->size() == 1);
  const TableDef& t = (*defs)[0];
  CHECK(index(t, "PRIMARY").hidden_as.empty());
  CHECK(index(t, "k_used").hidden_as.empty());
  CHECK(index(t, "k_ignored").hidden_as == "IGNORED");
  CHECK(index(t, "k_ignored").comment == "old");
  CHECK(index(t, "u_ignored").hidden_as == "IGNORED");
  // MariaDB has no enforced SRID (COLUMNS.SRS_ID is MySQL 8's): nothing claims one.
  for (const auto& column : t.columns) CHECK_FALSE(column.srid_enforced);
  must(*c, "DROP DATABASE omsql_test_catalog_hidden");
}
