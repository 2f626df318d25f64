// The `omsrun check` compatibility report for a small catalog under TARGET oceanbase VERSION '4.2.1':
// every line pinned, so a rule that starts dropping or changing something shows up here.
#include <doctest/doctest.h>

#include "src/check/compatibility_report.hpp"
#include "src/engine/mysql/partition_clause.hpp"

using namespace omsql;

namespace {

ColumnDef column(std::string name, std::string type, bool nullable = true) {
  ColumnDef c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.nullable = nullable;
  return c;
}

TableJob job_of(TableDef t, QualifiedName target) {
  TableJob job;
  job.source = t.name;
  job.target = std::move(target);
  for (const auto& c : t.columns) job.columns.push_back({c.name, c.name, std::nullopt, c.is_generated});
  job.key = choose_row_key(t);
  job.source_def = std::move(t);
  return job;
}

Plan small_plan() {
  TableDef plain;
  plain.name = {"shop", "plain"};
  plain.columns = {column("id", "int(11)", false), column("qty", "int(11)")};
  plain.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""}};
  plain.charset = "utf8mb4";
  plain.collation = "utf8mb4_general_ci";

  TableDef docs;
  docs.name = {"shop", "docs"};
  auto title = column("title", "varchar(100)");
  title.charset = "utf8mb3";
  title.collation = "utf8mb3_general_ci";
  auto body = column("body", "text");
  body.charset = "utf8mb4";
  body.collation = "utf8mb4_general_ci";
  docs.columns = {column("id", "int(11)", false), column("plain_id", "int(11)"), title, body};
  docs.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}}, ""},
                  {"ix_title", false, "BTREE", {{"title", {}, true}}, ""},
                  {"ft_body", false, "FULLTEXT", {{"body", {}, false}}, ""}};
  ForeignKeyDef fk;
  fk.name = "fk_plain";
  fk.columns = {"plain_id"};
  fk.referenced = {"shop", "plain"};
  fk.referenced_columns = {"qty"};  // not a key of shop.plain: OceanBase cannot create it
  docs.foreign_keys = {fk};
  docs.charset = "utf8mb4";
  docs.collation = "utf8mb4_general_ci";

  TableDef calc;
  calc.name = {"shop", "calc"};
  auto b = column("b", "int(11)");
  b.is_generated = true;
  b.generation_expression = "`a` + 1";
  auto c = column("c", "int(11)");
  c.is_generated = true;
  c.generation_expression = "`b` * 2";
  calc.columns = {column("a", "int(11)", false), b, c};
  calc.indexes = {{"PRIMARY", true, "BTREE", {{"a", {}, false}}, ""}};

  Plan plan;
  plan.target.dialect = Dialect::kOceanBase;
  plan.target.version = parse_version_number("4.2.1");
  plan.tables = {job_of(calc, {"shop_ob", "calc"}), job_of(docs, {"shop_ob", "docs"}),
                 job_of(plain, {"shop_ob", "plain"})};
  return plan;
}

}  // namespace

