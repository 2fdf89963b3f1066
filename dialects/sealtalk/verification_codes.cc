#include "dialects/sealtalk/verification_codes.h"

#include <sodium.h>

#include <cstdio>

#include "base/digest.h"

namespace fg::sealtalk {
namespace {

std::string NewCode() {
  char text[8];
  std::snprintf(text, sizeof text, "%06u", randombytes_uniform(1'000'000));
  return text;
}

// A random (version 4) UUID, the shape the peer's verification tokens have.
std::string NewUuid() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return text;
}

}  // namespace

template <typename Map, typename Expired>
void VerificationCodes::Prune(Map& map, Expired expired) {
  for (auto it = map.begin(); it != map.end();) {
    it = expired(it->second) ? map.erase(it) : std::next(it);
  }
}

VerificationCodes::SendResult VerificationCodes::Send(const std::string& phone, std::string* code) {
  int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  auto it = codes_.find(phone);
  if (it != codes_.end() && (now - it->second.sent_ms < kResendMs || Locked(it->second, now))) {
    return SendResult::kTooSoon;
  }
  if (it == codes_.end() && codes_.size() >= max_entries_) {
    Prune(codes_, [now](const Code& c) {
      return now - c.sent_ms >= kValidMs && now - c.window_ms >= kHourMs;
    });
    if (codes_.size() >= max_entries_) return SendResult::kFull;
  }
  Code& entry = codes_[phone];
  if (now - entry.window_ms >= kHourMs) {
    entry.window_ms = now;
    entry.wrong = 0;
  }
  entry.code = dev_code_.empty() ? NewCode() : dev_code_;
  entry.sent_ms = now;
  entry.tries = 0;
  entry.used = false;
  *code = entry.code;
  return SendResult::kSent;
}

void VerificationCodes::Discard(const std::string& phone) {
  std::lock_guard lock(mu_);
  auto it = codes_.find(phone);
  if (it == codes_.end()) return;
  it->second.used = true;
  it->second.sent_ms = 0;  // no minute to wait
}

VerificationCodes::CheckResult VerificationCodes::Check(const std::string& phone,
                                                        std::string_view code, std::string* token) {
  int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  auto it = codes_.find(phone);
  if (it == codes_.end()) return CheckResult::kUnknown;
  Code& entry = it->second;
  if (entry.used || entry.tries >= kMaxTries || now - entry.sent_ms >= kValidMs ||
      Locked(entry, now)) {
    return CheckResult::kExpired;
  }
  if (!ConstantTimeEquals(entry.code, code)) {
    ++entry.tries;
    ++entry.wrong;
    return CheckResult::kWrong;
  }
  if (tokens_.size() >= max_entries_) {
    Prune(tokens_, [now](const Token& t) { return now - t.issued_ms >= kValidMs; });
    if (tokens_.size() >= max_entries_) return CheckResult::kFull;
  }
  entry.used = true;
  *token = NewUuid();
  tokens_[*token] = Token{phone, now};
  return CheckResult::kOk;
}

std::optional<std::string> VerificationCodes::TakeToken(const std::string& token) {
  int64_t now = clock_.NowMs();
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  Token t = std::move(it->second);
  tokens_.erase(it);
  if (now - t.issued_ms >= kValidMs) return std::nullopt;
  return std::move(t.phone);
}

}  // namespace fg::sealtalk
