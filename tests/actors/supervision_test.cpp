// Supervision (actors/supervision.hpp) with real actors on the test scheduler: a parent that
// watches its children the way the coordinator does, and children that end in every way.
#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/rate_limiter.hpp"
#include "actors/supervision.hpp"
#include "tests/actors/test_scheduler.hpp"

using namespace omsql::actors;
using omsql::actors::testing::TestScheduler;

namespace {

using throw_atom = caf::atom_constant<caf::atom("throw")>;
using quit_atom = caf::atom_constant<caf::atom("quit")>;

// A child that dies of an exception or ends normally when told, with the actors' exception handler.
// It takes an argument it does not need: CAF 0.17 binds a reference through a null pointer when it
// spawns a function actor without arguments (init_fun_factory.hpp), which UBSan reports.
caf::behavior child(caf::event_based_actor* self, size_t /*index*/) {
  self->set_exception_handler(exit_with_exception_text);
  return {
      [=](throw_atom, const std::string& what) { throw std::runtime_error(what); },
      [=](quit_atom) { self->quit(); },
  };
}

struct ParentState {
  Supervisor children;
  std::vector<caf::actor> spawned;
  rate_limiter_actor limiter;
};

// Spawns `count` children and a rate limiter, watches them all, and records each failure the
// supervisor reports (the coordinator fails the task with it).
caf::behavior parent(caf::stateful_actor<ParentState>* self, size_t count,
                     std::shared_ptr<std::vector<std::string>> failures) {
  for (size_t i = 0; i < count; ++i) {
    self->state.spawned.push_back(self->spawn(child, i));
    self->state.children.watch(self, self->state.spawned.back(), "reader #" + std::to_string(i));
  }
  self->state.limiter = spawn_rate_limiter(self->system(), 100);
  self->state.children.watch(self, self->state.limiter, "copy rate limiter");
  self->set_down_handler([=](caf::down_msg& down) {
    if (auto why = self->state.children.on_down(down)) failures->push_back(*why);
  });
  return {
      [=](throw_atom, uint32_t index, const std::string& what) {
        self->send(self->state.spawned.at(index), throw_atom::value, what);
      },
      [=](quit_atom, uint32_t index) { self->send(self->state.spawned.at(index), quit_atom::value); },
      [=](stop_atom) { self->state.children.stop(self, self->state.limiter); },
      [=](caf::get_atom) { return static_cast<uint64_t>(self->state.children.watched()); },
      [=](caf::get_atom, uint32_t index) { return self->state.spawned.at(index); },
  };
}

}  // namespace

TEST_CASE("a child that dies of an exception is one failure naming it and what it threw") {
  TestScheduler t;
  auto failures = std::make_shared<std::vector<std::string>>();
  auto p = t.own(t.system.spawn(parent, size_t{3}, failures));
  t.run();
  t.client->send(p, throw_atom::value, uint32_t{1}, std::string("chunk table mismatch"));
  t.run();
  REQUIRE(failures->size() == 1);
  CHECK((*failures)[0] == "reader #1 ended abnormally: exception: chunk table mismatch");
}

TEST_CASE("the first abnormal end fails; later ones are its echoes") {
  TestScheduler t;
  auto failures = std::make_shared<std::vector<std::string>>();
  auto p = t.own(t.system.spawn(parent, size_t{3}, failures));
  t.run();
  t.client->send(p, throw_atom::value, uint32_t{2}, std::string("first"));
  t.run();
  t.client->send(p, throw_atom::value, uint32_t{0}, std::string("second"));
  t.run();
  REQUIRE(failures->size() == 1);
  CHECK((*failures)[0] == "reader #2 ended abnormally: exception: first");
}

TEST_CASE("normal ends and children stopped on purpose are no failure") {
  TestScheduler t;
  auto failures = std::make_shared<std::vector<std::string>>();
  auto p = t.own(t.system.spawn(parent, size_t{2}, failures));
  t.run();
  t.client->send(p, quit_atom::value, uint32_t{0});
  t.client->send(p, stop_atom::value);  // the coordinator stopping the limiter after the copy
  t.run();
  CHECK(failures->empty());
  t.client->send(p, caf::get_atom::value);
  t.run();
  auto watched = t.take<uint64_t>();
  REQUIRE(watched);
  CHECK(*watched == 1);  // reader #1 only: the ended and the stopped child are forgotten
}

TEST_CASE("a child killed from outside (not stopped by its parent) is a failure with CAF's reason") {
  TestScheduler t;
  auto failures = std::make_shared<std::vector<std::string>>();
  auto p = t.own(t.system.spawn(parent, size_t{1}, failures));
  t.run();
  t.client->send(p, caf::get_atom::value, uint32_t{0});
  t.run();
  auto kid = t.take<caf::actor>();
  REQUIRE(kid);
  caf::anon_send_exit(*kid, caf::exit_reason::kill);
  t.run();
  REQUIRE(failures->size() == 1);
  CHECK((*failures)[0].rfind("reader #0 ended abnormally: ", 0) == 0);
  CHECK((*failures)[0].find("kill") != std::string::npos);
}

TEST_CASE("describe_exit says what an exit reason means") {
  CHECK(describe_exit(caf::make_error(caf::sec::runtime_error, std::string("exception: boom"))) == "exception: boom");
  CHECK(describe_exit(caf::make_error(caf::exit_reason::kill)).find("kill") != std::string::npos);
}
