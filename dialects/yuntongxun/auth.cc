#include "dialects/yuntongxun/auth.h"

#include <algorithm>

#include "base/digest.h"
#include "base/encoding.h"

namespace fg::yuntongxun {
namespace {

constexpr size_t kTimestampDigits = 14;

// The strict decoders accept a text in at most one padding form, and the two alphabets agree on
// every character they share, so the first form that decodes gives the only possible bytes.
std::optional<std::string> DecodeAnyBase64(std::string_view text) {
  for (Base64Alphabet alphabet : {Base64Alphabet::kStandard, Base64Alphabet::kUrlSafe}) {
    for (Base64Padding padding : {Base64Padding::kPadded, Base64Padding::kUnpadded}) {
      if (std::optional<std::string> bytes = Base64Decode(text, alphabet, padding)) return bytes;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Authorization> ParseAuthorization(std::string_view header) {
  std::optional<std::string> decoded = DecodeAnyBase64(header);
  if (!decoded) return std::nullopt;
  const std::string_view text = *decoded;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view timestamp = text.substr(colon + 1);
  if (timestamp.size() != kTimestampDigits ||
      !std::all_of(timestamp.begin(), timestamp.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return Authorization{std::string(text.substr(0, colon)), std::string(timestamp)};
}

std::string ComputeSig(std::string_view app_id, std::string_view app_token,
                       std::string_view timestamp) {
  return HexEncodeUpper(Digest(DigestAlgorithm::kMd5, {app_id, app_token, timestamp}));
}

bool SigMatches(std::string_view presented, std::string_view app_id, std::string_view app_token,
                std::string_view timestamp) {
  const std::string expected = ComputeSig(app_id, app_token, timestamp);
  if (presented.size() != expected.size()) return false;
  // SDKs differ in the case of the hex digits; upper-case it before the constant-time comparison.
  std::string upper(presented);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return ConstantTimeEquals(upper, expected);
}

}  // namespace fg::yuntongxun
