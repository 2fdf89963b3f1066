#include "dialects/common/app_registry.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fg::kit {
namespace {

// Like a real context: not movable (it holds a mutex), built from several arguments.
struct TestApp {
  TestApp(int id, std::string secret) : id(id), secret(std::move(secret)) {}
  int id;
  std::string secret;
  std::mutex mu;
};

TEST(AppRegistryTest, FindsWhatWasAdded) {
  AppRegistry<TestApp> registry;
  TestApp* a = registry.Add("key-a", 1, "sa");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(registry.Add("acme/chat", 2, "sb"), nullptr);
  EXPECT_EQ(registry.size(), 2u);
  EXPECT_EQ(registry.Find("key-a"), a);  // the address does not change as the map grows
  EXPECT_EQ(registry.Find("acme/chat")->secret, "sb");
  EXPECT_EQ(registry.Find("KEY-A"), nullptr);  // byte for byte
  EXPECT_EQ(registry.Find(""), nullptr);
  const auto& frozen = registry;
  EXPECT_EQ(frozen.Find("key-a")->id, 1);
}

TEST(AppRegistryTest, ATakenCredentialIsRefused) {
  AppRegistry<TestApp> registry;
  ASSERT_NE(registry.Add("k", 1, "first"), nullptr);
  EXPECT_EQ(registry.Add("k", 2, "second"), nullptr);
  EXPECT_EQ(registry.Find("k")->secret, "first");
  EXPECT_EQ(registry.size(), 1u);
}

TEST(AppRegistryTest, ConcurrentReadsAfterSetup) {
  AppRegistry<TestApp> registry;
  for (int i = 0; i < 100; ++i) {
    ASSERT_NE(registry.Add("app" + std::to_string(i), i, "s"), nullptr);
  }
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      for (int round = 0; round < 100; ++round) {
        for (int i = 0; i < 100; ++i) {
          TestApp* app = registry.Find("app" + std::to_string(i));
          ASSERT_NE(app, nullptr);
          std::lock_guard lock(app->mu);
          EXPECT_EQ(app->id, i);
        }
      }
    });
  }
  for (auto& reader : readers) reader.join();
}

}  // namespace
}  // namespace fg::kit
