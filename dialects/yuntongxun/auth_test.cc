#include "dialects/yuntongxun/auth.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace fg::yuntongxun {
namespace {

constexpr char kAppId[] = "20150314000000110000000000000010";
constexpr char kAppToken[] = "e7f9b2c4a1d04e6f8a3b5c7d9e1f2a3b";
constexpr char kTimestamp[] = "20170708121212";

TEST(YuntongxunAuthTest, SigIsUpperCaseMd5OfIdTokenAndTimestamp) {
  // md5(appId + appToken + timestamp), computed independently with Python's hashlib and md5sum.
  EXPECT_EQ(ComputeSig(kAppId, kAppToken, kTimestamp), "068F8E555CEC91585B56CF97D70DA3AC");
}

TEST(YuntongxunAuthTest, SigMatchesEitherCaseAndNothingElse) {
  const std::string sig = ComputeSig(kAppId, kAppToken, kTimestamp);
  std::string lower = sig;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string mixed = sig;
  for (size_t i = 0; i < mixed.size(); i += 2) {
    mixed[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(mixed[i])));
  }
  EXPECT_TRUE(SigMatches(sig, kAppId, kAppToken, kTimestamp));
  EXPECT_TRUE(SigMatches(lower, kAppId, kAppToken, kTimestamp));
  EXPECT_TRUE(SigMatches(mixed, kAppId, kAppToken, kTimestamp));

  EXPECT_FALSE(SigMatches(sig, kAppId, kAppToken, "20170708121213"));
  EXPECT_FALSE(SigMatches(sig, kAppId, "another-token", kTimestamp));
  EXPECT_FALSE(SigMatches(sig, "another-app", kAppToken, kTimestamp));
  EXPECT_FALSE(SigMatches(sig.substr(1), kAppId, kAppToken, kTimestamp));
  EXPECT_FALSE(SigMatches(sig + "0", kAppId, kAppToken, kTimestamp));
  EXPECT_FALSE(SigMatches("", kAppId, kAppToken, kTimestamp));
  std::string flipped = sig;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(SigMatches(flipped, kAppId, kAppToken, kTimestamp));
  // Lower-casing only touches a-f: a 'G' stays what it is.
  std::string foreign = sig;
  foreign[0] = 'G';
  EXPECT_FALSE(SigMatches(foreign, kAppId, kAppToken, kTimestamp));
}

TEST(YuntongxunAuthTest, SigIsTheConcatenationWithoutSeparators) {
  // Moving bytes between the fields keeps the concatenation, so the sig: the vendor's scheme.
  EXPECT_EQ(ComputeSig("ab", "c", "1"), ComputeSig("a", "bc", "1"));
}

TEST(YuntongxunAuthTest, ParsesStandardPaddedHeader) {
  // base64(appId + ":" + timestamp), computed with Python's base64.
  std::optional<Authorization> auth =
      ParseAuthorization("MjAxNTAzMTQwMDAwMDAxMTAwMDAwMDAwMDAwMDAwMTA6MjAxNzA3MDgxMjEyMTI=");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->app_id, kAppId);
  EXPECT_EQ(auth->timestamp, kTimestamp);
}

TEST(YuntongxunAuthTest, AcceptsEachAlphabetAndPadding) {
  // "ab?>:20170708121212" puts '/' (standard) or '_' (URL-safe) in the text, and needs "==".
  for (const char* header : {"YWI/PjoyMDE3MDcwODEyMTIxMg==", "YWI/PjoyMDE3MDcwODEyMTIxMg",
                             "YWI_PjoyMDE3MDcwODEyMTIxMg==", "YWI_PjoyMDE3MDcwODEyMTIxMg"}) {
    std::optional<Authorization> auth = ParseAuthorization(header);
    ASSERT_TRUE(auth) << header;
    EXPECT_EQ(auth->app_id, "ab?>") << header;
    EXPECT_EQ(auth->timestamp, kTimestamp) << header;
  }
}

TEST(YuntongxunAuthTest, SplitsAtTheFirstColon) {
  // "app:id:20170708121212": the app id is "app", so the timestamp is "id:…" and is refused.
  EXPECT_EQ(ParseAuthorization("YXBwOmlkOjIwMTcwNzA4MTIxMjEy"), std::nullopt);
  // "id:20170708121212:1": a trailing field makes the timestamp 16 characters.
  EXPECT_EQ(ParseAuthorization("aWQ6MjAxNzA3MDgxMjEyMTI6MQ=="), std::nullopt);
}

TEST(YuntongxunAuthTest, RefusesMalformedHeaders) {
  for (const char* bad : {
           "",
           "YXBw",                            // "app": no ':'
           "OjIwMTcwNzA4MTIxMjEy",            // ":20170708121212": empty app id
           "YXBwOjIwMTcwNzA4MTIxMjE=",        // "app:2017070812121": 13 digits
           "YXBwOjIwMTctMDctMDggMTI=",        // "app:2017-07-08 12": not digits
           "YToyMDE3MDcwODEyMTIxMg=",         // misplaced padding
           "YToyMDE3MDcwODEyMTIxMg===",       // too much padding
           "Basic YToyMDE3MDcwODEyMTIxMg==",  // a scheme word
           " YToyMDE3MDcwODEyMTIxMg==",       // whitespace
           "YToyMDE3MDcwODEyMTIxMg==\n",      // a line end
           "YWI/PjoyMDE3MDcwODEyMTIxMg_=",    // mixed alphabets
           "ZmY4MDgwODEzYzM3ZGE1MzAxM2M4MDRmOAwN6MjAxMzAyMDExNTABCE=",  // the vendor doc's, garbled
       }) {
    EXPECT_EQ(ParseAuthorization(bad), std::nullopt) << '"' << bad << '"';
  }
}

TEST(YuntongxunAuthTest, OneCharacterAppId) {
  // "a:20170708121212", the shortest text accepted.
  std::optional<Authorization> auth = ParseAuthorization("YToyMDE3MDcwODEyMTIxMg==");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->app_id, "a");
}

}  // namespace
}  // namespace fg::yuntongxun
