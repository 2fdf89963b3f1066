// Message digests and MACs over OpenSSL, for request signatures (NetEase SHA1, Yuntongxun MD5)
// and friendgraph's own signed tokens (HMAC-SHA256). Thread-safe. OpenSSL fails here only when
// it cannot allocate; then these abort, as an unsigned answer is worse than none.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace fg {

enum class DigestAlgorithm { kMd5, kSha1, kSha256 };

// The raw digest (16, 20 or 32 bytes) of the concatenation of `parts`. Taking the pieces as a
// list lets a signature over secret + nonce + time be computed without first copying the secret
// into a temporary string.
std::string Digest(DigestAlgorithm algorithm, std::initializer_list<std::string_view> parts);
// The same digest as lower-case hex.
std::string DigestHex(DigestAlgorithm algorithm, std::initializer_list<std::string_view> parts);

// A digest over data given piece by piece (a file read line by line), readable at any point.
class DigestStream {
 public:
  explicit DigestStream(DigestAlgorithm algorithm);
  ~DigestStream();
  DigestStream(const DigestStream&) = delete;
  DigestStream& operator=(const DigestStream&) = delete;

  void Update(std::string_view data);
  // The lower-case hex digest of everything given so far; more may be given afterwards.
  std::string HexSoFar() const;

 private:
  struct Impl;
  Impl* impl_;
};

// HMAC-SHA256 (RFC 2104): 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view message);

// True when a and b are the same bytes. The time taken depends on the lengths only, never on
// where the first difference is; use it for every comparison against a secret or a MAC.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace fg
