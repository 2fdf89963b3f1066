// SealTalk's SMS verification codes, in memory (one node's: a code sent through one node is
// checked on the same node; docs/sealtalk.md says so).
//
// A code is 6 digits, one per phone per minute, valid 10 minutes, void after 5 wrong tries, used
// once. Wrong tries also count per phone across codes: after 10 in an hour the phone gets no
// code and no check for the rest of that hour, so that resending cannot buy endless guesses. A
// right code yields a verification token (a random UUID, as the peer's apps expect), valid 10
// minutes and taken once by register or reset_password. Memory is bounded: past `max_entries` codes
// (or tokens), expired ones are dropped, and if none has expired the new one is refused (kFull): a
// flood of phones cannot grow the server. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"

namespace fg::sealtalk {

class VerificationCodes {
 public:
  static constexpr int64_t kResendMs = 60'000;
  static constexpr int64_t kValidMs = 10 * 60'000;
  static constexpr int kMaxTries = 5;
  static constexpr int kMaxWrongPerHour = 10;
  static constexpr int64_t kHourMs = 3'600'000;

  // `dev_code`: if non-empty, every code is this one. `clock` must outlive this.
  VerificationCodes(Clock& clock, std::string dev_code, size_t max_entries = 100'000)
      : clock_(clock), dev_code_(std::move(dev_code)), max_entries_(max_entries) {}

  enum class SendResult { kSent, kTooSoon, kFull };
  // A new code for `phone` (region and number, e.g. "86/13800000000") in `code`, unless one was
  // sent less than a minute ago or the phone is locked (kTooSoon).
  SendResult Send(const std::string& phone, std::string* code);
  // Forgets the code just sent (it could not be delivered), so that no one can guess it and the
  // next Send is not held back a minute.
  void Discard(const std::string& phone);

  enum class CheckResult { kOk, kWrong, kExpired, kUnknown, kFull };
  // Checks `code`; kOk puts a new verification token in `token` and uses the code up. kExpired
  // also for a code voided by too many wrong tries; kUnknown when no code was sent.
  CheckResult Check(const std::string& phone, std::string_view code, std::string* token);

  // The phone a verification token was issued for, taking the token (it works once); nullopt
  // if it is unknown, used or expired.
  std::optional<std::string> TakeToken(const std::string& token);

 private:
  struct Code {
    std::string code;
    int64_t sent_ms = 0;
    int tries = 0;
    bool used = false;
    int64_t window_ms = 0;  // when the hour of wrong tries began
    int wrong = 0;          // wrong tries in that hour, across codes
  };
  // Whether the phone used up its wrong tries for the hour. REQUIRES: mu_ held.
  static bool Locked(const Code& c, int64_t now) {
    return c.wrong >= kMaxWrongPerHour && now - c.window_ms < kHourMs;
  }
  struct Token {
    std::string phone;
    int64_t issued_ms = 0;
  };
  template <typename Map, typename Expired>
  static void Prune(Map& map, Expired expired);

  Clock& clock_;
  const std::string dev_code_;
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Code> codes_;    // by phone; guarded by mu_
  std::unordered_map<std::string, Token> tokens_;  // guarded by mu_
};

}  // namespace fg::sealtalk
