// Replay's group building without a server (src/apply/replay_group): spool events cut into whole
// transactions, folding to the net effect per key, routing to lanes, the two kinds of group, and
// the lanes' drop of what they have already committed (the keyless double apply).
#include <doctest/doctest.h>

#include <set>

#include "src/apply/replay_group.hpp"
#include "src/apply/routing.hpp"
#include "src/engine/mysql/binlog/position.hpp"
#include "src/sql/quote.hpp"
#include "tests/src/apply/replay_test_support.hpp"
#include "tests/support/binlog_positions.hpp"

using namespace omsql;
using namespace omsql::apply;
using namespace omsql::replay_test;

namespace {

Plan plan_of(std::vector<TableJob> tables) {
  Plan plan;
  plan.tables = std::move(tables);
  return plan;
}

SourceTransaction transaction(std::vector<RowChange> rows, uint64_t end) {
  SourceTransaction t;
  t.rows = std::move(rows);
  t.end = at(end);
  t.next = SpoolPosition{1, end};
  return t;
}

// The statements a ChangeBatch of `job` writes for `changes`: what a lane must receive when the
// group's changes fold to exactly these.
std::vector<std::string> statements_of(const TableJob& job, const std::vector<RowChange>& changes) {
  ChangeBatch batch(job);
  for (const auto& change : changes) REQUIRE(batch.add(change));
  return batch.statements();
}

std::string hex(const std::string& bytes) { return sql::hex_literal(bytes); }

bool mentions(const std::vector<std::string>& statements, const std::string& text) {
  for (const auto& statement : statements)
    if (statement.find(text) != std::string::npos) return true;
  return false;
}

// Table s.child with a column `pid` referencing `parent`.id ON DELETE CASCADE ON UPDATE RESTRICT.
TableJob cascading_child(const TableJob& parent) {
  TableJob child = table("child");
  ColumnDef pid;
  pid.name = "pid";
  pid.ordinal = 3;
  pid.data_type = "int";
  pid.column_type = "int(11)";
  child.source_def.columns.push_back(pid);
  child.columns.push_back(ColumnMapping{"pid", "pid", std::nullopt, false});
  ForeignKeyDef fk;
  fk.name = "fk_parent";
  fk.columns = {"pid"};
  fk.referenced = parent.source;
  fk.referenced_columns = {"id"};
  fk.on_delete = "CASCADE";
  fk.on_update = "RESTRICT";
  child.source_def.foreign_keys = {fk};
  return child;
}

}  // namespace

TEST_CASE("TransactionAssembler: whole transactions, applied events dropped, a cut transaction read again") {
  const TableJob job = table("a");
  TransactionAssembler assembler;
  const SourcePosition applied = at(100);
  // At or before what every lane has committed: nothing comes out.
  CHECK_FALSE(assembler.add(TransactionBegin{"0-1-1", false, at(90)}, {1, 1}, applied));
  CHECK_FALSE(assembler.add(RowsEvent{{insert(job, row(1, "old"), 95)}, at(95)}, {1, 2}, applied));
  CHECK_FALSE(assembler.add(TransactionCommit{"0-1-1", 1, at(100)}, {1, 3}, applied));
  // A transaction cut off by a reconnect: its rows are dropped when it begins again.
  CHECK_FALSE(assembler.add(TransactionBegin{"0-1-2", false, at(110)}, {1, 4}, applied));
  CHECK_FALSE(assembler.add(RowsEvent{{insert(job, row(2, "cut"), 120)}, at(120)}, {1, 5}, applied));
  CHECK_FALSE(assembler.add(TransactionBegin{"0-1-2", false, at(110)}, {1, 6}, applied));
  CHECK_FALSE(assembler.add(RowsEvent{{insert(job, row(2, "x"), 120), insert(job, row(3, "y"), 120)}, at(120)}, {1, 7},
                            applied));
  CHECK_FALSE(assembler.add(RowsEvent{{remove(job, row(3, "y"), 130)}, at(130)}, {1, 8}, applied));
  auto t = assembler.add(TransactionCommit{"0-1-2", 2, at(140)}, {1, 9}, applied);
  REQUIRE(t);
  CHECK(t->end == at(140));
  CHECK(t->next == SpoolPosition{1, 9});
  REQUIRE(t->rows.size() == 3);
  CHECK(t->rows[0].after[1].text() == "x");
  CHECK(t->rows[2].kind == RowChange::kDelete);
  // A heartbeat is a unit without rows: it moves the position on.
  auto beat = assembler.add(Heartbeat{at(150)}, {1, 10}, applied);
  REQUIRE(beat);
  CHECK(beat->rows.empty());
  CHECK(beat->end == at(150));
}

