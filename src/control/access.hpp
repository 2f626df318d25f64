#pragma once
// Who may drive a running task through its control endpoint. The endpoint listens on 127.0.0.1,
// which every local user and every web page in a local browser can reach, so each request must
//   - name the endpoint itself in Host (127.0.0.1:PORT or localhost:PORT): a page whose DNS name
//     was rebound to 127.0.0.1 sends its own name and is refused (403);
//   - come from no other web origin (Origin, when sent, is http://127.0.0.1:PORT or
//     http://localhost:PORT; 403 otherwise);
//   - carry the task's token (`Authorization: Bearer <token>`; 401 otherwise). The token is in
//     DIR/control.json, mode 0600: only who can read the task directory can drive the task;
//   - change state only by POST: a GET or HEAD of a POST route is 405.
// A refused request reaches no handler, so it changes nothing.
//
//
// The web console presents the token once, as `GET /?token=<token>`; the answer sets a session
// cookie (`omsql_session_<port>`, HttpOnly, SameSite=Strict) holding a session id of its own —
// never the token: cookies for 127.0.0.1 are sent to every port. A request with a known session
// cookie passes like one with the token, except that a POST must also carry the session's CSRF
// value in `X-Omsql-Csrf` (403 otherwise): SameSite=Strict keeps other sites' requests from
// carrying the cookie, the Origin check refuses them, and the header is a third lock (a page
// of another origin can neither read the value nor send the header without a CORS preflight,
// which is never granted).
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "src/common/status.hpp"

namespace omsql::control {

// 32 bytes from the kernel's random source (getrandom, else /dev/urandom), as 64 hex digits.
Result<std::string> new_token();

// a == b, in a time that depends only on the lengths (a guess learns nothing from the timing).
bool constant_time_equal(std::string_view a, std::string_view b);

// What the access check looks at in one HTTP request (header values as sent, "" when absent).
struct Request {
  std::string method;
  std::string path;
  std::string host;
  std::string origin;
  std::string authorization;
  std::string cookie;       // the Cookie header
  std::string csrf;         // the X-Omsql-Csrf header
  std::string query_token;  // `token` of the query string
};

// A console session: the cookie's id and the CSRF value its POSTs carry.
struct Session {
  std::string id;
  std::string csrf;
};

struct Verdict {
  int status = 0;           // 0: let the request through; else the HTTP status to answer with
  std::string reason;       // for the response body
  std::string allow;        // 405: the method the route takes (the Allow header)
  bool open_session = false;  // GET / with the right ?token=: set a session cookie
  bool allowed() const { return status == 0; }
};

class AccessPolicy {
 public:
  AccessPolicy(std::string token, int port);

  // Declares a route: "GET" routes read, "POST" routes change state.
  void add_route(const std::string& method, const std::string& path) { routes_[path] = method; }
  const std::map<std::string, std::string>& routes() const { return routes_; }

  Verdict check(const Request& request) const;

  // A new console session (the oldest is forgotten beyond kMaxSessions).
  Result<Session> open_session();
  // The session whose id the request's cookie holds, if it is one of ours.
  std::optional<Session> session_of(const std::string& cookie_header) const;
  // "omsql_session_<port>": a cookie per endpoint, as 127.0.0.1 cookies are shared by all ports.
  std::string cookie_name() const { return "omsql_session_" + std::to_string(port_); }
  static constexpr size_t kMaxSessions = 32;

 private:
  std::string token_;
  int port_;
  std::map<std::string, std::string> routes_;  // path -> method
  struct Sessions {
    std::mutex mutex;
    std::deque<Session> open;  // oldest first
  };
  std::unique_ptr<Sessions> sessions_ = std::make_unique<Sessions>();  // keeps the policy movable
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), "" when absent.
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace omsql::control
