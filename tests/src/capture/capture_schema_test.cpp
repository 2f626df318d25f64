// Capture's schema side (src/capture/capture_schema.hpp) with fake engines: what it does with each
// DDL it reads, which task files record it, and how it treats the servers it needs going away. No
// server: the DDL evaluator and the source catalog are fakes that answer what the test tells them.
#include <doctest/doctest.h>

#include <deque>
#include <memory>

#include "src/capture/capture_schema.hpp"
#include "src/model/table_binding.hpp"
#include "src/task/table_set.hpp"
#include "tests/support/binlog_positions.hpp"
#include "tests/support/temp_folder.hpp"

using namespace omsql;
using capture::CaptureSchema;
using capture::DdlTaken;

namespace {

ColumnDef int_column(std::string name, int ordinal) {
  ColumnDef column;
  column.name = std::move(name);
  column.ordinal = ordinal;
  column.data_type = "int";
  column.column_type = "int(11)";
  column.nullable = ordinal != 1;
  return column;
}

TableDef table(const std::string& name, std::vector<std::string> columns = {"id", "v"}) {
  TableDef def;
  def.name = {"shop", name};
  def.engine = "InnoDB";
  def.schema_charset = "utf8mb4";
  def.schema_collation = "utf8mb4_general_ci";
  for (size_t i = 0; i < columns.size(); ++i) def.columns.push_back(int_column(columns[i], static_cast<int>(i) + 1));
  IndexDef primary;
  primary.name = "PRIMARY";
  primary.unique = true;
  primary.parts.push_back(IndexPart{"id", std::nullopt});
  def.indexes.push_back(primary);
  return def;
}

// MIGRATE shop.* EXCLUDE shop.tmp_* MAP shop.* TO copy.*, with `tables` bound as the binder does;
// CREATE TABLE joins (APPLY, the default for tables the patterns take).
std::shared_ptr<const Plan> plan_of(const std::vector<TableDef>& tables) {
  auto plan = std::make_shared<Plan>();
  plan->rules.include.push_back({{"shop", false}, {"*", true}});
  plan->rules.exclude.push_back({{"shop", false}, {"tmp_*", true}});
  plan->rules.maps.push_back({{{"shop", false}, {"*", true}}, {{"copy", false}, {"*", true}}});
  for (const auto& def : tables) {
    auto job = bind_table(plan->rules, def);
    REQUIRE(job);
    plan->tables.push_back(*job);
  }
  return plan;
}

// Answers each evaluation with the next of `answers` and counts how often it was opened.
struct EvaluatorScript {
  std::deque<Result<engine::DdlEvaluation>> answers;
  std::vector<std::string> statements;          // what it was asked, in order
  std::vector<std::vector<TableDef>> befores;   // with which definitions
  int opened = 0;
};

class ScriptedEvaluator final : public engine::DdlEvaluator {
 public:
  explicit ScriptedEvaluator(std::shared_ptr<EvaluatorScript> script) : script_(std::move(script)) {}
  Result<engine::DdlEvaluation> evaluate(const DdlStatement& ddl, const std::vector<TableDef>& before,
                                         const std::vector<engine::DatabaseDefaults>&) override {
    script_->statements.push_back(ddl.statement);
    script_->befores.push_back(before);
    if (script_->answers.empty()) return Status::invalid_argument("the test gave no answer for " + ddl.statement);
    auto answer = std::move(script_->answers.front());
    script_->answers.pop_front();
    return answer;
  }

 private:
  std::shared_ptr<EvaluatorScript> script_;
};

// Only what CaptureSchema uses: the DDL evaluator and the source catalog.
class SchemaEngine final : public engine::Engine {
 public:
  std::shared_ptr<EvaluatorScript> script = std::make_shared<EvaluatorScript>();
  std::shared_ptr<MemoryCatalog> source = std::make_shared<MemoryCatalog>();
  mutable int catalogs_opened = 0;

