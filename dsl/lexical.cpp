#include "dsl/lexical.hpp"

#include <cstdio>
#include <optional>

namespace omsql::dsl {
namespace {

// The code point of the UTF-8 sequence at `at` and its length; -1 (length 1) for a bad sequence.
int decode_utf8(std::string_view text, size_t at, size_t* length) {
  const auto lead = static_cast<unsigned char>(text[at]);
  *length = 1;
  if (lead < 0x80) return lead;
  const int need = lead >= 0xF0 && lead < 0xF5 ? 3 : lead >= 0xE0 && lead < 0xF0 ? 2 : lead >= 0xC2 && lead < 0xE0 ? 1 : -1;
  if (need < 0 || at + static_cast<size_t>(need) >= text.size()) return -1;
  int code = lead & (0x3F >> need);
  for (int i = 1; i <= need; ++i) {
    const auto next = static_cast<unsigned char>(text[at + static_cast<size_t>(i)]);
    if ((next & 0xC0) != 0x80) return -1;
    code = (code << 6) | (next & 0x3F);
  }
  *length = static_cast<size_t>(need) + 1;
  return code;
}

std::string code_point_name(int code) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(code));
  return buffer;
}

// The Trojan Source set (CVE-2021-42574): each reorders how the text displays around it.
const char* bidi_control_name(int code) {
  switch (code) {
    case 0x061C: return "ARABIC LETTER MARK";
    case 0x200E: return "LEFT-TO-RIGHT MARK";
    case 0x200F: return "RIGHT-TO-LEFT MARK";
    case 0x202A: return "LEFT-TO-RIGHT EMBEDDING";
    case 0x202B: return "RIGHT-TO-LEFT EMBEDDING";
    case 0x202C: return "POP DIRECTIONAL FORMATTING";
    case 0x202D: return "LEFT-TO-RIGHT OVERRIDE";
    case 0x202E: return "RIGHT-TO-LEFT OVERRIDE";
    case 0x2066: return "LEFT-TO-RIGHT ISOLATE";
    case 0x2067: return "RIGHT-TO-LEFT ISOLATE";
    case 0x2068: return "FIRST STRONG ISOLATE";
    case 0x2069: return "POP DIRECTIONAL ISOLATE";
    default: return nullptr;
  }
}

// Characters an editor, a word processor or an input method puts where an ASCII one belongs.
struct LookAlike {
  int code;
  const char* what;
  const char* ascii;
};
constexpr LookAlike kLookAlikes[] = {
    {0x00A0, "a no-break space", "a plain space"},
    {0x2007, "a figure space", "a plain space"},
    {0x200B, "a zero-width space", "nothing or a plain space"},
    {0x3000, "an ideographic space", "a plain space"},
    {0xFEFF, "a zero-width no-break space (a byte order mark inside the text)", "nothing or a plain space"},
    {0x2018, "a typographic quote", "the ASCII quote '"},
    {0x2019, "a typographic quote", "the ASCII quote '"},
    {0x201C, "a typographic double quote", "the ASCII quote ' (strings are single-quoted)"},
    {0x201D, "a typographic double quote", "the ASCII quote ' (strings are single-quoted)"},
    {0x2013, "an en dash", "ASCII '-' ('--' starts a comment)"},
    {0x2014, "an em dash", "ASCII '-' ('--' starts a comment)"},
    {0xFF1B, "a full-width semicolon", "the ASCII ';'"},
    {0xFF0C, "a full-width comma", "the ASCII ','"},
    {0xFF08, "a full-width parenthesis", "the ASCII '('"},
    {0xFF09, "a full-width parenthesis", "the ASCII ')'"},
    {0xFF0E, "a full-width full stop", "the ASCII '.'"},
    {0x3002, "an ideographic full stop", "the ASCII '.'"},
    {0xFF1D, "a full-width equals sign", "the ASCII '='"},
};

bool is_name_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         c == '*' || c == '?' || c >= 0x80;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The run of name bytes (ASCII name characters, wildcards, and any non-ASCII byte) around `at`.
std::string_view word_around(std::string_view text, size_t at) {
  size_t start = at, end = at;
  while (start > 0 && is_name_byte(static_cast<unsigned char>(text[start - 1]))) --start;
  while (end < text.size() && is_name_byte(static_cast<unsigned char>(text[end]))) ++end;
  return text.substr(start, end - start);
}

// The pattern part that ends just before `end` (back over blanks first), or starts at `start`.
std::string_view part_before(std::string_view text, size_t end) {
  while (end > 0 && is_blank(text[end - 1])) --end;
  size_t start = end;
  if (start > 0 && text[start - 1] == '`') {
    size_t open = text.rfind('`', start - 2 < text.size() ? start - 2 : 0);
    return open == std::string_view::npos ? std::string_view() : text.substr(open, end - open);
  }
  while (start > 0 && is_name_byte(static_cast<unsigned char>(text[start - 1]))) --start;
  return text.substr(start, end - start);
}

