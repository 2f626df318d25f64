#include "src/engine/mysql/verify_session.hpp"

#include <utility>

#include "src/engine/mysql/checkpoint.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/verify/chunk_hash.hpp"
#include "src/verify/recheck.hpp"
#include "src/verify/repair.hpp"
#include "src/verify/verifier.hpp"

namespace omsql::engine {
namespace {

class MysqlVerifySession final : public VerifySession {
 public:
  MysqlVerifySession(std::unique_ptr<Connection> source, std::unique_ptr<Connection> target)
      : source_(std::move(source)), target_(std::move(target)) {}

  Result<verify::TableReport> verify_table(const TableJob& job, const VerifyOptions& options,
                                           const RowsCompared& on_rows) override {
    return verify::verify_table(*source_, *target_, job, options, {}, on_rows);
  }
  Result<SourcePosition> recheck_read_source(verify::SettledRecheck& recheck) override {
    return recheck.read_source(*source_);
  }
  Status recheck_compare(verify::SettledRecheck& recheck) override { return recheck.compare(*source_, *target_); }
  Result<std::vector<verify::RowDifference>> rows_now(const TableJob& job,
                                                      const std::vector<verify::RowDifference>& differences) override {
    auto spec = verify::TableSpec::make(job);
    if (!spec) return spec.status();
    return verify::recheck_rows(*source_, *target_, *spec, differences);
  }
  Result<SourcePosition> applied_position(const std::string& task_id) override {
    return checkpoint::applied_position(*target_, task_id);
  }
  Status apply_repairs(const std::vector<std::string>& statements) override {
    return verify::apply_repair_statements(*target_, statements);
  }

 private:
  std::unique_ptr<Connection> source_;
  std::unique_ptr<Connection> target_;
};

}  // namespace

Result<std::unique_ptr<VerifySession>> open_mysql_verify(const Endpoint& source_endpoint, const Endpoint& target_endpoint) {
  auto source = Connection::open(source_endpoint, "source");
  if (!source) return source.status();
  auto target = Connection::open(target_endpoint, "target");
  if (!target) return target.status();
  OMSQL_RETURN_IF_ERROR(verify::prepare_verify_session(**source));
  OMSQL_RETURN_IF_ERROR(verify::prepare_verify_session(**target));
  return std::unique_ptr<VerifySession>(
      std::make_unique<MysqlVerifySession>(std::move(source).value(), std::move(target).value()));
}

}  // namespace omsql::engine
