#include "dialects/common/rate_limiter.h"

namespace fg::kit {

bool RateLimiter::Allow() {
  if (per_second_ <= 0) return true;
  int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  if (now < blocked_until_ms_) return false;
  int64_t second = now / 1000;
  if (second != window_second_) {
    window_second_ = second;
    used_ = 0;
  }
  if (++used_ > per_second_) {
    blocked_until_ms_ = now + block_ms_;
    return false;
  }
  return true;
}

}  // namespace fg::kit
