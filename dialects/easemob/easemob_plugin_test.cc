#include "dialects/easemob/easemob_plugin.h"

#include <gtest/gtest.h>

#include <sstream>

#include "app/config.h"
#include "base/fake_clock.h"
#include "dialects/easemob/easemob_dialect.h"
#include "dialects/registry.h"

namespace fg::easemob {
namespace {

// [apps.easemob] through the real config reader, whose messages operators see.
Result<Config> Parse(std::string_view text) { return ParseConfig(text, "c.toml", Dialects()); }

const EasemobSettings& Settings(const AppConfig& app) {
  EXPECT_EQ(app.dialects.at(0).dialect, &EasemobPlugin());
  return SettingsOf<EasemobSettings>(app.dialects.at(0).settings);
}

constexpr std::string_view kTable =
    "[[apps]]\nname = \"a\"\n[apps.easemob]\norg_name = \"acme\"\napp_name = \"chat\"\n"
    "client_id = \"id\"\nclient_secret = \"secret\"\n";

TEST(EasemobPluginTest, ReadsItsTable) {
  auto c = Parse(kTable);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const EasemobSettings& s = Settings(c->apps[0]);
  EXPECT_EQ(s.org_name, "acme");
  EXPECT_EQ(s.app_name, "chat");
  EXPECT_EQ(s.client_id, "id");
  EXPECT_EQ(s.client_secret, "secret");
  EXPECT_EQ(s.token_ttl_seconds, 5'184'000);  // the defaults
  EXPECT_EQ(s.rate_limit_per_second, 0);

  auto set = Parse(std::string(kTable) + "token_ttl_seconds = 60\nrate_limit_per_second = 7\n");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(Settings(set->apps[0]).token_ttl_seconds, 60);
  EXPECT_EQ(Settings(set->apps[0]).rate_limit_per_second, 7);
}

TEST(EasemobPluginTest, ErrorsNameTheKeyAndLine) {
  EXPECT_EQ(Parse(std::string(kTable) + "secret = 1\n").status().message(),
            "c.toml:8: unknown key 'apps[0].easemob.secret'");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.easemob]\norg_name = \"acme\"\n"
                  "app_name = \"chat\"\nclient_id = \"id\"\n")
                .status()
                .message(),
            "c.toml:3: 'apps[0].easemob.client_secret' is missing");
  EXPECT_EQ(Parse(std::string(kTable) + "token_ttl_seconds = 0\n").status().message(),
            "c.toml:8: 'apps[0].easemob.token_ttl_seconds' must be an integer from 1 to 315360000");
  EXPECT_EQ(Parse(std::string(kTable) + "rate_limit_per_second = -1\n").status().message(),
            "c.toml:8: 'apps[0].easemob.rate_limit_per_second' must be an integer from 0 to "
            "1000000000");
  // The org/app pair is unique, regardless of case; either part alone may repeat.
  EXPECT_EQ(
      Parse(std::string(kTable) + "[[apps]]\nname = \"b\"\n[apps.easemob]\norg_name = \"ACME\"\n"
                                  "app_name = \"Chat\"\nclient_id = \"i\"\nclient_secret = \"s\"\n")
          .status()
          .message(),
      "c.toml:12: 'apps[1].easemob.app_name' is used by another app");
  EXPECT_TRUE(Parse(std::string(kTable) +
                    "[[apps]]\nname = \"b\"\n[apps.easemob]\norg_name = \"acme\"\n"
                    "app_name = \"chat2\"\nclient_id = \"i\"\nclient_secret = \"s\"\n")
                  .ok());
}

TEST(EasemobPluginTest, DemoTableIsAcceptedAndFresh) {
  auto table = EasemobPlugin().NewDemoTable();
  std::ostringstream toml;
  toml << "[[apps]]\nname = \"demo\"\n[apps.easemob]\n";
  for (const auto& [key, value] : table) toml << key << " = \"" << value << "\"\n";
  auto c = Parse(toml.str());
  ASSERT_TRUE(c.ok()) << c.status().ToString() << "\n" << toml.str();
  EXPECT_EQ(Settings(c->apps[0]).org_name.rfind("demo", 0), 0u);
  EXPECT_NE(EasemobPlugin().NewDemoTable(), table);
}

TEST(EasemobPluginTest, SignPrintsOneBearerWordAndTheBannerACurl) {
  testing::FakeClock clock;
  EasemobSettings s{"acme", "chat", "id", "secret", 3600, 0};
  std::any settings = s;
  EXPECT_TRUE(EasemobPlugin().signs_with_installation_secret());
  std::string flags =
      EasemobPlugin().SignedCurlFlags(settings, {7, "0123456789abcdef0123456789abcdef"}, clock);
  std::istringstream words(flags);
  std::string flag, token, extra;
  words >> flag >> token;
  EXPECT_EQ(flag, "--oauth2-bearer");
  EXPECT_FALSE(words >> extra);
  EXPECT_EQ(token, IssueAppToken("0123456789abcdef0123456789abcdef", 7, s, clock));

  std::string banner =
      EasemobPlugin().DemoBanner(settings, {"http://127.0.0.1:1", "friendgraph sign x"}, clock);
  EXPECT_NE(banner.find("http://127.0.0.1:1/acme/chat/token"), std::string::npos) << banner;
  EXPECT_NE(banner.find("\"client_secret\":\"secret\""), std::string::npos) << banner;
  EXPECT_NE(banner.find("`friendgraph sign x`"), std::string::npos) << banner;
}

TEST(EasemobPluginTest, UuidsAreStableKeyedAndShapedLikeUuids) {
  std::string a = Uuid("secret-one-0123456789", 1, 42);
  EXPECT_EQ(a, Uuid("secret-one-0123456789", 1, 42));
  EXPECT_NE(a, Uuid("secret-two-0123456789", 1, 42));
  EXPECT_NE(a, Uuid("secret-one-0123456789", 2, 42));
  EXPECT_NE(a, Uuid("secret-one-0123456789", 1, 43));
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '8');                                          // version 8
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);  // the RFC 9562 variant
}

}  // namespace
}  // namespace fg::easemob
