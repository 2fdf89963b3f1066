#include "app/durable_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/test_env.h"

namespace fg {
namespace {

mode_t Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(DurableFileTest, WritesWithTheModeAndReplaces) {
  testing::TempDir dir;
  std::string path = dir.File("secret.toml");
  ASSERT_TRUE(WriteFileDurably(path, "one\n", 0600).ok());
  EXPECT_EQ(testing::ReadFile(path), "one\n");
  EXPECT_EQ(Mode(path), 0600u);
  ASSERT_TRUE(WriteFileDurably(path, "two\n", 0600).ok());
  EXPECT_EQ(testing::ReadFile(path), "two\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(DurableFileTest, AStaleTempFileDoesNotLendItsMode) {
  testing::TempDir dir;
  std::string path = dir.File("secret.toml");
  { std::ofstream(path + ".tmp") << "left by a crash"; }
  ::chmod((path + ".tmp").c_str(), 0644);
  ASSERT_TRUE(WriteFileDurably(path, "new\n", 0600).ok());
  EXPECT_EQ(testing::ReadFile(path), "new\n");
  EXPECT_EQ(Mode(path), 0600u);
}

TEST(DurableFileTest, FailureNamesTheFileAndLeavesNothing) {
  testing::TempDir dir;
  std::string path = dir.File("missing-dir/secret.toml");
  Status s = WriteFileDurably(path, "x", 0600);
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_NE(s.message().find(path + ".tmp: create: No such file or directory"), std::string::npos)
      << s.message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace fg
