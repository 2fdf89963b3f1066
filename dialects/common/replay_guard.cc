#include "dialects/common/replay_guard.h"

#include <cassert>
#include <limits>

#include "dialects/common/time_window.h"

namespace fg::kit {

ReplayGuard::ReplayGuard(int64_t window_ms, size_t max_entries)
    : window_ms_(window_ms), max_entries_(max_entries) {
  assert(window_ms >= 0 && max_entries >= 1);
}

ReplayGuard::Verdict ReplayGuard::Check(std::string_view nonce, int64_t presented_ms,
                                        int64_t now_ms) {
  std::lock_guard lock(mu_);
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now_ms) {
    live_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  if (!WithinWindow(presented_ms, now_ms, window_ms_)) return Verdict::kOutsideWindow;
  // The request passes the window until presented + window; saturate so that a presented time
  // near INT64_MAX (with now as large) cannot wrap to the past.
  int64_t expiry = presented_ms > std::numeric_limits<int64_t>::max() - window_ms_
                       ? std::numeric_limits<int64_t>::max()
                       : presented_ms + window_ms_;
  if (live_.contains(nonce)) return Verdict::kReplayed;
  if (live_.size() >= max_entries_) return Verdict::kFull;
  auto it = by_expiry_.emplace(expiry, nonce);
  live_.insert(it->second);
  return Verdict::kFresh;
}

size_t ReplayGuard::size() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

}  // namespace fg::kit
