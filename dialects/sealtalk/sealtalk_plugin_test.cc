#include "dialects/sealtalk/sealtalk_plugin.h"

#include <gtest/gtest.h>

#include "app/config.h"
#include "dialects/registry.h"
#include "dialects/sealtalk/sealtalk_dialect.h"

namespace fg::sealtalk {
namespace {

// [apps.sealtalk] through the real config reader, whose messages operators see.
Result<Config> Parse(std::string_view text) { return ParseConfig(text, "c.toml", Dialects()); }

const SealtalkSettings& Settings(const AppConfig& app) {
  EXPECT_EQ(app.dialects.at(0).dialect, &SealtalkPlugin());
  return SettingsOf<SealtalkSettings>(app.dialects.at(0).settings);
}

constexpr std::string_view kTable = "[[apps]]\nname = \"a\"\n[apps.sealtalk]\n";

std::string Error(std::string_view extra) {
  return Parse(std::string(kTable) + std::string(extra)).status().message();
}

TEST(SealtalkPluginTest, ReadsItsTableWithTheIssuesDefaults) {
  auto c = Parse(kTable);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const SealtalkSettings& s = Settings(c->apps[0]);
  EXPECT_EQ(s.path_prefix, "");
  EXPECT_EQ(s.cookie.name, "rong_auth_cookie");
  EXPECT_EQ(s.cookie.max_age_days, 30);
  EXPECT_FALSE(s.cookie.secure);
  EXPECT_EQ(s.cookie.path, "/");
  EXPECT_FALSE(s.sms_webhook);
  EXPECT_EQ(s.dev_verification_code, "");
  EXPECT_EQ(s.rate_limit_per_second, 0);
  EXPECT_EQ(s.codes_per_address, 20);

  auto set = Parse(std::string(kTable) +
                   "path_prefix = \"/acme/\"\ncookie_name = \"sid\"\ncookie_max_age_days = 7\n"
                   "cookie_secure = true\nsms_webhook_url = \"https://sms.internal:8443/send\"\n"
                   "dev_verification_code = \"000123\"\nrate_limit_per_second = 5\n"
                   "codes_per_address = 0\ncookie_domain = \"example.com\"\n"
                   "cors_origins = \"https://web.example.com  http://localhost:3000\"\n");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const SealtalkSettings& t = Settings(set->apps[0]);
  EXPECT_EQ(t.path_prefix, "/acme");  // a trailing '/' trimmed
  EXPECT_EQ(t.cookie.path, "/acme");
  EXPECT_EQ(t.cookie.name, "sid");
  EXPECT_EQ(t.cookie.max_age_days, 7);
  EXPECT_TRUE(t.cookie.secure);
  ASSERT_TRUE(t.sms_webhook);
  EXPECT_TRUE(t.sms_webhook->tls);
  EXPECT_EQ(t.sms_webhook->host, "sms.internal");
  EXPECT_EQ(t.sms_webhook->port, "8443");
  EXPECT_EQ(t.dev_verification_code, "000123");
  EXPECT_EQ(t.codes_per_address, 0);
  EXPECT_EQ(t.cookie.domain, "example.com");
  EXPECT_EQ(t.cors_origins,
            (std::vector<std::string>{"https://web.example.com", "http://localhost:3000"}));
  // The issue's sample, empty strings and all.
  EXPECT_TRUE(Parse(std::string(kTable) + "path_prefix = \"\"\nsms_webhook_url = \"\"\n"
                                          "dev_verification_code = \"\"\n")
                  .ok());
}

TEST(SealtalkPluginTest, RefusesWhatCannotWork) {
  EXPECT_EQ(Error("path_prefix = \"acme\"\n"),
            "c.toml:4: 'apps[0].sealtalk.path_prefix' must be \"\" or one path segment such as "
            "\"/acme\"");
  EXPECT_NE(Error("path_prefix = \"/a/b\"\n").find("path_prefix"), std::string::npos);
  EXPECT_NE(Error("cookie_name = \"a b\"\n").find("cookie_name"), std::string::npos);
  EXPECT_NE(Error("cookie_max_age_days = 0\n").find("cookie_max_age_days"), std::string::npos);
  EXPECT_NE(Error("sms_webhook_url = \"ftp://x/\"\n").find("sms_webhook_url"), std::string::npos);
  EXPECT_NE(Error("dev_verification_code = \"12345\"\n").find("6 digits"), std::string::npos);
  EXPECT_NE(Error("path_prefix = 1\n").find("must be a string"), std::string::npos);
  EXPECT_NE(Error("cookie_domain = \"a;b\"\n").find("cookie_domain"), std::string::npos);
  EXPECT_NE(Error("cors_origins = \"https://a.example/x\"\n").find("cors_origins"),
            std::string::npos);
  EXPECT_NE(Error("cors_origins = \"*\"\n").find("cors_origins"), std::string::npos);
  // Two apps under one prefix would answer one path twice.
  auto twice = Parse(std::string(kTable) + std::string(kTable).replace(17, 1, "b"));
  EXPECT_NE(twice.status().message().find("is used by another app"), std::string::npos)
      << twice.status().message();
}

}  // namespace
}  // namespace fg::sealtalk
