#include "src/engine/mysql/schema_tracking.hpp"

#include "src/engine/mysql/binlog/ddl_lexer.hpp"
#include "src/engine/mysql/connection.hpp"
#include "src/engine/mysql/mysql_catalog.hpp"
#include "src/engine/mysql/shadow_schema.hpp"
#include "src/log/log.hpp"

namespace omsql::engine {
namespace {

class MysqlCatalogSession final : public Catalog {
 public:
  explicit MysqlCatalogSession(std::unique_ptr<Connection> connection)
      : connection_(std::move(connection)), catalog_(*connection_) {}
  Result<std::vector<QualifiedName>> list_tables() const override { return catalog_.list_tables(); }
  Result<TableDef> describe(const QualifiedName& table) const override { return catalog_.describe(table); }
  Result<std::map<QualifiedName, std::string>> list_other_tables() const override {
    return catalog_.list_other_tables();
  }

 private:
  std::unique_ptr<Connection> connection_;
  MysqlCatalog catalog_;
};

class ShadowEvaluator final : public DdlEvaluator {
 public:
  explicit ShadowEvaluator(std::unique_ptr<Connection> server) : server_(std::move(server)), shadow_(*server_) {}
  Result<DdlEvaluation> evaluate(const DdlStatement& ddl, const std::vector<TableDef>& before,
                                 const std::vector<DatabaseDefaults>& databases) override {
    return shadow_.evaluate(ddl.statement, ddl.schema, classify_statement(ddl.statement, ddl.schema), before,
                            databases);
  }
  ShadowSchema& shadow() { return shadow_; }

 private:
  std::unique_ptr<Connection> server_;
  ShadowSchema shadow_;
};

}  // namespace

Result<std::unique_ptr<Catalog>> open_mysql_catalog(const Endpoint& endpoint, const char* role) {
  auto connection = Connection::open(endpoint, role);
  if (!connection) return connection.status();
  return std::unique_ptr<Catalog>(std::make_unique<MysqlCatalogSession>(std::move(connection).value()));
}

Result<std::unique_ptr<DdlEvaluator>> open_mysql_ddl_evaluator(const Endpoint& target) {
  auto server = Connection::open(target, "target");
  if (!server) return server.status();
  auto evaluator = std::make_unique<ShadowEvaluator>(std::move(server).value());
  // What a killed omsql left in the middle of an evaluation; a failure here costs only the space.
  auto dropped = evaluator->shadow().drop_stale();
  if (!dropped)
    log::warning("binlog") << "binlog: the shadow databases left by an earlier process stay on the target: "
                           << dropped.status().message();
  else
    for (const auto& name : *dropped)
      log::info("binlog") << "binlog: dropped the shadow database " << name
                          << " on the target, left by a process that ended during a DDL evaluation";
  return std::unique_ptr<DdlEvaluator>(std::move(evaluator));
}

}  // namespace omsql::engine
