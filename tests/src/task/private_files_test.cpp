// Task files are private whatever the umask and whatever an older omsql left behind.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/task/private_files.hpp"
#include "src/task/task_state.hpp"

using namespace omsql;

namespace {

std::string fresh_directory(const std::string& name) {
  std::string dir = std::filesystem::temp_directory_path().string() + "/omsql-private-test-" +
                    std::to_string(getpid()) + "-" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

unsigned mode_of(const std::string& path) {
  struct stat st;
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Runs with a permissive umask, restoring the old one after.
struct Umask {
  explicit Umask(mode_t mask) : old(::umask(mask)) {}
  ~Umask() { ::umask(old); }
  mode_t old;
};

}  // namespace

TEST_CASE("create_private_directory: 0700 whatever the umask, existing folders tightened") {
  Umask open_mask(0);
  std::string root = fresh_directory("create");
  REQUIRE(create_private_directory(root + "/a/task"));
  CHECK(mode_of(root + "/a/task") == 0700);
  ::chmod((root + "/a/task").c_str(), 0755);
  REQUIRE(create_private_directory(root + "/a/task"));
  CHECK(mode_of(root + "/a/task") == 0700);
  std::ofstream(root + "/file") << "x";
  CHECK_FALSE(create_private_directory(root + "/file"));
  std::filesystem::remove_all(root);
}

TEST_CASE("open_private_file and write_file_atomically: 0600, old files tightened") {
  Umask open_mask(0);
  std::string root = fresh_directory("files");
  REQUIRE(create_private_directory(root));
  auto fd = open_private_file(root + "/lock", O_RDWR);
  REQUIRE(fd);
  ::close(*fd);
  CHECK(mode_of(root + "/lock") == 0600);
  ::chmod((root + "/lock").c_str(), 0644);
  fd = open_private_file(root + "/lock", O_RDWR);
  REQUIRE(fd);
  ::close(*fd);
  CHECK(mode_of(root + "/lock") == 0600);
  REQUIRE(write_file_atomically(root + "/state.json", "{}\n"));
  CHECK(mode_of(root + "/state.json") == 0600);
  std::filesystem::remove_all(root);
}

TEST_CASE("make_tree_private: folders 0700, files 0600, links neither followed nor changed") {
  std::string root = fresh_directory("tree");
  std::string outside = fresh_directory("outside");
  std::filesystem::create_directories(root + "/spool/old");
  std::filesystem::create_directories(outside);
  std::ofstream(root + "/state.json") << "{}";
  std::ofstream(root + "/spool/00000001.seg") << "x";
  std::ofstream(outside + "/theirs") << "x";
  ::chmod(root.c_str(), 0755);
  ::chmod((root + "/spool").c_str(), 0777);
  ::chmod((root + "/spool/old").c_str(), 0750);
  ::chmod((root + "/state.json").c_str(), 0644);
  ::chmod((root + "/spool/00000001.seg").c_str(), 0666);
  ::chmod((outside + "/theirs").c_str(), 0644);
  std::filesystem::create_symlink(outside + "/theirs", root + "/link");
  std::filesystem::create_directory_symlink(outside, root + "/dirlink");
  REQUIRE(make_tree_private(root));
  CHECK(mode_of(root) == 0700);
  CHECK(mode_of(root + "/spool") == 0700);
  CHECK(mode_of(root + "/spool/old") == 0700);
  CHECK(mode_of(root + "/state.json") == 0600);
  CHECK(mode_of(root + "/spool/00000001.seg") == 0600);
  CHECK(mode_of(outside + "/theirs") == 0644);
  CHECK(mode_of(outside) != 0700);
  std::filesystem::remove_all(root);
  std::filesystem::remove_all(outside);
}

TEST_CASE("TaskDirectory::open makes an older task directory private") {
  Umask open_mask(022);
  std::string root = fresh_directory("task");
  std::filesystem::create_directories(root + "/spool");
  std::ofstream(root + "/state.json") << R"({"phase": "new", "tables": {}})";
  ::chmod(root.c_str(), 0755);
  ::chmod((root + "/state.json").c_str(), 0644);
  {
    auto directory = TaskDirectory::open(root);
    REQUIRE(directory);
    CHECK(mode_of(root) == 0700);
    CHECK(mode_of(root + "/spool") == 0700);
    CHECK(mode_of(root + "/state.json") == 0600);
    CHECK(mode_of(root + "/lock") == 0600);
    REQUIRE(directory->save(TaskState{}));
    CHECK(mode_of(root + "/state.json") == 0600);
  }
  std::filesystem::remove_all(root);
}