std::string_view part_after(std::string_view text, size_t start) {
  while (start < text.size() && is_blank(text[start])) ++start;
  size_t end = start;
  if (end < text.size() && text[end] == '`') {
    size_t close = text.find('`', end + 1);
    return close == std::string_view::npos ? std::string_view() : text.substr(start, close + 1 - start);
  }
  while (end < text.size() && is_name_byte(static_cast<unsigned char>(text[end]))) ++end;
  return text.substr(start, end - start);
}

// Where a syntax error sits beside a pattern's dot with blanks between: the dot's offset.
std::optional<size_t> spaced_dot(std::string_view text, size_t at) {
  if (at < text.size() && text[at] == '.' && at > 0 && is_blank(text[at - 1])) return at;
  size_t back = at;
  while (back > 0 && is_blank(text[back - 1])) --back;
  if (back < at && back > 0 && text[back - 1] == '.') return back - 1;
  return std::nullopt;
}

}  // namespace

ByteScan scan_bytes(std::string_view text) {
  ByteScan scan;
  auto error = [&](size_t at, std::string message) {
    scan.errors.push_back({static_cast<int>(at), std::move(message)});
  };
  if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
    error(0, "the script is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
    scan.stop = true;
    return scan;
  }
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    error(nul, "NUL byte (0x00) in the script: it is binary, or UTF-16 without a byte order mark; a script is "
               "UTF-8 text");
    scan.stop = true;
    return scan;
  }
  for (size_t at = 0; at < text.size();) {
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      ++at;
      continue;
    }
    size_t length = 1;
    int code = decode_utf8(text, at, &length);
    if (const char* name = bidi_control_name(code)) {
      error(at, "bidirectional control character " + code_point_name(code) + " (" + name +
                    "): it makes the text display in another order than it is read, in names, strings and "
                    "comments alike; remove it");
      scan.stop = true;
    }
    at += length;
  }
  if (scan.stop) return scan;

  // A block comment that never closes swallows the rest of the script: name its start. Quoted
  // text is skipped as the grammar reads it (it closes on its own line).
  for (size_t at = 0; at < text.size();) {
    char c = text[at];
    if (c == '-' && at + 1 < text.size() && text[at + 1] == '-') {
      size_t eol = text.find('\n', at);
      at = eol == std::string_view::npos ? text.size() : eol;
      continue;
    }
    if (c == '/' && at + 1 < text.size() && text[at + 1] == '*') {
      size_t close = text.find("*/", at + 2);
      if (close == std::string_view::npos) {
        error(at, "unterminated comment: this '/*' has no closing '*/', so the rest of the script is a comment");
        break;
      }
      at = close + 2;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      size_t i = at + 1;
      while (i < text.size() && text[i] != '\n') {
        if (text[i] == '\\' && c != '`' && i + 1 < text.size() && text[i + 1] != '\n') {
          i += 2;
          continue;
        }
        if (text[i] == c) {
          if (i + 1 < text.size() && text[i + 1] == c) {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      at = i;
      continue;
    }
    ++at;
  }
  return scan;
}

std::string refine_syntax_error(std::string_view text, int offset, std::string message) {
  if (offset < 0 || static_cast<size_t>(offset) > text.size()) return message;
  const size_t at = static_cast<size_t>(offset);
  if (at < text.size() && static_cast<unsigned char>(text[at]) >= 0x80) {
    size_t length = 1;
    int code = decode_utf8(text, at, &length);
    if (code < 0) return "a byte that is not UTF-8 (0x" + [&] {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%02X", static_cast<unsigned char>(text[at]));
      return std::string(hex);
    }() + "): a script is UTF-8 text; " + message;
    for (const auto& alike : kLookAlikes)
      if (alike.code == code)
        return std::string(alike.what) + " (" + code_point_name(code) + ") where " + alike.ascii + " belongs; " +
               message;
    std::string character(text.substr(at, length));
    return "non-ASCII character '" + character + "' (" + code_point_name(code) +
           ") in a bare name: a bare name is ASCII letters, digits, '_' and '$'; back-quote the name: `" +
           std::string(word_around(text, at)) + "`";
  }
  if (auto dot = spaced_dot(text, at)) {
    std::string_view before = part_before(text, *dot), after = part_after(text, *dot + 1);
    std::string example = !before.empty() && !after.empty() ? std::string(before) + "." + std::string(after)
                                                            : std::string("shop.orders");
    return message + "; a pattern has no spaces around its dots: write " + example;
  }
  return message;
}

}  // namespace omsql::dsl
