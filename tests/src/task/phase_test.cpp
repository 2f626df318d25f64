#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/task/phase.hpp"
#include "src/task/task_state.hpp"

using namespace omsql;

namespace {
const Phase kAll[] = {Phase::kNew,         Phase::kSchema, Phase::kFull,  Phase::kIndexes,
                      Phase::kIncremental, Phase::kDone,   Phase::kRecopy};
}  // namespace

TEST_CASE("phase names are the strings state.json has always held") {
  const std::pair<Phase, const char*> cases[] = {
      {Phase::kNew, "new"},         {Phase::kSchema, "schema"}, {Phase::kFull, "full"},
      {Phase::kIndexes, "indexes"}, {Phase::kIncremental, "incremental"}, {Phase::kDone, "done"},
      {Phase::kRecopy, "recopy"}};
  for (const auto& [phase, name] : cases) {
    CAPTURE(name);
    CHECK(phase_name(phase) == name);
    CHECK(parse_phase(name) == phase);
  }
}

TEST_CASE("text that is no phase name is refused") {
  for (const char* text : {"", "copy", "Full", "verify", "incremental ", "done\n"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_phase(text));
  }
}

TEST_CASE("a first run walks the phases forward, skipping the ones its script leaves out") {
  CHECK(may_follow(Phase::kNew, Phase::kSchema));
  CHECK(may_follow(Phase::kSchema, Phase::kFull));
  CHECK(may_follow(Phase::kFull, Phase::kIndexes));
  CHECK(may_follow(Phase::kIndexes, Phase::kIncremental));
  CHECK(may_follow(Phase::kIndexes, Phase::kDone));
  CHECK(may_follow(Phase::kNew, Phase::kFull));            // no SCHEMA
  CHECK(may_follow(Phase::kSchema, Phase::kIncremental));  // no FULL: straight to the link
  CHECK(may_follow(Phase::kNew, Phase::kIncremental));
}

TEST_CASE("a resumed run re-enters at the schema step and may set a phase it had passed") {
  for (Phase from : {Phase::kSchema, Phase::kFull, Phase::kIndexes, Phase::kIncremental}) {
    CAPTURE(phase_name(from));
    CHECK(on_resume(from) == OnResume::kReenter);
    CHECK(may_follow(from, Phase::kSchema));  // a table the script gained since
    CHECK(may_follow(from, Phase::kFull));
    CHECK(may_follow(from, Phase::kIncremental));
  }
  for (Phase phase : kAll) CHECK(may_follow(phase, phase));
}

TEST_CASE("what a run does with a task it finds in each phase") {
  CHECK(on_resume(Phase::kNew) == OnResume::kStartFresh);
  CHECK(on_resume(Phase::kDone) == OnResume::kAlreadyDone);
  CHECK(on_resume(Phase::kRecopy) == OnResume::kFinishRecopy);
}

TEST_CASE("refused transitions") {
  // A done task never runs again, except as a re-copy.
  for (Phase to : {Phase::kNew, Phase::kSchema, Phase::kFull, Phase::kIndexes, Phase::kIncremental})
    CHECK_FALSE(may_follow(Phase::kDone, to));
  CHECK(may_follow(Phase::kDone, Phase::kRecopy));
  // Back to new only as the end of a re-copy.
  for (Phase from : {Phase::kSchema, Phase::kFull, Phase::kIndexes, Phase::kIncremental, Phase::kDone})
    CHECK_FALSE(may_follow(from, Phase::kNew));
  CHECK(may_follow(Phase::kRecopy, Phase::kNew));
  // A re-copy cut off half-way is finished before anything else.
  for (Phase to : {Phase::kSchema, Phase::kFull, Phase::kIndexes, Phase::kIncremental, Phase::kDone})
    CHECK_FALSE(may_follow(Phase::kRecopy, to));
  // The indexes step follows the copy, never skips it.
  for (Phase from : {Phase::kNew, Phase::kSchema, Phase::kIncremental})
    CHECK_FALSE(may_follow(from, Phase::kIndexes));
  // Any phase may be abandoned for a re-copy.
  for (Phase from : kAll) CHECK(may_follow(from, Phase::kRecopy));

  Status refused = check_transition(Phase::kDone, Phase::kFull);
  REQUIRE_FALSE(refused);
  CHECK(refused.message() == "internal error: the task may not go from phase done to phase full");
  CHECK(check_transition(Phase::kFull, Phase::kIndexes));
}

TEST_CASE("state.json keeps the phase by name and an old file still loads") {
  auto dir = std::filesystem::temp_directory_path() / ("omsql_phase_state_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto directory = TaskDirectory::open(dir.string());
    REQUIRE(directory);
    CHECK(directory->load()->phase == Phase::kNew);  // no state.json yet

    TaskState state;
    state.phase = Phase::kIncremental;
    REQUIRE(directory->save(state));
    std::ifstream saved(dir / "state.json");
    std::string text((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
    CHECK(text.find("\"phase\": \"incremental\"") != std::string::npos);
    CHECK(directory->load()->phase == Phase::kIncremental);

    // As an earlier omsrun wrote it, before the phase had a type; and one without a phase at all.
    std::ofstream(dir / "state.json") << R"({"script": "a.omsql", "phase": "full", "indexes_done": false,
      "tables": {"shop.orders": {"schema_created": true, "copy_done": false, "rows_copied": 10,
      "bytes_copied": 80, "copied_through_hex": ["3130"]}}})";
    auto old = directory->load();
    REQUIRE(old);
    CHECK(old->phase == Phase::kFull);
    CHECK(old->tables["shop.orders"].copied_through == std::vector<std::string>{"10"});
    std::ofstream(dir / "state.json") << R"({"tables": {}})";
    CHECK(directory->load()->phase == Phase::kNew);

    std::ofstream(dir / "state.json") << R"({"phase": "copying", "tables": {}})";
    auto unknown = directory->load();
    REQUIRE_FALSE(unknown);
    CHECK(unknown.status().message().find("unknown phase 'copying'") != std::string::npos);
    CHECK(unknown.status().message().find("state.json") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}
