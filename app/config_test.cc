#include "app/config.h"

#include <gtest/gtest.h>

#include <set>

#include "dialects/dialect.h"
#include "dialects/registry.h"

namespace fg {
namespace {

// A dialect that only reads a table, to test what app/ does for every dialect. Each dialect's own
// keys are tested beside it (dialects/<name>/*_test.cc).
struct VendorSettings {
  std::string id, secret;
  int64_t limit = 7;
  bool strict = true;
};

class VendorDialect final : public Dialect {
 public:
  std::string_view name() const override { return "vendor"; }
  std::any ReadAppConfig(ConfigTable& table) const override {
    VendorSettings s;
    table.RequiredString("id", s.id);
    table.String("secret", s.secret);
    table.Int("limit", s.limit, 0, 10);
    table.Bool("strict", s.strict);
    table.Unique("id", s.id + "/" + s.secret);  // the pair is unique
    return s;
  }
  // Not called by ParseConfig.
  void Register(const DialectEnv&, const std::vector<DialectApp>&) const override {}
  std::vector<std::pair<std::string, std::string>> NewDemoTable() const override { return {}; }
  std::string SignedCurlFlags(const std::any&, const SignContext&, Clock&) const override {
    return "";
  }
  std::string DemoBanner(const std::any&, const BannerContext&, Clock&) const override {
    return "";
  }
};

const VendorDialect kVendor;
const std::vector<const Dialect*> kDialects = {&kVendor};

Result<Config> Parse(std::string_view text) { return ParseConfig(text, "c.toml", kDialects); }

TEST(ConfigTest, TheDocumentedExampleParses) {
  auto c = Parse(R"(
listen = "127.0.0.1:9090"
data_dir = "/var/lib/friendgraph"
[[apps]]
name = "demo"
max_friends = 3000             # per user
[apps.vendor]
id = "k"
secret = "s"
limit = 3
strict = false
[[apps]]
name = "plain"
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "127.0.0.1:9090");
  EXPECT_EQ(c->data_dir, "/var/lib/friendgraph");
  ASSERT_EQ(c->apps.size(), 2u);
  EXPECT_EQ(c->apps[0].max_friends, 3000);
  ASSERT_EQ(c->apps[0].dialects.size(), 1u);
  EXPECT_EQ(c->apps[0].dialects[0].dialect, &kVendor);
  const auto& s = SettingsOf<VendorSettings>(c->apps[0].dialects[0].settings);
  EXPECT_EQ(s.id, "k");
  EXPECT_EQ(s.secret, "s");
  EXPECT_EQ(s.limit, 3);
  EXPECT_FALSE(s.strict);
  EXPECT_TRUE(c->apps[1].dialects.empty());
}

TEST(ConfigTest, ADialectKeepsItsDefaults) {
  auto c = Parse("[[apps]]\nname = \"a\"\n[apps.vendor]\nid = \"k\"\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& s = SettingsOf<VendorSettings>(c->apps[0].dialects[0].settings);
  EXPECT_EQ(s.limit, 7);
  EXPECT_TRUE(s.strict);
}

TEST(ConfigTest, ConnectionCaps) {
  auto defaults = Parse("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->max_connections, 10'000);
  EXPECT_EQ(defaults->max_connections_per_client, 256);
  auto set = Parse("max_connections = 20\nmax_connections_per_client = 8\n");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->max_connections_per_client, 8);
  EXPECT_EQ(Parse("max_connections_per_client = 0\n").status().message(),
            "c.toml:1: 'max_connections_per_client' must be an integer from 1 to 10000000");
}

TEST(ConfigTest, MemoryBudget) {
  auto defaults = Parse("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->memory_budget_mb, DefaultMemoryBudgetMb());
  EXPECT_GE(defaults->memory_budget_mb, 64);
  EXPECT_EQ(Parse("memory_budget_mb = 16\n")->memory_budget_mb, 16);
  EXPECT_EQ(Parse("memory_budget_mb = 4096\n")->memory_budget_mb, 4096);
  const std::string range = "'memory_budget_mb' must be an integer from 16 to 16777216";
  EXPECT_EQ(Parse("listen = \":1\"\nmemory_budget_mb = 15\n").status().message(),
            "c.toml:2: " + range);
  EXPECT_EQ(Parse("memory_budget_mb = 0\n").status().message(), "c.toml:1: " + range);
  EXPECT_EQ(Parse("memory_budget_mb = 64.5\n").status().message(), "c.toml:1: " + range);
  EXPECT_EQ(Parse("memory_budget_mb = \"64\"\n").status().message(), "c.toml:1: " + range);
}

TEST(ConfigTest, CacheItemCapsAreUnsetUnlessGiven) {
  auto defaults = Parse("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->friend_list_cache_items.has_value());
  EXPECT_FALSE(defaults->user_cache_items.has_value());
  EXPECT_FALSE(defaults->peer_rows_cache_items.has_value());
  auto set = Parse("friend_list_cache_items = 0\nuser_cache_items = 5\n");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->friend_list_cache_items, 0);  // off
  EXPECT_EQ(set->user_cache_items, 5);
  EXPECT_FALSE(set->peer_rows_cache_items.has_value());
  EXPECT_EQ(Parse("peer_rows_cache_items = -1\n").status().message(),
            "c.toml:1: 'peer_rows_cache_items' must be an integer from 0 to 4294967296");
}

TEST(ConfigTest, ErrorsNameTheKeyAndLine) {
  EXPECT_EQ(Parse("listen = \"127.0.0.1:1\"\nlisten_port = 3\n").status().message(),
            "c.toml:2: unknown key 'listen_port'");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\nmax_friends = \"many\"\n").status().message(),
            "c.toml:3: 'apps[0].max_friends' must be an integer from 1 to 1000000");

  auto missing = Parse("[[apps]]\nmax_friends = 3\n");
  EXPECT_EQ(missing.status().code(), Code::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("'apps[0].name' is missing"), std::string::npos);

  auto syntax = Parse("listen = \n");
  EXPECT_EQ(syntax.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(syntax.status().message().rfind("c.toml:1: ", 0), 0u);

  EXPECT_FALSE(Parse("listen = \"nowhere\"\n").ok());
  EXPECT_EQ(Parse("log_level = \"inf\"\n").status().message(),
            "c.toml:1: 'log_level' must be one of trace, debug, info, warn, error, off");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[[apps]]\nname = \"a\"\n").status().message(),
            "c.toml:4: 'apps[1].name' is used by another app");
}

TEST(ConfigTest, ADialectTableReportsItsOwnKeys) {
  const char* head = "[[apps]]\nname = \"a\"\n[apps.vendor]\n";
  EXPECT_EQ(Parse(std::string(head) + "id = \"k\"\nsecret = 1\n").status().message(),
            "c.toml:5: 'apps[0].vendor.secret' must be a non-empty string");
  EXPECT_EQ(Parse(std::string(head) + "id = \"k\"\nlimit = 11\n").status().message(),
            "c.toml:5: 'apps[0].vendor.limit' must be an integer from 0 to 10");
  EXPECT_EQ(Parse(std::string(head) + "id = \"k\"\nstrict = \"yes\"\n").status().message(),
            "c.toml:5: 'apps[0].vendor.strict' must be true or false");
  EXPECT_EQ(Parse(std::string(head) + "id = \"k\"\nkey = 1\n").status().message(),
            "c.toml:5: unknown key 'apps[0].vendor.key'");
  EXPECT_EQ(Parse(std::string(head) + "secret = \"s\"\n").status().message(),
            "c.toml:3: 'apps[0].vendor.id' is missing");
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\nvendor = 1\n").status().message(),
            "c.toml:3: 'apps[0].vendor' must be a table");
  // A table for a dialect that does not exist is an unknown key like any other.
  EXPECT_EQ(Parse("[[apps]]\nname = \"a\"\n[apps.other]\nid = \"k\"\n").status().message(),
            "c.toml:3: unknown key 'apps[0].other'");
}

