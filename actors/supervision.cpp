#include "actors/supervision.hpp"

#include <exception>

namespace omsql::actors {

std::optional<std::string> Supervisor::on_down(const caf::down_msg& down) {
  auto it = children_.find(down.source);
  if (it == children_.end()) return std::nullopt;
  std::string name = std::move(it->second);
  children_.erase(it);
  if (!down.reason || down.reason == caf::exit_reason::normal || failed_) return std::nullopt;
  failed_ = true;
  return name + " ended abnormally: " + describe_exit(down.reason);
}

std::string describe_exit(const caf::error& reason) {
  const caf::message& context = reason.context();
  if (context.match_elements<std::string>()) return context.get_as<std::string>(0);
  if (context.size() == 2 && context.match_element<std::string>(1)) return context.get_as<std::string>(1);
  return caf::to_string(reason);
}

caf::error exit_with_exception_text(caf::scheduled_actor*, std::exception_ptr& exception) {
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::runtime_error, std::string("exception: ") + e.what());
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error, std::string("exception of unknown type"));
  }
}

}  // namespace omsql::actors
