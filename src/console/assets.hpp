#pragma once
// The web console's files (src/console/assets/*, and Debian's dygraphs), compiled into the binary
// by scripts/embed_assets.py at build time: the console needs no internet and no files at run time.
#include <string_view>
#include <vector>

namespace omsql::console {

struct Asset {
  std::string_view path;          // the URL path it is served at ("/", "/console.js", ...)
  std::string_view content_type;
  std::string_view body;
};

const std::vector<Asset>& assets();

}  // namespace omsql::console
