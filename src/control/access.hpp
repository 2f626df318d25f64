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
// A browser console can add one more way of presenting the token (a cookie set after a one-time
// `?token=`) in `presented_token` (access.cpp); the other checks stay as they are. Note for it: cookies for 127.0.0.1 are
// sent to every port, so such a cookie must not be the bearer token of control.json.
#include <map>
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
};

struct Verdict {
  int status = 0;           // 0: let the request through; else the HTTP status to answer with
  std::string reason;       // for the response body
  std::string allow;        // 405: the method the route takes (the Allow header)
  bool allowed() const { return status == 0; }
};

class AccessPolicy {
 public:
  AccessPolicy(std::string token, int port);

  // Declares a route: "GET" routes read, "POST" routes change state.
  void add_route(const std::string& method, const std::string& path) { routes_[path] = method; }
  const std::map<std::string, std::string>& routes() const { return routes_; }

  Verdict check(const Request& request) const;

 private:
  std::string token_;
  int port_;
  std::map<std::string, std::string> routes_;  // path -> method
};

}  // namespace omsql::control
