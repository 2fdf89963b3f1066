// Helpers shared by the unit tests: a temp directory, a fake clock (base/fake_clock.h), the store
// backends under test, and synchronous wrappers around FriendService's callbacks.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <memory>
#include <random>
#include <string>

#include "base/clock.h"
#include "base/fake_clock.h"  // FakeClock, here for the tests that include this file
#include "core/friend_service.h"
#include "store/sqlite/sqlite_store.h"

namespace fg::testing {

// A fresh directory, removed with everything in it when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("fg-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A backend the store contract suite and the core tests run against.
struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  static std::unique_ptr<Store> Open(const TempDir& dir) {
    SqliteOptions options;
    options.path = dir.File("test.db");
    options.synchronous_full = false;  // durability is tested against the real binary
    auto store = OpenSqliteStore(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store.value());
  }
};

// Calls `start(callback)` and waits for the callback's result.
template <typename T, typename Start>
Result<T> Wait(Start start) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  start([&promise](Result<T> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace fg::testing
