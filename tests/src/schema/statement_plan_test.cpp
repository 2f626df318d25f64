// `omsrun plan --sql`: the statements a run sends, in its order, from the functions the run uses.
#include <doctest/doctest.h>

#include "src/schema/statement_plan.hpp"

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

TableJob job(const std::string& table, bool with_fk) {
  TableJob j;
  j.source = {"shop", table};
  j.target = {"shop_v2", table};
  TableDef& t = j.source_def;
  t.name = j.source;
  t.columns = {column("id", "int(11)", false), column("parent_id", "int(11)", true)};
  for (size_t i = 0; i < t.columns.size(); ++i) t.columns[i].ordinal = static_cast<int>(i + 1);
  t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""},
               {"ix_parent", false, "BTREE", {{"parent_id", {}, false}}, ""}};
  if (with_fk) {
    ForeignKeyDef fk;
    fk.name = "fk_parent";
    fk.columns = {"parent_id"};
    fk.referenced = {"shop", "a"};
    fk.referenced_columns = {"id"};
    t.foreign_keys = {fk};
  }
  t.engine = "InnoDB";
  t.charset = "utf8mb4";
  t.collation = "utf8mb4_general_ci";
  t.schema_charset = "latin1";
  t.schema_collation = "latin1_swedish_ci";
  for (const auto& c : t.columns) j.columns.push_back(ColumnMapping{c.name, c.name, std::nullopt, false});
  j.key.kind = RowKey::Kind::kPrimary;
  j.key.columns = {"id"};
  j.key.index_name = "PRIMARY";
  return j;
}

std::vector<std::string> phases(const std::vector<PlannedStatement>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) out.push_back(s.phase);
  return out;
}

}  // namespace

TEST_CASE("plan --sql lists the run's statements phase by phase, in its order") {
  Plan plan;
  plan.tables = {job("a", false), job("b", true)};
  ObjectPlan view;
  view.object.kind = ObjectKind::kView;
  view.object.name = {"shop", "v"};
  view.target = {"shop_v2", "v"};
  view.sql = "CREATE VIEW `shop_v2`.`v` AS SELECT 1";
  ObjectPlan trigger;
  trigger.object.kind = ObjectKind::kTrigger;
  trigger.object.name = {"shop", "t"};
  trigger.sql = "CREATE TRIGGER `shop_v2`.`t` ...";
  trigger.at_cut_over = true;
  ObjectPlan not_migrated;
  not_migrated.object.kind = ObjectKind::kVersionedTable;
  not_migrated.fate = Fate::kNotMigrated;

  auto statements = planned_statements(plan, {view, trigger, not_migrated});
  REQUIRE(statements);
  CHECK(phases(*statements) == std::vector<std::string>{"schema", "schema", "schema", "copy", "copy", "indexes",
                                                        "indexes", "indexes", "objects", "cut-over"});
  const auto& s = *statements;
  // One CREATE DATABASE per target database, with the source database's defaults.
  CHECK(s[0].sql == "CREATE DATABASE IF NOT EXISTS `shop_v2` CHARACTER SET latin1 COLLATE latin1_swedish_ci");
  CHECK(s[1].sql.rfind("CREATE TABLE `shop_v2`.`a` (", 0) == 0);
  CHECK(s[1].sql.find("ix_parent") == std::string::npos);  // secondary indexes come after the copy
  CHECK(s[3].sql.rfind("LOAD DATA LOCAL INFILE", 0) == 0);
  CHECK(s[3].sql.find("INTO TABLE `shop_v2`.`a`") != std::string::npos);
  CHECK(s[3].note == "once per batch of shop.a, the batch's rows as its file");
  CHECK(s[5].sql == "ALTER TABLE `shop_v2`.`a` ADD KEY `ix_parent` (`parent_id`)");
  CHECK(s[7].sql.find("ADD CONSTRAINT `fk_parent` FOREIGN KEY (`parent_id`) REFERENCES `shop_v2`.`a` (`id`)") !=
        std::string::npos);
  CHECK(s[8].sql == view.sql);
  CHECK(s[9].sql == trigger.sql);
}

TEST_CASE("phases the MODE leaves out are not listed") {
  Plan plan;
  plan.tables = {job("a", false)};
  plan.phases = {false, true, true};  // FULL, INCREMENTAL: the target schema exists already
  auto statements = planned_statements(plan, {});
  REQUIRE(statements);
  CHECK(phases(*statements) == std::vector<std::string>{"copy"});
  plan.phases = {true, false, false};
  statements = planned_statements(plan, {});
  REQUIRE(statements);
  CHECK(phases(*statements) == std::vector<std::string>{"schema", "schema", "indexes"});
}

TEST_CASE("oceanbase: the copy path and the DDL follow the declared VERSION (LOAD DATA IGNORE from 4.2.2, else REPLACE ... VALUES)") {
  Plan plan;
  plan.target.dialect = Dialect::kOceanBase;
  plan.target.version = parse_version_number("4.3.1");
  TableJob docs = job("a", false);
  docs.source_def.indexes.push_back({"ft", false, "FULLTEXT", {{"parent_id", {}, false}}, ""});
  plan.tables = {docs};
  plan.phases = {true, true, false};
  auto statements = planned_statements(plan, {});
  REQUIRE(statements);
  std::string copy, indexes;
  for (const auto& s : *statements) {
    if (s.phase == "copy") copy = s.sql;
    if (s.phase == "indexes") indexes += s.sql;
  }
  CHECK(copy ==
        "LOAD DATA LOCAL INFILE 'omsql-batch' IGNORE INTO TABLE `shop_v2`.`a` CHARACTER SET binary FIELDS TERMINATED BY "
        "'\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`id`, `parent_id`)");
  CHECK(indexes == "ALTER TABLE `shop_v2`.`a` ADD KEY `ix_parent` (`parent_id`), ADD FULLTEXT KEY `ft` (`parent_id`)");
  plan.target.version = parse_version_number("4.2.1");
  statements = planned_statements(plan, {});
  REQUIRE(statements);
  for (const auto& s : *statements) {
    if (s.phase == "indexes") CHECK(s.sql.find("FULLTEXT") == std::string::npos);
    if (s.phase == "copy") CHECK(s.sql == "REPLACE INTO `shop_v2`.`a` (`id`, `parent_id`) VALUES (...), (...)");
  }
}
