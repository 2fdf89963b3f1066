// NetEase's per-app call limit: at most N calls in each wall-clock second; the call that goes
// over blocks the app for 10 seconds (every call in that time is refused). N = 0 turns it off.
#pragma once

#include <cstdint>
#include <mutex>

#include "base/clock.h"

namespace fg::netease {

class RateLimiter {
 public:
  static constexpr int64_t kBlockMs = 10'000;

  RateLimiter(int64_t per_second, Clock& clock) : per_second_(per_second), clock_(clock) {}

  // Counts one call; false if it is refused. Thread-safe.
  bool Allow();

 private:
  const int64_t per_second_;
  Clock& clock_;
  std::mutex mu_;
  int64_t window_second_ = -1;
  int64_t used_ = 0;
  int64_t blocked_until_ms_ = 0;
};

}  // namespace fg::netease
