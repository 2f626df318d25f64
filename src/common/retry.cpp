#include "src/common/retry.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "src/common/strings.hpp"

namespace omsql {

using std::chrono::milliseconds;

std::optional<milliseconds> RetryPolicy::next_delay(int failures, milliseconds elapsed) const {
  if (failures < 1) failures = 1;
  if (elapsed >= patience) return std::nullopt;
  // Doubling stops at the cap; counting the doublings keeps 2^n from overflowing.
  milliseconds delay = std::max(first_delay, milliseconds(1));
  for (int i = 1; i < failures && delay < max_delay; ++i) delay *= 2;
  delay = std::min(delay, max_delay);
  return std::min(delay, patience - elapsed);
}

std::optional<milliseconds> RetryState::failed(const RetryPolicy& policy, Clock::time_point now) {
  if (failures_ == 0) first_failure_ = now;
  ++failures_;
  ++token_;
  return policy.next_delay(failures_, elapsed(now));
}

milliseconds RetryState::elapsed(Clock::time_point now) const {
  if (failures_ == 0) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(now - first_failure_);
}

std::string format_duration(milliseconds duration) {
  int64_t ms = duration.count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  if (ms < 10000) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", ms / 1000.0);
    return text;
  }
  int64_t seconds = ms / 1000;
  if (seconds < 60) return std::to_string(seconds) + " s";
  int64_t minutes = seconds / 60;
  if (minutes < 60) {
    std::string out = std::to_string(minutes) + " min";
    if (seconds % 60) out += " " + std::to_string(seconds % 60) + " s";
    return out;
  }
  std::string out = std::to_string(minutes / 60) + " h";
  if (minutes % 60) out += " " + std::to_string(minutes % 60) + " min";
  return out;
}

std::string duration_option_text(milliseconds duration) {
  int64_t ms = duration.count();
  if (ms % 3600000 == 0 && ms > 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0 && ms > 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string retry_message(std::string_view what, const Status& error, milliseconds delay, int failures,
                          milliseconds elapsed, const RetryPolicy& policy) {
  return error.message() + " — retrying " + std::string(what) + " in " + format_duration(delay) + " (attempt " +
         std::to_string(failures + 1) + "; failing for " + format_duration(elapsed) + " of " +
         format_duration(policy.patience) + " patience)";
}

Status gave_up(std::string_view what, const Status& error, int failures, milliseconds elapsed,
               const RetryPolicy& policy) {
  return error.with_context(std::string(what) + ": gave up after " + std::to_string(failures) + " attempt" +
                            (failures == 1 ? "" : "s") + " over " + format_duration(elapsed) +
                            " (retry_patience = '" + duration_option_text(policy.patience) + "')");
}

std::optional<milliseconds> parse_duration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  int64_t number = 0;
  std::from_chars(text.data(), text.data() + digits, number);
  std::string unit = to_lower(text.substr(digits));
  int64_t scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit.empty() || unit == "s" || unit == "sec") scale = 1000;
  else if (unit == "m" || unit == "min") scale = 60000;
  else if (unit == "h") scale = 3600000;
  else return std::nullopt;
  constexpr int64_t kMax = int64_t{30} * 24 * 3600000;
  if (number > kMax / scale) return std::nullopt;
  return milliseconds(number * scale);
}

}  // namespace omsql