TEST_CASE("TransactionAssembler: a transaction larger than its piece size comes out in pieces at rows events") {
  const TableJob job = table("a");
  // Each row image costs about 64 + 2 * 16 + 1 bytes: three of them pass a 250-byte piece.
  TransactionAssembler assembler(250);
  const SourcePosition none;
  CHECK_FALSE(assembler.add(TransactionBegin{"0-1-1", false, to_source_position(BinlogPosition{"mariadb-bin.000001", 10, "0-1-1"})}, {1, 1}, none));
  // One rows event of two rows, then one of one row: under the limit until the third row is in.
  RowChange first = insert(job, row(1, "a"), 20), second = insert(job, row(2, "b"), 20);
  CHECK_FALSE(assembler.add(RowsEvent{{first, second}, at(20)}, {1, 2}, none));
  CHECK_FALSE(assembler.add(RowsEvent{{insert(job, row(3, "c"), 30)}, at(30)}, {1, 3}, none));
  // The next rows event finds the open rows at the limit: they go out, ending at the last rows
  // event taken (never inside one); its position is the rows event's, which carries no GTID state
  // (the decoder's positions inside a transaction, change_event.hpp).
  auto piece = assembler.add(RowsEvent{{insert(job, row(4, "d"), 40)}, at(40)}, {1, 4}, none);
  REQUIRE(piece);
  CHECK(piece->piece);
  CHECK(piece->rows.size() == 3);
  CHECK(piece->end == at(30));
  CHECK(test::gtid_of(piece->end).empty());
  CHECK(piece->next == SpoolPosition{1, 3});
  CHECK_FALSE(piece->ddl);
  // A reconnect cut the transaction: it is read again from its start. What went out in the piece
  // is not returned twice; the rest is.
  CHECK_FALSE(assembler.add(TransactionBegin{"0-1-1", false, at(10)}, {1, 5}, none));
  CHECK_FALSE(assembler.add(RowsEvent{{first, second}, at(20)}, {1, 6}, none));
  CHECK_FALSE(assembler.add(RowsEvent{{insert(job, row(3, "c"), 30)}, at(30)}, {1, 7}, none));
  CHECK_FALSE(assembler.add(RowsEvent{{insert(job, row(4, "d"), 40)}, at(40)}, {1, 8}, none));
  auto rest = assembler.add(TransactionCommit{"0-1-1", 1, at(50)}, {1, 9}, none);
  REQUIRE(rest);
  CHECK_FALSE(rest->piece);
  REQUIRE(rest->rows.size() == 1);
  CHECK(rest->rows[0].after[1].text() == "d");
  CHECK(rest->end == at(50));
  // A small transaction after it is whole.
  CHECK_FALSE(assembler.add(TransactionBegin{"0-1-2", false, at(60)}, {1, 10}, none));
  CHECK_FALSE(assembler.add(RowsEvent{{insert(job, row(5, "e"), 70)}, at(70)}, {1, 11}, none));
  auto whole = assembler.add(TransactionCommit{"0-1-2", 2, at(80)}, {1, 12}, none);
  REQUIRE(whole);
  CHECK_FALSE(whole->piece);
  CHECK(whole->rows.size() == 1);
}

TEST_CASE("ordered group: a keyless change lane 0 committed in a parallel piece before a restart is left out") {
  // After a restart the pieces of a large transaction may be cut anew: a piece that now holds an
  // FK-triggering change (ordered, on lane 0) can reach back over lane 0's checkpoint, which lane
  // 0 took in a parallel piece. Its keyless rows up to there are on the target already.
  TableJob parent = table("parent");
  TableJob bag = table("bag", false);
  TableJob child = cascading_child(parent);
  const Plan plan = plan_of({parent, bag, child});
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_lanes({at(60), at(20)});  // lane 0 committed a piece ending at 60, lane 1 one at 20
  REQUIRE(*group.fold(transaction({insert(plan.tables[1], row(1, "held"), 50), insert(plan.tables[1], row(2, "new"), 70),
                                   remove(plan.tables[0], row(9, "p"), 80)},
                                  90)));
  REQUIRE(group.kind() == GroupKind::kOrdered);
  LaneShare ordered = group.take_ordered();
  CHECK(ordered.changes == 2);
  CHECK_FALSE(mentions(ordered.statements, hex("held")));
  CHECK(mentions(ordered.statements, hex("new")));
}

