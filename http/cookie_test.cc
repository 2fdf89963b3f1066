#include "http/cookie.h"

#include <gtest/gtest.h>

namespace fg::http {
namespace {

using Pairs = std::vector<std::pair<std::string_view, std::string_view>>;

TEST(CookieTest, ParsesPairsInOrder) {
  EXPECT_EQ(ParseCookies("sid=abc; theme=dark;lang=zh-CN"),
            (Pairs{{"sid", "abc"}, {"theme", "dark"}, {"lang", "zh-CN"}}));
  EXPECT_EQ(ParseCookies("  a = 1 ;\tb=\"quoted\" ; empty= ; a=2"),
            (Pairs{{"a", "1"}, {"b", "quoted"}, {"empty", ""}, {"a", "2"}}));
  EXPECT_EQ(ParseCookies("t=x=y"), (Pairs{{"t", "x=y"}}));  // only the first '=' splits
  EXPECT_TRUE(ParseCookies("").empty());
}

TEST(CookieTest, SkipsJunkButKeepsTheRest) {
  EXPECT_EQ(ParseCookies(";;; novalue ; =anon; bad name=1; sp=a b; q=\"a\\b\"; c=\"open; "
                         "comma=a,b; ok=1; \xC3\xA4=2; u=\xC3\xA4; ctl=\x01; last=2;"),
            (Pairs{{"ok", "1"}, {"last", "2"}}));
}

TEST(CookieTest, BuildsSetCookie) {
  CookieAttributes attributes;
  EXPECT_EQ(BuildSetCookie("sid", "abc", attributes).value(),
            "sid=abc; Path=/; HttpOnly; SameSite=Lax");
  attributes.path = "/user";
  attributes.max_age = 3600;
  attributes.secure = true;
  attributes.same_site = CookieAttributes::SameSite::kNone;
  EXPECT_EQ(BuildSetCookie("rong_im_auth", "v1.x-y_z", attributes).value(),
            "rong_im_auth=v1.x-y_z; Path=/user; Max-Age=3600; HttpOnly; Secure; SameSite=None");
  CookieAttributes plain;
  plain.path.clear();
  plain.http_only = false;
  plain.same_site = CookieAttributes::SameSite::kOmit;
  plain.max_age = 0;
  EXPECT_EQ(BuildSetCookie("sid", "", plain).value(), "sid=; Max-Age=0");
  plain.same_site = CookieAttributes::SameSite::kStrict;
  EXPECT_EQ(BuildSetCookie("a", "b", plain).value(), "a=b; Max-Age=0; SameSite=Strict");
  CookieAttributes shared;
  shared.domain = "sealtalk.example.com";
  EXPECT_EQ(BuildSetCookie("a", "b", shared).value(),
            "a=b; Path=/; Domain=sealtalk.example.com; HttpOnly; SameSite=Lax");
}

TEST(CookieTest, RefusesWhatABrowserWouldMisread) {
  CookieAttributes ok;
  for (std::string_view name : {"", "a b", "a;b", "a=b", "\xC3\xA4"}) {
    EXPECT_EQ(BuildSetCookie(name, "v", ok).status().code(), Code::kInvalidArgument) << name;
  }
  for (std::string_view value : {"a b", "a;b", "a,b", "\"a\"", "a\\b", "\xC3\xA4", "a\nb"}) {
    EXPECT_EQ(BuildSetCookie("n", value, ok).status().code(), Code::kInvalidArgument) << value;
  }
  CookieAttributes bad = ok;
  bad.path = "/a;Domain=evil";
  EXPECT_FALSE(BuildSetCookie("n", "v", bad).ok());
  bad = ok;
  bad.domain = "example.com; Secure";
  EXPECT_FALSE(BuildSetCookie("n", "v", bad).ok());
  bad = ok;
  bad.max_age = -1;
  EXPECT_FALSE(BuildSetCookie("n", "v", bad).ok());
  bad = ok;
  bad.same_site = CookieAttributes::SameSite::kNone;  // without Secure
  EXPECT_FALSE(BuildSetCookie("n", "v", bad).ok());
}

}  // namespace
}  // namespace fg::http
