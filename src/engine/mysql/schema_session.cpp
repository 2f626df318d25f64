#include "src/engine/mysql/schema_session.hpp"

#include <utility>

#include "src/engine/mysql/connection.hpp"
#include "src/schema/migrator.hpp"
#include "src/schema/objects.hpp"

namespace omsql::engine {
namespace {

class MysqlSchemaSession final : public SchemaSession {
 public:
  explicit MysqlSchemaSession(std::unique_ptr<Connection> target) : target_(std::move(target)) {}

  Status create_tables(const Plan& plan, std::vector<std::string>* warnings, std::set<QualifiedName>* created) override {
    return schema::create_target_schema(*target_, plan, warnings, created);
  }
  Status add_secondary_indexes(const Plan& plan, const TableJob& job) override {
    return schema::add_secondary_indexes(*target_, plan, job);
  }
  Status finish(const Plan& plan) override { return schema::finish_target_schema(*target_, plan); }
  Result<std::vector<std::string>> create_objects(const Endpoint& source_endpoint, const Plan& plan,
                                                  bool cut_over) override {
    auto source = Connection::open(source_endpoint, "source");
    if (!source) return source.status();
    auto results = schema::create_objects(**source, *target_, plan, cut_over);
    if (!results) return results.status();
    std::vector<std::string> lines;
    for (const auto& result : *results) lines.push_back(result.text());
    return lines;
  }

 private:
  std::unique_ptr<Connection> target_;
};

}  // namespace

Result<std::unique_ptr<SchemaSession>> open_mysql_schema(const Endpoint& endpoint) {
  auto target = Connection::open(endpoint, "target");
  if (!target) return target.status();
  return std::unique_ptr<SchemaSession>(std::make_unique<MysqlSchemaSession>(std::move(target).value()));
}

}  // namespace omsql::engine
