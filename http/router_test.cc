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

TEST(RouterTest, TrailingSlashRoutesLikeThePathWithoutIt) {
  std::string hit;
  Router r;
  r.Add("GET", "/", Named(&hit, "root"));
  r.Add("GET", "/healthz", Named(&hit, "h"));
  r.Add("GET", "/{org}/{app}/users/", Named(&hit, "users"));
  r.Add("GET", "/{org}/{app}/users/{user}", Named(&hit, "user"));

  for (std::string_view path : {"/healthz", "/healthz/"}) {
    auto m = r.Find("GET", path);
    ASSERT_TRUE(m.handler) << path;
    Call(m);
    EXPECT_EQ(hit, "h") << path;
  }
  auto m = r.Find("GET", "/");
  ASSERT_TRUE(m.handler);
  Call(m);
  EXPECT_EQ(hit, "root");
  m = r.Find("GET", "/acme/chat/users/");  // the pattern was added with a slash too
  ASSERT_TRUE(m.handler);
  Call(m);
  EXPECT_EQ(hit, "users");
  m = r.Find("GET", "/acme/chat/users/zhang/");
  ASSERT_TRUE(m.handler);
  Call(m);
  EXPECT_EQ(hit, "user");
  ASSERT_EQ(m.params.size(), 3u);
  EXPECT_EQ(m.params[2].second, "zhang");
  EXPECT_FALSE(r.Find("GET", "/healthz//").handler);  // one slash only: "//" is an empty segment
  EXPECT_TRUE(r.Find("POST", "/healthz/").method_not_allowed);
}

TEST(RouterTest, RouteOptionsComeWithTheMatch) {
  std::string hit;
  Router r;
  r.Add("POST", "/user/upload_avatar", Named(&hit, "avatar"), RouteOptions{8 << 20, {}});
  r.Add("POST", "/{org}/{app}/chatfiles", Named(&hit, "files"), RouteOptions{16 << 20, {}});
  r.Add("POST", "/user/login", Named(&hit, "login"));
  EXPECT_EQ(r.Find("POST", "/user/upload_avatar").options.body_limit, size_t{8} << 20);
  EXPECT_EQ(r.Find("POST", "/user/upload_avatar/").options.body_limit, size_t{8} << 20);
  EXPECT_EQ(r.Find("POST", "/a/b/chatfiles").options.body_limit, size_t{16} << 20);
  EXPECT_EQ(r.Find("POST", "/user/login").options.body_limit, 0u);  // the server's default
  EXPECT_EQ(r.Find("POST", "/nothing").options.body_limit, 0u);
  EXPECT_EQ(r.Find("GET", "/user/upload_avatar").options.body_limit, 0u);  // no route matched
}

}  // namespace
}  // namespace fg::http
