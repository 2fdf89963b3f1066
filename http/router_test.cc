#include "http/router.h"

#include <gtest/gtest.h>

namespace fg::http {
namespace {

Handler Named(std::string* hit, std::string name) {
  return [hit, name](const Request&, Responder) { *hit = name; };
}

void Call(const Router::Match& m) {
  (*m.handler)(Request{}, [](Response) {});
}

TEST(RouterTest, LiteralPatternAndRest) {
  std::string hit;
  Router r;
  r.Add("POST", "/nimserver/friend/add.action", Named(&hit, "add"));
  r.Add("GET", "/{org}/{app}/users/{user}", Named(&hit, "user"));
  r.Add("*", "/nimserver/*", Named(&hit, "fallback"));

  auto m = r.Find("POST", "/nimserver/friend/add.action");
  ASSERT_TRUE(m.handler);
  Call(m);
  EXPECT_EQ(hit, "add");

  m = r.Find("GET", "/acme/chat/users/Zhang%20San");
  ASSERT_TRUE(m.handler);
  Call(m);
  EXPECT_EQ(hit, "user");
  ASSERT_EQ(m.params.size(), 3u);
  EXPECT_EQ(m.params[2], (std::pair<std::string, std::string>{"user", "Zhang San"}));

  m = r.Find("GET", "/nimserver/friend/add.action");  // wrong method: the fallback takes it
  ASSERT_TRUE(m.handler);
  Call(m);
  EXPECT_EQ(hit, "fallback");
  EXPECT_TRUE(r.Find("DELETE", "/nimserver/").handler);
}

TEST(RouterTest, MissesAndWrongMethods) {
  std::string hit;
  Router r;
  r.Add("GET", "/healthz", Named(&hit, "h"));
  r.Add("GET", "/{org}/{app}/users/{user}", Named(&hit, "user"));
  auto m = r.Find("POST", "/healthz");
  EXPECT_FALSE(m.handler);
  EXPECT_TRUE(m.method_not_allowed);
  m = r.Find("GET", "/nothing");
  EXPECT_FALSE(m.handler);
  EXPECT_FALSE(m.method_not_allowed);
  EXPECT_FALSE(r.Find("GET", "/a//users/x").handler);     // empty segment is no value
  EXPECT_FALSE(r.Find("GET", "/a/b/users/%zz").handler);  // malformed escape
  EXPECT_FALSE(r.Find("GET", "/a/b/users/x/y").handler);
}

}  // namespace
}  // namespace fg::http
