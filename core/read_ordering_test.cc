// A read the friend-list cache answers never waits behind store reads: while a cold read is held
// in the store (a slow disk), a cached read of another user completes. Order asserted, not time.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <vector>

#include "core/friend_service.h"
#include "tests/support/gated_store.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;

TEST(ReadOrderingTest, ACachedReadCompletesWhileAColdReadWaitsOnTheStore) {
  TempDir dir;
  testing::FakeClock clock;
  testing::ThreadExecutor executor;
  FriendListCache cache(CacheLimits{.max_items = 10'000});
  std::unique_ptr<Store> inner = testing::SqliteBackend::Open(dir);
  testing::GatedStore store(*inner);
  FriendService service(store, clock, executor, &cache);
  AppContext app;
  app.id = store.EnsureApp("app").value();
  for (const char* name : {"hot", "cold", "peer"}) {
    NewUser u;
    u.account = name;
    ASSERT_TRUE(testing::Wait<User>([&](auto cb) { service.CreateUser(app, u, cb); }).ok());
  }
  for (const char* owner : {"hot", "cold"}) {
    AddArgs add;
    add.owner = owner;
    add.peer = "peer";
    add.mode = AddMode::kDirect;
    ASSERT_TRUE(testing::Wait<AddOutcome>([&](auto cb) { service.Add(app, add, cb); }).ok());
  }
  ASSERT_TRUE(testing::ListFriends(service, app, "hot", 0, false).ok());  // now cached

  store.CloseGate();
  std::atomic<int> order{0};
  std::atomic<int> cold_done{0}, hot_done{0};
  std::promise<void> hot_answered, cold_answered;
  service.ListFriends(app, "cold", 0, false, SIZE_MAX, [&](Result<FriendList> r) {
    EXPECT_TRUE(r.ok());
    cold_done = ++order;
    cold_answered.set_value();
  });
  ASSERT_EQ(store.held(), 1u);  // the cold read waits on the store
  service.ListFriends(app, "hot", 0, false, SIZE_MAX, [&](Result<FriendList> r) {
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value()->size(), 1u);
    hot_done = ++order;
    hot_answered.set_value();
  });
  // Answered with the store still held (a generous bound: only a failure waits it out).
  bool answered =
      hot_answered.get_future().wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  size_t held = store.held();
  store.OpenGate();
  ASSERT_TRUE(answered) << "the cached read waited for the store";
  EXPECT_EQ(held, 1u);
  cold_answered.get_future().wait();
  EXPECT_EQ(hot_done.load(), 1);
  EXPECT_EQ(cold_done.load(), 2);
  inner->Close();
}

}  // namespace
}  // namespace fg
