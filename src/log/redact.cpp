#include "src/log/redact.hpp"

#include <algorithm>
#include <regex>

namespace omsql::log {

namespace {

// A quoted SQL string: '...' (with '' or \' inside) or "...".
#define OMSQL_QUOTED R"(('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"))"

struct Rule {
  std::regex pattern;
  const char* replacement;
};

const std::vector<Rule>& rules() {
  static const auto icase = std::regex::ECMAScript | std::regex::icase;
  static const std::vector<Rule> kRules = {
      // CREATE/ALTER USER ... IDENTIFIED BY [PASSWORD] '...', IDENTIFIED VIA|WITH plugin USING|AS|BY '...'
      {std::regex(R"((IDENTIFIED\s+(?:(?:VIA|WITH)\s+[A-Za-z0-9_`'"]+\s+(?:USING|AS|BY)|BY)\s+(?:PASSWORD\s+)?))" OMSQL_QUOTED,
                  icase),
       "$1'***'"},
      // PASSWORD('...'), OLD_PASSWORD('...'), SET PASSWORD [FOR u] = '...'
      {std::regex(R"((PASSWORD\s*\(\s*))" OMSQL_QUOTED, icase), "$1'***'"},
      {std::regex(R"((SET\s+PASSWORD\b[^=]*=\s*))" OMSQL_QUOTED, icase), "$1'***'"},
      {std::regex(R"((MASTER_PASSWORD\s*=\s*))" OMSQL_QUOTED, icase), "$1'***'"},
      // password = x (option files), --password=x, password: x
      {std::regex(R"((\bpassword\s*[=:]\s*))" OMSQL_QUOTED, icase), "$1'***'"},
      {std::regex(R"((\bpassword\s*[=:]\s*)[^\s'",;)]+)", icase), "$1***"},
      // scheme://user:password@host and 'user:password@host'
      {std::regex(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@)"), "$1***@"},
      {std::regex(R"(('[^':@\s]+:)[^'@\s]+(@[^'\s]*'))"), "$1***$2"},
  };
  return kRules;
}

}  // namespace

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  // Longest first: a secret that contains another is replaced whole.
  std::vector<const std::string*> ordered;
  for (const auto& secret : secrets)
    if (!secret.empty()) ordered.push_back(&secret);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->size() > b->size(); });
  for (const std::string* secret : ordered) {
    for (size_t at = 0; (at = out.find(*secret, at)) != std::string::npos;) {
      out.replace(at, secret->size(), "***");
      at += 3;
    }
  }
  // Most messages hold no password syntax at all: skip the regexes then.
  std::string lower(out);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool maybe = lower.find("password") != std::string::npos || lower.find("identified") != std::string::npos ||
                     out.find('@') != std::string::npos;
  if (!maybe) return out;
  for (const Rule& rule : rules()) out = std::regex_replace(out, rule.pattern, rule.replacement);
  return out;
}

}  // namespace omsql::log
