// A per-app call limit: at most N calls in each wall-clock second; the call that goes over blocks
// the app for a dialect-chosen time (NetEase: 10 s; 0 refuses only the rest of that second).
// N = 0 turns it off. One limiter per app.
#pragma once

#include <cstdint>
#include <mutex>

#include "base/clock.h"

namespace fg::kit {

class RateLimiter {
 public:
  // `clock` must outlive the limiter.
  RateLimiter(int64_t per_second, int64_t block_ms, Clock& clock)
      : per_second_(per_second), block_ms_(block_ms), clock_(clock) {}

  // Counts one call; false if it is refused. Calls refused while blocked do not extend the
  // block. Thread-safe.
  bool Allow();

 private:
  const int64_t per_second_;
  const int64_t block_ms_;
  Clock& clock_;
  std::mutex mu_;
  int64_t window_second_ = -1;    // guarded by mu_
  int64_t used_ = 0;              // guarded by mu_
  int64_t blocked_until_ms_ = 0;  // guarded by mu_
};

}  // namespace fg::kit
