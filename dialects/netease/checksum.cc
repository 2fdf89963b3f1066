#include "dialects/netease/checksum.h"

#include "base/digest.h"

namespace fg::netease {

std::string ComputeCheckSum(std::string_view app_secret, std::string_view nonce,
                            std::string_view cur_time) {
  return DigestHex(DigestAlgorithm::kSha1, {app_secret, nonce, cur_time});
}

bool CheckSumMatches(std::string_view presented, std::string_view app_secret,
                     std::string_view nonce, std::string_view cur_time) {
  std::string expected = ComputeCheckSum(app_secret, nonce, cur_time);
  if (presented.size() != expected.size()) return false;
  // The vendor's SDKs send either case; lower-case it before the constant-time comparison.
  std::string lowered(presented);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return ConstantTimeEquals(lowered, expected);
}

}  // namespace fg::netease
