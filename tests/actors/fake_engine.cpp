#include "src/engine/mysql/binlog/position.hpp"
#include "tests/actors/fake_engine.hpp"

#include "src/apply/lane_transaction.hpp"
#include "src/apply/lane_names.hpp"

#include <stdexcept>

#include <algorithm>

namespace omsql::testing {
namespace {

uint64_t key_of(const std::optional<copy::KeyTuple>& tuple, uint64_t none) {
  return tuple ? std::stoull(tuple->at(0)) : none;
}

class FakeRows final : public engine::RowStream {
 public:
  FakeRows(QualifiedName table, const copy::ChunkRange& range, uint64_t rows, copy::BatchLimits limits,
           copy::WireFormat format, std::shared_ptr<FakeTargetLog> log)
      : table_(std::move(table)), chunk_(range.id), next_(key_of(range.lower_exclusive, 0) + 1),
        last_(std::min(rows, key_of(range.upper_inclusive, rows))), limits_(limits), format_(format),
        log_(std::move(log)) {}
  Result<copy::RowBatch> next_batch() override {
    copy::RowBatch batch;
    batch.source_table = table_;
    batch.chunk_id = chunk_;
    batch.format = format_;
    while (next_ <= last_ && static_cast<int64_t>(batch.rows) < limits_.max_rows) {
      batch.data += std::to_string(next_++) + "\n";
      ++batch.rows;
    }
    batch.last_of_chunk = next_ > last_;
    if (batch.rows > 0) {
      std::lock_guard<std::mutex> lock(log_->mutex);
      ++log_->batches_read;
      log_->max_in_flight = std::max(log_->max_in_flight, log_->batches_read - log_->batches_written);
    }
    return batch;
  }

 private:
  QualifiedName table_;
  uint64_t chunk_;
  uint64_t next_;
  uint64_t last_;
  copy::BatchLimits limits_;
  copy::WireFormat format_;
  std::shared_ptr<FakeTargetLog> log_;
};

class FakeSource final : public engine::SourceSession {
 public:
  explicit FakeSource(const FakeEngine& engine) : engine_(engine) {}
  // Keys are 1..rows: the key `offset` rows after `lower` is lower + offset + 1.
  Result<std::optional<copy::KeyTuple>> key_at_offset(const TableJob& job, const std::optional<copy::KeyTuple>& lower,
                                                      int64_t offset) override {
    uint64_t key = key_of(lower, 0) + static_cast<uint64_t>(offset) + 1;
    if (key > table(job).rows) return std::optional<copy::KeyTuple>();
    return std::optional<copy::KeyTuple>(copy::KeyTuple{std::to_string(key)});
  }
  Result<std::unique_ptr<engine::RowStream>> read_rows(const TableJob& job, const copy::ChunkRange& range,
                                                       copy::BatchLimits limits, copy::WireFormat format) override {
    const FakeTable& t = table(job);
    if (t.throwing_chunks.count(range.id))
      throw std::logic_error("fake source: chunk " + std::to_string(range.id) + " of " + job.source.str() + " throws");
    if (t.permanent_failures.count(range.id))
      return Status::corruption("fake source: chunk " + std::to_string(range.id) + " of " + job.source.str() + " is corrupt");
    auto fault = t.transient_failures.find(range.id);
    if (fault != t.transient_failures.end()) {
      std::lock_guard<std::mutex> lock(engine_.faults_mutex);
      int& seen = engine_.failures_seen[{job.source.str(), range.id}];
      if (seen < fault->second) {
        ++seen;
        return Status::transient("fake source: lost the connection reading chunk " + std::to_string(range.id));
      }
    }
    return std::unique_ptr<engine::RowStream>(std::make_unique<FakeRows>(job.source, range, t.rows, limits, format, engine_.target));
  }
  Result<SourcePosition> begin_snapshot() override { return to_source_position(BinlogPosition{"fake-bin.000001", 4, ""}); }
  Status end_snapshot() override { return Status::ok(); }
  Result<SourcePosition> current_position() override { return to_source_position(BinlogPosition{"fake-bin.000001", 4, ""}); }
  void abandon() override {}

 private:
  const FakeTable& table(const TableJob& job) const {
    static const FakeTable kEmpty;
    auto it = engine_.tables.find(job.source.str());
    return it == engine_.tables.end() ? kEmpty : it->second;
  }
  const FakeEngine& engine_;
};

class FakeSink final : public engine::BatchSink {
 public:
  FakeSink(std::shared_ptr<FakeTargetLog> log, std::string table) : log_(std::move(log)), table_(std::move(table)) {}
  Status write(const copy::RowBatch& batch) override {
    std::lock_guard<std::mutex> lock(log_->mutex);
    if (batch.rows > 0) ++log_->batches_written;
    size_t start = 0;
    while (start < batch.data.size()) {
      size_t end = batch.data.find('\n', start);
      log_->rows[table_].insert(std::stoull(batch.data.substr(start, end - start)));
      start = end + 1;
    }
    return Status::ok();
  }
  Status restart_chunk(const copy::ChunkRange&) override { return Status::ok(); }
  Status empty_table() override {
    std::lock_guard<std::mutex> lock(log_->mutex);
    log_->rows[table_].clear();
    return Status::ok();
  }