TEST_CASE("folding: insert + update + delete sequences end as the net effect per key") {
  const Plan plan = plan_of({table("a")});
  const TableJob& job = plan.tables[0];
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  // Key 1: inserted, updated twice -> its last image. Key 2: inserted then deleted -> deleted.
  // Key 3: updated then deleted -> deleted. Key 4: deleted then inserted again -> the new image.
  REQUIRE(*group.fold(transaction({insert(job, row(1, "a"), 10), update(job, row(1, "a"), row(1, "b"), 10),
                                   insert(job, row(2, "x"), 10)},
                                  11)));
  REQUIRE(*group.fold(transaction({update(job, row(1, "b"), row(1, "c"), 20), remove(job, row(2, "x"), 20),
                                   update(job, row(3, "p"), row(3, "q"), 20), remove(job, row(3, "q"), 20),
                                   remove(job, row(4, "old"), 20), insert(job, row(4, "new"), 20)},
                                  21)));
  CHECK(group.kind() == GroupKind::kParallel);
  CHECK(group.changes() == 9);
  CHECK(group.folded_through() == at(21));
  CHECK(group.spool_end() == SpoolPosition{1, 21});
  auto shares = group.take_parallel();
  REQUIRE(shares.size() == 1);
  CHECK(shares[0].changes == 9);
  CHECK(shares[0].statements == statements_of(job, {insert(job, row(1, "c"), 20), remove(job, row(2, "x"), 20),
                                                    remove(job, row(3, "q"), 20), insert(job, row(4, "new"), 20)}));
  CHECK_FALSE(mentions(shares[0].statements, hex("a")));
  CHECK_FALSE(mentions(shares[0].statements, hex("b")));
  CHECK(shares[0].row_keys.size() == shares[0].statements.size());
  // The group is empty after the take; the position it reached stays.
  CHECK(group.kind() == GroupKind::kEmpty);
  CHECK(group.changes() == 0);
  CHECK(group.take_parallel()[0].statements.empty());
  CHECK(group.folded_through() == at(21));
}

TEST_CASE("routing: every change of a key on one lane, a key update moves the row between lanes") {
  const Plan plan = plan_of({table("a")});
  const TableJob& job = plan.tables[0];
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_lanes(std::vector<SourcePosition>(4));
  ChangeBatch keys(job);
  std::vector<RowChange> changes;
  for (int64_t id = 1; id <= 40; ++id) {
    changes.push_back(insert(job, row(id, "i"), 10));
    changes.push_back(update(job, row(id, "i"), row(id, "u" + std::to_string(id)), 10));
  }
  REQUIRE(*group.fold(transaction(changes, 11)));
  auto shares = group.take_parallel();
  REQUIRE(shares.size() == 4);
  std::set<size_t> used;
  for (int64_t id = 1; id <= 40; ++id) {
    const size_t lane = lane_for_key(keys.key_of(row(id, "")), 4);
    CHECK(group.lane_of(0, row(id, "anything")) == lane);
    used.insert(lane);
    // The key's final image is on its lane, and on no other.
    const std::string image = hex("u" + std::to_string(id));
    for (size_t other = 0; other < 4; ++other) CHECK(mentions(shares[other].statements, image) == (other == lane));
  }
  CHECK(used.size() > 1);  // 40 keys over 4 lanes: the keys are spread
  uint64_t total = 0;
  for (const auto& share : shares) total += share.changes;
  CHECK(total == 80);

  // Find two keys on different lanes; an update of one into the other is a delete on the old
  // key's lane and an insert on the new key's lane, counted once.
  int64_t from = 1, to = 2;
  while (group.lane_of(0, row(to, "")) == group.lane_of(0, row(from, ""))) ++to;
  REQUIRE(*group.fold(transaction({update(job, row(from, "m"), row(to, "moved"), 30)}, 31)));
  CHECK(group.changes() == 1);
  shares = group.take_parallel();
  const size_t old_lane = group.lane_of(0, row(from, "")), new_lane = group.lane_of(0, row(to, ""));
  CHECK(shares[old_lane].statements == statements_of(job, {remove(job, row(from, "m"), 30)}));
  CHECK(shares[new_lane].statements == statements_of(job, {insert(job, row(to, "moved"), 30)}));
  CHECK(shares[old_lane].changes == 0);
  CHECK(shares[new_lane].changes == 1);
}

