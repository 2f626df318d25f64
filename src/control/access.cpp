#include "src/control/access.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace omsql::control {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Fills `out` from getrandom(2); /dev/urandom where the kernel lacks it.
Status fill_random(unsigned char* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::getrandom(out + done, size - done, 0);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == ENOSYS) {
      int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
      if (fd < 0) return Status::io_error(std::string("/dev/urandom: ") + std::strerror(errno));
      while (done < size) {
        ssize_t r = ::read(fd, out + done, size - done);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
          ::close(fd);
          return Status::io_error("/dev/urandom: short read");
        }
        done += static_cast<size_t>(r);
      }
      ::close(fd);
    } else {
      return Status::io_error(std::string("getrandom: ") + std::strerror(errno));
    }
  }
  return Status::ok();
}

// The bearer token the request presents, "" when none.
std::string_view presented_token(const Request& request) {
  std::string_view value = trim(request.authorization);
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || lower(value.substr(0, kScheme.size())) != kScheme) return {};
  if (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t') return {};
  return trim(value.substr(kScheme.size()));
}

}  // namespace

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == name)
      return std::string(trim(pair.substr(equals + 1)));
  }
  return {};
}

Result<std::string> new_token() {
  unsigned char bytes[32];
  OMSQL_RETURN_IF_ERROR(fill_random(bytes, sizeof bytes));
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += kDigits[b >> 4];
    token += kDigits[b & 15];
  }
  return token;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Every byte of the longer input is looked at whatever differs, and the lengths are compared
  // without a branch: no early exit tells a guesser how far it got.
  const size_t length = a.size() > b.size() ? a.size() : b.size();
  volatile unsigned char difference = static_cast<unsigned char>(a.size() != b.size());
  for (size_t i = 0; i < length; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    difference = difference | static_cast<unsigned char>(x ^ y);
  }
  return difference == 0;
}

AccessPolicy::AccessPolicy(std::string token, int port) : token_(std::move(token)), port_(port) {}

Verdict AccessPolicy::check(const Request& request) const {
  const std::string port = std::to_string(port_);
  const std::string host = lower(trim(request.host));
  if (host != "127.0.0.1:" + port && host != "localhost:" + port)
    return {403, "Host must be 127.0.0.1:" + port + " or localhost:" + port, ""};
  if (!request.origin.empty()) {
    const std::string origin = lower(trim(request.origin));
    if (origin != "http://127.0.0.1:" + port && origin != "http://localhost:" + port)
      return {403, "cross-origin requests are refused", ""};
  }
  auto route = routes_.find(request.path);
  const bool post_route = route != routes_.end() && route->second == "POST";
  std::string_view token = presented_token(request);
  Verdict verdict;
  if (!token.empty()) {
    if (!constant_time_equal(token, token_)) return {401, "wrong token", ""};
  } else if (!request.query_token.empty() && request.path == "/" && request.method == "GET") {
    // The console's one-time login: the answer sets the session cookie and sends the browser on.
    if (!constant_time_equal(request.query_token, token_)) return {401, "wrong token", ""};
    verdict.open_session = true;
  } else if (auto session = session_of(request.cookie)) {
    if (post_route && !constant_time_equal(request.csrf, session->csrf))
      return {403, "a console request without its X-Omsql-Csrf header is refused", ""};
  } else {
    return {401, "a token is required: Authorization: Bearer <token from control.json> (the console: the URL omsrun console --task DIR prints)", ""};
  }
  if (route != routes_.end()) {
    const std::string& method = route->second;
    bool reads = request.method == "GET" || request.method == "HEAD";
    if (method == "GET" ? !reads : request.method != method)
      return {405, request.path + " takes " + method + " only", method};
  }
  return verdict;
}

Result<Session> AccessPolicy::open_session() {
  auto id = new_token();
  if (!id) return id.status();
  auto csrf = new_token();
  if (!csrf) return csrf.status();
  Session session{*id, *csrf};
  std::lock_guard<std::mutex> lock(sessions_->mutex);
  sessions_->open.push_back(session);
  while (sessions_->open.size() > kMaxSessions) sessions_->open.pop_front();
  return session;
}

std::optional<Session> AccessPolicy::session_of(const std::string& cookie_header) const {
  const std::string id = cookie_value(cookie_header, cookie_name());
  if (id.empty()) return std::nullopt;
  std::lock_guard<std::mutex> lock(sessions_->mutex);
  for (const Session& session : sessions_->open)
    if (constant_time_equal(id, session.id)) return session;
  return std::nullopt;
}

}  // namespace omsql::control
