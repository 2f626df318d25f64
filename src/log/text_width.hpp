#pragma once
// Terminal columns of UTF-8 text, for lines that must fit the terminal's width (a line wider than
// the terminal wraps, and a redraw that moves the cursor up by lines then overwrites the wrong ones).
#include <cstddef>
#include <string>
#include <string_view>

namespace omsql::log {

// A terminal's size in columns and lines.
struct TerminalSize {
  size_t width = 80;
  size_t height = 24;
};

// Columns `text` takes on a terminal: one per code point, two for East Asian wide ones, none for
// combining marks; a byte that is not valid UTF-8 counts one. Pure.
size_t display_width(std::string_view text);

// `text` when it fits in `width` columns; otherwise its longest prefix of whole code points that
// fits in width - 1, followed by "…". A width of 0 gives "". Pure.
std::string cut_to_width(std::string_view text, size_t width);

// `text` padded with spaces to `width` columns, or cut as cut_to_width does. `right` aligns right.
std::string fit_to_width(std::string_view text, size_t width, bool right = false);

}  // namespace omsql::log
