#include "actors/control_server.hpp"

#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "src/task/task_state.hpp"

namespace omsql::actors {

struct ControlServer::Impl {
  caf::actor_system* system = nullptr;
  caf::actor coordinator;
  httplib::Server server;
  std::thread thread;
};

namespace {

// Forwards one command to the coordinator and waits (bounded) for its JSON answer.
std::string ask(caf::actor_system& system, const caf::actor& coordinator, const std::string& command, int* status) {
  caf::scoped_actor self{system};
  std::string answer;
  self->request(coordinator, std::chrono::seconds(10), control_atom::value, command)
      .receive([&](const std::string& json) { answer = json; },
               [&](caf::error& e) {
                 *status = 503;
                 answer = nlohmann::json{{"error", "task did not answer: " + caf::to_string(e)}}.dump();
               });
  return answer;
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::start(caf::actor_system& system, caf::actor coordinator,
                                                            const std::string& task_dir) {
  std::unique_ptr<ControlServer> control(new ControlServer());
  control->impl_ = std::make_unique<Impl>();
  Impl& impl = *control->impl_;
  impl.system = &system;
  impl.coordinator = std::move(coordinator);
  auto handler = [&impl](const std::string& command) {
    return [&impl, command](const httplib::Request&, httplib::Response& response) {
      int status = 200;
      std::string body = ask(*impl.system, impl.coordinator, command, &status);
      response.status = status;
      response.set_content(body, "application/json");
    };
  };
  impl.server.Get("/status", handler("status"));
  for (const char* command : {"pause", "resume", "stop", "verify"}) impl.server.Post(std::string("/") + command, handler(command));
  control->port_ = impl.server.bind_to_any_port("127.0.0.1");
  if (control->port_ <= 0) return Status::io_error("control endpoint: cannot bind a port on 127.0.0.1");
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  control->control_file_ = task_dir + "/control.json";
  nlohmann::json info{{"port", control->port_}, {"pid", static_cast<int64_t>(::getpid())}};
  OMSQL_RETURN_IF_ERROR(write_file_atomically(control->control_file_, info.dump() + "\n"));
  return control;
}

ControlServer::~ControlServer() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  if (!control_file_.empty()) ::unlink(control_file_.c_str());
}

Result<std::string> send_control(const std::string& task_dir, const std::string& command) {
  std::ifstream in(task_dir + "/control.json");
  if (!in) return Status::not_found(task_dir + ": no control endpoint (the task is not running)");
  auto info = nlohmann::json::parse(in, nullptr, false);
  if (info.is_discarded() || !info.contains("port"))
    return Status::corruption(task_dir + "/control.json: not valid");
  httplib::Client client("127.0.0.1", info["port"].get<int>());
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(15));
  auto response = command == "status" ? client.Get("/status") : client.Post("/" + command);
  if (!response) return Status::not_found(task_dir + ": the control endpoint does not answer (the task is not running)");
  if (response->status != 200) return Status::server_error(task_dir + ": " + response->body);
  return response->body;
}

}  // namespace omsql::actors