  const char* name() const override { return "schema-fake"; }
  Result<std::unique_ptr<engine::SourceSession>> open_source(const Endpoint&) const override { return none(); }
  Result<std::unique_ptr<engine::TargetSession>> open_target(const Endpoint&) const override { return none(); }
  std::unique_ptr<engine::ChangeRenderer> change_renderer(const TableJob&) const override { return nullptr; }
  Result<std::unique_ptr<engine::ApplySession>> open_apply(const Endpoint&, const Plan&,
                                                           const apply::FkGraph&) const override {
    return none();
  }
  Result<std::unique_ptr<engine::SchemaSession>> open_schema(const Endpoint&) const override { return none(); }
  Result<std::unique_ptr<engine::VerifySession>> open_verify(const Endpoint&, const Endpoint&) const override {
    return none();
  }
  Result<std::unique_ptr<engine::ChangeStream>> open_changes(const Endpoint&, const SourcePosition&, ChangeDecoding,
                                                             ChangeStreamOptions) const override {
    return none();
  }
  Result<std::unique_ptr<Catalog>> open_catalog(const Endpoint&, const char*) const override {
    ++catalogs_opened;
    return std::unique_ptr<Catalog>(std::make_unique<SharedCatalog>(source));
  }
  Result<std::unique_ptr<engine::DdlEvaluator>> open_ddl_evaluator(const Endpoint&) const override {
    ++script->opened;
    return std::unique_ptr<engine::DdlEvaluator>(std::make_unique<ScriptedEvaluator>(script));
  }

 private:
  static Status none() { return Status::unsupported("not used by capture's schema side"); }
  class SharedCatalog final : public Catalog {
   public:
    explicit SharedCatalog(std::shared_ptr<MemoryCatalog> catalog) : catalog_(std::move(catalog)) {}
    Result<std::vector<QualifiedName>> list_tables() const override { return catalog_->list_tables(); }
    Result<TableDef> describe(const QualifiedName& table) const override { return catalog_->describe(table); }

   private:
    std::shared_ptr<MemoryCatalog> catalog_;
  };
};

DdlStatement statement(std::string text, uint64_t offset) {
  DdlStatement ddl;
  ddl.schema = "shop";
  ddl.statement = std::move(text);
  ddl.position = test::binlog_at("mariadb-bin.000002", offset);
  return ddl;
}

std::vector<std::string> column_names(const TableDef& def) {
  std::vector<std::string> names;
  for (const auto& column : def.columns) names.push_back(column.name);
  return names;
}

}  // namespace

TEST_CASE("ALTER TABLE: the definition after it is the evaluator's, recorded before it is spooled") {
  testing::TempFolder task;
  SchemaEngine engine;
  auto plan = plan_of({table("orders")});
  const SourcePosition start = test::binlog_at("mariadb-bin.000002", 4);
  auto schema = CaptureSchema::open(plan, task.path, start, engine, engine);
  REQUIRE(schema);
  CHECK(engine.script->opened == 0);  // opened on first use only

  engine.script->answers.push_back(engine::DdlEvaluation{{table("orders", {"id", "v", "note"})}, {}});
  auto taken = (*schema)->take(statement("ALTER TABLE orders ADD note INT", 500));
  REQUIRE(taken);
  CHECK(taken->then == DdlTaken::Then::kSpool);
  CHECK(taken->changed_tables == std::vector<QualifiedName>{{"shop", "orders"}});
  REQUIRE(engine.script->befores.size() == 1);
  CHECK(engine.script->befores[0] == std::vector<TableDef>{table("orders")});
  CHECK(column_names(*(*schema)->definition({"shop", "orders"})) == std::vector<std::string>{"id", "v", "note"});

  // A capture that resumes after the statement decodes by the recorded definition, one that
  // resumes before it by the plan's (it meets the ALTER again).
  auto after = CaptureSchema::open(plan, task.path, test::binlog_at("mariadb-bin.000002", 900), engine, engine);
  REQUIRE(after);
  CHECK(column_names(*(*after)->definition({"shop", "orders"})) == std::vector<std::string>{"id", "v", "note"});
  auto before = CaptureSchema::open(plan, task.path, start, engine, engine);
  REQUIRE(before);
  CHECK(column_names(*(*before)->definition({"shop", "orders"})) == std::vector<std::string>{"id", "v"});

  // An index changes no column: no copy of the table needs redoing.
  TableDef indexed = table("orders", {"id", "v", "note"});
  IndexDef ix;
  ix.name = "ix_v";
  ix.parts.push_back(IndexPart{"v", std::nullopt});
  indexed.indexes.push_back(ix);
  engine.script->answers.push_back(engine::DdlEvaluation{{indexed}, {}});
  taken = (*schema)->take(statement("CREATE INDEX ix_v ON orders (v)", 700));
  REQUIRE(taken);
  CHECK(taken->then == DdlTaken::Then::kSpool);
  CHECK(taken->changed_tables.empty());
}

