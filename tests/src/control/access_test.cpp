// The control endpoint's access check: token, Host, Origin and method, table-driven.
#include <doctest/doctest.h>

#include <set>

#include "src/control/access.hpp"

using namespace omsql::control;

namespace {

const std::string kToken = std::string(64, 'a');

AccessPolicy policy() {
  AccessPolicy p(kToken, 4321);
  p.add_route("GET", "/status");
  p.add_route("POST", "/pause");
  p.add_route("POST", "/stop");
  return p;
}

Request request(std::string method, std::string path) {
  return Request{std::move(method), std::move(path), "127.0.0.1:4321", "", "Bearer " + kToken};
}

}  // namespace

TEST_CASE("new_token: 64 hex digits, different every time") {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto token = new_token();
    REQUIRE(token);
    CHECK(token->size() == 64);
    CHECK(token->find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(*token);
  }
  CHECK(seen.size() == 50);
}

TEST_CASE("constant_time_equal compares whole strings") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
  CHECK_FALSE(constant_time_equal("ab", "abc"));
  CHECK_FALSE(constant_time_equal("", "a"));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST_CASE("the access check") {
  const AccessPolicy p = policy();
  struct Case {
    const char* what;
    Request request;
    int status;
  };
  auto with = [](Request r, auto change) {
    change(r);
    return r;
  };
  const Case cases[] = {
      {"status with the token", request("GET", "/status"), 0},
      {"HEAD of status", request("HEAD", "/status"), 0},
      {"pause by POST", request("POST", "/pause"), 0},
      {"localhost in Host", with(request("POST", "/pause"), [](Request& r) { r.host = "LocalHost:4321"; }), 0},
      {"own origin", with(request("POST", "/pause"), [](Request& r) { r.origin = "http://127.0.0.1:4321"; }), 0},
      {"own origin by name", with(request("POST", "/stop"), [](Request& r) { r.origin = "http://localhost:4321"; }), 0},
      {"bearer scheme in any case", with(request("POST", "/pause"), [](Request& r) { r.authorization = "bearer  " + kToken; }), 0},
      {"unknown path is left to the router", request("GET", "/nothing"), 0},
      {"no token", with(request("POST", "/pause"), [](Request& r) { r.authorization = ""; }), 401},
      {"no token for status either", with(request("GET", "/status"), [](Request& r) { r.authorization = ""; }), 401},
      {"wrong token", with(request("POST", "/pause"), [](Request& r) { r.authorization = "Bearer " + std::string(64, 'b'); }), 401},
      {"token prefix", with(request("POST", "/pause"), [](Request& r) { r.authorization = "Bearer " + kToken.substr(0, 63); }), 401},
      {"token plus more", with(request("POST", "/pause"), [](Request& r) { r.authorization = "Bearer " + kToken + "a"; }), 401},
      {"basic scheme", with(request("POST", "/pause"), [](Request& r) { r.authorization = "Basic " + kToken; }), 401},
      {"scheme without space", with(request("POST", "/pause"), [](Request& r) { r.authorization = "Bearer" + kToken; }), 401},
      {"rebound DNS name", with(request("POST", "/pause"), [](Request& r) { r.host = "evil.example:4321"; }), 403},
      {"another port", with(request("POST", "/pause"), [](Request& r) { r.host = "127.0.0.1:4322"; }), 403},
      {"no port", with(request("POST", "/pause"), [](Request& r) { r.host = "127.0.0.1"; }), 403},
      {"no Host", with(request("GET", "/status"), [](Request& r) { r.host = ""; }), 403},
      {"foreign origin", with(request("POST", "/pause"), [](Request& r) { r.origin = "http://evil.example"; }), 403},
      {"origin of another port", with(request("POST", "/stop"), [](Request& r) { r.origin = "http://127.0.0.1:8080"; }), 403},
      {"null origin", with(request("POST", "/stop"), [](Request& r) { r.origin = "null"; }), 403},
      {"https origin", with(request("POST", "/stop"), [](Request& r) { r.origin = "https://127.0.0.1:4321"; }), 403},
      {"GET of a state change", request("GET", "/stop"), 405},
      {"HEAD of a state change", request("HEAD", "/pause"), 405},
      {"PUT of a state change", request("PUT", "/pause"), 405},
      {"POST to a read", request("POST", "/status"), 405},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    Verdict verdict = p.check(c.request);
    CHECK(verdict.status == c.status);
    CHECK(verdict.allowed() == (c.status == 0));
    if (c.status) CHECK_FALSE(verdict.reason.empty());
  }
  CHECK(p.check(request("GET", "/stop")).allow == "POST");
  // The token check comes before the method: a stranger learns nothing about the routes.
  CHECK(p.check(with(request("GET", "/stop"), [](Request& r) { r.authorization = ""; })).status == 401);
}
