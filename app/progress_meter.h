// An import's progress on a stream (stderr): on a terminal, one line redrawn in place with a bar,
// the rows, the rate and the time left; otherwise (a log, a pipe) a plain line every few seconds.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "app/graph_transfer.h"

namespace fg {

class ProgressMeter {
 public:
  // `terminal`: redraw in place (isatty of the stream's descriptor).
  ProgressMeter(std::FILE* out, bool terminal);

  // Shows `p` if enough time has passed since the last line shown (0.2 s on a terminal, 5 s
  // otherwise).
  void Update(const ImportProgress& p);
  // Shows `p` whatever the time, and ends the line.
  void Finish(const ImportProgress& p);

  // The text shown for `p`, `seconds` after the start: for tests.
  static std::string Render(const ImportProgress& p, double seconds, bool terminal);

 private:
  void Show(const ImportProgress& p, bool final);
  double Seconds() const;

  std::FILE* out_;
  bool terminal_;
  int64_t start_ns_;
  double last_shown_ = -1;
};

}  // namespace fg
