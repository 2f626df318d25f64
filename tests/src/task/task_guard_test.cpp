// Where a task directory may be, and who runs it: refused paths, the planted-symlink lock, and a
// lock held by a process that is not omsrun.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "src/task/task_guard.hpp"
#include "src/task/task_state.hpp"
#include "tests/support/temp_folder.hpp"

using namespace omsql;
namespace fs = std::filesystem;

namespace {

struct TempFolder : testing::TempFolder {
  TempFolder() : testing::TempFolder("omsql-task-guard") {}
};

std::string refusal(const std::string& path) {
  auto status = check_task_directory(path);
  return status ? "" : status.message();
}

std::string contents(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("system directories, $HOME and foreign non-empty directories are refused") {
  for (const char* path : {"/", "/etc", "/usr", "/usr/local", "/var", "/var/lib", "/tmp", "/proc", "/proc/self",
                           "/sys/kernel", "/dev", "/dev/pts", "/home", "/etc/.."}) {
    CAPTURE(path);
    CHECK(refusal(path).find("is a system or home directory") != std::string::npos);
  }
  TempFolder folder;
  fs::create_directories(folder.path + "/home");
  const char* saved = std::getenv("HOME");
  std::string saved_home = saved ? saved : "";
  setenv("HOME", (folder.path + "/home").c_str(), 1);
  CHECK(refusal(folder.path + "/home").find("is a system or home directory") != std::string::npos);
  CHECK(refusal(folder.path + "/home/.omsql/task") == "");
  if (saved) setenv("HOME", saved_home.c_str(), 1); else unsetenv("HOME");

  fs::create_directory_symlink("/etc", folder.path + "/link-to-etc");
  CHECK(refusal(folder.path + "/link-to-etc") ==
        "task directory " + folder.path + "/link-to-etc (/etc) is a system or home directory: omsrun keeps its "
        "state, lock and spool there; name a directory of its own, e.g. .omsql/<task>");

  fs::create_directories(folder.path + "/project/src");
  std::ofstream(folder.path + "/project/README") << "mine\n";
  CHECK(refusal(folder.path + "/project") ==
        "task directory " + folder.path + "/project is not empty and holds no omsql task (no lock or state.json): "
        "name a new or empty directory");
  std::ofstream(folder.path + "/file") << "x\n";
  CHECK(refusal(folder.path + "/file").find("exists and is not a directory") != std::string::npos);
}

TEST_CASE("new, empty and existing task directories are accepted") {
  TempFolder folder;
  CHECK(refusal(folder.path + "/new/task") == "");
  fs::create_directories(folder.path + "/empty");
  CHECK(refusal(folder.path + "/empty") == "");
  fs::create_directories(folder.path + "/task");
  std::ofstream(folder.path + "/task/state.json") << "{}\n";
  std::ofstream(folder.path + "/task/notes") << "x\n";
  CHECK(refusal(folder.path + "/task") == "");
  CHECK(refusal("/dev/shm/omsql-task-guard-test") == "");
}

TEST_CASE("TaskDirectory::open refuses a planted lock symlink and leaves its target alone") {
  TempFolder folder;
  std::string victim = folder.path + "/victim";
  std::ofstream(victim) << "precious\n";
  fs::create_directories(folder.path + "/task");
  fs::create_symlink(victim, folder.path + "/task/lock");
  auto opened = TaskDirectory::open(folder.path + "/task");
  REQUIRE_FALSE(opened);
  CHECK(opened.status().message() == folder.path + "/task/lock is a symbolic link: refusing to follow it (omsrun "
                                                   "never makes one; remove it)");
  CHECK(contents(victim) == "precious\n");
  auto holder = task_lock_holder(folder.path + "/task");
  REQUIRE_FALSE(holder);
  CHECK(holder.status().message().find("is a symbolic link") != std::string::npos);
  CHECK(contents(victim) == "precious\n");
}

TEST_CASE("task_lock_holder: nobody for a stale lock, and never a process that is not omsrun") {
  TempFolder folder;
  CHECK_FALSE(task_lock_holder(folder.path).value().has_value());  // no lock file at all
  std::ofstream(folder.path + "/lock") << "1\n";                     // stale: names init, held by nobody
  auto stale = task_lock_holder(folder.path);
  REQUIRE(stale);
  CHECK_FALSE(stale->has_value());
  {
    auto opened = TaskDirectory::open(folder.path);  // this test process holds it now
    REQUIRE(opened);
    CHECK(contents(folder.path + "/lock") == std::to_string(::getpid()) + "\n");
    auto held = task_lock_holder(folder.path);
    REQUIRE_FALSE(held);
    CHECK(held.status().message().find(folder.path + "/lock is held by process " + std::to_string(::getpid())) == 0);
    CHECK(held.status().message().find("which is not omsrun: not signalled") != std::string::npos);
  }
  auto released = task_lock_holder(folder.path);
  REQUIRE(released);
  CHECK_FALSE(released->has_value());
}
