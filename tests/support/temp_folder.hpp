#pragma once
// A fresh folder under /tmp for one test, removed with everything in it when the test ends.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace omsql::testing {

struct TempFolder {
  std::string path;
  explicit TempFolder(const std::string& prefix = "omsql-test") {
    std::string name = "/tmp/" + prefix + "-XXXXXX";
    if (!::mkdtemp(name.data())) throw std::runtime_error("mkdtemp failed for " + name);
    path = name;
  }
  ~TempFolder() { std::filesystem::remove_all(path); }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
};

}  // namespace omsql::testing
