#include "src/engine/mysql/mysql_engine.hpp"

#include "src/engine/mysql/apply_session.hpp"
#include "src/engine/mysql/binlog/stream.hpp"
#include "src/engine/mysql/schema_session.hpp"
#include "src/engine/mysql/schema_tracking.hpp"
#include "src/engine/mysql/verify_session.hpp"
#include "src/engine/mysql/change_statements.hpp"

#include "src/engine/mysql/copy/batch_writer.hpp"
#include "src/engine/mysql/copy/chunk_cursor.hpp"
#include "src/engine/mysql/copy/key_at_offset.hpp"
#include "src/engine/mysql/copy/session.hpp"
#include "src/engine/mysql/connection.hpp"

namespace omsql::engine {
namespace {

class MysqlRowStream final : public RowStream {
 public:
  explicit MysqlRowStream(std::unique_ptr<copy::ChunkCursor> cursor) : cursor_(std::move(cursor)) {}
  Result<copy::RowBatch> next_batch() override { return cursor_->next_batch(); }

 private:
  std::unique_ptr<copy::ChunkCursor> cursor_;
};

class MysqlSourceSession final : public SourceSession {
 public:
  explicit MysqlSourceSession(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}

  Result<std::optional<copy::KeyTuple>> key_at_offset(const TableJob& job, const std::optional<copy::KeyTuple>& lower,
                                                      int64_t offset) override {
    return copy::key_at_offset(*connection_, job, lower, offset);
  }
  Result<std::unique_ptr<RowStream>> read_rows(const TableJob& job, const copy::ChunkRange& range,
                                               copy::BatchLimits limits, copy::WireFormat format) override {
    auto cursor = copy::ChunkCursor::open(*connection_, job, range, limits, format);
    if (!cursor) return cursor.status();
    return std::unique_ptr<RowStream>(std::make_unique<MysqlRowStream>(std::move(cursor).value()));
  }
  Result<SourcePosition> begin_snapshot() override {
    auto position = copy::open_consistent_snapshot(*connection_);
    if (!position) return position.status();
    auto checked = checked_source_position(*position);
    if (!checked) return Status::unsupported(connection_->describe() + ": " + checked.status().message());
    return checked;
  }
  Status end_snapshot() override { return copy::end_consistent_snapshot(*connection_); }
  Result<SourcePosition> current_position() override { return current_source_position(*connection_); }
  void abandon() override { connection_->abandon(); }

 private:
  std::unique_ptr<Connection> connection_;
};

class MysqlBatchSink final : public BatchSink {
 public:
  explicit MysqlBatchSink(std::unique_ptr<copy::BatchWriter> writer) : writer_(std::move(writer)) {}
  Status write(const copy::RowBatch& batch) override { return writer_->write(batch); }
  Status restart_chunk(const copy::ChunkRange& range) override { return writer_->restart_chunk(range); }
  Status empty_table() override { return writer_->empty_table(); }

 private:
  std::unique_ptr<copy::BatchWriter> writer_;
};

class MysqlTargetSession final : public TargetSession {
 public:
  explicit MysqlTargetSession(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
  Result<std::unique_ptr<BatchSink>> open_sink(const TableJob& job, copy::WireFormat format) override {
    auto writer = copy::BatchWriter::open(*connection_, job, format);
    if (!writer) return writer.status();
    return std::unique_ptr<BatchSink>(std::make_unique<MysqlBatchSink>(std::move(writer).value()));
  }

 private:
  std::unique_ptr<Connection> connection_;
};

class MysqlChangeStream final : public ChangeStream {
 public:
  explicit MysqlChangeStream(std::unique_ptr<BinlogStream> stream) : stream_(std::move(stream)) {}
  Result<std::optional<Event>> next() override { return stream_->next(); }
  void stop() override { stream_->stop(); }

 private:
  std::unique_ptr<BinlogStream> stream_;
};

class MysqlEngine final : public Engine {
 public:
  const char* name() const override { return "mysql"; }
  Result<std::unique_ptr<SourceSession>> open_source(const Endpoint& endpoint) const override {
    auto connection = Connection::open(endpoint, "source");
    if (!connection) return connection.status();
    OMSQL_RETURN_IF_ERROR(copy::prepare_source_session(**connection));
    return std::unique_ptr<SourceSession>(std::make_unique<MysqlSourceSession>(std::move(connection).value()));
  }
  Result<std::unique_ptr<TargetSession>> open_target(const Endpoint& endpoint) const override {
    auto connection = Connection::open(endpoint, "target");
    if (!connection) return connection.status();
    OMSQL_RETURN_IF_ERROR(copy::prepare_target_session(**connection));
    return std::unique_ptr<TargetSession>(std::make_unique<MysqlTargetSession>(std::move(connection).value()));
  }
  std::unique_ptr<ChangeRenderer> change_renderer(const TableJob& job) const override {
    return mysql_change_renderer(job);
  }
  Result<std::unique_ptr<ApplySession>> open_apply(const Endpoint& endpoint, const Plan& plan,
                                                   const apply::FkGraph& graph) const override {
    return open_mysql_apply(endpoint, plan, graph);
  }
  Result<std::unique_ptr<SchemaSession>> open_schema(const Endpoint& endpoint) const override {
    return open_mysql_schema(endpoint);
  }
  Result<std::unique_ptr<VerifySession>> open_verify(const Endpoint& source, const Endpoint& target) const override {
    return open_mysql_verify(source, target);
  }
  Result<std::unique_ptr<Catalog>> open_catalog(const Endpoint& endpoint, const char* role) const override {
    return open_mysql_catalog(endpoint, role);
  }
  Result<std::unique_ptr<DdlEvaluator>> open_ddl_evaluator(const Endpoint& target) const override {
    return open_mysql_ddl_evaluator(target);
  }
  Result<std::unique_ptr<ChangeStream>> open_changes(const Endpoint& endpoint, const SourcePosition& from,
                                                     BinlogDecoderOptions decoder,
                                                     BinlogStreamOptions options) const override {
    auto binlog = to_binlog_position(from);
    if (!binlog) return binlog.status().with_context("opening the change stream");
    auto stream = BinlogStream::open(endpoint, *binlog, std::move(decoder), options);
    if (!stream) return stream.status();
    return std::unique_ptr<ChangeStream>(std::make_unique<MysqlChangeStream>(std::move(stream).value()));
  }
};

}  // namespace

const Engine& mysql_engine() {
  static const MysqlEngine engine;
  return engine;
}

}  // namespace omsql::engine
