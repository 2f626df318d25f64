#pragma once
// The actor graph of a task, as data: which actors a run spawns for a Plan, how many of each, and
// which messages flow between them. One source of truth: the coordinator spawns its pools from it
// (how many readers, appliers, index builders, verifiers) and `omsrun plan --dot` prints it, so
// the picture and the run cannot drift apart. Pure; no actor and no server.
#include <string>
#include <vector>

#include "src/model/plan.hpp"

namespace omsql {

enum class ActorRole {
  kCoordinator,    // the task: phases, state, supervision
  kReporter,       // progress lines
  kSchemaMigrator, // target DDL before the copy
  kIndexBuilder,   // secondary indexes and FKs after it (schema migrators, at most 2)
  kChunker,        // hands out key-range chunks
  kRateLimiter,    // the copy's one row budget
  kReader,         // streams chunks from the source
  kApplier,        // writes batches to the target
  kBinlogTailer,   // captures the binlog into the spool
  kReplayer,       // folds the spool into groups for the lanes
  kApplyLane,      // applies a lane's share of each group with its checkpoint
  kVerification,   // one verification: hands tables to its verifiers, answers the coordinator
  kVerifier,       // hashes and compares chunks
  kVerifyProgress, // one verification's rows and settling, for status and the console
};
const char* actor_role_name(ActorRole role);

struct ActorNode {
  ActorRole role;
  int count = 1;
  // Spawned on its own thread because it calls a blocking client library.
  bool detached = false;
  // Spawned only when asked (`omsrun verify --task` during the live link), not by every run.
  bool on_request = false;
};

struct ActorEdge {
  ActorRole from;
  ActorRole to;
  std::string message;  // what travels: "ChunkWork", "RowBatch", "credit", ...
};

struct ActorGraph {
  std::vector<ActorNode> nodes;
  std::vector<ActorEdge> edges;
  // How many actors of `role` a run spawns (0 when the plan's phases leave it out).
  int count(ActorRole role) const;
};

// The graph a run of `plan` spawns. Apply lanes are the nominal `parallel`: a resumed link keeps
// the lane count recorded in its checkpoint rows until every lane agrees (docs/architecture.md).
ActorGraph actor_graph(const Plan& plan);

// The verifiers a verification of `tables` tables spawns with `parallel`: no more than tables, at least one.
int verifier_count(int parallel, size_t tables);

// Graphviz text: one node per actor (pools drawn as one node labelled "reader ×4"), one edge per
// message kind; detached actors bold, actors spawned only on request dashed.
std::string render_dot(const ActorGraph& graph);

}  // namespace omsql
