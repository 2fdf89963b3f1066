#include "dialects/sealtalk/login_cookie.h"

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace fg::sealtalk {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";

http::Request WithCookie(std::string header) {
  http::Request r;
  r.headers.emplace_back("cookie", std::move(header));
  return r;
}

// The name=value part of a Set-Cookie value.
std::string Pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

TEST(LoginCookiesTest, ACookieLogsItsUserInOnItsAppUntilItExpires) {
  testing::FakeClock clock;
  LoginCookies cookies(kSecret, {"rong_auth_cookie", 30, false, "/", ""}, clock);
  User u;
  u.id = 42;
  u.epoch = 7;
  std::string set = cookies.Issue(5, u);
  EXPECT_EQ(set.rfind("rong_auth_cookie=", 0), 0u);
  EXPECT_NE(set.find("Max-Age=2592000"), std::string::npos);
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("Expires="), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);
  auto claims = cookies.Read(WithCookie("other=1; " + Pair(set)), 5);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->user, 42);
  EXPECT_EQ(claims->epoch, 7);
  EXPECT_FALSE(cookies.Read(WithCookie(Pair(set)), 6));  // another app
  clock.Advance(int64_t{30} * 86'400'000);
  EXPECT_FALSE(cookies.Read(WithCookie(Pair(set)), 5));  // expired
}

TEST(LoginCookiesTest, ForgedOrAlteredCookiesAreRefused) {
  testing::FakeClock clock;
  LoginCookies cookies(kSecret, {}, clock);
  LoginCookies other(std::string(kSecret) + "x", {}, clock);
  User u;
  u.id = 1;
  std::string pair = Pair(cookies.Issue(1, u));
  std::string altered = pair;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(cookies.Read(WithCookie(altered), 1));
  EXPECT_FALSE(cookies.Read(WithCookie(Pair(other.Issue(1, u))), 1));
  EXPECT_FALSE(cookies.Read(WithCookie("rong_auth_cookie=1"), 1));  // the peer's own shape
  EXPECT_FALSE(cookies.Read(http::Request{}, 1));
  // A junk cookie of the same name first does not hide a good one.
  EXPECT_TRUE(cookies.Read(WithCookie("rong_auth_cookie=junk; " + pair), 1));
}

TEST(LoginCookiesTest, SecureAndClear) {
  testing::FakeClock clock;
  LoginCookies cookies(kSecret, {"sid", 1, true, "/acme", "example.com"}, clock);
  User u;
  u.id = 1;
  std::string set = cookies.Issue(1, u);
  EXPECT_NE(set.find("; Secure"), std::string::npos);
  EXPECT_NE(set.find("; Path=/acme; Domain=example.com;"), std::string::npos) << set;
  std::string clear = cookies.Clear();
  EXPECT_EQ(clear.rfind("sid=;", 0), 0u);
  EXPECT_NE(clear.find("Max-Age=0"), std::string::npos);
  EXPECT_NE(clear.find("; Path=/acme; Domain=example.com;"), std::string::npos) << clear;
}

}  // namespace
}  // namespace fg::sealtalk
