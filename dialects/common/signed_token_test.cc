#include "dialects/common/signed_token.h"

#include <gtest/gtest.h>

#include <string>

#include "base/encoding.h"
#include "tests/support/test_env.h"

namespace fg::kit {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

class SignedTokenTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_{1'700'000'000'000};
  TokenSigner signer_{kSecret, "easemob-user", clock_};

  TokenClaims Claims(std::string subject = "alice") {
    return {.app = 7,
            .subject = std::move(subject),
            .expires_at_ms = clock_.NowMs() + 60'000,
            .epoch = 3};
  }
};

TEST_F(SignedTokenTest, RoundTrip) {
  std::string token = signer_.Issue(Claims());
  TokenVerification v = signer_.Verify(token, 7);
  ASSERT_TRUE(v.ok()) << TokenErrorName(v.error);
  EXPECT_EQ(v.claims.app, 7);
  EXPECT_EQ(v.claims.subject, "alice");
  EXPECT_EQ(v.claims.expires_at_ms, clock_.NowMs() + 60'000);
  EXPECT_EQ(v.claims.epoch, 3);
  // URL-safe: fits a header, a cookie or a query string as it is.
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST_F(SignedTokenTest, SubjectsOfEveryLengthAndExtremeValues) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, TokenSigner::kMaxSubjectBytes}) {
    TokenClaims claims = Claims(std::string(n, '\xE4'));
    claims.app = INT64_MIN;
    claims.epoch = INT64_MAX;
    claims.expires_at_ms = INT64_MAX;
    TokenVerification v = signer_.Verify(signer_.Issue(claims), INT64_MIN);
    ASSERT_TRUE(v.ok()) << n << ": " << TokenErrorName(v.error);
    EXPECT_EQ(v.claims.subject, claims.subject);
    EXPECT_EQ(v.claims.epoch, INT64_MAX);
  }
}

TEST_F(SignedTokenTest, AnyAlteredCharacterIsRejected) {
  const std::string token = signer_.Issue(Claims());
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : alphabet) {
      if (c == token[i]) continue;
      std::string altered = token;
      altered[i] = c;
      TokenVerification v = signer_.Verify(altered, 7);
      ASSERT_FALSE(v.ok()) << "position " << i << " -> " << c;
      ASSERT_TRUE(v.error == TokenError::kBadSignature || v.error == TokenError::kMalformed);
    }
  }
}

TEST_F(SignedTokenTest, AnyAlteredByteIsABadSignature) {
  const std::string token = signer_.Issue(Claims());
  auto bytes = *Base64Decode(token, Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded);
  for (size_t i = 1; i < bytes.size(); ++i) {  // byte 0 is the version: malformed, tested below
    for (int bit = 0; bit < 8; ++bit) {
      std::string altered = bytes;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      EXPECT_EQ(
          signer_
              .Verify(Base64Encode(altered, Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded), 7)
              .error,
          TokenError::kBadSignature)
          << i << ":" << bit;
    }
  }
  // Cut short or lengthened, the MAC no longer sits where it was.
  for (std::string altered : {bytes.substr(0, bytes.size() - 1), bytes + "x"}) {
    EXPECT_EQ(
        signer_.Verify(Base64Encode(altered, Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded), 7)
            .error,
        TokenError::kBadSignature);
  }
  bytes[0] = 2;
  EXPECT_EQ(
      signer_.Verify(Base64Encode(bytes, Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded), 7)
          .error,
      TokenError::kMalformed);
}

TEST_F(SignedTokenTest, Expired) {
  std::string token = signer_.Issue(Claims());
  clock_.Advance(59'999);
  EXPECT_TRUE(signer_.Verify(token, 7).ok());
  clock_.Advance(1);
  TokenVerification v = signer_.Verify(token, 7);
  EXPECT_EQ(v.error, TokenError::kExpired);
  EXPECT_EQ(v.claims.subject, "alice");  // genuine, so the caller may log whose it was
}

TEST_F(SignedTokenTest, WrongApp) {
  std::string token = signer_.Issue(Claims());
  EXPECT_EQ(signer_.Verify(token, 8).error, TokenError::kWrongApp);
  // Even once expired, a token for another app says so first.
  clock_.Advance(3'600'000);
  EXPECT_EQ(signer_.Verify(token, 8).error, TokenError::kWrongApp);
}

TEST_F(SignedTokenTest, WrongKeyOrPurpose) {
  std::string token = signer_.Issue(Claims());
  TokenSigner other_secret("fedcba9876543210fedcba9876543210", "easemob-user", clock_);
  TokenSigner other_purpose(kSecret, "easemob-app", clock_);
  EXPECT_EQ(other_secret.Verify(token, 7).error, TokenError::kBadSignature);
  EXPECT_EQ(other_purpose.Verify(token, 7).error, TokenError::kBadSignature);
  // The same inputs give the same key: tokens survive a restart and work on every node.
  TokenSigner same(kSecret, "easemob-user", clock_);
  EXPECT_TRUE(same.Verify(token, 7).ok());
}

TEST_F(SignedTokenTest, GarbageAndHugeInput) {
  std::string token = signer_.Issue(Claims());
  for (std::string garbage :
       {std::string(), std::string("a"), std::string("Bearer ") + token, token + "=", token + " ",
        std::string(token.size(), 'A'), std::string("%%%%"), std::string("\0\0\0\0", 4),
        std::string(1 << 20, 'A'), std::string(100'000, '\xFF')}) {
    TokenVerification v = signer_.Verify(garbage, 7);
    EXPECT_FALSE(v.ok());
    EXPECT_TRUE(v.error == TokenError::kMalformed || v.error == TokenError::kBadSignature)
        << TokenErrorName(v.error);
  }
  // The longest genuine token is accepted; one more character is not even decoded.
  std::string longest = signer_.Issue(Claims(std::string(TokenSigner::kMaxSubjectBytes, 'x')));
  EXPECT_TRUE(signer_.Verify(longest, 7).ok());
  EXPECT_EQ(signer_.Verify(longest + "A", 7).error, TokenError::kMalformed);
}

}  // namespace
}  // namespace fg::kit
