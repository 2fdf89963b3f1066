#include "app/config.h"

#include <gtest/gtest.h>

namespace fg {
namespace {

TEST(ConfigTest, TheDocumentedExampleParses) {
  auto c = ParseConfig(R"(
listen = "127.0.0.1:9090"
data_dir = "/var/lib/friendgraph"
[[apps]]
name = "demo"
max_friends = 3000             # per user
[apps.netease]
app_key = "k"
app_secret = "s"
rate_limit_per_second = 0      # 0 = off
)",
                       "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "127.0.0.1:9090");
  EXPECT_EQ(c->data_dir, "/var/lib/friendgraph");
  ASSERT_EQ(c->apps.size(), 1u);
  EXPECT_EQ(c->apps[0].max_friends, 3000);
  ASSERT_TRUE(c->apps[0].netease.has_value());
  EXPECT_EQ(c->apps[0].netease->app_key, "k");
}

TEST(ConfigTest, ConnectionCaps) {
  auto defaults = ParseConfig("", "c.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->max_connections, 10'000);
  EXPECT_EQ(defaults->max_connections_per_client, 256);
  auto set = ParseConfig("max_connections = 20\nmax_connections_per_client = 8\n", "c.toml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->max_connections_per_client, 8);
  EXPECT_EQ(ParseConfig("max_connections_per_client = 0\n", "c.toml").status().message(),
            "c.toml:1: 'max_connections_per_client' must be an integer from 1 to 10000000");
}

TEST(ConfigTest, ErrorsNameTheKeyAndLine) {
  auto unknown = ParseConfig("listen = \"127.0.0.1:1\"\nlisten_port = 3\n", "c.toml");
  EXPECT_EQ(unknown.status().message(), "c.toml:2: unknown key 'listen_port'");

  auto type = ParseConfig("[[apps]]\nname = \"a\"\nmax_friends = \"many\"\n", "c.toml");
  EXPECT_EQ(type.status().message(),
            "c.toml:3: 'apps[0].max_friends' must be an integer from 1 to 1000000");

  auto nested = ParseConfig(
      "[[apps]]\nname = \"a\"\n[apps.netease]\napp_key = \"k\"\n"
      "app_secret = \"s\"\nsecret = 1\n",
      "c.toml");
  EXPECT_EQ(nested.status().message(), "c.toml:6: unknown key 'apps[0].netease.secret'");

  auto dup = ParseConfig(
      "[[apps]]\nname = \"a\"\n[apps.netease]\napp_key = \"k\"\napp_secret = \"s\"\n"
      "[[apps]]\nname = \"b\"\n[apps.netease]\napp_key = \"k\"\napp_secret = \"t\"\n",
      "c.toml");
  EXPECT_EQ(dup.status().message(), "c.toml:9: 'apps[1].netease.app_key' is used by another app");

  auto missing = ParseConfig("[[apps]]\nmax_friends = 3\n", "c.toml");
  EXPECT_EQ(missing.status().code(), Code::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("'apps[0].name' is missing"), std::string::npos);

  auto syntax = ParseConfig("listen = \n", "c.toml");
  EXPECT_EQ(syntax.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(syntax.status().message().rfind("c.toml:1: ", 0), 0u);

  EXPECT_FALSE(ParseConfig("listen = \"nowhere\"\n", "c.toml").ok());
  EXPECT_EQ(ParseConfig("log_level = \"inf\"\n", "c.toml").status().message(),
            "c.toml:1: 'log_level' must be one of trace, debug, info, warn, error, off");
}

TEST(ConfigTest, ParseListen) {
  EXPECT_EQ(ParseListen("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(ParseListen(":0")->host, "127.0.0.1");
  EXPECT_EQ(ParseListen("[::1]:80")->host, "::1");
  EXPECT_FALSE(ParseListen("127.0.0.1:99999").ok());
  EXPECT_FALSE(ParseListen("127.0.0.1").ok());
}

}  // namespace
}  // namespace fg
