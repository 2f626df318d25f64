// The actor graph spec: what a run spawns for a plan, and the --dot text drawn from the same data.
#include <doctest/doctest.h>

#include "src/task/actor_graph.hpp"

using namespace omsql;

namespace {
Plan plan_with(int parallel, bool schema, bool full, bool incremental, bool verify, size_t tables) {
  Plan plan;
  plan.options.parallel = parallel;
  plan.phases = {schema, full, incremental};
  plan.verify.enabled = verify;
  plan.tables.resize(tables);
  return plan;
}
bool has_edge(const ActorGraph& g, ActorRole from, ActorRole to) {
  for (const auto& e : g.edges)
    if (e.from == from && e.to == to) return true;
  return false;
}
}  // namespace

TEST_CASE("a full task spawns every stage, pools sized by parallel") {
  ActorGraph g = actor_graph(plan_with(4, true, true, true, true, 10));
  CHECK(g.count(ActorRole::kCoordinator) == 1);
  CHECK(g.count(ActorRole::kReader) == 4);
  CHECK(g.count(ActorRole::kApplier) == 4);
  CHECK(g.count(ActorRole::kIndexBuilder) == 2);
  CHECK(g.count(ActorRole::kApplyLane) == 4);
  CHECK(g.count(ActorRole::kBinlogTailer) == 1);
  CHECK(g.count(ActorRole::kVerifier) == 4);
  CHECK(has_edge(g, ActorRole::kApplier, ActorRole::kReader));  // credits flow back
  CHECK(has_edge(g, ActorRole::kReplayer, ActorRole::kApplyLane));
  CHECK(has_edge(g, ActorRole::kBinlogTailer, ActorRole::kReplayer));
}

TEST_CASE("phases left out leave their actors out") {
  ActorGraph copy_only = actor_graph(plan_with(2, false, true, false, false, 3));
  CHECK(copy_only.count(ActorRole::kSchemaMigrator) == 0);
  CHECK(copy_only.count(ActorRole::kIndexBuilder) == 0);
  CHECK(copy_only.count(ActorRole::kBinlogTailer) == 0);
  CHECK(copy_only.count(ActorRole::kApplyLane) == 0);
  CHECK(copy_only.count(ActorRole::kVerifier) == 0);
  CHECK(copy_only.count(ActorRole::kReader) == 2);

  ActorGraph link_only = actor_graph(plan_with(3, false, false, true, true, 1));
  CHECK(link_only.count(ActorRole::kReader) == 0);
  CHECK(link_only.count(ActorRole::kChunker) == 0);
  CHECK(link_only.count(ActorRole::kApplyLane) == 3);
  CHECK(link_only.count(ActorRole::kVerifier) == 1);  // no more verifiers than tables
}

TEST_CASE("parallel below 1 still spawns one of each pool; one index builder for one lane") {
  ActorGraph g = actor_graph(plan_with(0, true, true, true, false, 1));
  CHECK(g.count(ActorRole::kReader) == 1);
  CHECK(g.count(ActorRole::kIndexBuilder) == 1);
  CHECK(g.count(ActorRole::kApplyLane) == 1);
}

TEST_CASE("--dot draws each pool once with its count and every edge") {
  std::string dot = render_dot(actor_graph(plan_with(4, true, true, true, true, 2)));
  CHECK(dot.rfind("digraph omsql {\n", 0) == 0);
  CHECK(dot.find("  reader [label=\"reader \xc3\x97" "4\", style=bold];\n") != std::string::npos);
  CHECK(dot.find("  coordinator [label=\"coordinator\"];\n") != std::string::npos);
  CHECK(dot.find("  verifier [label=\"verifier \xc3\x97" "2\", style=bold];\n") != std::string::npos);
  CHECK(dot.find("  reader -> applier [label=\"RowBatch\"];\n") != std::string::npos);
  CHECK(dot.find("  replayer -> apply_lane [label=\"LaneWork\"];\n") != std::string::npos);
  CHECK(dot.substr(dot.size() - 2) == "}\n");
}

TEST_CASE("a live link can verify on request: the verification actors are drawn, dashed") {
  ActorGraph link = actor_graph(plan_with(3, true, true, true, false, 5));
  CHECK(link.count(ActorRole::kVerification) == 1);
  CHECK(link.count(ActorRole::kVerifier) == 3);
  CHECK(link.count(ActorRole::kVerifyProgress) == 1);
  CHECK(has_edge(link, ActorRole::kCoordinator, ActorRole::kVerification));
  CHECK(has_edge(link, ActorRole::kVerification, ActorRole::kVerifier));
  CHECK(has_edge(link, ActorRole::kVerifier, ActorRole::kVerification));
  CHECK_FALSE(has_edge(link, ActorRole::kCoordinator, ActorRole::kVerifier));
  std::string dot = render_dot(link);
  CHECK(dot.find("  verification [label=\"verification\", style=dashed];\n") != std::string::npos);
  CHECK(dot.find("  verifier [label=\"verifier \xc3\x97" "3\", style=\"bold,dashed\"];\n") != std::string::npos);
  CHECK(dot.find("  coordinator -> verification [label=\"verify (on request)\"];\n") != std::string::npos);
  // The replayer is spawned detached (actors/replayer.cpp), as the binlog tailer is.
  CHECK(dot.find("  replayer [label=\"replayer\", style=bold];\n") != std::string::npos);
  CHECK(dot.find("  binlog_tailer -> replayer [label=\"stored\"];\n") != std::string::npos);

  ActorGraph scripted = actor_graph(plan_with(3, true, true, true, true, 5));
  CHECK(render_dot(scripted).find("  verification [label=\"verification\"];\n") != std::string::npos);
  // A copy without the link and without VERIFY ends when copied: nothing can ask it to verify.
  CHECK(actor_graph(plan_with(3, true, true, false, false, 5)).count(ActorRole::kVerification) == 0);
}
