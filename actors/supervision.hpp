#pragma once
// Supervision of a parent's children (CAF's monitor + down handler): the parent watches every child
// it spawns under a name ("reader #2"); a child that ends abnormally — an exception, an error exit
// reason, a kill — while the parent still needs it becomes a failure message naming it; only the
// first one: what dies after it is usually its echo (a reader whose chunker died). A child the
// parent stops itself (stop) or that ends normally is no failure.
//
//   self->set_down_handler([=](caf::down_msg& down) {
//     if (auto why = self->state.children.on_down(down)) fail_task(self, *why);
//   });
#include <caf/all.hpp>

#include <map>
#include <optional>
#include <string>

namespace omsql::actors {

class Supervisor {
 public:
  // Monitors `child` (any handle) under `name`. REQUIRES: called from `self`'s own context.
  template <class Self, class Handle>
  void watch(Self* self, const Handle& child, std::string name) {
    if (!child) return;
    self->monitor(child);
    children_[child.address()] = std::move(name);
  }

  // Stops `child` on purpose (exit reason user_shutdown): its exit is expected. Resets the handle.
  template <class Self, class Handle>
  void stop(Self* self, Handle& child) {
    if (!child) return;
    children_.erase(child.address());
    self->demonitor(child.address());
    self->send_exit(child, caf::exit_reason::user_shutdown);
    child = nullptr;
  }

  // The failure a down message means: "NAME ended abnormally: WHY" for the first watched child
  // that ended with an error; nullopt for a normal end, a child stopped on purpose, one never
  // watched, or any end after the first failure. The child is forgotten either way.
  std::optional<std::string> on_down(const caf::down_msg& down);

  size_t watched() const { return children_.size(); }

 private:
  std::map<caf::actor_addr, std::string> children_;
  bool failed_ = false;
};

// How an actor ended, for people: the exception text when an actor died of one (see
// exit_with_exception_text), else CAF's rendering of the reason.
std::string describe_exit(const caf::error& reason);

// An exception handler for actors: the actor ends with sec::runtime_error carrying the
// exception's text, so its supervisor can say what went wrong.
caf::error exit_with_exception_text(caf::scheduled_actor*, std::exception_ptr& exception);

}  // namespace omsql::actors
