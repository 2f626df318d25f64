#include "src/log/text_width.hpp"

namespace omsql::log {

namespace {

// The code point at `text[i]` and its length in bytes (1 for an invalid byte).
std::pair<char32_t, size_t> decode(std::string_view text, size_t i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) return {byte, 1};
  if (length == 1) return {byte, 1};
  char32_t code = byte & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return {byte, 1};
    code = (code << 6) | (next & 0x3F);
  }
  return {code, length};
}

size_t columns_of(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F)) return 0;
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF) ||
      (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

}  // namespace

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    auto [code, length] = decode(text, i);
    width += columns_of(code);
    i += length;
  }
  return width;
}

std::string cut_to_width(std::string_view text, size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return "";
  size_t used = 0, end = 0;
  for (size_t i = 0; i < text.size();) {
    auto [code, length] = decode(text, i);
    size_t columns = columns_of(code);
    if (used + columns > width - 1) break;
    used += columns;
    i += length;
    end = i;
  }
  return std::string(text.substr(0, end)) + "…";
}

std::string fit_to_width(std::string_view text, size_t width, bool right) {
  std::string cut = cut_to_width(text, width);
  size_t shown = display_width(cut);
  std::string pad(width > shown ? width - shown : 0, ' ');
  return right ? pad + cut : cut + pad;
}

}  // namespace omsql::log
