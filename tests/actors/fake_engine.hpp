#pragma once
// An engine without a server, for driving the real actors in tests: one table per TableJob, its
// rows the integers 1..rows of a one-column key, held as a count (nothing is materialised). Chunks
// are key ranges of chunk_rows keys; a batch's data is its keys as text, one per line, so a sink
// can tell exactly which rows arrived and how often. Faults are scripted per chunk.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "src/engine/engine.hpp"
#include "src/engine/mysql/binlog/position.hpp"

namespace omsql::testing {

struct FakeTable {
  uint64_t rows = 0;
  // Reading chunk id N fails: transiently `transient_failures[N]` times, then succeeds.
  std::map<uint64_t, int> transient_failures;
  // Reading chunk id N fails for good (a corrupt value, say).
  std::set<uint64_t> permanent_failures;
  // Reading chunk id N throws (a bug rather than an error value): the reading actor dies of it.
  std::set<uint64_t> throwing_chunks;
};

// What the fake target received, shared by every session (sinks run on several actors' threads).
struct FakeTargetLog {
  std::mutex mutex;
  std::map<std::string, std::multiset<uint64_t>> rows;  // by target table: every key written, with repeats
  int batches_read = 0;     // batches the source handed out (with rows)
  int batches_written = 0;  // batches a sink wrote
  // The most batches ever read but not yet written: what credits bound (readers x credits).
  int max_in_flight = 0;
};

// What the fake target's apply sessions hold and did, shared by every session (each apply lane
// opens its own, on its own thread). Faults are used up one at a time.
struct FakeApplyLog {
  std::mutex mutex;
  std::map<std::string, SourcePosition> checkpoints;  // by checkpoint row ("<task>#<lane>")
  struct Commit {
    std::string lane_id;
    SourcePosition end;
    std::vector<std::string> statements;
    bool repair = false;
  };
  std::vector<Commit> commits;  // every lane transaction that committed, in order
  int sessions_opened = 0;
  // The next N commits fail transiently before anything is committed (a deadlock, a lost target).
  int fail_before_commit = 0;
  // The next N commits commit, but their answer is lost (the connection drops during COMMIT).
  int lose_commit_answer = 0;
  // A statement with this text fails for good (a server error), and rolls its transaction back.
  std::string failing_statement;
  std::optional<uint64_t> max_statement_bytes;
};

// A job for fake table "fake.<table>" (copied to "fake_target.<table>"): one BIGINT key column `id`.
TableJob fake_job(const std::string& table);

class FakeEngine final : public engine::Engine {
 public:
  std::map<std::string, FakeTable> tables;  // by source table "db.t"
  std::shared_ptr<FakeTargetLog> target = std::make_shared<FakeTargetLog>();

  const char* name() const override { return "fake"; }
  Result<std::unique_ptr<engine::SourceSession>> open_source(const Endpoint& endpoint) const override;
  Result<std::unique_ptr<engine::TargetSession>> open_target(const Endpoint& endpoint) const override;
  // Lane transactions commit into `applied`; the fake target has no tables (describe_table:
  // NotFound) and meets every expectation.
  // Renders as the MySQL-family engine does (rendering is pure: it needs no server).
  std::unique_ptr<engine::ChangeRenderer> change_renderer(const TableJob& job) const override {
    return engine::engine_for(Dialect::kMysql).change_renderer(job);
  }
  Result<std::unique_ptr<engine::ApplySession>> open_apply(const Endpoint& endpoint, const Plan& plan,
                                                           const apply::FkGraph& graph) const override;
  std::shared_ptr<FakeApplyLog> applied = std::make_shared<FakeApplyLog>();
  Result<std::unique_ptr<engine::SchemaSession>> open_schema(const Endpoint&) const override {
    return Status::unsupported("fake engine: no schema phase");
  }
  Result<std::unique_ptr<engine::VerifySession>> open_verify(const Endpoint&, const Endpoint&) const override {
    return Status::unsupported("fake engine: no verification");
  }
  Result<std::unique_ptr<Catalog>> open_catalog(const Endpoint&, const char*) const override {
    return Status::unsupported("fake engine: no catalog");
  }
  Result<std::unique_ptr<engine::DdlEvaluator>> open_ddl_evaluator(const Endpoint&) const override {
    return Status::unsupported("fake engine: no DDL evaluation");
  }
  // The fake source has no change log: the copy graph is what the fake drives.
  Result<std::unique_ptr<engine::ChangeStream>> open_changes(const Endpoint&, const SourcePosition&, ChangeDecoding,
                                                             ChangeStreamOptions) const override {
    return Status::unsupported("fake engine: no change log");
  }

  // Counts failures already injected, so a transient fault is used up once (shared by sessions).
  mutable std::mutex faults_mutex;
  mutable std::map<std::pair<std::string, uint64_t>, int> failures_seen;
};

}  // namespace omsql::testing
