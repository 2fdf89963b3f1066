// The Easemob calls through the real router, core and SQLite store, in process, on a fake clock.
// The e2e suite drives the binary the way Easemob's SDKs do; these pin the dialect's own rules.
#include "dialects/easemob/easemob_dialect.h"

#include <gtest/gtest.h>

#include <future>

#include "http/json.h"
#include "tests/support/test_env.h"

namespace fg::easemob {
namespace {

constexpr std::string_view kSecret = "test installation secret, 32 b..";

struct Answer {
  int status = 0;
  std::string body;
  // A top-level string or integer member, "" / -1 when absent.
  std::string Str(std::string_view key) const {
    auto doc = http::ParseJson(body);
    if (!doc.ok()) return "";
    auto v = doc->root().Find(key);
    return v && v->AsString() ? std::string(*v->AsString()) : "";
  }
  int64_t Int(std::string_view key) const {
    auto doc = http::ParseJson(body);
    if (!doc.ok()) return -1;
    auto v = doc->root().Find(key);
    return v && v->AsInt() ? *v->AsInt() : -1;
  }
};

class EasemobDialectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.app.id = store_->EnsureApp("a").value();
    a_.app.limits.max_blocks = 2;
    a_.settings = {"Acme", "chat", "id", "secret", 3600, 0};
    b_.app.id = store_->EnsureApp("b").value();
    b_.settings = {"acme", "other", "id2", "secret2", 3600, 3};
    Register({router_, service_, clock_, kSecret, blocking_}, {a_, b_});
  }

  Answer Send(std::string method, std::string target, std::string body = "",
              std::optional<std::string> token = std::nullopt) {
    http::Request r;
    r.method = std::move(method);
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.body = std::move(body);
    r.headers.emplace_back("host", "h");
    if (token) r.headers.emplace_back("authorization", "Bearer " + *token);
    auto match = router_.Find(r.method, r.path);
    if (!match.handler) return {0, "no route"};
    r.path_params = std::move(match.params);
    std::promise<http::Response> answered;
    (*match.handler)(r, [&](http::Response response) { answered.set_value(std::move(response)); });
    http::Response response = answered.get_future().get();
    return {response.status, response.body};
  }
  // The same on app a, with its app token.
  Answer Call(std::string method, std::string path, std::string body = "") {
    return Send(std::move(method), "/acme/chat" + path, std::move(body), AppToken());
  }
  std::string AppToken(std::string_view org_app = "/acme/chat", std::string_view id = "id",
                       std::string_view secret = "secret") {
    auto r = Send("POST", std::string(org_app) + "/token",
                  R"({"grant_type":"client_credentials","client_id":")" + std::string(id) +
                      R"(","client_secret":")" + std::string(secret) + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Str("access_token");
  }
  std::string UserToken(std::string_view user, std::string_view password) {
    auto r = Send("POST", "/acme/chat/token",
                  R"({"grant_type":"password","username":")" + std::string(user) +
                      R"(","password":")" + std::string(password) + R"("})");
    return r.status == 200 ? r.Str("access_token") : "";
  }
  void MakeUsers(std::initializer_list<std::string_view> names) {
    std::string body = "[";
    for (auto n : names) {
      body += std::string(body.size() > 1 ? "," : "") + R"({"username":")" + std::string(n) +
              R"(","password":"pw-)" + std::string(n) + R"("})";
    }
    ASSERT_EQ(Call("POST", "/users", body + "]").status, 200);
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor completions_;
  testing::ThreadExecutor blocking_;
  std::unique_ptr<Store> store_ = testing::SqliteBackend::Open(dir_);
  FriendService service_{*store_, clock_, completions_};
  http::Router router_;
  EasemobApp a_, b_;
};

TEST(EasemobErrorsTest, EveryCoreCodeHasAnAnswer) { EXPECT_TRUE(UnmappedErrorCodes().empty()); }

