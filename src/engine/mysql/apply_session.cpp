#include "src/engine/mysql/apply_session.hpp"

#include <string>
#include <utility>

#include "src/apply/ddl_decided_step.hpp"
#include "src/apply/lane_transaction.hpp"
#include "src/engine/mysql/checkpoint.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/engine/mysql/copy/session.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/sql/quote.hpp"

namespace omsql::engine {
namespace {

class MysqlApplySession final : public ApplySession {
 public:
  MysqlApplySession(std::unique_ptr<Connection> connection, const Plan& plan, const apply::FkGraph& graph)
      : connection_(std::move(connection)), plan_(plan), graph_(graph) {}

  Result<std::optional<uint64_t>> max_statement_bytes() override {
    // GLOBAL: what a session opened now gets (this one's SESSION value is fixed at its connect).
    auto packet = connection_->query_value("SELECT @@GLOBAL.max_allowed_packet");
    if (!packet) return packet.status();
    if (!packet->has_value()) return std::optional<uint64_t>();
    return std::optional<uint64_t>(std::stoull(**packet));
  }
  Result<std::vector<SourcePosition>> lane_checkpoints(const std::string& task_id) override {
    return checkpoint::read_lanes(*connection_, task_id);
  }
  Status set_lanes(const std::string& task_id, size_t lanes, const SourcePosition& position) override {
    return checkpoint::set_lanes(*connection_, task_id, lanes, position);
  }
  Result<std::optional<SourcePosition>> checkpoint(const std::string& lane_id) override {
    return checkpoint::read(*connection_, lane_id);
  }
  Status commit(const apply::LaneWork& work, const std::string& lane_id, std::vector<std::string>* warnings) override {
    if (!session_packet_) {
      // A statement longer than the session's max_allowed_packet makes the server drop the
      // connection, which would look like a target that went away.
      auto packet = connection_->query_value("SELECT @@SESSION.max_allowed_packet");
      if (!packet) return packet.status();
      session_packet_ = packet->has_value() ? std::stoull(**packet) : 0;
    }
    OMSQL_RETURN_IF_ERROR(apply::check_statement_sizes(work, *session_packet_, connection_->describe()));
    apply::ConnectionRunner runner(*connection_);
    return apply::run_lane_transaction(runner, plan_, graph_, lane_id, work, warnings);
  }
  Result<TableDef> describe_table(const QualifiedName& table) override {
    return MysqlCatalog(*connection_).describe(table);
  }
  Result<bool> has_rows(const QualifiedName& table) override {
    auto row = connection_->query("SELECT 1 FROM " + sql::quote_name(table) + " LIMIT 1");
    if (!row) return row.status();
    return !row->rows.empty();
  }
  Result<std::optional<std::string>> unmet_expectation(
      const std::vector<apply::TargetExpectation>& expectations) override {
    return apply::check_target_expectations(*connection_, expectations, plan_);
  }

 private:
  std::unique_ptr<Connection> connection_;
  const Plan& plan_;
  const apply::FkGraph& graph_;
  std::optional<uint64_t> session_packet_;  // read at the first commit
};

}  // namespace

Result<std::unique_ptr<ApplySession>> open_mysql_apply(const Endpoint& endpoint, const Plan& plan,
                                                       const apply::FkGraph& graph) {
  auto connection = Connection::open(endpoint, "target");
  if (!connection) return connection.status();
  OMSQL_RETURN_IF_ERROR(copy::prepare_target_session(**connection));
  // Replay derives FK actions itself (src/apply/cascade.hpp); the target's own must not fire.
  OMSQL_RETURN_IF_ERROR((*connection)->execute("SET SESSION foreign_key_checks = 0"));
  OMSQL_RETURN_IF_ERROR(checkpoint::ensure_table(**connection));
  return std::unique_ptr<ApplySession>(
      std::make_unique<MysqlApplySession>(std::move(connection).value(), plan, graph));
}

}  // namespace omsql::engine
