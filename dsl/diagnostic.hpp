#pragma once
// A problem in a .omsql script, located at file:line:col. Produced by every dsl/ stage; printed by
// the CLI with format().
#include <string>
#include <string_view>
#include <vector>

namespace omsql::dsl {

struct Diagnostic {
  std::string file;
  int line = 0, column = 0;  // 1-based; 0 when the problem has no place in the text (unreadable file)
  std::string message;
  std::string source_line;   // the text of `line`, without its newline

  // "file:line:col: error: message", then the source line, then a caret under the column; lines are
  // separated by '\n' and there is no trailing newline. Without a place: "file: error: message".
  std::string format() const;
};

// The script text with its line index: turns byte offsets into Diagnostics.
class SourceText {
 public:
  SourceText(std::string file_name, std::string_view text);
  const std::string& file_name() const { return file_name_; }
  std::string_view text() const { return text_; }
  // A diagnostic at byte `offset` (clamped to the text).
  Diagnostic at(int offset, std::string message) const;
  // A diagnostic with no place in the text.
  Diagnostic nowhere(std::string message) const;

 private:
  std::string file_name_;
  std::string_view text_;
  std::vector<int> line_starts_;
};

}  // namespace omsql::dsl
