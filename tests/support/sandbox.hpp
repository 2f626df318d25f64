#pragma once
// Where the sandbox servers of this test run are: scripts/test.sh starts them and exports
// OMSQL_SRC_PORT / OMSQL_TGT_PORT. A test that needs a server and finds none fails loudly.
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "src/engine/mysql/connection.hpp"

namespace omsql::testing {

inline Endpoint sandbox_endpoint(const char* port_variable) {
  const char* port = std::getenv(port_variable);
  if (!port)
    throw std::runtime_error(std::string(port_variable) +
                             " is not set: run the tests through scripts/test.sh, which starts the sandboxes");
  Endpoint e;
  e.host = "127.0.0.1";
  e.user = "root";
  e.port = std::atoi(port);
  return e;
}
inline Endpoint source_endpoint() { return sandbox_endpoint("OMSQL_SRC_PORT"); }
inline Endpoint target_endpoint() {
  Endpoint e = sandbox_endpoint("OMSQL_TGT_PORT");
  return e;
}

// Opens a connection or throws with the connection's message (tests only).
inline std::unique_ptr<Connection> connect(const Endpoint& e, const char* role) {
  auto c = Connection::open(e, role);
  if (!c) throw std::runtime_error(c.status().message());
  return std::move(c).value();
}
inline std::unique_ptr<Connection> connect_source() { return connect(source_endpoint(), "source"); }
inline std::unique_ptr<Connection> connect_target() { return connect(target_endpoint(), "target"); }

// Runs SQL or throws: for test set-up, where a failure is a broken test, not a finding.
inline void must(Connection& c, const std::string& sql) {
  auto s = c.execute(sql);
  if (!s) throw std::runtime_error(s.message());
}

}  // namespace omsql::testing
