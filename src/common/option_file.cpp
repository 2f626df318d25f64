#include "src/common/option_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace omsql {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string normalized_name(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

bool same_group(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The line without its '#' comment: a '#' outside quotes ends it (a quote after a backslash inside
// quotes does not close them), as mysys's remove_end_comment does.
std::string_view without_comment(std::string_view line) {
  char quote = 0;
  bool escape = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if ((c == '\'' || c == '"') && !escape) {
      if (!quote) quote = c;
      else if (quote == c) quote = 0;
    }
    if (!quote && c == '#') return line.substr(0, i);
    escape = quote && c == '\\' && !escape;
  }
  return line;
}

std::string unescaped_value(std::string_view value) {
  if (value.size() > 1 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\' || i + 1 == value.size()) {
      out += value[i];
      continue;
    }
    char next = value[++i];
    switch (next) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 's': out += ' '; break;
      case '"': case '\'': case '\\': out += next; break;
      default: out += '\\'; out += next; break;  // not an escape: the backslash stays
    }
  }
  return out;
}

std::string mode_text(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

}  // namespace

Result<ClientOptions> parse_client_options(std::string_view text, const std::string& path,
                                           const std::vector<std::string>& groups) {
  ClientOptions options;
  bool in_group = false, seen_group = false;
  int password_without_value_line = 0;
  int line_number = 0;
  auto problem = [&](const std::string& what) {
    return Status::invalid_argument("option file '" + path + "' line " + std::to_string(line_number) + ": " + what);
  };
  while (!text.empty()) {
    ++line_number;
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '!') {
      std::string_view directive = trim(line.substr(1));
      std::string_view word = directive.substr(0, std::min(directive.find_first_of(" \t"), directive.size()));
      if (word == "include" || word == "includedir")
        return problem("!" + std::string(word) +
                       " is not followed: omsql reads only the file it is given (whose permissions it checked); "
                       "put the options in this file, or name the included file instead");
      return problem("unknown directive '!" + std::string(word) + "'; option files know !include and !includedir");
    }
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) return problem("a group name without its closing ']'");
      std::string_view name = trim(line.substr(1, close - 1));
      in_group = std::any_of(groups.begin(), groups.end(), [&](const std::string& g) { return same_group(g, name); });
      seen_group = true;
      continue;
    }
    if (!seen_group) return problem("an option before the first [group]; put it under [client]");
    if (!in_group) continue;
    line = trim(without_comment(line));
    size_t equals = line.find('=');
    std::string name = normalized_name(trim(line.substr(0, std::min(equals, line.size()))));
    const bool has_value = equals != std::string_view::npos;
    std::string value = has_value ? unescaped_value(trim(line.substr(equals + 1))) : std::string();
    if (name == "password") {
      password_without_value_line = has_value ? 0 : line_number;
      if (has_value) options.password = std::move(value);
      else options.password.reset();
      continue;
    }
    if (name != "user" && name != "host" && name != "port") continue;  // not a connection option omsql uses
    if (!has_value) return problem(name + " needs a value (" + name + "=...)");
    if (name == "user") options.user = std::move(value);
    if (name == "host") options.host = std::move(value);
    if (name == "port") {
      bool digits = !value.empty() && value.size() <= 5 &&
                    std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
      int port = digits ? std::atoi(value.c_str()) : 0;
      if (port < 1 || port > 65535) return problem("port is not a number from 1 to 65535");
      options.port = port;
    }
  }
  if (password_without_value_line) {
    line_number = password_without_value_line;
    return problem(
        "password without a value makes the mysql client ask for it, and omsrun runs unattended: write "
        "password=... (password= for an empty one)");
  }
  return options;
}

Result<std::string> expand_home(const std::string& path) {
  if (path.empty() || path[0] != '~') return path;
  if (path.size() > 1 && path[1] != '/')
    return Status::invalid_argument("option file '" + path + "': ~user is not expanded; write the full path");
  const char* home = std::getenv("HOME");
  if (!home || !*home) return Status::invalid_argument("option file '" + path + "': HOME is not set, so ~ means nothing");
  return std::string(home) + path.substr(1);
}

Result<ClientOptions> read_client_options(const std::string& path, const std::vector<std::string>& groups) {
  auto refuse = [&](const std::string& why) { return Status::invalid_argument("option file '" + path + "': " + why); };
  // O_NONBLOCK: a FIFO must not block the open before fstat refuses it.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return refuse(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return refuse(std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return refuse("not a regular file");
  // Like ssh with a private key, and stricter than the mysql client (which only ignores a
  // world-writable file): a password others can read is no longer a secret.
  if (info.st_mode & (S_IROTH | S_IWOTH))
    return refuse(std::string(info.st_mode & S_IROTH ? "readable" : "writable") + " by other users (mode " +
                  mode_text(info.st_mode) + "); a file that holds a password must not be: chmod o-rwx '" + path + "'");
  constexpr off_t kMaxBytes = 1 << 20;
  if (info.st_size > kMaxBytes) return refuse("larger than 1 MB, not an option file");
  std::string text;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return refuse(std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > static_cast<size_t>(kMaxBytes)) return refuse("larger than 1 MB, not an option file");
  }
  auto parsed = parse_client_options(text, path, groups);
  // The password's copies in the raw text.
  std::fill(text.begin(), text.end(), '\0');
  std::memset(buffer, 0, sizeof buffer);
  return parsed;
}

}  // namespace omsql
