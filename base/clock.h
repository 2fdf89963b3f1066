// Clock: where core/ reads the time. Tests inject a fake one.
#pragma once

#include <cstdint>

namespace fg {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Thread-safe. May go backwards (core/ copes).
  virtual int64_t NowMs() = 0;
  // The process-wide wall clock.
  static Clock* System();
};

}  // namespace fg
