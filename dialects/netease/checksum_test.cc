#include "dialects/netease/checksum.h"

#include <gtest/gtest.h>

namespace fg::netease {
namespace {

TEST(CheckSumTest, IsSha1HexOfSecretNonceAndTime) {
  // sha1("secret" "nonce" "1443592222"), computed independently with sha1sum.
  EXPECT_EQ(ComputeCheckSum("secret", "nonce", "1443592222"),
            "6c44195b0140d787ed24095408dfdc9ea9d83ccf");
}

TEST(CheckSumTest, MatchesEitherCaseAndNothingElse) {
  std::string sum = ComputeCheckSum("s", "n", "1");
  std::string upper = sum;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_TRUE(CheckSumMatches(sum, "s", "n", "1"));
  EXPECT_TRUE(CheckSumMatches(upper, "s", "n", "1"));
  EXPECT_FALSE(CheckSumMatches(sum, "s", "n", "2"));
  EXPECT_FALSE(CheckSumMatches(sum.substr(1), "s", "n", "1"));
  EXPECT_FALSE(CheckSumMatches("", "s", "n", "1"));
}

}  // namespace
}  // namespace fg::netease
