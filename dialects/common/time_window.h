// The timestamp check of signed requests (NetEase CurTime, Yuntongxun timestamp, …).
#pragma once

#include <cstdint>

namespace fg::kit {

// True when `presented` is at most `window` away from `now`, either side (all three in one unit,
// e.g. seconds or milliseconds). Exact for every int64_t value: a hostile timestamp such as
// INT64_MIN or INT64_MAX cannot overflow the comparison into a pass. A negative window accepts
// nothing. Pure, thread-safe.
constexpr bool WithinWindow(int64_t presented, int64_t now, int64_t window) {
  if (window < 0) return false;
  // The distance between two int64_t values always fits in uint64_t, and unsigned arithmetic
  // wraps instead of overflowing.
  uint64_t distance = presented >= now
                          ? static_cast<uint64_t>(presented) - static_cast<uint64_t>(now)
                          : static_cast<uint64_t>(now) - static_cast<uint64_t>(presented);
  return distance <= static_cast<uint64_t>(window);
}

}  // namespace fg::kit
