#include "dialects/yuntongxun/yuntongxun_plugin.h"

#include <gtest/gtest.h>

#include <future>
#include <sstream>

#include "app/config.h"
#include "dialects/registry.h"
#include "dialects/yuntongxun/auth.h"
#include "dialects/yuntongxun/yuntongxun_dialect.h"
#include "http/json.h"
#include "tests/support/test_env.h"

namespace fg::yuntongxun {
namespace {

// [apps.yuntongxun] through the real config reader, whose messages operators see.
Result<Config> Parse(std::string_view text) { return ParseConfig(text, "c.toml", Dialects()); }

const YuntongxunSettings& Settings(const AppConfig& app) {
  EXPECT_EQ(app.dialects.at(0).dialect, &YuntongxunPlugin());
  return SettingsOf<YuntongxunSettings>(app.dialects.at(0).settings);
}

constexpr std::string_view kTable =
    "[[apps]]\nname = \"a\"\n[apps.yuntongxun]\n"
    "app_id = \"20150314000000110000000000000010\"\napp_token = \"t\"\n";

std::string Error(std::string_view extra) {
  return Parse(std::string(kTable) + std::string(extra)).status().message();
}

TEST(YuntongxunPluginTest, ReadsItsTable) {
  auto c = Parse(kTable);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const YuntongxunSettings& s = Settings(c->apps[0]);
  EXPECT_EQ(s.app_id, "20150314000000110000000000000010");
  EXPECT_EQ(s.app_token, "t");
  // The defaults.
  EXPECT_EQ(s.rate_limit_per_second, 0);
  EXPECT_EQ(s.time_zone, "+08:00");
  EXPECT_EQ(s.offset_min, 480);
  EXPECT_EQ(s.public_url, "");  // the upload's Host
  EXPECT_EQ(s.max_avatar_bytes, 2 * 1024 * 1024);

  auto set = Parse(std::string(kTable) +
                   "rate_limit_per_second = 7\ntime_zone = \"-05:30\"\n"
                   "public_url = \"https://img.example.com/im//\"\nmax_avatar_bytes = 1\n");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const YuntongxunSettings& t = Settings(set->apps[0]);
  EXPECT_EQ(t.rate_limit_per_second, 7);
  EXPECT_EQ(t.time_zone, "-05:30");
  EXPECT_EQ(t.offset_min, -330);
  EXPECT_EQ(t.public_url, "https://img.example.com/im");  // every trailing '/' trimmed
  EXPECT_EQ(t.max_avatar_bytes, 1);
  auto utc = Parse(std::string(kTable) + "time_zone = \"Z\"\nmax_avatar_bytes = 67108864\n");
  ASSERT_TRUE(utc.ok()) << utc.status().ToString();
  EXPECT_EQ(Settings(utc->apps[0]).offset_min, 0);
  // Upper-case hex digits are hex digits too, kept lower-case (lookups ignore case).
  auto upper = Parse(
      "[[apps]]\nname = \"a\"\n[apps.yuntongxun]\n"
      "app_id = \"ABCDEF0123456789ABCDEF0123456789\"\napp_token = \"t\"\n");
  ASSERT_TRUE(upper.ok()) << upper.status().ToString();
  EXPECT_EQ(Settings(upper->apps[0]).app_id, "abcdef0123456789abcdef0123456789");
}

TEST(YuntongxunPluginTest, ErrorsNameTheKeyAndLine) {
  EXPECT_EQ(Error("token = 1\n"), "c.toml:6: unknown key 'apps[0].yuntongxun.token'");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.yuntongxun]\n"
                  "app_id = \"20150314000000110000000000000010\"\n")
                .status()
                .message(),
            "c.toml:3: 'apps[0].yuntongxun.app_token' is missing");
  EXPECT_EQ(
      Parse("[[apps]]\nname = \"a\"\n[apps.yuntongxun]\napp_token = \"t\"\n").status().message(),
      "c.toml:3: 'apps[0].yuntongxun.app_id' is missing");
  for (std::string bad : {"2015031400000011000000000000001", "201503140000001100000000000000100",
                          "2015031400000011000000000000001g", "20150314-0000011000000000000001"}) {
    EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.yuntongxun]\napp_id = \"" + bad +
                    "\"\napp_token = \"t\"\n")
                  .status()
                  .message(),
              "c.toml:4: 'apps[0].yuntongxun.app_id' must be 32 hex digits, as the vendor's "
              "console hands out")
        << bad;
  }
  for (std::string bad : {"+8:00", "+0800", "UTC", "+15:00", "-00:00", " +08:00"}) {
    EXPECT_EQ(Error("time_zone = \"" + bad + "\"\n"),
              "c.toml:6: 'apps[0].yuntongxun.time_zone' must be an offset from UTC such as "
              "\"+08:00\" or \"-05:30\"")
        << bad;
  }
  for (std::string bad : {"ftp://x", "127.0.0.1:8080", "/", "HTTP//x"}) {
    EXPECT_EQ(Error("public_url = \"" + bad + "\"\n"),
              "c.toml:6: 'apps[0].yuntongxun.public_url' must start with http:// or https://")
        << bad;
  }
  EXPECT_EQ(Error("max_avatar_bytes = 0\n"),
            "c.toml:6: 'apps[0].yuntongxun.max_avatar_bytes' must be an integer from 1 to "
            "67108864");
  EXPECT_EQ(Error("max_avatar_bytes = 67108865\n"),
            "c.toml:6: 'apps[0].yuntongxun.max_avatar_bytes' must be an integer from 1 to "
            "67108864");
  EXPECT_EQ(Error("rate_limit_per_second = -1\n"),
            "c.toml:6: 'apps[0].yuntongxun.rate_limit_per_second' must be an integer from 0 to "
            "1000000000");
  // The appId names the app in every path and useracc: unique across apps.
  EXPECT_EQ(Error("[[apps]]\nname = \"b\"\n[apps.yuntongxun]\n"
                  "app_id = \"20150314000000110000000000000010\"\napp_token = \"u\"\n"),
            "c.toml:9: 'apps[1].yuntongxun.app_id' is used by another app");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.yuntongxun]\n"
                  "app_id = \"abcdef0123456789abcdef0123456789\"\napp_token = \"t\"\n"
                  "[[apps]]\nname = \"b\"\n[apps.yuntongxun]\n"
                  "app_id = \"ABCDEF0123456789ABCDEF0123456789\"\napp_token = \"u\"\n")
                .status()
                .message(),
            "c.toml:9: 'apps[1].yuntongxun.app_id' is used by another app");  // in any case
  EXPECT_TRUE(Parse(std::string(kTable) +
                    "[[apps]]\nname = \"b\"\n[apps.yuntongxun]\n"
                    "app_id = \"20150314000000110000000000000011\"\napp_token = \"t\"\n")
                  .ok());
}

