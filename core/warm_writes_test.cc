// Writes warmed on a reader (FriendService's warm_writes, core/dry_run_txn.h): a write reaches the
// writer only after its rule has run on a reader, and that run changes nothing. Order asserted,
// not time. (The whole rule suites also run with warming: FriendServiceTest and
// FriendServiceRaceTest, instantiated WarmingWrites.)
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "core/dry_run_txn.h"
#include "core/friend_service.h"
#include "core/rules.h"
#include "tests/support/gated_store.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;

class WarmWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_.id = inner_->EnsureApp("app").value();
    for (const char* name : {"a", "b"}) {
      NewUser u;
      u.account = name;
      ASSERT_TRUE(testing::Wait<User>([&](auto cb) { warmed_.CreateUser(app_, u, cb); }).ok());
    }
  }
  void TearDown() override {
    store_.OpenGate();
    inner_->Close();
  }

  // Adds a -> b directly; `added` is set when the service answers.
  void AddAB(FriendService& service, std::promise<Result<AddOutcome>>& added) {
    AddArgs args;
    args.owner = "a";
    args.peer = "b";
    args.mode = AddMode::kDirect;
    service.Add(app_, args, [&added](Result<AddOutcome> r) { added.set_value(std::move(r)); });
  }
  // Whether a and b are friends, read from the store behind the gate.
  bool FriendsInStore() {
    FriendService direct(*inner_, clock_, executor_);
    return testing::GetFriend(direct, app_, "a", "b").ok();
  }

  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  std::unique_ptr<Store> inner_ = testing::SqliteBackend::Open(dir_);
  testing::GatedStore store_{*inner_};
  FriendService warmed_{store_, clock_, executor_, nullptr, nullptr, nullptr, /*warm_writes=*/true};
  AppContext app_;
};

TEST_F(WarmWritesTest, AWriteReachesTheWriterOnlyAfterItsRuleRanOnAReader) {
  store_.CloseGate();
  std::promise<Result<AddOutcome>> added;
  AddAB(warmed_, added);
  // The warming read is held, so the write has not been queued: nothing changed, no answer.
  ASSERT_EQ(store_.held(), 1u);
  EXPECT_FALSE(FriendsInStore());
  auto answer = added.get_future();
  EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  store_.OpenGate();
  Result<AddOutcome> r = answer.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value(), AddOutcome::kFriends);
  EXPECT_TRUE(FriendsInStore());
}

TEST_F(WarmWritesTest, WithoutWarmingAWriteNeedsNoRead) {
  FriendService cold(store_, clock_, executor_);
  store_.CloseGate();
  std::promise<Result<AddOutcome>> added;
  AddAB(cold, added);
  Result<AddOutcome> r = added.get_future().get();  // answered with every read held
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(store_.held(), 0u);
  EXPECT_TRUE(FriendsInStore());
}

TEST_F(WarmWritesTest, ARuleRunOnADryRunReadsTheGraphAndChangesNothing) {
  // The rule, run by hand on a reader through DryRunTxn: it sees a and b (and decides they become
  // friends, making up an id for a user it creates), and the store is as it was.
  auto decided = testing::Wait<AddOutcome>([&](auto cb) {
    auto out = std::make_shared<Result<AddOutcome>>(Status(Code::kInternal, "not run"));
    inner_->Read(
        [this, out](ReadTxn& txn) -> Status {
          DryRunTxn dry(txn);
          Change change(dry, app_, clock_.NowMs());
          AddArgs args;
          args.owner = "a";
          args.peer = UserRef::Acting("newcomer");
          args.mode = AddMode::kDirect;
          *out = AddRule(change, args);
          if (!out->ok()) return Status::Ok();
          args.peer = "b";
          Change second(dry, app_, clock_.NowMs());
          *out = AddRule(second, args);
          return Status::Ok();
        },
        [out, cb](const Status&) { cb(*out); });
  });
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ(decided.value(), AddOutcome::kFriends);
  EXPECT_FALSE(FriendsInStore());
  FriendService direct(*inner_, clock_, executor_);
  EXPECT_EQ(testing::GetUser(direct, app_, "newcomer").status().code(), Code::kUserNotFound);
}

TEST(DryRunTxnTest, NewUsersGetIdsNoUserHas) {
  TempDir dir;
  std::unique_ptr<Store> store = testing::MemoryBackend::Open(dir);
  auto ids = testing::Wait<std::pair<UserId, UserId>>([&](auto cb) {
    auto out = std::make_shared<std::pair<UserId, UserId>>();
    store->Read(
        [out](ReadTxn& txn) -> Status {
          DryRunTxn dry(txn);
          out->first = dry.InsertUser(1, User{}).value();
          out->second = dry.InsertUser(1, User{}).value();
          return Status::Ok();
        },
        [out, cb](const Status&) { cb(*out); });
  });
  ASSERT_TRUE(ids.ok());
  EXPECT_LT(ids.value().first, 0);
  EXPECT_LT(ids.value().second, 0);
  EXPECT_NE(ids.value().first, ids.value().second);
  store->Close();
}

}  // namespace
}  // namespace fg
