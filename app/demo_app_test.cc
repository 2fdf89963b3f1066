#include "app/demo_app.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dialects/registry.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

TEST(DemoAppTest, CreatedOnceWithEveryDialectPrivately) {
  testing::TempDir dir;
  auto app = LoadOrCreateDemoApp(dir.File(""));
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(app->name, "demo");
  ASSERT_EQ(app->dialects.size(), Dialects().size());
  for (size_t i = 0; i < Dialects().size(); ++i) {
    EXPECT_EQ(app->dialects[i].dialect, Dialects()[i]);
  }
  std::string path = dir.File("demo-app.toml");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  // Kept as it is across restarts, and readable without writing.
  std::string text = testing::ReadFile(path);
  ASSERT_TRUE(LoadOrCreateDemoApp(dir.File("")).ok());
  EXPECT_EQ(testing::ReadFile(path), text);
  auto again = LoadDemoApp(dir.File(""));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->dialects.size(), Dialects().size());
}

TEST(DemoAppTest, ADialectTheFileLacksIsAdded) {
  testing::TempDir dir;
  std::string path = dir.File("demo-app.toml");
  { std::ofstream(path) << "[[apps]]\nname = \"mine\"\nmax_friends = 9\n"; }
  ::chmod(path.c_str(), 0600);
  auto app = LoadOrCreateDemoApp(dir.File(""));
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(app->name, "mine");
  EXPECT_EQ(app->max_friends, 9);
  EXPECT_EQ(app->dialects.size(), Dialects().size());
  EXPECT_EQ(LoadDemoApp(dir.File(""))->dialects.size(), Dialects().size());
}

TEST(DemoAppTest, AFileThatIsNotOneAppIsRefused) {
  testing::TempDir dir;
  std::string path = dir.File("demo-app.toml");
  { std::ofstream(path) << "[[apps]]\nname = \"a\"\n[[apps]]\nname = \"b\"\n"; }
  auto app = LoadOrCreateDemoApp(dir.File(""));
  EXPECT_EQ(app.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(app.status().message(), path + ": must hold exactly one app");
  EXPECT_EQ(LoadDemoApp(dir.File("nowhere")).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace fg
