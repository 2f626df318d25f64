#include "src/common/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace omsql {

namespace {
// Accrual in double arithmetic may land a hair below a whole token; this much counts as whole.
constexpr double kEpsilon = 1e-6;
}  // namespace

TokenBucket::TokenBucket(int64_t rate_per_second, Time now) : rate_(std::max<int64_t>(0, rate_per_second)), last_(now) {}

int64_t TokenBucket::capacity() const { return std::max<int64_t>(1, rate_); }

double TokenBucket::available(Time now) const {
  if (now <= last_) return tokens_;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  return std::min(static_cast<double>(capacity()), tokens_ + elapsed * static_cast<double>(rate_));
}

void TokenBucket::refill(Time now) {
  tokens_ = available(now);
  if (now > last_) last_ = now;
}

void TokenBucket::set_rate(int64_t rate_per_second, Time now) {
  rate_per_second = std::max<int64_t>(0, rate_per_second);
  if (unlimited()) {
    tokens_ = 0;
    last_ = now;
  } else {
    refill(now);
  }
  rate_ = rate_per_second;
  tokens_ = std::min(tokens_, static_cast<double>(capacity()));
}

int64_t TokenBucket::take(int64_t wanted, Time now) {
  if (wanted <= 0) return 0;
  if (unlimited()) return wanted;
  refill(now);
  auto whole = static_cast<int64_t>(std::floor(tokens_ + kEpsilon));
  int64_t granted = std::min(wanted, whole);
  tokens_ = std::max(0.0, tokens_ - static_cast<double>(granted));
  return granted;
}

std::chrono::nanoseconds TokenBucket::wait_for(int64_t wanted, Time now) const {
  if (wanted <= 0 || unlimited()) return std::chrono::nanoseconds(0);
  double need = static_cast<double>(std::min(wanted, capacity()));
  double missing = need - available(now);
  if (missing <= kEpsilon) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<int64_t>(std::ceil(missing / static_cast<double>(rate_) * 1e9)));
}

}  // namespace omsql
