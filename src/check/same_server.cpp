// Whether SOURCE and TARGET are one server, from what each server says about itself: the endpoint
// text cannot tell (localhost vs 127.0.0.1, a port forward, a proxy).
#include "src/check/preflight.hpp"
#include "src/common/strings.hpp"

namespace omsql::check {

std::string ServerIdentity::describe() const {
  std::string out = "hostname " + hostname + ", port " + port + ", datadir " + datadir + ", server_id " + server_id;
  if (!server_uuid.empty()) out += ", server_uuid " + server_uuid;
  return out;
}

Result<ServerIdentity> read_server_identity(Connection& connection) {
  ServerIdentity identity;
  auto variables = connection.query(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('hostname', 'port', 'datadir', 'server_id', 'server_uuid')");
  if (!variables) return variables.status().with_context("reading the server's identity");
  for (const auto& row : variables->rows) {
    std::string name = to_lower(row[0].value_or(""));
    std::string value = row[1].value_or("");
    if (name == "hostname") identity.hostname = value;
    else if (name == "port") identity.port = value;
    else if (name == "datadir") identity.datadir = value;
    else if (name == "server_id") identity.server_id = value;
    else if (name == "server_uuid") identity.server_uuid = value;
  }
  // A version-1 UUID ends with "clock_seq-node" (17 characters).
  auto uuid = connection.query_value("SELECT UUID()");
  if (uuid && *uuid && (*uuid)->size() == 36) identity.uuid_node = (*uuid)->substr(19);
  return identity;
}

bool same_server(const ServerIdentity& a, const ServerIdentity& b) {
  if (!a.server_uuid.empty() && !b.server_uuid.empty()) return a.server_uuid == b.server_uuid;
  if (a.hostname.empty() || a.port.empty() || a.datadir.empty()) return false;
  if (a.hostname != b.hostname || a.port != b.port || a.datadir != b.datadir || a.server_id != b.server_id)
    return false;
  // Everything a configuration sets is equal: only the UUID node can still tell two clones apart.
  // Without it, assume one server: refusing a copy is recoverable, emptying a source is not.
  if (!a.uuid_node.empty() && !b.uuid_node.empty()) return a.uuid_node == b.uuid_node;
  return true;
}

}  // namespace omsql::check
