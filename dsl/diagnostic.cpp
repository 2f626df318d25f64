#include "dsl/diagnostic.hpp"

#include <algorithm>

namespace omsql::dsl {
namespace {

// The echoed line goes to a terminal: a control byte (a NUL, an escape) or a bidirectional control
// (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C), which would reorder how the line displays, is
// shown as one '?' per byte, so the caret keeps counting bytes.
void show_safely(std::string& line) {
  for (size_t i = 0; i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 && c != '\t') line[i] = '?';
    if (c == 0x7F) line[i] = '?';
    bool bidi = i + 2 < line.size() && c == 0xE2 &&
                ((line[i + 1] == '\x80' && ((line[i + 2] >= '\xAA' && line[i + 2] <= '\xAE') ||
                                            line[i + 2] == '\x8E' || line[i + 2] == '\x8F')) ||
                 (line[i + 1] == '\x81' && line[i + 2] >= '\xA6' && line[i + 2] <= '\xA9'));
    bool arabic_mark = i + 1 < line.size() && c == 0xD8 && line[i + 1] == '\x9C';
    if (bidi) line.replace(i, 3, "???");
    if (arabic_mark) line.replace(i, 2, "??");
  }
}

}  // namespace

std::string Diagnostic::format() const {
  if (line <= 0) return file + ": error: " + message;
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
  out += '\n';
  out += source_line;
  out += '\n';
  // Keep tabs from the source line so the caret lines up however the terminal expands them.
  for (int i = 0; i + 1 < column; ++i)
    out += (static_cast<size_t>(i) < source_line.size() && source_line[i] == '\t') ? '\t' : ' ';
  out += '^';
  return out;
}

SourceText::SourceText(std::string file_name, std::string_view text)
    : file_name_(std::move(file_name)), text_(text) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_starts_.push_back(static_cast<int>(i + 1));
}

Diagnostic SourceText::at(int offset, std::string message) const {
  offset = std::clamp(offset, 0, static_cast<int>(text_.size()));
  auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  int line_index = static_cast<int>(next - line_starts_.begin()) - 1;
  int start = line_starts_[line_index];
  size_t end = text_.find('\n', start);
  if (end == std::string_view::npos) end = text_.size();
  std::string source_line(text_.substr(start, end - start));
  if (!source_line.empty() && source_line.back() == '\r') source_line.pop_back();
  show_safely(source_line);
  return Diagnostic{file_name_, line_index + 1, offset - start + 1, std::move(message), std::move(source_line)};
}

Diagnostic SourceText::nowhere(std::string message) const {
  return Diagnostic{file_name_, 0, 0, std::move(message), {}};
}

}  // namespace omsql::dsl
