// The DDL barrier after the user resolved a stop there (src/apply/ddl_decided_step): skip passes
// with only the checkpoint and rebinds the table to the new definition (refused for a change of
// the columns replay writes); applied passes only with what the target must hold; retry runs the target statements
// with the policy's STOP lifted; a word about another statement changes nothing. And the check of
// the target's state against what the statement leads to.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "src/apply/ddl_decided_step.hpp"
#include "tests/src/apply/replay_test_support.hpp"

using namespace omsql;
using namespace omsql::apply;
using namespace omsql::replay_test;

namespace {

DdlStatement ddl(std::string text, uint64_t position) {
  DdlStatement statement;
  statement.schema = "s";
  statement.statement = std::move(text);
  statement.position = at(position);
  return statement;
}

ColumnDef int_column(std::string name, int ordinal) {
  ColumnDef column;
  column.name = std::move(name);
  column.ordinal = ordinal;
  column.data_type = "int";
  column.column_type = "int(11)";
  column.nullable = true;
  return column;
}

IndexDef primary_on(std::string column) {
  IndexDef primary;
  primary.name = "PRIMARY";
  primary.unique = true;
  primary.parts.push_back(IndexPart{std::move(column), std::nullopt, false});
  return primary;
}

DdlResolution word(const DdlStatement& statement, DdlResolutionKind kind) {
  return DdlResolution{statement.position, statement.statement, kind};
}

// MIGRATE s.* MAP s.* TO t.* DDL (ALTER TABLE = STOP), tables a and b; a's history: base at 1,
// `ALTER TABLE a ADD w INT` at 50 (a gets column w).
struct Fixture {
  Plan plan;
  std::string dir;
  std::optional<SchemaHistory> history;
  TableDef after;
  Fixture() {
    plan.tables = {table("a"), table("b")};
    for (auto& job : plan.tables) job.source_def.indexes.push_back(primary_on("id"));
    plan.rules.include.push_back({{"s", false}, {"*", true}});
    plan.rules.maps.push_back({{{"s", false}, {"*", true}}, {{"t", false}, {"*", true}}});
    plan.ddl_policy.kinds[StatementKind::kAlterTable] = {DdlHandling::kStop, 5};
    char name[] = "/tmp/omsql-ddl-decided-XXXXXX";
    dir = ::mkdtemp(name);
    auto opened = SchemaHistory::open(dir);
    REQUIRE(opened);
    history.emplace(std::move(opened).value());
    REQUIRE(history->record_base(at(1), {plan.tables[0].source_def, plan.tables[1].source_def}));
    after = plan.tables[0].source_def;
    after.columns.push_back(int_column("w", 3));
    REQUIRE(history->record(at(50), {"s", "a"}, after, "ALTER TABLE a ADD w INT"));
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

}  // namespace

TEST_CASE("without a word about this very statement, the barrier and the policy decide") {
  Fixture f;
  const FkGraph graph = FkGraph::build(f.plan);
  ReplayGroup group(f.plan, graph);
  DdlBarrier barrier(f.plan);
  const DdlStatement alter = ddl("ALTER TABLE a ADD w INT", 50);
  const DdlStep plain = decided_step(barrier, f.plan, alter, group, &*f.history, std::nullopt);
  CHECK(plain.action == DdlStep::Action::kStop);
  CHECK(plain.message.find("the script's DDL policy (line 5): ALTER TABLE = STOP") != std::string::npos);
  // A word about another position, or another text at this position, is not used.
  DdlResolution elsewhere = word(alter, DdlResolutionKind::kSkip);
  elsewhere.position = at(49);
  CHECK(decided_step(barrier, f.plan, alter, group, &*f.history, elsewhere).action == DdlStep::Action::kStop);
  DdlResolution other_text = word(alter, DdlResolutionKind::kSkip);
  other_text.statement = "ALTER TABLE a ADD x INT";
  CHECK(decided_step(barrier, f.plan, alter, group, &*f.history, other_text).action == DdlStep::Action::kStop);
}

TEST_CASE("skip: only the checkpoint moves; the table reads the new layout; a column change is refused") {
  Fixture f;
  const FkGraph graph = FkGraph::build(f.plan);
  ReplayGroup group(f.plan, graph);
  DdlBarrier barrier(f.plan);
  // An index the target does not get: the job follows the source's definition, same columns.
  TableDef indexed = f.plan.tables[1].source_def;
  IndexDef iv;
  iv.name = "iv";
  iv.parts.push_back(IndexPart{"v", std::nullopt, false});
  indexed.indexes.push_back(iv);
  REQUIRE(f.history->record(at(55), {"s", "b"}, indexed, "ALTER TABLE b ADD INDEX iv (v)"));
  const DdlStatement index = ddl("ALTER TABLE b ADD INDEX iv (v)", 55);
  const DdlStep skip = decided_step(barrier, f.plan, index, group, &*f.history, word(index, DdlResolutionKind::kSkip));
  REQUIRE(skip.action == DdlStep::Action::kApply);
  CHECK(skip.statements.empty());
  CHECK(skip.expect.empty());
  CHECK(skip.kind == ReplicatedDdl::kAlterTable);
  CHECK(skip.table_index == 1);
  REQUIRE(skip.after_job);
  CHECK(skip.after_job->source_def.indexes.size() == 2);
  CHECK(skip.after_job->columns == f.plan.tables[1].columns);
  CHECK(skip.message ==
        "ALTER TABLE s.b at mariadb-bin.000001:55: skipped (omsrun ddl skip): not applied to the target; the target "
        "table t.b keeps its definition");

  // A column the target would not have: the rows after it would not fit, so skip stops again.
  const DdlStatement alter = ddl("ALTER TABLE a ADD w INT", 50);
  const DdlStep refused = decided_step(barrier, f.plan, alter, group, &*f.history, word(alter, DdlResolutionKind::kSkip));
  CHECK(refused.action == DdlStep::Action::kStop);
  CHECK(refused.message.find("`omsrun ddl skip` cannot pass it: it changes the columns replay writes to t.a (`id`, "
                             "`v` before, `id`, `v`, `w` after)") != std::string::npos);
  CHECK(refused.message.find("then `omsrun ddl applied`") != std::string::npos);

  // A statement with no recorded definition (not replicated): the checkpoint moves, nothing rebinds.
  const DdlStatement rename = ddl("ALTER TABLE a ADD q INT, RENAME TO z", 70);
  const DdlStep passed = decided_step(barrier, f.plan, rename, group, &*f.history, word(rename, DdlResolutionKind::kSkip));
  CHECK(passed.action == DdlStep::Action::kApply);
  CHECK(passed.statements.empty());
  CHECK_FALSE(passed.after_job.has_value());
}

TEST_CASE("skip of a CREATE TABLE capture stopped before: the table does not join; one that joined cannot be skipped") {
  Fixture f;
  const FkGraph graph = FkGraph::build(f.plan);
  ReplayGroup group(f.plan, graph);
  DdlBarrier barrier(f.plan);
  // Capture could not take it (it recorded nothing): skipped, nothing runs, no table joins.
  const DdlStatement refused = ddl("CREATE TABLE n LIKE other.x", 60);
  const DdlStep skip = decided_step(barrier, f.plan, refused, group, &*f.history, word(refused, DdlResolutionKind::kSkip));
  REQUIRE(skip.action == DdlStep::Action::kApply);
  CHECK(skip.statements.empty());
  CHECK(skip.kind == ReplicatedDdl::kNone);
  CHECK_FALSE(skip.after_job.has_value());
  CHECK(skip.message == "CREATE TABLE s.n at mariadb-bin.000001:60: skipped (omsrun ddl skip): the table does not join the task");
  // Capture recorded it joining: its rows after it need the target table.
  TableDef joined = f.plan.tables[1].source_def;
  joined.name = {"s", "m"};
  REQUIRE(f.history->record(at(65), joined.name, joined, "CREATE TABLE m LIKE b"));
  const DdlStatement create = ddl("CREATE TABLE m LIKE b", 65);
  const DdlStep kept = decided_step(barrier, f.plan, create, group, &*f.history, word(create, DdlResolutionKind::kSkip));
  CHECK(kept.action == DdlStep::Action::kStop);
  CHECK(kept.message.find("cannot pass a CREATE TABLE of a table that joined the task in capture") != std::string::npos);
}

TEST_CASE("skip of TRUNCATE and DROP TABLE runs nothing; the dropped tables still leave the task") {
  Fixture f;
  f.plan.ddl_policy = DdlPolicy{};  // both stop by default
  const FkGraph graph = FkGraph::build(f.plan);
  ReplayGroup group(f.plan, graph);
  DdlBarrier barrier(f.plan);
  const DdlStatement truncate = ddl("TRUNCATE TABLE b", 80);
  const DdlStep t = decided_step(barrier, f.plan, truncate, group, nullptr, word(truncate, DdlResolutionKind::kSkip));
  CHECK(t.action == DdlStep::Action::kApply);
  CHECK(t.statements.empty());
  const DdlStatement drop = ddl("DROP TABLE b", 81);
  const DdlStep d = decided_step(barrier, f.plan, drop, group, nullptr, word(drop, DdlResolutionKind::kSkip));
  CHECK(d.action == DdlStep::Action::kApply);
  CHECK(d.statements.empty());
  CHECK(d.kind == ReplicatedDdl::kDropTable);
  barrier.applied(d);
  CHECK(barrier.step(ddl("TRUNCATE TABLE b", 82), group).action == DdlStep::Action::kPass);  // b is gone
}

TEST_CASE("applied: nothing runs, the target must hold what the statement leads to") {
  Fixture f;
  const FkGraph graph = FkGraph::build(f.plan);
  ReplayGroup group(f.plan, graph);
  DdlBarrier barrier(f.plan);
  const DdlStatement alter = ddl("ALTER TABLE a ADD w INT", 50);
  const DdlStep step = decided_step(barrier, f.plan, alter, group, &*f.history, word(alter, DdlResolutionKind::kApplied));
  REQUIRE(step.action == DdlStep::Action::kApply);
  CHECK(step.statements.empty());
  REQUIRE(step.expect.size() == 1);
  CHECK(step.expect[0].what == TargetExpectation::What::kDefinition);
  CHECK(step.expect[0].target == QualifiedName{"t", "a"});
  REQUIRE(step.expect[0].job);
  CHECK(step.expect[0].job->columns.size() == 3);
  REQUIRE(step.after_job);
  CHECK(step.after_job->columns.size() == 3);  // the target has w now: replay writes it
  CHECK(step.table_index == 0);

  // The target as the statement leaves it, as before it, and gone.
  TableDef target_after = f.after;
  target_after.name = {"t", "a"};
  TargetTableState state{target_after, false};
  CHECK_FALSE(unmet_expectation(step.expect[0], state, f.plan).has_value());
  TableDef target_before = f.plan.tables[0].source_def;
  target_before.name = {"t", "a"};
  auto unmet = unmet_expectation(step.expect[0], TargetTableState{target_before, false}, f.plan);
  REQUIRE(unmet);
  CHECK(unmet->find("the target table t.a is not as the statement leaves it (") == 0);
  CAPTURE(*unmet);
  CHECK(unmet->find("3 expected") != std::string::npos);
  CHECK(unmet_expectation(step.expect[0], TargetTableState{}, f.plan) == std::optional<std::string>("the target table t.a does not exist"));

  // A statement whose outcome omsql cannot tell: applied stops again and says why.
  const DdlStatement rename = ddl("ALTER TABLE a ADD q INT, RENAME TO z", 70);
  const DdlStep unknown = decided_step(barrier, f.plan, rename, group, &*f.history, word(rename, DdlResolutionKind::kApplied));
  CHECK(unknown.action == DdlStep::Action::kStop);
  CHECK(unknown.message.find("`omsrun ddl applied` cannot be carried out: omsql does not replicate this statement") !=
        std::string::npos);
  CHECK(!target_expectations(barrier, f.plan, rename, &*f.history));
}

TEST_CASE("applied TRUNCATE wants the target table empty, DROP TABLE wants it gone (also after a rerun)") {
  Fixture f;
  f.plan.ddl_policy = DdlPolicy{};
  DdlBarrier barrier(f.plan);
  auto truncate = target_expectations(barrier, f.plan, ddl("TRUNCATE TABLE b", 80), nullptr);
  REQUIRE(truncate);
  REQUIRE(truncate->size() == 1);
  CHECK((*truncate)[0].what == TargetExpectation::What::kEmpty);
  CHECK((*truncate)[0].target == QualifiedName{"t", "b"});
  TableDef b = f.plan.tables[1].source_def;
  CHECK_FALSE(unmet_expectation((*truncate)[0], TargetTableState{b, false}, f.plan));
  CHECK(unmet_expectation((*truncate)[0], TargetTableState{b, true}, f.plan) ==
        std::optional<std::string>("the target table t.b still holds rows (the statement empties it)"));

  auto drop = target_expectations(barrier, f.plan, ddl("DROP TABLE a, b", 81), nullptr);
  REQUIRE(drop);
  REQUIRE(drop->size() == 2);
  CHECK((*drop)[1].what == TargetExpectation::What::kAbsent);
  CHECK_FALSE(unmet_expectation((*drop)[1], TargetTableState{}, f.plan));
  CHECK(unmet_expectation((*drop)[1], TargetTableState{b, false}, f.plan) ==
        std::optional<std::string>("the target table t.b still exists (the statement drops it)"));

  // A rerun: the plan no longer has b, table-set.json says where it left.
  Plan rerun = f.plan;
  rerun.tables.pop_back();
  DdlBarrier departed(rerun, {DepartedTable{{"s", "b"}, {"t2", "b2"}, at(81), "DROP TABLE b"}});
  auto gone = target_expectations(departed, rerun, ddl("DROP TABLE b", 81), nullptr);
  REQUIRE(gone);
  REQUIRE(gone->size() == 1);
  CHECK((*gone)[0].what == TargetExpectation::What::kAbsent);
  CHECK((*gone)[0].target == QualifiedName{"t2", "b2"});
}

TEST_CASE("retry: the target statements run again, the policy's STOP lifted for this one statement") {
  Fixture f;
  const FkGraph graph = FkGraph::build(f.plan);
  ReplayGroup group(f.plan, graph);
  DdlBarrier barrier(f.plan);
  const DdlStatement alter = ddl("ALTER TABLE a ADD w INT", 50);
  const DdlStep retry = decided_step(barrier, f.plan, alter, group, &*f.history, word(alter, DdlResolutionKind::kRetry));
  REQUIRE(retry.action == DdlStep::Action::kApply);
  REQUIRE(retry.statements.size() == 1);
  CHECK(retry.statements[0].rfind("ALTER TABLE `t`.`a` ADD COLUMN `w` int", 0) == 0);
  CHECK(retry.message.find("(omsrun ddl retry)") != std::string::npos);
  // What the link cannot apply stops again.
  const DdlStatement rename = ddl("ALTER TABLE a ADD q INT, RENAME TO z", 70);
  const DdlStep again = decided_step(barrier, f.plan, rename, group, &*f.history, word(rename, DdlResolutionKind::kRetry));
  CHECK(again.action == DdlStep::Action::kStop);
  CHECK(again.message.find("(met again after omsrun ddl retry)") != std::string::npos);
  // TRUNCATE stops by default; retried, it runs.
  f.plan.ddl_policy = DdlPolicy{};
  const DdlStatement truncate = ddl("TRUNCATE TABLE b", 80);
  CHECK(decided_step(barrier, f.plan, truncate, group, nullptr, std::nullopt).action == DdlStep::Action::kStop);
  CHECK(decided_step(barrier, f.plan, truncate, group, nullptr, word(truncate, DdlResolutionKind::kRetry)).statements ==
        std::vector<std::string>{"TRUNCATE TABLE `t`.`b`"});
}
