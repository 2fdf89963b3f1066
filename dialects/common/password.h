// Passwords (DESIGN.md §2b): argon2id through libsodium, each hash with its own random salt, in
// libsodium's self-describing string form ("$argon2id$v=19$m=19456,t=2,p=1$…"), and a throttle
// on failed attempts.
//
// Hashing costs OWASP's minimum for argon2id (2024): 19 MiB of memory, 2 passes, 1 lane: tens
// of milliseconds of one core. Call HashPassword and VerifyPassword on a blocking executor
// (DialectEnv::blocking), never on an HTTP thread. Never log a password or a hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/status.h"

namespace fg::kit {

// OWASP's argon2id parameters: t = 2, m = 19 MiB.
inline constexpr uint64_t kPasswordOpsLimit = 2;
inline constexpr size_t kPasswordMemLimit = 19 * 1024 * 1024;

// The hash of `password`, salted. kInternal when libsodium cannot run (it cannot allocate the
// memory). Thread-safe.
Result<std::string> HashPassword(std::string_view password);

// True when `password` matches `hash` (as HashPassword made it), compared in constant time.
// False for a wrong password and for anything that is not such a hash (e.g. "" for a user with
// no password). Thread-safe.
bool VerifyPassword(std::string_view hash, std::string_view password);

// Takes the same time as VerifyPassword on a real hash, and fails: run it when the user does not
// exist, so that the answer's timing does not tell which accounts exist.
void VerifyNoPassword(std::string_view password);

// Counts failed attempts per key (e.g. app id + "/" + account): after `max_failures` failures in
// a row the key is refused for `lock_ms`, after which it starts again from zero. A success
// clears the key. Memory is bounded: at most `max_keys` keys are tracked; when full, keys whose
// lock is over or that are not locked are forgotten first (an attacker who could fill it has
// paid for max_keys hashes). Thread-safe.
class AttemptThrottle {
 public:
  // `clock` must outlive the throttle.
  AttemptThrottle(int max_failures, int64_t lock_ms, size_t max_keys, Clock& clock)
      : max_failures_(max_failures), lock_ms_(lock_ms), max_keys_(max_keys), clock_(clock) {}

  // True while `key` is locked: refuse the attempt without checking the password.
  bool Locked(std::string_view key);
  // Records a failed attempt; true if this one locked the key.
  bool Failed(std::string_view key);
  void Succeeded(std::string_view key);

 private:
  struct Entry {
    int failures = 0;
    int64_t locked_until_ms = 0;
  };
  void MakeRoom(int64_t now_ms);  // REQUIRES: mu_ held

  const int max_failures_;
  const int64_t lock_ms_;
  const size_t max_keys_;
  Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace fg::kit
