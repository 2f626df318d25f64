// ChangeBatch folds; the target engine renders (engine::ChangeRenderer). With a renderer that only
// records what it is handed, the net change set of a run of changes is checked without any SQL:
// one entry per key touched, its final image or its deletion, a moved key deleted at its old value,
// a keyless table's operations in order.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "src/apply/change_batch.hpp"
#include "src/engine/mysql/binlog/position.hpp"

using namespace omsql;

namespace {

// What the recording renderer saw: per key (its first cell as an integer) the final `name`, or
// "deleted"; per keyless operation "+name" / "-name".
struct Seen {
  std::vector<std::string> entries;
  std::vector<std::string> described;
};

class RecordingRenderer final : public engine::ChangeRenderer {
 public:
  explicit RecordingRenderer(std::shared_ptr<Seen> seen) : seen_(std::move(seen)) {}
  std::vector<std::string> statements(const engine::NetChanges& changes, size_t,
                                      std::vector<std::vector<std::string>>* row_keys) const override {
    seen_->entries.clear();
    seen_->described.clear();
    if (changes.keyed)
      for (const auto& change : changes.keys) {
        seen_->entries.push_back(change.key.at(0).to_sql_literal() + "=" +
                                 (change.image ? change.image->at(1).text() : std::string("deleted")));
        seen_->described.push_back(change.described);
      }
    else
      for (const auto& operation : changes.operations)
        seen_->entries.push_back((operation.insert ? "+" : "-") + operation.image->at(1).text());
    if (row_keys) row_keys->push_back(seen_->described);
    return {"rendered"};
  }

 private:
  std::shared_ptr<Seen> seen_;
};

// An engine that only renders (the batch asks nothing else of it).
class RenderOnlyEngine final : public engine::Engine {
 public:
  std::shared_ptr<Seen> seen = std::make_shared<Seen>();
  const char* name() const override { return "render-only"; }
  Result<std::unique_ptr<engine::SourceSession>> open_source(const Endpoint&) const override {
    return Status::unsupported("render-only engine");
  }
  Result<std::unique_ptr<engine::TargetSession>> open_target(const Endpoint&) const override {
    return Status::unsupported("render-only engine");
  }
  std::unique_ptr<engine::ChangeRenderer> change_renderer(const TableJob&) const override {
    return std::make_unique<RecordingRenderer>(seen);
  }
  Result<std::unique_ptr<engine::ApplySession>> open_apply(const Endpoint&, const Plan&,
                                                           const apply::FkGraph&) const override {
    return Status::unsupported("render-only engine");
  }
  Result<std::unique_ptr<engine::SchemaSession>> open_schema(const Endpoint&) const override {
    return Status::unsupported("render-only engine");
  }
  Result<std::unique_ptr<engine::VerifySession>> open_verify(const Endpoint&, const Endpoint&) const override {
    return Status::unsupported("render-only engine");
  }
  Result<std::unique_ptr<engine::ChangeStream>> open_changes(const Endpoint&, const SourcePosition&,
                                                             ChangeDecoding, ChangeStreamOptions) const override {
    return Status::unsupported("render-only engine");
  }
  Result<std::unique_ptr<Catalog>> open_catalog(const Endpoint&, const char*) const override {
    return Status::unsupported("render-only engine");
  }
  Result<std::unique_ptr<engine::DdlEvaluator>> open_ddl_evaluator(const Endpoint&) const override {
    return Status::unsupported("render-only engine");
  }
};

TableJob job(bool keyed) {
  TableJob job;
  job.source = {"s", "t"};
  job.target = {"d", "t"};
  for (const char* name : {"id", "name"}) {
    ColumnDef column;
    column.name = name;
    column.data_type = std::string(name) == "id" ? "int" : "varchar";
    if (column.data_type == "varchar") column.charset = "utf8mb4";
    job.source_def.columns.push_back(column);
    job.columns.push_back(ColumnMapping{name, name, std::nullopt, false});
  }
  job.key.kind = keyed ? RowKey::Kind::kPrimary : RowKey::Kind::kNone;
  if (keyed) job.key.columns = {"id"};
  return job;
}

std::vector<Cell> row(int64_t id, std::string name) { return {Cell::signed_integer(id), Cell::bytes(std::move(name))}; }

RowChange insert(int64_t id, std::string name) {
  RowChange change;
  change.kind = RowChange::kInsert;
  change.after = row(id, std::move(name));
  return change;
}
RowChange update(int64_t from_id, std::string from, int64_t to_id, std::string to) {
  RowChange change;
  change.kind = RowChange::kUpdate;
  change.before = row(from_id, std::move(from));
  change.after = row(to_id, std::move(to));
  return change;
}
RowChange remove(int64_t id, std::string name) {
  RowChange change;
  change.kind = RowChange::kDelete;
  change.before = row(id, std::move(name));
  return change;
}

}  // namespace

TEST_CASE("the renderer gets one entry per key: its final image, or its deletion; a moved key leaves its old value deleted") {
  RenderOnlyEngine engine;
  const TableJob t = job(true);
  apply::ChangeBatch batch(t, &engine);
  REQUIRE(batch.add(insert(1, "a")));
  REQUIRE(batch.add(update(1, "a", 1, "b")));  // folded: only the last image counts
  REQUIRE(batch.add(insert(2, "c")));
  REQUIRE(batch.add(update(2, "c", 5, "c")));  // the key moves: 2 ends deleted, 5 holds the row
  REQUIRE(batch.add(insert(3, "d")));
  REQUIRE(batch.add(remove(3, "d")));          // inserted and deleted: a delete (the copy may hold it)
  std::vector<std::vector<std::string>> keys;
  CHECK(batch.statements(4 << 20, &keys) == std::vector<std::string>{"rendered"});
  CHECK(engine.seen->entries == std::vector<std::string>{"1=b", "2=deleted", "3=deleted", "5=c"});
  CHECK(engine.seen->described == std::vector<std::string>{"`id` = 1", "`id` = 2", "`id` = 3", "`id` = 5"});
  // Without row keys asked for, the keys are not described (a message is all they are for).
  batch.statements(4 << 20, nullptr);
  CHECK(engine.seen->described == std::vector<std::string>{"", "", "", ""});
}

TEST_CASE("a keyless table's changes reach the renderer one by one, in binlog order") {
  RenderOnlyEngine engine;
  const TableJob t = job(false);
  apply::ChangeBatch batch(t, &engine);
  REQUIRE(batch.add(insert(1, "a")));
  REQUIRE(batch.add(update(1, "a", 1, "b")));
  REQUIRE(batch.add(remove(1, "b")));
  batch.statements(4 << 20, nullptr);
  CHECK(engine.seen->entries == std::vector<std::string>{"+a", "-a", "+b", "-b"});
}
