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

TEST_CASE("the console: ?token= once on GET /, then the session cookie; its POSTs need the CSRF header") {
  AccessPolicy p = policy();
  p.add_route("GET", "/");
  Request login{"GET", "/", "127.0.0.1:4321", "", ""};
  login.query_token = kToken;
  Verdict verdict = p.check(login);
  CHECK(verdict.allowed());
  CHECK(verdict.open_session);
  login.query_token = std::string(64, 'b');
  CHECK(p.check(login).status == 401);
  // ?token= is a login on / only: elsewhere it is no way in.
  Request elsewhere{"POST", "/pause", "127.0.0.1:4321", "", ""};
  elsewhere.query_token = kToken;
  CHECK(p.check(elsewhere).status == 401);

  auto session = p.open_session();
  REQUIRE(session);
  CHECK(session->id != kToken);  // the cookie never carries the bearer token
  CHECK(p.cookie_name() == "omsql_session_4321");
  const std::string cookie = "other=1; omsql_session_4321=" + session->id + "; x=y";
  Request status{"GET", "/status", "127.0.0.1:4321", "", ""};
  status.cookie = cookie;
  CHECK(p.check(status).allowed());
  CHECK(!p.check(status).open_session);
  Request pause{"POST", "/pause", "127.0.0.1:4321", "http://127.0.0.1:4321", ""};
  pause.cookie = cookie;
  CHECK(p.check(pause).status == 403);  // no CSRF header
  pause.csrf = std::string(64, '0');
  CHECK(p.check(pause).status == 403);
  pause.csrf = session->csrf;
  CHECK(p.check(pause).allowed());
  pause.origin = "http://evil.example";
  CHECK(p.check(pause).status == 403);
  // Another port's cookie, or a made-up session id, is no session.
  status.cookie = "omsql_session_9999=" + session->id;
  CHECK(p.check(status).status == 401);
  status.cookie = "omsql_session_4321=" + std::string(64, 'c');
  CHECK(p.check(status).status == 401);
}

TEST_CASE("sessions are bounded: the oldest is forgotten") {
  AccessPolicy p = policy();
  auto first = p.open_session();
  REQUIRE(first);
  for (size_t i = 0; i < AccessPolicy::kMaxSessions; ++i) REQUIRE(p.open_session());
  CHECK(!p.session_of("omsql_session_4321=" + first->id));
  auto last = p.open_session();
  REQUIRE(last);
  CHECK(p.session_of("omsql_session_4321=" + last->id));
}

TEST_CASE("cookie_value finds one cookie among several") {
  CHECK(cookie_value("a=1; b=2", "b") == "2");
  CHECK(cookie_value("a=1;b=2 ", "b") == "2");
  CHECK(cookie_value("ab=1; b=2", "a") == "");
  CHECK(cookie_value("", "a") == "");
}