TEST(ConfigTest, UniqueValuesAreClaimedAcrossApps) {
  const char* one = "[[apps]]\nname = \"a\"\n[apps.vendor]\nid = \"k\"\nsecret = \"s\"\n";
  // The same pair in a second app.
  EXPECT_EQ(Parse(std::string(one) + "[[apps]]\nname = \"b\"\n[apps.vendor]\nid = \"k\"\n"
                                     "secret = \"s\"\n")
                .status()
                .message(),
            "c.toml:9: 'apps[1].vendor.id' is used by another app");
  // Another pair with the same id.
  EXPECT_TRUE(Parse(std::string(one) + "[[apps]]\nname = \"b\"\n[apps.vendor]\nid = \"k\"\n"
                                       "secret = \"t\"\n")
                  .ok());
  // A missing key is reported as missing, not as a duplicate.
  EXPECT_EQ(Parse(std::string(one) + "[[apps]]\nname = \"b\"\n[apps.vendor]\nsecret = \"s\"\n")
                .status()
                .message(),
            "c.toml:8: 'apps[1].vendor.id' is missing");
}

TEST(ConfigTest, EveryRegisteredDialectHasAUniqueLowerCaseName) {
  std::set<std::string_view> names;
  for (const Dialect* d : Dialects()) {
    EXPECT_TRUE(names.insert(d->name()).second) << d->name();
    for (char c : d->name()) EXPECT_TRUE(c >= 'a' && c <= 'z') << d->name();
    EXPECT_EQ(FindDialect(d->name()), d);
  }
  EXPECT_EQ(FindDialect("no-such-dialect"), nullptr);
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