TEST(YuntongxunPluginTest, DemoTableIsAcceptedAndFresh) {
  auto table = YuntongxunPlugin().NewDemoTable();
  std::ostringstream toml;
  toml << "[[apps]]\nname = \"demo\"\n[apps.yuntongxun]\n";
  for (const auto& [key, value] : table) toml << key << " = \"" << value << "\"\n";
  auto c = Parse(toml.str());
  ASSERT_TRUE(c.ok()) << c.status().ToString() << "\n" << toml.str();
  EXPECT_EQ(Settings(c->apps[0]).app_id.size(), 32u);
  EXPECT_EQ(Settings(c->apps[0]).app_token.size(), 32u);
  EXPECT_NE(YuntongxunPlugin().NewDemoTable(), table);
}

// The curl flags `friendgraph sign` prints: a call made with them is accepted by the dialect.
TEST(YuntongxunPluginTest, SignedCurlFlagsMakeACallTheDialectAccepts) {
  testing::FakeClock clock(1'700'000'123'456);  // 2023-11-15 06:15:23.456 at +08:00
  YuntongxunSettings s;
  s.app_id = "20150314000000110000000000000010";
  s.app_token = "e7f9b2c4a1d04e6f8a3b5c7d9e1f2a3b";
  std::any settings = s;
  std::string flags = YuntongxunPlugin().SignedCurlFlags(settings, {}, clock);
  EXPECT_EQ(flags.find_first_of("'\";&|<>"), std::string::npos) << flags;  // plain shell words
  const std::string content = "-H Content-Type:application/json ";
  ASSERT_EQ(flags.rfind(content, 0), 0u) << flags;
  const std::string auth_prefix = "-H Authorization:";
  size_t auth = flags.find(auth_prefix);
  ASSERT_NE(auth, std::string::npos) << flags;
  size_t auth_end = flags.find(' ', auth + auth_prefix.size());
  std::string authorization =
      flags.substr(auth + auth_prefix.size(), auth_end - auth - auth_prefix.size());
  const std::string sig_prefix = " --url-query sig=";
  ASSERT_EQ(flags.substr(auth_end, sig_prefix.size()), sig_prefix) << flags;
  std::string sig = flags.substr(auth_end + sig_prefix.size());

  auto parsed = ParseAuthorization(authorization);
  ASSERT_TRUE(parsed.has_value()) << authorization;
  EXPECT_EQ(parsed->app_id, s.app_id);
  EXPECT_EQ(parsed->timestamp, "20231115061523");
  EXPECT_EQ(sig, ComputeSig(s.app_id, s.app_token, "20231115061523"));

  // Through the real routes.
  testing::TempDir dir;
  testing::ThreadExecutor completions;
  std::unique_ptr<Store> store = testing::SqliteBackend::Open(dir);
  FriendService service(*store, clock, completions);
  http::Router router;
  YuntongxunApp app;
  app.app.id = store->EnsureApp("demo").value();
  app.settings = s;
  Register(router, service, clock, {app});
  http::Request r;
  r.method = "POST";
  r.path = "/2013-12-26/Application/" + s.app_id + "/IM/getFriends";
  r.query = "sig=" + sig;
  r.headers = {{"content-type", "application/json;charset=utf-8"},
               {"authorization", authorization}};
  r.body = "{\"useracc\":\"" + s.app_id + "#zhangsan\"}";
  auto match = router.Find(r.method, r.path);
  ASSERT_TRUE(match.handler);
  r.path_params = std::move(match.params);
  std::promise<http::Response> answered;
  (*match.handler)(r, [&](http::Response response) { answered.set_value(std::move(response)); });
  http::Response response = answered.get_future().get();
  EXPECT_EQ(response.body.rfind(R"({"statusCode":"000000")", 0), 0u) << response.body;

  std::string banner = YuntongxunPlugin().DemoBanner(
      settings, {"http://127.0.0.1:1", "friendgraph sign --dialect yuntongxun"}, clock);
  EXPECT_NE(banner.find("  Yuntongxun appId    " + s.app_id + "\n"), std::string::npos) << banner;
  EXPECT_NE(banner.find("`friendgraph sign --dialect yuntongxun`"), std::string::npos) << banner;
  EXPECT_NE(banner.find("http://127.0.0.1:1/2013-12-26/Application/" + s.app_id + "/IM/getFriends"),
            std::string::npos)
      << banner;
  EXPECT_NE(banner.find("--url-query sig=" + sig), std::string::npos) << banner;
}

}  // namespace
}  // namespace fg::yuntongxun