TEST_CASE("a lost target is read again with a new evaluator; what cannot be evaluated stops before the statement") {
  testing::TempFolder task;
  SchemaEngine engine;
  auto plan = plan_of({table("orders")});
  auto schema = CaptureSchema::open(plan, task.path, test::binlog_at("mariadb-bin.000002", 4), engine, engine);
  REQUIRE(schema);

  engine.script->answers.push_back(Status::transient("target: lost connection"));
  auto lost = (*schema)->take(statement("ALTER TABLE orders ADD note INT", 500));
  REQUIRE_FALSE(lost);
  CHECK(lost.status().is_transient());
  CHECK(lost.status().message().find("ALTER TABLE orders ADD note INT") != std::string::npos);
  CHECK(column_names(*(*schema)->definition({"shop", "orders"})) == std::vector<std::string>{"id", "v"});

  // Read again: a new evaluator, and this time the server refuses what it cannot copy exactly.
  engine.script->answers.push_back(Status::unsupported("the partition clause cannot be copied exactly"));
  auto refused = (*schema)->take(statement("ALTER TABLE orders ADD note INT", 500));
  REQUIRE(refused);
  CHECK(engine.script->opened == 2);
  CHECK(refused->then == DdlTaken::Then::kStopBefore);
  CHECK(refused->message ==
        "source DDL on migrated table shop.orders at mariadb-bin.000002:500: \"ALTER TABLE orders ADD note INT\": "
        "cannot work out the table's definition after it: the partition clause cannot be copied exactly. "
        "Everything before the statement is applied");
  CHECK(refused->changed_tables.empty());
  CHECK(column_names(*(*schema)->definition({"shop", "orders"})) == std::vector<std::string>{"id", "v"});
}

TEST_CASE("CREATE TABLE in the patterns joins the task; DROP TABLE makes it leave; others pass untouched") {
  testing::TempFolder task;
  SchemaEngine engine;
  auto plan = plan_of({table("orders")});
  REQUIRE(save_table_set(task.path, table_set_of(*plan)));  // as the run writes it at the start
  auto schema = CaptureSchema::open(plan, task.path, test::binlog_at("mariadb-bin.000002", 4), engine, engine);
  REQUIRE(schema);

  engine.script->answers.push_back(engine::DdlEvaluation{{table("refunds")}, {}});
  auto joined = (*schema)->take(statement("CREATE TABLE refunds (id INT PRIMARY KEY, v INT)", 300));
  REQUIRE(joined);
  CHECK(joined->then == DdlTaken::Then::kSpool);
  REQUIRE((*schema)->definition({"shop", "refunds"}));
  auto entries = load_joined_tables(task.path);
  REQUIRE(entries);
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].source == QualifiedName{"shop", "refunds"});
  CHECK((*entries)[0].target == QualifiedName{"copy", "refunds"});

  // Excluded by the patterns, outside the task, or no change of a table's rows: nothing asked.
  for (const char* text : {"CREATE TABLE tmp_x (id INT)", "CREATE TABLE other.x (id INT)", "ANALYZE TABLE orders",
                           "CREATE VIEW v AS SELECT * FROM orders"}) {
    auto passed = (*schema)->take(statement(text, 400));
    REQUIRE(passed);
    CHECK(passed->then == DdlTaken::Then::kSpool);
    CHECK(passed->changed_tables.empty());
  }
  CHECK(engine.script->statements.size() == 1);

  auto dropped = (*schema)->take(statement("DROP TABLE refunds, orders", 600));
  REQUIRE(dropped);
  CHECK(dropped->then == DdlTaken::Then::kSpool);
  CHECK(dropped->changed_tables == std::vector<QualifiedName>{{"shop", "refunds"}, {"shop", "orders"}});
  CHECK_FALSE((*schema)->definition({"shop", "orders"}));
  auto set = load_table_set(task.path);
  REQUIRE(set);
  REQUIRE(set->has_value());
  CHECK((*set)->left.size() == 2);
}

