// The public entry points: compile (parse + check) and bind, and the small helpers around them.
#include "dsl/compiler.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include "dsl/grammar.hpp"
#include "dsl/rules.hpp"

namespace omsql::dsl {
namespace {

// Hides the password of any 'user:password@host' string in an echoed source line, whatever else
// went wrong on that line (a syntax error may stop the checker from ever seeing the endpoint).
void mask_passwords(std::string& line) {
  size_t position = 0;
  for (size_t open; (open = line.find('\'', position)) != std::string::npos;) {
    size_t close = std::min(line.find('\'', open + 1), line.size());
    std::string_view quoted(line.data() + open + 1, close - open - 1);
    size_t at = quoted.rfind('@');
    size_t colon = quoted.find(':');
    if (at != std::string_view::npos && colon < at)
      std::fill(line.begin() + static_cast<long>(open + 2 + colon), line.begin() + static_cast<long>(open + 1 + at), '*');
    position = close + 1;
  }
}

void sort_by_place(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
}

}  // namespace

CompileOutcome compile_script(std::string_view text, std::string file_name, const CompileSettings& settings) {
  // A UTF-8 byte order mark (Windows editors write one) is not part of the text: columns on line 1
  // count from after it.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  auto script = std::make_shared<CompiledScript>(std::string(text), file_name);
  script->plan.script_path = file_name;
  script->plan.verify.enabled = false;  // on only with a VERIFY clause
  CompileOutcome outcome;
  ParsedScript parsed = parse_script(script->text);
  for (const auto& e : parsed.errors) outcome.diagnostics.push_back(script->source.at(e.offset, e.message));
  check_script(parsed, *script, settings, outcome.diagnostics);
  for (auto& d : outcome.diagnostics) mask_passwords(d.source_line);
  sort_by_place(outcome.diagnostics);
  if (outcome.diagnostics.empty()) outcome.script = std::move(script);
  return outcome;
}

CompileOutcome compile_file(const std::string& path, const CompileSettings& settings) {
  auto unreadable = [&](std::string why) {
    CompileOutcome outcome;
    outcome.diagnostics.push_back(Diagnostic{path, 0, 0, "cannot read file: " + why, {}});
    return outcome;
  };
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return unreadable(std::strerror(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return unreadable(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) return unreadable(std::strerror(EISDIR));
  // A device or pipe (/dev/zero, /dev/stdin) may never end: only regular files are scripts.
  if (!S_ISREG(info.st_mode)) return unreadable("not a regular file");
  auto too_large = [&] {
    return unreadable("larger than " + std::to_string(kMaxScriptBytes >> 20) + " MB, too large for a script");
  };
  if (info.st_size > kMaxScriptBytes) return too_large();
  // Read at most one byte past the bound: a file that grows while it is read is still caught.
  const size_t limit = static_cast<size_t>(kMaxScriptBytes) + 1;
  std::string text;
  char buffer[65536];
  while (text.size() < limit) {
    ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, limit - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unreadable(std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  if (text.size() >= limit) return too_large();
  return compile_script(text, path, settings);
}

const Plan& unbound_plan(const CompiledScript& script) { return script.plan; }

std::optional<std::string> target_column(const TableJob& job, std::string_view source_column) {
  for (const auto& column : job.columns)
    if (column.source == source_column) return column.target;
  return std::nullopt;
}

}  // namespace omsql::dsl
