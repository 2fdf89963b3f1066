#include "dialects/common/password.h"

#include <sodium.h>

#include <cstdlib>

namespace fg::kit {
namespace {

// sodium_init is idempotent and thread-safe; it fails only when the system has no entropy
// source, and then no salt can be trusted.
void InitSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  InitSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kPasswordOpsLimit,
                            kPasswordMemLimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(Code::kInternal, "password hashing failed (out of memory)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  InitSodium();
  // crypto_pwhash_str_verify reads a NUL-terminated string of at most STRBYTES.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void VerifyNoPassword(std::string_view password) {
  // A real hash of a random password, made once: verifying against it costs what a real check
  // costs and never succeeds (the password is unknown to anyone).
  static const std::string dummy = [] {
    char random[16];
    randombytes_buf(random, sizeof random);
    auto hash = HashPassword(std::string_view(random, sizeof random));
    return hash.ok() ? hash.value() : std::string();
  }();
  (void)VerifyPassword(dummy, password);
}

bool AttemptThrottle::Locked(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return false;
  int64_t now = clock_.NowMs();
  if (it->second.locked_until_ms > now) return true;
  if (it->second.locked_until_ms != 0) entries_.erase(it);  // the lock is over: start again
  return false;
}

bool AttemptThrottle::Failed(std::string_view key) {
  std::lock_guard lock(mu_);
  int64_t now = clock_.NowMs();
  std::string k(key);
  if (entries_.find(k) == entries_.end() && entries_.size() >= max_keys_) MakeRoom(now);
  Entry& e = entries_[k];
  if (e.locked_until_ms != 0 && e.locked_until_ms <= now) e = Entry{};
  if (++e.failures < max_failures_) return false;
  e.locked_until_ms = now + lock_ms_;
  return true;
}

void AttemptThrottle::Succeeded(std::string_view key) {
  std::lock_guard lock(mu_);
  entries_.erase(std::string(key));
}

void AttemptThrottle::MakeRoom(int64_t now_ms) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->second.locked_until_ms <= now_ms ? entries_.erase(it) : std::next(it);
  }
  // Every key is locked: forget one rather than grow.
  if (entries_.size() >= max_keys_) entries_.erase(entries_.begin());
}

}  // namespace fg::kit