TEST_CASE("RENAME TABLE into the patterns reads the table's definition on the source's catalog, once") {
  testing::TempFolder task;
  SchemaEngine engine;
  auto plan = plan_of({table("orders")});
  REQUIRE(save_table_set(task.path, table_set_of(*plan)));
  TableDef staged = table("tmp_archive", {"id", "v", "w"});
  engine.source->add(staged);
  auto schema = CaptureSchema::open(plan, task.path, test::binlog_at("mariadb-bin.000002", 4), engine, engine);
  REQUIRE(schema);

  // The catalog says what the table is now; the statement renamed it, so the test's catalog
  // holds it under the name it has after the rename.
  TableDef archive = staged;
  archive.name = {"shop", "archive"};
  engine.source->add(archive);
  auto taken = (*schema)->take(statement("RENAME TABLE tmp_archive TO archive", 800));
  REQUIRE(taken);
  CHECK(taken->then == DdlTaken::Then::kSpool);
  CHECK(engine.catalogs_opened == 1);
  REQUIRE((*schema)->definition({"shop", "archive"}));
  CHECK(column_names(*(*schema)->definition({"shop", "archive"})) == std::vector<std::string>{"id", "v", "w"});
  CHECK(engine.script->statements.empty());  // a rename needs no evaluation
  auto entries = load_joined_tables(task.path);
  REQUIRE(entries);
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].source == QualifiedName{"shop", "archive"});

  // Renamed within the patterns: the task table keeps its definition under the new name.
  auto moved = (*schema)->take(statement("RENAME TABLE orders TO orders_2026", 900));
  REQUIRE(moved);
  CHECK(moved->changed_tables == std::vector<QualifiedName>{{"shop", "orders"}});
  CHECK_FALSE((*schema)->definition({"shop", "orders"}));
  CHECK(column_names(*(*schema)->definition({"shop", "orders_2026"})) == std::vector<std::string>{"id", "v"});
}

TEST_CASE("a DDL the link does not replicate halts capture after it; statement DML of a task table stops the link") {
  testing::TempFolder task;
  SchemaEngine engine;
  auto plan = plan_of({table("orders")});
  auto schema = CaptureSchema::open(plan, task.path, test::binlog_at("mariadb-bin.000002", 4), engine, engine);
  REQUIRE(schema);
  auto halted = (*schema)->take(statement("ALTER TABLE orders ADD x INT, RENAME TO orders_old", 500));
  REQUIRE(halted);
  CHECK(halted->then == DdlTaken::Then::kHalt);
  CHECK(halted->stop.at_barrier);
  auto dml = (*schema)->take(statement("UPDATE shop.orders SET v = v + 1", 600));
  REQUIRE(dml);
  CHECK(dml->then == DdlTaken::Then::kStop);
  CHECK(dml->stop.needs_recopy);
}

