// friendgraph's one signed-token scheme (DESIGN.md §2b): Easemob app and user tokens, SealTalk
// login cookies. A token carries its app, subject, expiry and the subject's revocation epoch,
// signed with HMAC-SHA256, and is checked without a database read.
//
// Format (version 1): URL-safe Base64 without padding of
//   version (1 byte, = 1) | app (8 bytes) | expires_at_ms (8) | epoch (8) | subject (0-255)
//   | MAC (32)
// integers big-endian, MAC = HMAC-SHA256(key, every byte before it). The key is
// HMAC-SHA256(installation secret, "friendgraph token v1 " + purpose): one per purpose, so a
// token issued for one purpose (say, an app token) never verifies as another (a login cookie),
// and none is ever the installation secret itself.
//
// Tokens are bearer credentials: never write one to a log, a metric label or an error message
// (log the subject and app from the claims instead). The installation secret and derived keys
// likewise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/model.h"

namespace fg::kit {

struct TokenClaims {
  AppId app = 0;
  // Who the token speaks for: a user's account, or "" for an app token. At most
  // TokenSigner::kMaxSubjectBytes bytes.
  std::string subject;
  int64_t expires_at_ms = 0;  // valid while the clock reads less than this
  // The subject's revocation epoch when the token was issued. Verify does not know the current
  // one (that needs the store): the caller compares, and refuses a token from an older epoch.
  int64_t epoch = 0;
};

enum class TokenError {
  kNone,
  kMalformed,     // not a token of this scheme: bad Base64, wrong length, unknown version
  kBadSignature,  // a token, but not signed with this key: forged, altered, other purpose
  kWrongApp,      // genuine, but for another app
  kExpired,       // genuine, for this app, past its expiry
};
std::string_view TokenErrorName(TokenError error);

struct TokenVerification {
  TokenError error = TokenError::kNone;
  // Filled once the signature verified (ok(), kWrongApp, kExpired), e.g. to log whose token
  // expired; empty otherwise.
  TokenClaims claims;
  bool ok() const { return error == TokenError::kNone; }
};

// Issues and verifies the tokens of one purpose. Immutable after construction: thread-safe.
class TokenSigner {
 public:
  static constexpr size_t kMaxSubjectBytes = 255;
  static constexpr size_t kMinSecretBytes = 16;

  // REQUIRES: installation_secret has at least kMinSecretBytes random bytes; purpose is a fixed
  // label such as "easemob-app". `clock` must outlive the signer.
  TokenSigner(std::string_view installation_secret, std::string_view purpose, Clock& clock);

  // The token for `claims`. REQUIRES: claims.subject.size() <= kMaxSubjectBytes.
  std::string Issue(const TokenClaims& claims) const;

  // Checks `token` for a call on `app`: the MAC (in constant time) first, so that nothing about
  // a forged token is read; then the app; then the expiry against the clock. ok() with the claims,
  // or the first reason it fails. Any input is safe: a long one is refused by its length alone.
  TokenVerification Verify(std::string_view token, AppId app) const;

 private:
  std::string key_;
  Clock& clock_;
};

}  // namespace fg::kit