TEST_CASE("routing is stable: XXH3 of the key bytes, keyless tables on lane 0, collated keys by table name") {
  // Pinned values: a build or platform with another hash would move keys to lanes whose
  // checkpoints are elsewhere (docs/architecture.md, apply lanes).
  CHECK(lane_for_key("a", 4) == 3);
  CHECK(lane_for_key("key-1", 3) == 0);
  CHECK(lane_for_key("shop.orders", 4) == 2);
  CHECK(lane_for_key("", 3) == 1);
  CHECK(lane_for_key("anything", 1) == 0);

  const Plan plan = plan_of({table("keyed"), table("keyless", false), table("ci", true, "utf8mb4_general_ci"),
                             table("nopad", true, "utf8mb4_nopad_bin")});
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_lanes(std::vector<SourcePosition>(4));
  ChangeBatch keyed(plan.tables[0]);
  for (int64_t id = 0; id < 20; ++id) {
    CHECK(group.lane_of(0, row(id, "")) == lane_for_key(keyed.key_of(row(id, "")), 4));
    CHECK(group.lane_of(1, row(id, "")) == 0);
  }
  // 'a' and 'A' are one row to a _ci key: the whole table goes to the lane of its name.
  const size_t ci_lane = lane_for_key("s.ci", 4);
  CHECK(ci_lane == lane_for_key(plan.tables[2].source.str(), 4));
  for (const char* id : {"a", "A", "a ", "b", "zz"}) CHECK(group.lane_of(2, text_row(id, "")) == ci_lane);
  ChangeBatch nopad(plan.tables[3]);
  CHECK(group.lane_of(3, text_row("a", "")) == lane_for_key(nopad.key_of(text_row("a", "")), 4));
  // An image that does not match the table's columns goes to lane 0 (folding then reports it).
  CHECK(group.lane_of(0, {Cell::signed_integer(7)}) == 0);
}

TEST_CASE("keyless table: a lane drops what it committed when a restart regroups across its checkpoint") {
  // Regression (d61f68b): after a restart, replay begins at the slowest lane's checkpoint (here
  // lane 1 at 50) and cuts groups anew, so the first group straddles lane 0's checkpoint (80).
  // Keyless changes all go to lane 0 and are whole-row DELETE ... LIMIT 1 / INSERT: applying the
  // ones at or before 80 again doubled rows. Lane 0 must drop them; lane 1 keeps its changes.
  const Plan plan = plan_of({table("bag", false), table("keyed")});
  const TableJob& bag = plan.tables[0];
  const TableJob& keyed = plan.tables[1];
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_lanes({at(80), at(50)});
  ReplayGroup probe(plan, graph);
  probe.set_lanes({at(0), at(0)});
  int64_t lane1_key = 1;
  while (probe.lane_of(1, row(lane1_key, "")) != 1) ++lane1_key;
  int64_t lane0_key = 1;
  while (probe.lane_of(1, row(lane0_key, "")) != 0) ++lane0_key;

  REQUIRE(*group.fold(transaction({insert(bag, row(1, "committed"), 60), insert(keyed, row(lane1_key, "k60"), 60),
                                   insert(keyed, row(lane0_key, "k0"), 60)},
                                  61)));
  REQUIRE(*group.fold(transaction({insert(bag, row(1, "committed too"), 80)}, 81)));
  REQUIRE(*group.fold(transaction({insert(bag, row(1, "new"), 90), remove(bag, row(1, "committed"), 90)}, 91)));
  CHECK(group.changes() == 3);  // lane 1's insert and lane 0's two changes after 80
  auto shares = group.take_parallel();
  REQUIRE(shares.size() == 2);
  CHECK(shares[0].statements == statements_of(bag, {insert(bag, row(1, "new"), 90), remove(bag, row(1, "committed"), 90)}));
  CHECK(shares[0].changes == 2);
  CHECK(shares[1].statements == statements_of(keyed, {insert(keyed, row(lane1_key, "k60"), 60)}));
  CHECK(shares[1].changes == 1);
}

