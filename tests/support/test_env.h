// Helpers shared by the unit tests: a temp directory, a fake clock (base/fake_clock.h), an
// executor, the store backends under test, and synchronous wrappers around FriendService's
// callbacks.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/executor.h"
#include "base/fake_clock.h"  // FakeClock, here for the tests that include this file
#include "base/thread_executor.h"
#include "core/friend_service.h"
#include "store/memory/memory_store.h"
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

using ThreadExecutor = fg::ThreadExecutor;

// The whole file; empty when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The backends the store contract suite and the core suites run against. A new backend joins
// every suite by adding a struct like these to the lists below.
struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  static constexpr bool kPersistent = true;
  static std::unique_ptr<Store> Open(const TempDir& dir) {
    SqliteOptions options;
    options.path = dir.File("test.db");
    options.synchronous_full = false;  // durability is tested against the real binary
    auto store = OpenSqliteStore(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store.value());
  }
};

// The in-memory store, running every write job twice (the first run rolled back) so that a rule
// with effects outside its transaction shows up.
struct MemoryBackend {
  static constexpr const char* kName = "memory";
  static constexpr bool kPersistent = false;
  static std::unique_ptr<Store> Open(const TempDir&) {
    return NewMemoryStore({.sole_writer = true, .run_jobs_twice = true});
  }
};

// For value-parameterized suites (TEST_P): a backend by name and factory.
struct BackendParam {
  const char* name;
  std::unique_ptr<Store> (*open)(const TempDir&);
  bool warm_writes = false;  // for suites that run a FriendService: its option of that name
};
inline std::vector<BackendParam> AllBackends() {
  return {{SqliteBackend::kName, &SqliteBackend::Open},
          {MemoryBackend::kName, &MemoryBackend::Open}};
}
// Each backend again, for a FriendService that warms its writes on a reader first.
inline std::vector<BackendParam> AllBackendsWarmingWrites() {
  return {{"SqliteWarmingWrites", &SqliteBackend::Open, true},
          {"MemoryWarmingWrites", &MemoryBackend::Open, true}};
}
inline std::string BackendName(const ::testing::TestParamInfo<BackendParam>& info) {
  return info.param.name;
}

// Calls `start(callback)` and waits for the callback's result.
template <typename T, typename Start>
Result<T> Wait(Start start) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  start([&promise](Result<T> r) { promise.set_value(std::move(r)); });
  return future.get();
}

// A friendship row owner -> peer, both of `app`, alive, made, changed and versioned at `t`: for
// tests that write edges straight through a WriteTxn.
inline FriendEdge AliveEdge(AppId app, UserId owner, UserId peer, std::string peer_account,
                            int64_t t) {
  FriendEdge e;
  e.owner = owner;
  e.peer = peer;
  e.peer_app = app;
  e.peer_account = std::move(peer_account);
  e.alive = true;
  e.created_ms = e.updated_ms = e.version = t;
  return e;
}

// The friends of a packed list, unpacked.
inline std::vector<FriendView> Views(const PackedFriends& list) {
  std::vector<FriendView> friends;
  for (const FriendRef& f : list) friends.push_back(ToView(f));
  return friends;
}

// Synchronous reads for tests.
inline Result<User> GetUser(FriendService& s, const AppContext& app, const std::string& account) {
  return Wait<User>([&](auto cb) { s.GetUser(app, account, cb); });
}
inline Result<FriendView> GetFriend(FriendService& s, const AppContext& app,
                                    const std::string& owner, const std::string& peer) {
  return Wait<FriendView>([&](auto cb) { s.GetFriend(app, owner, peer, cb); });
}
inline Result<std::vector<FriendView>> ListFriends(FriendService& s, const AppContext& app,
                                                   const std::string& owner, int64_t since_ms,
                                                   bool include_tombstones) {
  auto r = Wait<FriendList>(
      [&](auto cb) { s.ListFriends(app, owner, since_ms, include_tombstones, SIZE_MAX, cb); });
  if (!r.ok()) return r.status();
  return Views(*r.value());
}
inline Result<Relations> ListRelations(FriendService& s, const AppContext& app,
                                       const std::string& owner) {
  return Wait<Relations>([&](auto cb) { s.ListRelations(app, owner, cb); });
}

}  // namespace fg::testing
