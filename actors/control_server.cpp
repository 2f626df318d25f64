#include "actors/control_server.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "actors/protocol.hpp"
#include "src/console/assets.hpp"
#include "src/console/history.hpp"
#include "src/console/metrics.hpp"
#include "src/control/access.hpp"
#include "src/task/task_state.hpp"
#include "src/task/throttle_request.hpp"

namespace omsql::actors {

struct ControlServer::Impl {
  caf::actor_system* system = nullptr;
  coordinator_actor coordinator;
  httplib::Server server;
  std::thread thread;
  std::optional<control::AccessPolicy> access;  // set before the server accepts a request
  std::string task_dir;
  console::History history;  // the console's chart: a sample a second, the last hour
  std::thread sampler;
  std::mutex sampler_mutex;
  std::condition_variable sampler_wake;
  bool stopping = false;
};

namespace {

// Forwards one message to the coordinator and waits (bounded) for its JSON answer.
template <class... Ts>
std::string ask(caf::actor_system& system, const coordinator_actor& coordinator, int* status, Ts&&... message) {
  caf::scoped_actor self{system};
  std::string answer;
  self->request(coordinator, std::chrono::seconds(10), std::forward<Ts>(message)...)
      .receive([&](std::string& json) { answer = std::move(json); },
               [&](caf::error& e) {
                 *status = 503;
                 answer = nlohmann::json{{"error", "task did not answer: " + caf::to_string(e)}}.dump();
               });
  return answer;
}

// Every request passes the access check (src/control/access.hpp) before any route sees it.
httplib::Server::HandlerResponse check_access(control::AccessPolicy& access, const httplib::Request& request,
                                              httplib::Response& response) {
  control::Request seen{request.method,
                        request.path,
                        request.get_header_value("Host"),
                        request.get_header_value("Origin"),
                        request.get_header_value("Authorization"),
                        request.get_header_value("Cookie"),
                        request.get_header_value("X-Omsql-Csrf"),
                        request.get_param_value("token")};
  control::Verdict verdict = access.check(seen);
  // The answers of the console's pages are neither cached nor framed by another page.
  response.set_header("Cache-Control", "no-store");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("X-Frame-Options", "DENY");
  if (verdict.allowed() && verdict.open_session) {
    // The one-time ?token= becomes a session cookie; the redirect takes the token out of the
    // address bar (and so out of the browser's history).
    auto session = access.open_session();
    if (!session) {
      response.status = 500;
      response.set_content(nlohmann::json{{"error", session.status().message()}}.dump(), "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }
    response.status = 303;
    response.set_header("Set-Cookie",
                        access.cookie_name() + "=" + session->id + "; Path=/; HttpOnly; SameSite=Strict");
    response.set_header("Location", "/");
    return httplib::Server::HandlerResponse::Handled;
  }
  if (verdict.allowed()) return httplib::Server::HandlerResponse::Unhandled;
  response.status = verdict.status;
  if (verdict.status == 401) response.set_header("WWW-Authenticate", "Bearer realm=\"omsql\"");
  if (!verdict.allow.empty()) response.set_header("Allow", verdict.allow);
  response.set_content(nlohmann::json{{"error", verdict.reason}}.dump(), "application/json");
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::start(caf::actor_system& system, coordinator_actor coordinator,
                                                            const std::string& task_dir) {
  std::unique_ptr<ControlServer> control(new ControlServer());
  control->impl_ = std::make_unique<Impl>();
  Impl& impl = *control->impl_;
  impl.system = &system;
  impl.coordinator = std::move(coordinator);
  auto handler = [&impl](const std::string& command) {
    return [&impl, command](const httplib::Request& request, httplib::Response& response) {
      int status = 200;
      // Only /verify carries a body: its options (repair_file, apply, settle_seconds) as JSON.
      std::string body = ask(*impl.system, impl.coordinator, &status, control_atom::value,
                             ControlRequest{command, command == "verify" ? request.body : std::string{}});
      response.status = status;
      response.set_content(body, "application/json");
    };
  };
  impl.server.Get("/status", handler("status"));
  // Prometheus scrapes the same typed status the CLI reads, rendered as text (src/console/metrics.hpp).
  impl.server.Get("/metrics", [&impl](const httplib::Request&, httplib::Response& response) {
    int status = 200;
    std::string body = ask(*impl.system, impl.coordinator, &status, control_atom::value, ControlRequest{"status", ""});
    auto parsed = status == 200 ? parse_task_status(body) : Result<TaskStatus>(Status::server_error(body));
    if (!parsed) {
      response.status = 503;
      response.set_content(parsed.status().message() + "\n", "text/plain; charset=utf-8");
      return;
    }
    console::ProcessFacts process{console::process_resident_bytes()};
    response.set_content(console::render_metrics(*parsed, process), console::kMetricsContentType);
  });
  for (const char* command : {"pause", "resume", "stop", "verify"}) impl.server.Post(std::string("/") + command, handler(command));
  // The body is validated here, before the task sees it: a bad request changes nothing.
  impl.server.Post("/throttle", [&impl](const httplib::Request& request, httplib::Response& response) {
    auto parsed = parse_throttle_request(request.body);
    if (!parsed) {
      response.status = 400;
      response.set_content(nlohmann::json{{"error", parsed.status().message()}}.dump(), "application/json");
      return;
    }
    ThrottleChange change;
    if (parsed->max_rows_per_sec) change.max_rows_per_sec = *parsed->max_rows_per_sec;
    if (parsed->max_events_per_sec) change.max_events_per_sec = *parsed->max_events_per_sec;
    int status = 200;
    std::string body = ask(*impl.system, impl.coordinator, &status, throttle_atom::value, change);
    response.status = status;
    response.set_content(body, "application/json");
  });
  // The web console: its files (compiled in), the session's CSRF value, the chart's last hour.
  for (const console::Asset& asset : console::assets()) {
    impl.server.Get(std::string(asset.path), [&asset](const httplib::Request&, httplib::Response& response) {
      response.set_header("Content-Security-Policy",
                          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                          "frame-ancestors 'none'");
      response.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type).c_str());
    });
  }
  impl.server.Get("/session", [&impl](const httplib::Request& request, httplib::Response& response) {
    auto session = impl.access->session_of(request.get_header_value("Cookie"));
    response.set_content(nlohmann::json{{"csrf", session ? session->csrf : ""}, {"task_dir", impl.task_dir}}.dump(),
                         "application/json");
  });
  impl.server.Get("/history", [&impl](const httplib::Request&, httplib::Response& response) {
    response.set_content(impl.history.json(), "application/json");
  });
  impl.task_dir = task_dir;
  auto token = control::new_token();
  if (!token) return token.status().with_context("control endpoint");
  control->port_ = impl.server.bind_to_any_port("127.0.0.1");
  if (control->port_ <= 0) return Status::io_error("control endpoint: cannot bind a port on 127.0.0.1");
  impl.access.emplace(*token, control->port_);
  impl.access->add_route("GET", "/status");
  impl.access->add_route("GET", "/metrics");
  for (const char* command : {"pause", "resume", "stop", "verify"}) impl.access->add_route("POST", std::string("/") + command);
  impl.access->add_route("POST", "/throttle");
  impl.access->add_route("GET", "/metrics");
  impl.access->add_route("GET", "/session");
  impl.access->add_route("GET", "/history");
  for (const console::Asset& asset : console::assets()) impl.access->add_route("GET", std::string(asset.path));
  impl.server.set_pre_routing_handler([&impl](const httplib::Request& request, httplib::Response& response) {
    return check_access(*impl.access, request, response);
  });
  // control.json (0600, in a 0700 directory) is the only place the token is written: whoever can
  // read it can drive the task, nobody else.
  control->control_file_ = task_dir + "/control.json";
  nlohmann::json info{{"port", control->port_}, {"token", *token}, {"pid", static_cast<int64_t>(::getpid())}};
  OMSQL_RETURN_IF_ERROR(write_file_atomically(control->control_file_, info.dump() + "\n"));
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  // The chart's samples: the status once a second, asked like any client would.
  impl.sampler = std::thread([&impl] {
    std::unique_lock<std::mutex> lock(impl.sampler_mutex);
    while (!impl.stopping) {
      lock.unlock();
      int status = 200;
      std::string body =
          ask(*impl.system, impl.coordinator, &status, control_atom::value, ControlRequest{"status", ""});
      if (status == 200)
        if (auto parsed = parse_task_status(body))
          if (auto sample = console::sample_of(*parsed)) impl.history.add(*sample);
      lock.lock();
      impl.sampler_wake.wait_for(lock, std::chrono::seconds(1), [&impl] { return impl.stopping; });
    }
  });
  return control;
}

ControlServer::~ControlServer() {
  if (!impl_) return;
  {
    std::lock_guard<std::mutex> lock(impl_->sampler_mutex);
    impl_->stopping = true;
  }
  impl_->sampler_wake.notify_all();
  if (impl_->sampler.joinable()) impl_->sampler.join();
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  if (!control_file_.empty()) ::unlink(control_file_.c_str());
}

Result<ControlEndpoint> read_control_file(const std::string& task_dir) {
  const std::string path = task_dir + "/control.json";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::not_found(task_dir + ": no control endpoint (the task is not running)");
    if (errno == EACCES)
      return Status::invalid_argument(path + ": permission denied: only the user who runs the task (the owner of " +
                                      task_dir + ") can drive it");
    return Status::io_error(path + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  auto info = nlohmann::json::parse(text, nullptr, false);
  if (info.is_discarded() || !info.contains("port") || !info["port"].is_number_integer())
    return Status::corruption(path + ": not valid");
  if (!info.contains("token") || !info["token"].is_string())
    return Status::corruption(path + ": has no token (written by an older omsrun: stop that task and run it again)");
  return ControlEndpoint{info["port"].get<int>(), info["token"].get<std::string>()};
}

std::string console_url(const ControlEndpoint& endpoint) {
  return "http://127.0.0.1:" + std::to_string(endpoint.port) + "/?token=" + endpoint.token;
}

Result<std::string> send_control(const std::string& task_dir, const std::string& command, const std::string& body) {
  auto endpoint = read_control_file(task_dir);
  if (!endpoint) return endpoint.status();
  httplib::Client client("127.0.0.1", endpoint->port);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(15));
  client.set_bearer_token_auth(endpoint->token);
  auto response =
      command == "status" ? client.Get("/status") : client.Post("/" + command, body, "application/json");
  if (!response) return Status::not_found(task_dir + ": the control endpoint does not answer (the task is not running)");
  if (response->status != 200) return Status::server_error(task_dir + ": " + response->body);
  return response->body;
}

}  // namespace omsql::actors
