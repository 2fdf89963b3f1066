#include "dialects/common/signed_token.h"

#include <cassert>

#include "base/digest.h"
#include "base/encoding.h"

namespace fg::kit {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderBytes = 1 + 8 + 8 + 8;
constexpr size_t kMacBytes = 32;
constexpr size_t kMaxBytes = kHeaderBytes + TokenSigner::kMaxSubjectBytes + kMacBytes;
// Unpadded Base64 of kMaxBytes.
constexpr size_t kMaxTokenChars = (kMaxBytes * 4 + 2) / 3;

void PutInt64(std::string& out, int64_t value) {
  auto u = static_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift & 0xFF));
}

int64_t GetInt64(std::string_view in) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = u << 8 | static_cast<unsigned char>(in[i]);
  return static_cast<int64_t>(u);
}

}  // namespace

std::string_view TokenErrorName(TokenError error) {
  switch (error) {
    case TokenError::kNone:
      return "ok";
    case TokenError::kMalformed:
      return "malformed";
    case TokenError::kBadSignature:
      return "bad signature";
    case TokenError::kWrongApp:
      return "wrong app";
    case TokenError::kExpired:
      return "expired";
  }
  return "unknown";
}

TokenSigner::TokenSigner(std::string_view installation_secret, std::string_view purpose,
                         Clock& clock)
    : key_(HmacSha256(installation_secret, "friendgraph token v1 " + std::string(purpose))),
      clock_(clock) {
  assert(installation_secret.size() >= kMinSecretBytes);
}

std::string TokenSigner::Issue(const TokenClaims& claims) const {
  assert(claims.subject.size() <= kMaxSubjectBytes);
  std::string bytes;
  bytes.reserve(kHeaderBytes + claims.subject.size() + kMacBytes);
  bytes.push_back(static_cast<char>(kVersion));
  PutInt64(bytes, claims.app);
  PutInt64(bytes, claims.expires_at_ms);
  PutInt64(bytes, claims.epoch);
  bytes += claims.subject;
  bytes += HmacSha256(key_, bytes);
  return Base64Encode(bytes, Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded);
}

TokenVerification TokenSigner::Verify(std::string_view token, AppId app) const {
  TokenVerification result;
  if (token.size() > kMaxTokenChars) {
    result.error = TokenError::kMalformed;
    return result;
  }
  // The decoder is canonical, so every altered character changes the bytes (or fails here).
  auto bytes = Base64Decode(token, Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded);
  if (!bytes || bytes->size() < kHeaderBytes + kMacBytes ||
      static_cast<uint8_t>((*bytes)[0]) != kVersion) {
    result.error = TokenError::kMalformed;
    return result;
  }
  std::string_view signed_part = std::string_view(*bytes).substr(0, bytes->size() - kMacBytes);
  std::string_view mac = std::string_view(*bytes).substr(signed_part.size());
  if (!ConstantTimeEquals(HmacSha256(key_, signed_part), mac)) {
    result.error = TokenError::kBadSignature;
    return result;
  }
  result.claims.app = GetInt64(signed_part.substr(1));
  result.claims.expires_at_ms = GetInt64(signed_part.substr(9));
  result.claims.epoch = GetInt64(signed_part.substr(17));
  result.claims.subject = std::string(signed_part.substr(kHeaderBytes));
  if (result.claims.app != app) {
    result.error = TokenError::kWrongApp;
  } else if (clock_.NowMs() >= result.claims.expires_at_ms) {
    result.error = TokenError::kExpired;
  }
  return result;
}

}  // namespace fg::kit