 private:
  std::shared_ptr<FakeTargetLog> log_;
  std::string table_;
};

class FakeTarget final : public engine::TargetSession {
 public:
  explicit FakeTarget(std::shared_ptr<FakeTargetLog> log) : log_(std::move(log)) {}
  Result<std::unique_ptr<engine::BatchSink>> open_sink(const TableJob& job, copy::WireFormat) override {
    return std::unique_ptr<engine::BatchSink>(std::make_unique<FakeSink>(log_, job.target.str()));
  }

 private:
  std::shared_ptr<FakeTargetLog> log_;
};

class FakeApply final : public engine::ApplySession {
 public:
  explicit FakeApply(std::shared_ptr<FakeApplyLog> log) : log_(std::move(log)) {}
  Result<std::optional<uint64_t>> max_statement_bytes() override {
    std::lock_guard<std::mutex> lock(log_->mutex);
    return log_->max_statement_bytes;
  }
  Result<std::vector<SourcePosition>> lane_checkpoints(const std::string& task_id) override {
    std::lock_guard<std::mutex> lock(log_->mutex);
    std::vector<SourcePosition> lanes;
    for (const auto& [row, position] : log_->checkpoints)
      if (auto lane = apply::lane_of_row(row, task_id)) {
        if (lanes.size() <= *lane) lanes.resize(*lane + 1);
        lanes[*lane] = position;
      }
    return lanes;
  }
  Status set_lanes(const std::string& task_id, size_t lanes, const SourcePosition& position) override {
    std::lock_guard<std::mutex> lock(log_->mutex);
    for (auto it = log_->checkpoints.begin(); it != log_->checkpoints.end();)
      it = apply::lane_of_row(it->first, task_id) ? log_->checkpoints.erase(it) : std::next(it);
    for (size_t lane = 0; lane < lanes; ++lane) log_->checkpoints[apply::lane_task_id(task_id, lane)] = position;
    return Status::ok();
  }
  Result<std::optional<SourcePosition>> checkpoint(const std::string& lane_id) override {
    std::lock_guard<std::mutex> lock(log_->mutex);
    auto it = log_->checkpoints.find(lane_id);
    if (it == log_->checkpoints.end()) return std::optional<SourcePosition>();
    return std::optional<SourcePosition>(it->second);
  }
  Status commit(const apply::LaneWork& work, const std::string& lane_id, std::vector<std::string>*) override {
    std::lock_guard<std::mutex> lock(log_->mutex);
    if (log_->fail_before_commit > 0) {
      --log_->fail_before_commit;
      return Status::transient("fake target: deadlock found when trying to get lock");
    }
    for (const auto& statement : work.statements)
      if (!log_->failing_statement.empty() && statement == log_->failing_statement)
        return Status::server_error("fake target: error 1366 in \"" + statement + "\"");
    log_->commits.push_back({lane_id, work.end, work.statements, work.repair});
    if (!work.repair) {
      log_->checkpoints[lane_id] = work.end;
      for (const auto& other : work.also_checkpoint) log_->checkpoints[other] = work.end;
    }
    if (log_->lose_commit_answer > 0) {
      --log_->lose_commit_answer;
      return Status::transient("fake target: lost connection to the server during COMMIT");
    }
    return Status::ok();
  }
  Result<TableDef> describe_table(const QualifiedName& table) override {
    return Status::not_found("fake target: no table " + table.str());
  }
  Result<bool> has_rows(const QualifiedName&) override { return false; }
  Result<std::optional<std::string>> unmet_expectation(const std::vector<apply::TargetExpectation>&) override {
    return std::optional<std::string>();
  }

 private:
  std::shared_ptr<FakeApplyLog> log_;
};

}  // namespace

TableJob fake_job(const std::string& table) {
  TableJob job;
  job.source = {"fake", table};
  job.target = {"fake_target", table};
  ColumnDef id;
  id.name = "id";
  id.data_type = "bigint";
  id.column_type = "bigint(20)";
  job.source_def.name = job.source;
  job.source_def.columns = {id};
  job.columns = {ColumnMapping{"id", "id", std::nullopt, false}};
  job.key.kind = RowKey::Kind::kPrimary;
  job.key.columns = {"id"};
  job.key.index_name = "PRIMARY";
  return job;
}

Result<std::unique_ptr<engine::SourceSession>> FakeEngine::open_source(const Endpoint&) const {
  return std::unique_ptr<engine::SourceSession>(std::make_unique<FakeSource>(*this));
}

Result<std::unique_ptr<engine::TargetSession>> FakeEngine::open_target(const Endpoint&) const {
  return std::unique_ptr<engine::TargetSession>(std::make_unique<FakeTarget>(target));
}

Result<std::unique_ptr<engine::ApplySession>> FakeEngine::open_apply(const Endpoint&, const Plan&,
                                                                   const apply::FkGraph&) const {
  {
    std::lock_guard<std::mutex> lock(applied->mutex);
    ++applied->sessions_opened;
  }
  return std::unique_ptr<engine::ApplySession>(std::make_unique<FakeApply>(applied));
}

}  // namespace omsql::testing
