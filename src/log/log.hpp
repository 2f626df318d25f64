#pragma once
// The one way omsql writes what it has to say (issue 14 §5). Every message has a level and a
// component and goes to two places: the terminal (stderr, filtered by the run's level: --quiet,
// --verbose, --log-level) and, once a task's lock is held, the task's log file (DIR/omsrun.log,
// 0600, rotated, one UTC timestamp per line; spdlog's sinks do the writing). Before a message leaves
// the process it is redacted (redact.hpp): registered secrets and password syntax become ***.
//
// The terminal text of a message is exactly what omsrun always printed: the message, after
// "warning: " or "error: " for those levels (tests and operators grep these words). The file line
// is `2026-12-01T22:10:00.123Z info    [binlog] <the same text>`, so one grep finds both.
//
// The terminal may also hold a status area: a few lines (the copy's progress table, the live
// link's line) redrawn in place at the bottom, on a terminal only. A message printed while the
// area is shown goes above it, so progress and messages never overwrite each other.
//
// Thread-safe: actors on any thread call it. The settings are made once by the CLI, before the
// actors start.
#include <cstddef>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/status.hpp"
#include "src/log/text_width.hpp"

namespace omsql::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// "debug", "info", "warning" (also "warn"), "error"; nothing else.
std::optional<Level> parse_level(std::string_view text);
const char* level_name(Level level);
// The words --log-level accepts, for help and error texts: "debug, info, warning, error".
const char* level_names();

// Where one message goes. kTerminal: what must not be kept on disk (the console address holds the
// control token). kFile: what the terminal shows another way (the progress table's lines).
enum class Destination { kBoth, kTerminal, kFile };

// The terminal shows messages at `level` and above (default info). At debug the terminal lines
// carry the time too (the file always does).
void set_terminal_level(Level level);
Level terminal_level();
bool on_terminal(Level level);

// Starts writing to the log file at `path` (0600: created so, and tightened if it was not), at
// `level` and above. Once it holds `max_bytes`, it is renamed PATH.1 (PATH.1 to PATH.2 ...) and
// a new one begins; `max_files` rotated files are kept. Replaces the file of an earlier call.
struct FileSettings {
  Level level = Level::kInfo;
  size_t max_bytes = 16u << 20;
  size_t max_files = 4;
};
Status open_file(const std::string& path, const FileSettings& settings);
// The log file's name in a task directory.
inline constexpr const char* kTaskLogFile = "omsrun.log";
void close_file();
// The file's path, empty when none is open.
std::string file_path();

// `secret` (a password, a token) is replaced by *** in every message from now on.
void add_secret(const std::string& secret);

// Writes one message (a trailing newline is dropped).
void write(Level level, std::string_view component, std::string_view message,
           Destination destination = Destination::kBoth);

// A message whose text already says what it is ("shop.omsql:3:9: error: ...", "task DIR is not
// running: nothing to stop"): at `level`, shown without the level's word.
void write_worded(Level level, std::string_view component, std::string_view message,
                  Destination destination = Destination::kBoth);

// A result the command prints on stdout (the copy's summary table, "caught up: ..."): written to
// stdout while the terminal shows info, and to the file at info in any case.
void result(std::string_view component, std::string_view text);

// The status area (terminal only; nothing happens when stderr is not a terminal or the terminal
// level is above info). `lines` replace the shown ones; each is cut to the terminal's width.
void show_area(const std::vector<std::string>& lines);
// Removes the area from the screen (before the final summary).
void clear_area();
// Whether stderr is a terminal; its width in columns (the terminal's, else COLUMNS, else 80).
bool terminal_is_tty();
int terminal_width();
// Its width and height (the terminal's, else COLUMNS and LINES, else 80 x 24), read anew at each
// call (TIOCGWINSZ), so a redraw after SIGWINCH fits the new size.
TerminalSize terminal_size();

// Builds a message with <<, written when the statement ends:
//   log::warning("binlog") << "spool " << dir << " is out of space";
class Line {
 public:
  Line(Level level, std::string_view component, Destination destination = Destination::kBoth)
      : level_(level), component_(component), destination_(destination) {}
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line() { write(level_, component_, text_.str(), destination_); }
  template <class T>
  Line& operator<<(const T& value) {
    text_ << value;
    return *this;
  }

 private:
  Level level_;
  std::string component_;
  Destination destination_;
  std::ostringstream text_;
};

inline Line debug(std::string_view component) { return Line(Level::kDebug, component); }
inline Line info(std::string_view component) { return Line(Level::kInfo, component); }
inline Line warning(std::string_view component) { return Line(Level::kWarning, component); }
inline Line error(std::string_view component) { return Line(Level::kError, component); }

// What the terminal shows for a message (pure): "warning: " / "error: " before the text of those
// levels, "debug: component: " before a debug one, the text alone for info.
std::string terminal_text(Level level, std::string_view component, std::string_view message);

}  // namespace omsql::log