TEST_CASE("snapshot tables: changes up to the snapshot position are in the copy") {
  const Plan plan = plan_of({table("bag", false), table("keyed")});
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_replay_after({at(40), SourcePosition{}});
  REQUIRE(*group.fold(transaction({insert(plan.tables[0], row(1, "in copy"), 40),
                                   insert(plan.tables[1], row(1, "chunked"), 40)},
                                  41)));
  REQUIRE(*group.fold(transaction({insert(plan.tables[0], row(2, "after"), 45)}, 46)));
  auto shares = group.take_parallel();
  CHECK(shares[0].changes == 2);
  CHECK_FALSE(mentions(shares[0].statements, hex("in copy")));
  CHECK(mentions(shares[0].statements, hex("after")));
}

TEST_CASE("FK-ordered transactions form one group for lane 0 in binlog order; parallel ones wait") {
  TableJob parent = table("parent");
  TableJob child = cascading_child(parent);
  const Plan plan = plan_of({parent, child});
  const FkGraph graph = FkGraph::build(plan);
  REQUIRE(graph.has_actions());
  ReplayGroup group(plan, graph);
  group.set_lanes(std::vector<SourcePosition>(4, at(5)));

  auto child_row = [](int64_t id, int64_t parent_id) {
    return std::vector<Cell>{Cell::signed_integer(id), Cell::bytes("c"), Cell::signed_integer(parent_id)};
  };
  const SourceTransaction cascading = transaction({remove(plan.tables[0], row(1, "p"), 10)}, 11);
  const SourceTransaction plain = transaction({insert(plan.tables[1], child_row(7, 2), 20)}, 21);
  TableJob other = table("not_migrated");
  const SourceTransaction neutral = transaction({insert(other, row(1, "x"), 30)}, 31);
  CHECK(group.kind_of(cascading) == GroupKind::kOrdered);
  CHECK(group.kind_of(plain) == GroupKind::kParallel);
  CHECK(group.kind_of(neutral) == GroupKind::kEmpty);

  REQUIRE(*group.fold(cascading));
  CHECK(group.kind() == GroupKind::kOrdered);
  REQUIRE(*group.fold(neutral));  // joins either kind
  auto refused = group.fold(plain);
  REQUIRE(refused);
  CHECK_FALSE(*refused);  // waits for the next group; the group is untouched
  CHECK(group.folded_through() == at(31));
  CHECK(group.changes() == 1);
  LaneShare ordered = group.take_ordered();
  CHECK(ordered.changes == 1);
  REQUIRE(ordered.cascades.size() == 1);
  CHECK(ordered.cascades[0].before_statement == 0);  // before the parent's own delete
  CHECK(ordered.cascades[0].is_delete);
  REQUIRE(ordered.statements.size() == 1);
  CHECK(ordered.statements[0].rfind("DELETE FROM `t`.`parent`", 0) == 0);
  CHECK(group.kind() == GroupKind::kEmpty);

  // The waiting transaction starts the next group, which refuses the ordered kind in turn.
  REQUIRE(*group.fold(plain));
  CHECK(group.kind() == GroupKind::kParallel);
  CHECK_FALSE(*group.fold(transaction({remove(plan.tables[0], row(2, "p"), 40)}, 41)));
  CHECK(group.folded_through() == at(21));
}

TEST_CASE("a group is full at its change limit or its size, counted as it folds") {
  const Plan plan = plan_of({table("a")});
  const TableJob& job = plan.tables[0];
  const FkGraph graph = FkGraph::build(plan);
  ReplayGroup group(plan, graph);
  group.set_lanes(std::vector<SourcePosition>(3));
  CHECK_FALSE(group.full(1));
  REQUIRE(*group.fold(transaction({insert(job, row(1, "a"), 10), insert(job, row(2, "b"), 10)}, 11)));
  CHECK(group.changes() == 2);
  CHECK_FALSE(group.full(3));
  REQUIRE(*group.fold(transaction({insert(job, row(3, "c"), 20)}, 21)));
  CHECK(group.full(3));
  CHECK_FALSE(group.full(UINT64_MAX));
  (void)group.take_parallel();
  CHECK_FALSE(group.full(3));
  REQUIRE(*group.fold(transaction({insert(job, row(4, std::string(ReplayGroup::kFlushBytes, 'z')), 30)}, 31)));
  CHECK(group.changes() == 1);
  CHECK(group.full(UINT64_MAX));
}
