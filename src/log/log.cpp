#include "src/log/log.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>

#include "src/log/redact.hpp"
#include "src/log/text_width.hpp"
#include "src/task/private_files.hpp"

namespace omsql::log {

namespace {

spdlog::level::level_enum spd_level(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarning: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

spdlog::string_view_t view(std::string_view text) { return spdlog::string_view_t(text.data(), text.size()); }

// stderr with the status area kept at the bottom: a message erases the area, is written, and the
// area is drawn again below it. One mutex (the sink's) orders messages, results and redraws.
class TerminalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_area(const std::vector<std::string>& lines) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    if (drawn_ > 0) out += "\x1b[" + std::to_string(drawn_) + "F";  // back to the area's first line
    for (const auto& line : lines) out += "\x1b[2K" + line + "\n";
    if (static_cast<int>(lines.size()) < drawn_) out += "\x1b[J";
    area_ = lines;
    drawn_ = static_cast<int>(lines.size());
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
  }
  void clear_area() {
    std::lock_guard<std::mutex> lock(mutex_);
    erase_locked();
    area_.clear();
    std::fflush(stderr);
  }
  void print_stdout(std::string_view text) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::fflush(stdout);
    erase_locked();
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    draw_locked();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fflush(stdout);  // what a command printed before comes before this line
    erase_locked();
    std::fwrite(formatted.data(), 1, formatted.size(), stderr);
    draw_locked();
    std::fflush(stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  // REQUIRES: mutex_ held.
  void erase_locked() {
    if (drawn_ == 0) return;
    std::string up = "\x1b[" + std::to_string(drawn_) + "F\x1b[J";
    std::fwrite(up.data(), 1, up.size(), stderr);
    drawn_ = 0;
  }
  void draw_locked() {
    if (area_.empty()) return;
    std::string out;
    for (const auto& line : area_) out += line + "\n";
    std::fwrite(out.data(), 1, out.size(), stderr);
    drawn_ = static_cast<int>(area_.size());
  }

  std::vector<std::string> area_;
  int drawn_ = 0;  // lines of the area on the screen now
};

struct LogState {
  std::mutex mutex;  // guards file, path, file_level, secrets
  std::shared_ptr<TerminalSink> terminal = std::make_shared<TerminalSink>();
  std::shared_ptr<spdlog::sinks::sink> file;
  std::string path;
  Level file_level = Level::kInfo;
  std::vector<std::string> secrets;
  std::atomic<int> terminal_level{static_cast<int>(Level::kInfo)};
  bool tty = ::isatty(STDERR_FILENO) == 1;
};

// Never destroyed: an actor may still log while static objects are torn down at exit.
LogState& state() {
  static LogState* s = [] {
    auto* created = new LogState;
    created->terminal->set_pattern("%v");
    return created;
  }();
  return *s;
}

std::string without_trailing_newlines(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  if (text == "debug") return Level::kDebug;
  if (text == "info") return Level::kInfo;
  if (text == "warning" || text == "warn") return Level::kWarning;
  if (text == "error") return Level::kError;
  return std::nullopt;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "info";
}

const char* level_names() { return "debug, info, warning, error"; }

void set_terminal_level(Level level) {
  auto& s = state();
  s.terminal_level = static_cast<int>(level);
  // At debug the terminal shows the time of each line (the file always has it).
  s.terminal->set_pattern(level == Level::kDebug ? "%H:%M:%S.%e %v" : "%v");
}

Level terminal_level() { return static_cast<Level>(state().terminal_level.load()); }

bool on_terminal(Level level) { return static_cast<int>(level) >= state().terminal_level.load(); }

Status open_file(const std::string& path, const FileSettings& settings) {
  // Created 0600 before spdlog opens it, and again for each file a rotation begins.
  auto create_private = [](const spdlog::filename_t& name) {
    auto fd = open_private_file(name, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    if (fd) ::close(*fd);
  };
  auto created = open_private_file(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (!created) return created.status();
  ::close(*created);
  spdlog::file_event_handlers handlers;
  handlers.before_open = create_private;
  handlers.after_open = [](const spdlog::filename_t&, std::FILE* file) { ::fchmod(::fileno(file), kPrivateFileMode); };
  std::shared_ptr<spdlog::sinks::sink> sink;
  try {
    sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, settings.max_bytes, settings.max_files, false,
                                                                  handlers);
  } catch (const spdlog::spdlog_ex& e) {
    return Status::io_error("log file " + path + ": " + e.what());
  }
  sink->set_formatter(
      std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %-7l [%n] %v", spdlog::pattern_time_type::utc));
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.file = std::move(sink);
  s.path = path;
  s.file_level = settings.level;
  return Status::ok();
}

void close_file() {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.file) s.file->flush();
  s.file.reset();
  s.path.clear();
}

std::string file_path() {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.path;
}

void add_secret(const std::string& secret) {
  if (secret.empty()) return;
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  for (const auto& known : s.secrets)
    if (known == secret) return;
  s.secrets.push_back(secret);
}

std::string terminal_text(Level level, std::string_view component, std::string_view message) {
  switch (level) {
    case Level::kDebug: return "debug: " + std::string(component) + ": " + std::string(message);
    case Level::kWarning: return "warning: " + std::string(message);
    case Level::kError: return "error: " + std::string(message);
    case Level::kInfo: break;
  }
  return std::string(message);
}

namespace {

void dispatch(Level level, std::string_view component, std::string_view message, Destination destination,
              bool worded) {
  auto& s = state();
  std::shared_ptr<spdlog::sinks::sink> file;
  std::vector<std::string> secrets;
  Level file_level;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    file = s.file;
    secrets = s.secrets;
    file_level = s.file_level;
  }
  const bool to_terminal = destination != Destination::kFile && on_terminal(level);
  const bool to_file = destination != Destination::kTerminal && file && level >= file_level;
  if (!to_terminal && !to_file) return;
  const std::string text = redact(without_trailing_newlines(message), secrets);
  if (to_terminal) {
    const std::string shown = worded ? text : terminal_text(level, component, text);
    s.terminal->log(spdlog::details::log_msg(view(component), spd_level(level), view(shown)));
  }
  if (to_file) {
    // One record per line: every line of the file starts with its time, level and component.
    std::string_view rest = text;
    do {
      const size_t end = std::min(rest.find('\n'), rest.size());
      file->log(spdlog::details::log_msg(view(component), spd_level(level), view(rest.substr(0, end))));
      rest.remove_prefix(std::min(end + 1, rest.size()));
    } while (!rest.empty());
    file->flush();  // a crash or kill -9 loses no line
  }
}

}  // namespace

void write(Level level, std::string_view component, std::string_view message, Destination destination) {
  dispatch(level, component, message, destination, false);
}

void write_worded(Level level, std::string_view component, std::string_view message, Destination destination) {
  dispatch(level, component, message, destination, true);
}

void result(std::string_view component, std::string_view text) {
  auto& s = state();
  std::vector<std::string> secrets;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    secrets = s.secrets;
  }
  const std::string clean = redact(without_trailing_newlines(text), secrets);
  if (on_terminal(Level::kInfo)) s.terminal->print_stdout(clean + "\n");
  write(Level::kInfo, component, clean, Destination::kFile);
}

bool terminal_is_tty() { return state().tty; }

int terminal_width() {
  struct winsize size {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    int value = std::atoi(columns);
    if (value > 0) return value;
  }
  return 80;
}

TerminalSize terminal_size() {
  TerminalSize result;
  struct winsize size {};
  const bool known = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0;
  auto from_env = [](const char* name, size_t otherwise) {
    const char* text = std::getenv(name);
    const int value = text ? std::atoi(text) : 0;
    return value > 0 ? static_cast<size_t>(value) : otherwise;
  };
  result.width = known ? size.ws_col : from_env("COLUMNS", 80);
  result.height = known && size.ws_row > 0 ? size.ws_row : from_env("LINES", 24);
  return result;
}

void show_area(const std::vector<std::string>& lines) {
  auto& s = state();
  if (!s.tty || !on_terminal(Level::kInfo)) return;
  const size_t width = static_cast<size_t>(terminal_width());
  std::vector<std::string> fitted;
  for (const auto& line : lines) fitted.push_back(cut_to_width(line, width));
  s.terminal->set_area(fitted);
}

void clear_area() {
  auto& s = state();
  if (!s.tty) return;
  s.terminal->clear_area();
}

}  // namespace omsql::log