TEST_CASE("compatibility report under oceanbase 4.2.1: each object's fate, then the counts") {
  Plan plan = small_plan();
  std::vector<schema::SourceObject> objects;
  schema::SourceObject view;
  view.kind = schema::ObjectKind::kView;
  view.name = {"shop", "v_plain"};
  view.create_sql =
      "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v_plain` AS select "
      "`shop`.`plain`.`id` AS `id` from `shop`.`plain`";
  objects.push_back(view);
  schema::SourceObject users;
  users.kind = schema::ObjectKind::kUsers;
  users.name = {"", "3 account(s) on the source"};
  objects.push_back(users);

  std::set<QualifiedName> source_tables;
  for (const auto& job : plan.tables) source_tables.insert(job.source);
  auto report = check::compatibility_report(plan, schema::plan_objects(objects, plan, source_tables));
  const std::vector<std::string> expected = {
      "object: table shop.calc: not migrated (c: generated column uses generated column `b`, which "
      "OceanBase does not support (a generated column may only use ordinary columns): exclude `c` (COLUMNS ... "
      "EXCLUDE) and recreate it by hand)",
      "object: table shop.docs -> shop_ob.docs: changed (title: charset utf8mb3 stored as utf8mb4 (OceanBase has no "
      "utf8mb3; utf8mb4 holds every character of it); index `ix_title` created ascending: OceanBase builds index "
      "parts ascending only (DESC is not supported); FULLTEXT index `ft_body` dropped: OceanBase 4.2.1 has no "
      "FULLTEXT index (OceanBase has them from 4.3.1: declare TARGET ... VERSION if the target is newer, or create "
      "it by hand); foreign key `fk_plain` dropped: OceanBase requires the referenced columns (`qty`) of shop.plain "
      "to be its PRIMARY KEY or a UNIQUE key, and they are not (add such a key on the target and the foreign key by "
      "hand))",
      "object: table shop.plain -> shop_ob.plain: exact",
      "object: view shop.v_plain -> shop_ob.v_plain: changed (references follow the MAP; DEFINER becomes the target "
      "user (definer = 'keep' keeps it))",
      "object: users and grants 3 account(s) on the source: not migrated (accounts and GRANTs are not migrated: "
      "create them on the target)",
      "objects: 1 exact, 2 changed, 2 not migrated",
  };
  auto lines = report.lines();
  for (size_t i = 0; i < std::max(lines.size(), expected.size()); ++i) {
    CAPTURE(i);
    CHECK(lines.at(std::min(i, lines.size() - 1)) == expected.at(std::min(i, expected.size() - 1)));
  }
  CHECK(lines.size() == expected.size());
  CHECK(report.exact == 1);
  CHECK(report.changed == 2);
  CHECK(report.not_migrated == 2);

  // The same catalog to MariaDB: only the view's DEFINER changes.
  plan.target = Endpoint{};
  auto mysql = check::compatibility_report(plan, schema::plan_objects(objects, plan, source_tables));
  CHECK(mysql.lines().back() == "objects: 3 exact, 1 changed, 1 not migrated");
}

TEST_CASE("compatibility report: partitioned tables under oceanbase are exact, changed or named") {
  auto partitioned = [](const std::string& name, const std::string& clause) {
    TableDef t;
    t.name = {"shop", name};
    t.columns = {column("id", "int(11)", false), column("d", "date", false)};
    t.indexes = {{"PRIMARY", true, "BTREE", {{"id", {}, false}, {"d", {}, false}}, ""}};
    t.create_options = "partitioned";
    t.partitioning = parse_partition_clause("CREATE TABLE `" + name + "` (...) ENGINE=InnoDB\n" + clause);
    return job_of(t, {"shop", name});
  };
  Plan plan;
  plan.target.dialect = Dialect::kOceanBase;
  plan.target.version = parse_version_number("4.2.1");
  plan.tables = {
      partitioned("sales", " PARTITION BY RANGE (year(`d`))\n(PARTITION `p0` VALUES LESS THAN (2000) ENGINE = InnoDB,\n"
                           " PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)"),
      partitioned("events", " PARTITION BY LINEAR HASH (`id`)\nPARTITIONS 4"),
      partitioned("tags", " PARTITION BY LIST (`id`)\n(PARTITION `p0` VALUES IN (1,2) ENGINE = InnoDB,\n"
                          " PARTITION `pd` DEFAULT ENGINE = InnoDB)"),
      partitioned("log", " PARTITION BY KEY (`d`)\nPARTITIONS 2"),
  };
  plan.tables[3].columns.pop_back();  // COLUMNS EXCLUDE (d): the KEY partitioning's column
  std::vector<schema::SourceObject> none;
  std::set<QualifiedName> source_tables;
  for (const auto& job : plan.tables) source_tables.insert(job.source);
  auto report = check::compatibility_report(plan, schema::plan_objects(none, plan, source_tables));
  const std::vector<std::string> expected = {  // in the plan's order
      "object: table shop.sales: exact",
      "object: table shop.events: changed (partitioning kept, LINEAR HASH written as HASH (OceanBase has no LINEAR "
      "partitioning: the same number of partitions, rows placed by another hash function))",
      "object: table shop.tags: changed (partitioning is not migrated (the table is created unpartitioned, every row "
      "is copied): LIST partition `pd` is MariaDB's DEFAULT partition, which OceanBase's MySQL mode does not "
      "document)",
      "object: table shop.log: not migrated (d: column is excluded (COLUMNS ... EXCLUDE) but the table is "
      "partitioned by it (PARTITION BY KEY): keep the column, the target table is partitioned like the source's)",
      "objects: 1 exact, 2 changed, 1 not migrated",
  };
  auto lines = report.lines();
  REQUIRE(lines.size() == expected.size());
  for (size_t i = 0; i < lines.size(); ++i) CHECK(lines[i] == expected[i]);
}
