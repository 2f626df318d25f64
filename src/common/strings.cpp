#include "src/common/strings.hpp"

#include <cctype>
#include <cstdio>

namespace omsql {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive) {
  auto eq = [&](char p, char t) {
    return case_insensitive ? std::tolower(static_cast<unsigned char>(p)) == std::tolower(static_cast<unsigned char>(t))
                            : p == t;
  };
  // Iterative matcher with backtracking to the last '*': linear in practice, no recursion.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && eq(pattern[p], text[t])))) {
      ++p; ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++; mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1; t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

std::string megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", bytes / 1048576.0);
  return text;
}

}  // namespace omsql
