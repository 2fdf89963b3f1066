#include "app/progress_meter.h"

#include <algorithm>
#include <chrono>

namespace fg {
namespace {

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// 1234567 -> "1,234,567".
std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string HoursMinutesSeconds(double seconds) {
  auto s = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return text;
}

}  // namespace

ProgressMeter::ProgressMeter(std::FILE* out, bool terminal)
    : out_(out), terminal_(terminal), start_ns_(MonotonicNs()) {}

double ProgressMeter::Seconds() const { return (MonotonicNs() - start_ns_) / 1e9; }

std::string ProgressMeter::Render(const ImportProgress& p, double seconds, bool terminal) {
  double fraction =
      p.file_bytes > 0 ? std::min(1.0, static_cast<double>(p.bytes_read) / p.file_bytes) : 1.0;
  double rate = seconds > 0 ? p.lines_read / seconds : 0;
  // The time left, at the pace so far (a resumed run skips its first part fast, so its first
  // estimates are low).
  std::string eta = "?";
  if (fraction >= 1.0) {
    eta = HoursMinutesSeconds(0);
  } else if (seconds > 0 && fraction > 0 && p.lines_read > 0) {
    eta = HoursMinutesSeconds(seconds * (1.0 - fraction) / fraction);
  }
  char percent[16];
  std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100));
  if (!terminal) {
    return "import " + std::string(percent) + " lines=" + std::to_string(p.lines_read) +
           " committed=" + std::to_string(p.lines_committed) +
           " lines_per_s=" + std::to_string(static_cast<uint64_t>(rate)) + " eta=" + eta;
  }
  constexpr int kWidth = 30;
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "]";
  return bar + " " + percent + "  " + Grouped(p.lines_read) + " lines  " +
         Grouped(static_cast<uint64_t>(rate)) + " lines/s  ETA " + eta;
}

void ProgressMeter::Update(const ImportProgress& p) {
  double now = Seconds();
  double every = terminal_ ? 0.2 : 5.0;
  if (last_shown_ >= 0 && now - last_shown_ < every) return;
  last_shown_ = now;
  Show(p, false);
}

void ProgressMeter::Finish(const ImportProgress& p) { Show(p, true); }

void ProgressMeter::Show(const ImportProgress& p, bool final) {
  std::string text = Render(p, Seconds(), terminal_);
  if (terminal_) {
    // \033[K clears what a longer line before left behind.
    std::fprintf(out_, "\r%s\033[K%s", text.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

}  // namespace fg
