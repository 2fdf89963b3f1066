// Refuses a signed request whose nonce was already used within the timestamp window, so that a
// captured request cannot be sent again (NetEase's CheckSum covers neither the body nor the
// call, so without this one capture replays any call for the whole window).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace fg::kit {

// One app's nonces. A nonce is remembered for as long as the request that carried it would still
// pass the window (until presented + window), then forgotten, so memory follows the call rate
// over one window. Memory is also capped: when max_entries live nonces are held, new ones are
// refused (kFull) rather than an unexpired one forgotten, since forgetting would reopen the
// replay hole silently, while refusing is visible and ends as entries expire. Only requests whose
// signature verified should reach Check, so only holders of the app's secret can fill it.
//
// Per process: nodes sharing a database do not share nonces (a replay sent to another node in
// the window passes there). A wall clock stepped back by d reopens replays of requests evicted
// in the last d.
//
// Thread-safe.
class ReplayGuard {
 public:
  enum class Verdict {
    kFresh,          // not seen within the window; now recorded: let the call through
    kReplayed,       // seen within the window: refuse
    kOutsideWindow,  // presented is not within the window of now: refuse, nothing recorded
    kFull,           // max_entries live nonces: refuse, nothing recorded
  };

  // REQUIRES: window_ms >= 0, max_entries >= 1. Each entry costs about 200 bytes.
  ReplayGuard(int64_t window_ms, size_t max_entries);
  ReplayGuard(const ReplayGuard&) = delete;
  ReplayGuard& operator=(const ReplayGuard&) = delete;

  // Records `nonce` of a request stamped `presented_ms`, at `now_ms`. Nonces are compared byte
  // for byte; bounding their length is the caller's job (NetEase: 128).
  Verdict Check(std::string_view nonce, int64_t presented_ms, int64_t now_ms);

  // Nonces held now (including any that expired since the last Check), for metrics and tests.
  size_t size() const;

 private:
  const int64_t window_ms_;
  const size_t max_entries_;
  mutable std::mutex mu_;
  // Nonce by the time it may be forgotten; live_ views the strings held here (map nodes do not
  // move), so each nonce is stored once.
  std::multimap<int64_t, std::string> by_expiry_;  // guarded by mu_
  std::unordered_set<std::string_view> live_;      // guarded by mu_
};

}  // namespace fg::kit
