#include "app/data_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/test_env.h"

namespace fg {
namespace {

// A probe that fails as the kernel would for a directory the process cannot write.
auto Failing(int err) {
  return [err](const std::string&) {
    errno = err;
    return -1;
  };
}

TEST(DataDirTest, MakesAMissingDirectoryAndLeavesNoProbe) {
  testing::TempDir tmp;
  std::string dir = tmp.File("a/b/data");
  ASSERT_TRUE(PrepareDataDir(dir).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  EXPECT_TRUE(PrepareDataDir(dir).ok());  // and again, existing
}

TEST(DataDirTest, SaysWhyItCannotBeUsed) {
  testing::TempDir tmp;
  std::string dir = tmp.File("data");
  EXPECT_EQ(PrepareDataDir(dir, Failing(EROFS)).message(),
            "data directory " + dir + " is not writable: read-only file system");
  EXPECT_EQ(PrepareDataDir(dir, Failing(EACCES)).message(),
            "data directory " + dir + " is not writable: permission denied");
  EXPECT_EQ(PrepareDataDir(dir, Failing(EACCES)).code(), Code::kInternal);

  std::string file = tmp.File("file");
  { std::ofstream(file) << "x"; }
  EXPECT_EQ(PrepareDataDir(file).message(), "data directory " + file + " is not a directory");
  EXPECT_EQ(PrepareDataDir(file + "/data").message(),
            "data directory " + file + "/data cannot be created: not a directory");
}

TEST(DataDirTest, OneLockAtATime) {
  testing::TempDir tmp;
  std::string dir = tmp.File("data");
  ASSERT_TRUE(PrepareDataDir(dir).ok());
  {
    auto first = DataDirLock::Acquire(dir);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(testing::ReadFile(dir + "/LOCK"), std::to_string(::getpid()) + "\n");
    // flock locks belong to the open file, so a second one conflicts even in this process.
    auto second = DataDirLock::Acquire(dir);
    EXPECT_EQ(second.status().code(), Code::kUnavailable);
    EXPECT_EQ(second.status().message(), "data directory " + dir +
                                             " is in use by another friendgraph process (pid " +
                                             std::to_string(::getpid()) + ")");
  }
  EXPECT_TRUE(DataDirLock::Acquire(dir).ok());  // released with the first
}

}  // namespace
}  // namespace fg
