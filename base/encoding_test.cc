#include "base/encoding.h"

#include <gtest/gtest.h>

namespace fg {
namespace {

constexpr auto kStd = Base64Alphabet::kStandard;
constexpr auto kUrl = Base64Alphabet::kUrlSafe;
constexpr auto kPad = Base64Padding::kPadded;
constexpr auto kNoPad = Base64Padding::kUnpadded;

TEST(PercentEncodeUnprintableTest, KeepsPrintableAsciiAndEncodesTheRest) {
  EXPECT_EQ(PercentEncodeUnprintable("/nimserver/a.action"), "/nimserver/a.action");
  EXPECT_EQ(PercentEncodeUnprintable(std::string("a b\"c\\\x01\xff", 8)), "a%20b%22c%5C%01%FF");
  EXPECT_EQ(PercentEncodeUnprintable(""), "");
}

TEST(AsciiLowerCaseTest, LowersAsciiLettersOnly) {
  EXPECT_EQ(AsciiLowerCase("AbC-09_Z\xc3\x84"), "abc-09_z\xc3\x84");  // UTF-8 bytes as they are
  EXPECT_EQ(AsciiLowerCase(""), "");
}

TEST(HexTest, EncodesBothCasesAndDecodesEither) {
  EXPECT_EQ(HexEncode(std::string("\x00\x1f\xa0\xff", 4)), "001fa0ff");
  EXPECT_EQ(HexEncodeUpper(std::string("\x00\x1f\xa0\xff", 4)), "001FA0FF");
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexDecode("001fA0Ff"), std::string("\x00\x1f\xa0\xff", 4));
  EXPECT_EQ(HexDecode(""), "");
}

TEST(HexTest, DecodeRejectsJunk) {
  for (const char* junk : {"0", "abc", "0g", "g0", " 00", "00 ", "0x00", "+1"}) {
    EXPECT_FALSE(HexDecode(junk).has_value()) << junk;
  }
}

// RFC 4648 §10.
TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain, kStd, kPad), encoded);
    EXPECT_EQ(Base64Decode(encoded, kStd, kPad), plain);
    std::string unpadded(encoded);
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    EXPECT_EQ(Base64Encode(plain, kUrl, kNoPad), unpadded);
    EXPECT_EQ(Base64Decode(unpadded, kUrl, kNoPad), plain);
  }
}

TEST(Base64Test, AlphabetsDifferOnlyInTheLastTwoDigits) {
  std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64Encode(bytes, kStd, kPad), "+/+/");
  EXPECT_EQ(Base64Encode(bytes, kUrl, kPad), "-_-_");
  EXPECT_EQ(Base64Decode("+/+/", kStd, kPad), bytes);
  EXPECT_EQ(Base64Decode("-_-_", kUrl, kPad), bytes);
  EXPECT_FALSE(Base64Decode("-_-_", kStd, kPad).has_value());
  EXPECT_FALSE(Base64Decode("+/+/", kUrl, kPad).has_value());
}

TEST(Base64Test, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    for (auto alphabet : {kStd, kUrl}) {
      for (auto padding : {kPad, kNoPad}) {
        EXPECT_EQ(Base64Decode(Base64Encode(bytes, alphabet, padding), alphabet, padding), bytes);
      }
    }
    bytes.push_back(static_cast<char>(i * 7));
  }
}

TEST(Base64Test, DecodeRejectsJunk) {
  const char* padded_junk[] = {
      "Zg",        // padding missing
      "Zg=",       // padding short
      "Zg===",     // too much
      "Z===",      // one digit cannot be a byte
      "Zm=v",      // '=' in the middle
      "Zg==Zg==",  // padding then more
      "Zh==",      // unused bits set: would also decode to "f"
      "Zm9=",      // likewise for "fo"
      "Zm9v\n",    // whitespace
      " Zm9v",     //
      "Zm9v-A==",  // a URL-safe digit
      "Zm\x80v",   // a non-ASCII byte
  };
  for (const char* junk : padded_junk) {
    EXPECT_FALSE(Base64Decode(junk, kStd, kPad).has_value()) << junk;
  }
  for (const char* junk : {"Zg==", "Z", "Zh", "Zm9", "Zm9v+A", "Zm 9v"}) {
    EXPECT_FALSE(Base64Decode(junk, kUrl, kNoPad).has_value()) << junk;
  }
}

}  // namespace
}  // namespace fg
