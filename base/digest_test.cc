#include "base/digest.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace fg {
namespace {

TEST(DigestTest, Md5Rfc1321Vectors) {
  EXPECT_EQ(DigestHex(DigestAlgorithm::kMd5, {""}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(DigestHex(DigestAlgorithm::kMd5, {"abc"}), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(DigestHex(DigestAlgorithm::kMd5, {"message digest"}),
            "f96b697d7cb7938d525a2f31aaf161d0");
}

TEST(DigestTest, StreamReadsTheDigestOfWhatItWasGivenSoFar) {
  DigestStream stream(DigestAlgorithm::kSha256);
  EXPECT_EQ(stream.HexSoFar(), DigestHex(DigestAlgorithm::kSha256, {""}));
  stream.Update("a");
  stream.Update("bc");
  EXPECT_EQ(stream.HexSoFar(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  stream.Update("d");
  EXPECT_EQ(stream.HexSoFar(), DigestHex(DigestAlgorithm::kSha256, {"abcd"}));
}

TEST(DigestTest, Sha1Rfc3174Vectors) {
  EXPECT_EQ(DigestHex(DigestAlgorithm::kSha1, {"abc"}), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(DigestHex(DigestAlgorithm::kSha1,
                      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"}),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(DigestTest, Sha256Fips180Vectors) {
  EXPECT_EQ(DigestHex(DigestAlgorithm::kSha256, {""}),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(DigestHex(DigestAlgorithm::kSha256, {"abc"}),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, PartsAreConcatenated) {
  EXPECT_EQ(Digest(DigestAlgorithm::kSha1, {"ab", "", "c"}),
            Digest(DigestAlgorithm::kSha1, {"abc"}));
  EXPECT_EQ(Digest(DigestAlgorithm::kSha256, {"abc"}).size(), 32u);
  EXPECT_EQ(Digest(DigestAlgorithm::kMd5, {"abc"}).size(), 16u);
}

// RFC 4231 §4.2, §4.3 and §4.7.
TEST(HmacSha256Test, Rfc4231Vectors) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, EmptyKeyAndMessage) {
  // openssl dgst -sha256 -hmac "" </dev/null
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ConstantTimeEqualsTest, ComparesBytesAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

}  // namespace
}  // namespace fg