TEST_F(EasemobDialectTest, AppTokensAndTheirRefusals) {
  auto ok = Send("POST", "/ACME/Chat/token",
                 R"({"grant_type":"client_credentials","client_id":"id","client_secret":"secret",)"
                 R"("ttl":60})");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Int("expires_in"), 60);
  EXPECT_EQ(ok.Str("application"), Uuid(kSecret, a_.app.id, 0));
  auto capped = Send("POST", "/acme/chat/token",
                     R"({"grant_type":"client_credentials","client_id":"id",)"
                     R"("client_secret":"secret","ttl":99999999})");
  EXPECT_EQ(capped.Int("expires_in"), 3600);
  EXPECT_EQ(Send("POST", "/acme/chat/token",
                 R"({"grant_type":"client_credentials","client_id":"id","client_secret":"x"})")
                .status,
            401);
  auto grant = Send("POST", "/acme/chat/token", R"({"grant_type":"magic"})");
  EXPECT_EQ(grant.status, 400);
  EXPECT_EQ(grant.Str("error"), "illegal_argument");
  EXPECT_EQ(Send("POST", "/acme/chat/token", R"({"grant_type":7})").status, 400);
  EXPECT_EQ(Send("POST", "/acme/chat/token", "[]").status, 400);
  EXPECT_EQ(Send("POST", "/acme/chat/token", "{").Str("error"), "json_parse");
  EXPECT_EQ(Send("POST", "/nope/chat/token", "{}").Str("error"),
            "organization_application_not_found");

  std::string token = AppToken();
  EXPECT_EQ(Send("GET", "/acme/chat/users", "", token).status, 200);
  EXPECT_EQ(Send("GET", "/acme/chat/users", "", token + "x").status, 401);
  EXPECT_EQ(Send("GET", "/acme/chat/users", "", std::nullopt).status, 401);
  // Another app's token, on this app's path.
  auto foreign = Send("GET", "/acme/chat/users", "", AppToken("/acme/other", "id2", "secret2"));
  EXPECT_EQ(foreign.status, 401);
  EXPECT_EQ(foreign.Str("error"), "unauthorized");
  clock_.Advance(3'600'000);
  EXPECT_EQ(Send("GET", "/acme/chat/users", "", token).status, 401);  // expired
}

TEST_F(EasemobDialectTest, UserTokensReachTheirOwnContactsAndBlocksOnly) {
  MakeUsers({"u1", "u2"});
  EXPECT_EQ(UserToken("u1", "wrong"), "");
  std::string t = UserToken("U1", "pw-u1");
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(Send("POST", "/acme/chat/users/u1/contacts/users/u2", "", t).status, 200);
  EXPECT_EQ(Send("GET", "/acme/chat/users/U1/contacts/users", "", t).status, 200);
  EXPECT_EQ(Send("GET", "/acme/chat/user/u1/contacts", "", t).status, 200);
  EXPECT_EQ(Send("GET", "/acme/chat/users/u2/contacts/users", "", t).status, 403);
  EXPECT_EQ(Send("GET", "/acme/chat/users", "", t).status, 403);
  EXPECT_EQ(Send("GET", "/acme/chat/users/u1", "", t).status, 403);
  // A password change revokes it.
  EXPECT_EQ(Call("PUT", "/users/u1/password", R"({"newpassword":"new"})").status, 200);
  EXPECT_EQ(Send("GET", "/acme/chat/user/u1/contacts", "", t).status, 401);
  EXPECT_EQ(UserToken("u1", "pw-u1"), "");
  std::string fresh = UserToken("u1", "new");
  EXPECT_EQ(Send("GET", "/acme/chat/user/u1/contacts", "", fresh).status, 200);
  // Deactivated: no login, no use of a live token; a deleted user's token is dead.
  EXPECT_EQ(Call("POST", "/users/u1/deactivate").Str("action"), "post");
  EXPECT_EQ(Send("GET", "/acme/chat/user/u1/contacts", "", fresh).status, 401);
  EXPECT_EQ(Send("POST", "/acme/chat/token",
                 R"({"grant_type":"password","username":"u1","password":"new"})")
                .status,
            403);
  EXPECT_EQ(Call("POST", "/users/u1/activate").status, 200);
  EXPECT_EQ(Call("DELETE", "/users/u1").status, 200);
  EXPECT_EQ(Send("GET", "/acme/chat/user/u1/contacts", "", fresh).status, 401);
}

