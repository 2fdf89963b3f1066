#include "dialects/netease/netease_plugin.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "app/config.h"
#include "base/fake_clock.h"
#include "dialects/netease/checksum.h"
#include "dialects/netease/netease_dialect.h"
#include "dialects/registry.h"

namespace fg::netease {
namespace {

// [apps.netease] through the real config reader, whose messages operators see.
Result<Config> Parse(std::string_view text) { return ParseConfig(text, "c.toml", Dialects()); }

const NeteaseSettings& Settings(const AppConfig& app) {
  EXPECT_EQ(app.dialects.at(0).dialect, &NeteasePlugin());
  return SettingsOf<NeteaseSettings>(app.dialects.at(0).settings);
}

TEST(NeteasePluginTest, ReadsItsTable) {
  auto c = Parse(R"(
[[apps]]
name = "demo"
[apps.netease]
app_key = "k"
app_secret = "s"
rate_limit_per_second = 0      # 0 = off
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const NeteaseSettings& s = Settings(c->apps[0]);
  EXPECT_EQ(s.app_key, "k");
  EXPECT_EQ(s.app_secret, "s");
  EXPECT_EQ(s.rate_limit_per_second, 0);
  EXPECT_TRUE(s.reject_replayed_nonce);  // the default

  auto off = Parse(
      "[[apps]]\nname = \"a\"\n[apps.netease]\napp_key = \"k\"\napp_secret = \"s\"\n"
      "reject_replayed_nonce = false\nrate_limit_per_second = 5\n");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(Settings(off->apps[0]).reject_replayed_nonce);
  EXPECT_EQ(Settings(off->apps[0]).rate_limit_per_second, 5);
}

TEST(NeteasePluginTest, ErrorsNameTheKeyAndLine) {
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.netease]\napp_key = \"k\"\n"
                  "app_secret = \"s\"\nsecret = 1\n")
                .status()
                .message(),
            "c.toml:6: unknown key 'apps[0].netease.secret'");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.netease]\napp_key = \"k\"\napp_secret = \"s\"\n"
                  "[[apps]]\nname = \"b\"\n[apps.netease]\napp_key = \"k\"\napp_secret = \"t\"\n")
                .status()
                .message(),
            "c.toml:9: 'apps[1].netease.app_key' is used by another app");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.netease]\napp_key = \"k\"\n").status().message(),
            "c.toml:3: 'apps[0].netease.app_secret' is missing");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.netease]\napp_key = \"k\"\napp_secret = \"s\"\n"
                  "reject_replayed_nonce = 1\n")
                .status()
                .message(),
            "c.toml:6: 'apps[0].netease.reject_replayed_nonce' must be true or false");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.netease]\napp_key = \"k\"\napp_secret = \"s\"\n"
                  "rate_limit_per_second = -1\n")
                .status()
                .message(),
            "c.toml:6: 'apps[0].netease.rate_limit_per_second' must be an integer from 0 to "
            "1000000000");
}

TEST(NeteasePluginTest, DemoTableIsAcceptedAndFresh) {
  auto table = NeteasePlugin().NewDemoTable();
  std::ostringstream toml;
  toml << "[[apps]]\nname = \"demo\"\n[apps.netease]\n";
  for (const auto& [key, value] : table) toml << key << " = \"" << value << "\"\n";
  auto c = Parse(toml.str());
  ASSERT_TRUE(c.ok()) << c.status().ToString() << "\n" << toml.str();
  EXPECT_EQ(Settings(c->apps[0]).app_key.size(), 32u);
  EXPECT_EQ(Settings(c->apps[0]).app_secret.size(), 24u);
  EXPECT_NE(NeteasePlugin().NewDemoTable(), table);
}

TEST(NeteasePluginTest, SignedCurlFlagsCarryAValidCheckSum) {
  testing::FakeClock clock(1'700'000'123'456);
  std::any settings = NeteaseSettings{"key", "secret", 0, true};
  std::istringstream words(NeteasePlugin().SignedCurlFlags(settings, {}, clock));
  std::map<std::string, std::string> headers;
  for (std::string flag, header; words >> flag >> header;) {
    EXPECT_EQ(flag, "-H");
    size_t colon = header.find(':');
    headers[header.substr(0, colon)] = header.substr(colon + 1);
  }
  EXPECT_EQ(headers.size(), 4u);
  EXPECT_EQ(headers["AppKey"], "key");
  EXPECT_EQ(headers["CurTime"], "1700000123");
  EXPECT_TRUE(CheckSumMatches(headers["CheckSum"], "secret", headers["Nonce"], "1700000123"));

  std::string banner = NeteasePlugin().DemoBanner(
      settings, {"http://127.0.0.1:1", "friendgraph sign --data-dir d"}, clock);
  EXPECT_NE(banner.find("  NetEase AppKey    key\n"), std::string::npos) << banner;
  EXPECT_NE(banner.find("`friendgraph sign --data-dir d`"), std::string::npos) << banner;
  EXPECT_NE(banner.find("http://127.0.0.1:1/nimserver/user/create.action"), std::string::npos);
}

}  // namespace
}  // namespace fg::netease
