// A clock that stands still unless a test moves it: for unit tests and the fuzz driver, which
// must not depend on the wall clock.
#pragma once

#include <atomic>
#include <cstdint>

#include "base/clock.h"

namespace fg::testing {

// Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000) : now_ms_(now_ms) {}
  int64_t NowMs() override { return now_ms_.load(); }
  void Set(int64_t now_ms) { now_ms_ = now_ms; }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace fg::testing