TEST_F(EasemobDialectTest, FailedLoginsAreThrottled) {
  MakeUsers({"v"});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(UserToken("v", "bad"), "");
  auto locked = Send("POST", "/acme/chat/token",
                     R"({"grant_type":"password","username":"v","password":"pw-v"})");
  EXPECT_EQ(locked.status, 429);
  clock_.Advance(60'000);
  EXPECT_NE(UserToken("v", "pw-v"), "");
}

TEST_F(EasemobDialectTest, UsersAreCreatedAllOrNothing) {
  MakeUsers({"x"});
  auto dup = Call("POST", "/users",
                  R"([{"username":"y","password":"p"},{"username":"X","password":"p"}])");
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(dup.Str("error"), "duplicate_unique_property_exists");
  EXPECT_EQ(Call("GET", "/users/y").status, 404);
  EXPECT_EQ(Call("POST", "/users", R"({"username":"","password":"p"})").status, 400);
  EXPECT_EQ(Call("POST", "/users", R"({"username":"a b","password":"p"})").status, 400);
  EXPECT_EQ(Call("POST", "/users", R"({"username":"..","password":"p"})").status, 400);
  EXPECT_EQ(Call("POST", "/users", R"({"username":5,"password":"p"})").status, 400);
  EXPECT_EQ(Call("POST", "/users", "[" + std::string(std::string(64, 'a') + "]")).status, 400);
  EXPECT_EQ(Call("POST", "/users", "[]").status, 400);
  std::string many = "[";
  for (int i = 0; i < 61; ++i)
    many += std::string(i ? "," : "") + R"({"username":"m","password":"p"})";
  EXPECT_EQ(Call("POST", "/users", many + "]").status, 400);
  auto one = Call("POST", "/users", R"({"username":"Zed","password":"p","nickname":"Z"})");
  EXPECT_EQ(one.status, 200) << one.body;
  EXPECT_NE(one.body.find(R"("username":"zed","activated":true,"nickname":"Z")"), std::string::npos)
      << one.body;
  EXPECT_EQ(Call("PUT", "/users/zed", R"({"nickname":"Zz"})").status, 200);
  EXPECT_NE(Call("GET", "/users/ZED").body.find(R"("nickname":"Zz")"), std::string::npos);
}

TEST_F(EasemobDialectTest, ContactsPagesAndRemarks) {
  MakeUsers({"o", "f1", "f2", "f3"});
  for (auto f : {"f1", "f2", "f3"}) {
    EXPECT_EQ(Call("POST", std::string("/users/o/contacts/users/") + f).status, 200);
  }
  EXPECT_EQ(Call("POST", "/users/o/contacts/users/f1").status, 200);  // already friends
  EXPECT_EQ(Call("POST", "/users/o/contacts/users/o").status, 400);
  EXPECT_EQ(Call("POST", "/users/o/contacts/users/nobody").status, 404);
  EXPECT_EQ(Call("PUT", "/user/o/contacts/users/f2", R"({"remark":"two"})").Str("status"), "ok");
  EXPECT_EQ(Call("PUT", "/user/o/contacts/users/f2", R"({"remark":7})").status, 400);
  EXPECT_EQ(
      Call("PUT", "/user/o/contacts/users/f2", "{\"remark\":\"" + std::string(101, 'r') + "\"}")
          .status,
      400);
  EXPECT_EQ(Call("PUT", "/user/f1/contacts/users/f2", R"({"remark":"x"})").status, 404);
  for (auto bad : {"limit=0", "limit=51", "limit=x", "needReturnRemark=maybe", "cursor=zz"}) {
    EXPECT_EQ(Call("GET", std::string("/user/o/contacts?") + bad).status, 400) << bad;
  }
  auto first = Call("GET", "/user/o/contacts?limit=2&needReturnRemark=true");
  EXPECT_EQ(first.Int("count"), 2);
  EXPECT_NE(first.body.find(R"({"remark":"two","username":"f2"})"), std::string::npos)
      << first.body;
  auto last = Call("GET", "/user/o/contacts?limit=2&cursor=" + first.Str("cursor"));
  EXPECT_EQ(last.Int("count"), 1);
  EXPECT_EQ(last.Str("cursor"), "");  // absent on the last page
  EXPECT_NE(last.body.find(R"({"remark":null,"username":"f3"})"), std::string::npos) << last.body;
  // Removing ends both sides.
  EXPECT_EQ(Call("DELETE", "/users/f1/contacts/users/o").status, 200);
  EXPECT_EQ(Call("DELETE", "/users/o/contacts/users/f1").status, 404);
  auto all = Call("GET", "/users/o/contacts/users");
  EXPECT_EQ(all.Int("count"), 2);
}

TEST_F(EasemobDialectTest, BlocksAreAllOrNothingAndNewestFirst) {
  MakeUsers({"o", "b1", "b2", "b3"});
  auto over = Call("POST", "/users/o/blocks/users", R"({"usernames":["b1","b2","b3"]})");
  EXPECT_EQ(over.status, 403);  // max_blocks is 2 here
  EXPECT_EQ(Call("GET", "/users/o/blocks/users").Int("count"), 0);
  EXPECT_EQ(Call("POST", "/users/o/blocks/users", R"({"usernames":["b1","nobody"]})").status, 404);
  EXPECT_EQ(Call("POST", "/users/o/blocks/users", R"({"usernames":"b1"})").status, 400);
  EXPECT_EQ(Call("POST", "/users/o/blocks/users", R"({"usernames":["b1","B2"]})").status, 200);
  auto page = Call("GET", "/users/o/blocks/users?pageSize=1");
  EXPECT_NE(page.body.find(R"("data":["b2"])"), std::string::npos) << page.body;
  EXPECT_NE(page.Str("cursor"), "");
  EXPECT_EQ(Call("GET", "/users/o/blocks/users?pageSize=51").status, 400);
  EXPECT_EQ(Call("DELETE", "/users/o/blocks/users/b2").status, 200);
  EXPECT_NE(Call("GET", "/users/o/blocks/users").body.find(R"("data":["b1"])"), std::string::npos);
}

TEST_F(EasemobDialectTest, PathsAndLimits) {
  EXPECT_EQ(Call("GET", "/users/a%2Fb").status, 400);
  EXPECT_EQ(Call("GET", "/users/%2E%2E").status, 400);
  EXPECT_EQ(Call("GET", "/users/a%00").status, 400);
  EXPECT_EQ(Call("GET", "/users/%FF").status, 400);
  EXPECT_EQ(Call("PATCH", "/users").status, 405);
  EXPECT_EQ(Call("GET", "/users/x/nothing").Str("error"), "service_resource_not_found");
  EXPECT_EQ(Call("GET", "/users/").status, 200);  // a trailing '/'
  EXPECT_EQ(Call("POST", "/users", std::string(257 * 1024, ' ')).status, 413);
  // App b allows 3 calls a second, then refuses for a second.
  std::string token = AppToken("/acme/other", "id2", "secret2");
  EXPECT_EQ(Send("GET", "/acme/other/users", "", token).status, 200);
  EXPECT_EQ(Send("GET", "/acme/other/users", "", token).status, 200);
  EXPECT_EQ(Send("GET", "/acme/other/users", "", token).Str("error"), "too_many_requests");
  clock_.Advance(1000);
  EXPECT_EQ(Send("GET", "/acme/other/users", "", token).status, 200);
}

}  // namespace
}  // namespace fg::easemob
