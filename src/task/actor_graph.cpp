#include "src/task/actor_graph.hpp"

#include <algorithm>

namespace omsql {

const char* actor_role_name(ActorRole role) {
  switch (role) {
    case ActorRole::kCoordinator: return "coordinator";
    case ActorRole::kReporter: return "reporter";
    case ActorRole::kSchemaMigrator: return "schema_migrator";
    case ActorRole::kIndexBuilder: return "index_builder";
    case ActorRole::kChunker: return "chunker";
    case ActorRole::kRateLimiter: return "rate_limiter";
    case ActorRole::kReader: return "reader";
    case ActorRole::kApplier: return "applier";
    case ActorRole::kBinlogTailer: return "binlog_tailer";
    case ActorRole::kReplayer: return "replayer";
    case ActorRole::kApplyLane: return "apply_lane";
    case ActorRole::kVerification: return "verification";
    case ActorRole::kVerifier: return "verifier";
    case ActorRole::kVerifyProgress: return "verify_progress";
  }
  return "?";
}

int ActorGraph::count(ActorRole role) const {
  for (const auto& node : nodes)
    if (node.role == role) return node.count;
  return 0;
}

int verifier_count(int parallel, size_t tables) {
  return std::max(1, std::min<int>(parallel, static_cast<int>(std::max<size_t>(1, tables))));
}

ActorGraph actor_graph(const Plan& plan) {
  using R = ActorRole;
  const int pool = std::max(1, plan.options.parallel);
  ActorGraph g;
  auto node = [&](R role, int count, bool detached, bool on_request = false) {
    g.nodes.push_back({role, count, detached, on_request});
  };
  auto edge = [&](R from, R to, std::string message) { g.edges.push_back({from, to, std::move(message)}); };

  node(R::kCoordinator, 1, false);
  node(R::kReporter, 1, false);
  if (plan.phases.schema) {
    node(R::kSchemaMigrator, 1, true);
    edge(R::kCoordinator, R::kSchemaMigrator, "schema, objects");
  }
  if (plan.phases.full) {
    node(R::kChunker, 1, true);
    node(R::kRateLimiter, 1, false);
    node(R::kReader, pool, true);
    node(R::kApplier, pool, true);
    edge(R::kReader, R::kChunker, "next chunk");
    edge(R::kChunker, R::kReader, "ChunkWork");
    edge(R::kReader, R::kRateLimiter, "take rows");
    edge(R::kReader, R::kApplier, "RowBatch");
    edge(R::kApplier, R::kReader, "credit");
    edge(R::kApplier, R::kReporter, "progress");
    edge(R::kReader, R::kCoordinator, "chunk done");
    edge(R::kChunker, R::kCoordinator, "chunks total");
    if (plan.phases.schema) {
      node(R::kIndexBuilder, std::min(2, pool), true);
      edge(R::kCoordinator, R::kIndexBuilder, "indexes");
    }
  }
  if (plan.phases.incremental) {
    node(R::kBinlogTailer, 1, true);
    node(R::kReplayer, 1, true);
    node(R::kApplyLane, pool, true);
    edge(R::kBinlogTailer, R::kReplayer, "stored");
    edge(R::kReplayer, R::kBinlogTailer, "applied");
    edge(R::kReplayer, R::kApplyLane, "LaneWork");
    edge(R::kReplayer, R::kCoordinator, "SyncStatus");
    edge(R::kCoordinator, R::kReplayer, "replay, pause, resume, throttle");
  }
  // A run verifies when the script says so (VERIFY); a live link also verifies when asked (omsrun
  // verify --task). Each verification is one actor with its own verifier pool and progress actor.
  const bool scripted = plan.verify.enabled || !plan.verify_requests.empty();
  if (scripted || plan.phases.incremental) {
    const bool on_request = !scripted;
    node(R::kVerification, 1, false, on_request);
    node(R::kVerifier, verifier_count(pool, plan.tables.size()), true, on_request);
    node(R::kVerifyProgress, 1, false, on_request);
    edge(R::kCoordinator, R::kVerification, on_request ? "verify (on request)" : "verify");
    edge(R::kVerification, R::kVerifier, "verify table");
    edge(R::kVerifier, R::kVerification, "TableReport");
    edge(R::kVerifier, R::kVerifyProgress, "rows, settling");
    edge(R::kVerification, R::kVerifyProgress, "table done");
    edge(R::kVerification, R::kCoordinator, "VerificationResult");
  }
  return g;
}

std::string render_dot(const ActorGraph& graph) {
  std::string out = "digraph omsql {\n  rankdir=LR;\n  node [shape=box];\n";
  for (const auto& node : graph.nodes) {
    std::string label = actor_role_name(node.role);
    if (node.count > 1) label += " \xc3\x97" + std::to_string(node.count);  // "reader ×4"
    out += std::string("  ") + actor_role_name(node.role) + " [label=\"" + label + "\"" +
           (node.detached && node.on_request ? ", style=\"bold,dashed\""
            : node.detached                  ? ", style=bold"
            : node.on_request                ? ", style=dashed"
                                             : "") +
           "];\n";
  }
  for (const auto& edge : graph.edges)
    out += std::string("  ") + actor_role_name(edge.from) + " -> " + actor_role_name(edge.to) + " [label=\"" +
           edge.message + "\"];\n";
  return out + "}\n";
}

}  // namespace omsql
