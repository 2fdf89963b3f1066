// StagedTxn: a job staged on a snapshot sees the snapshot with the earlier staged jobs' writes laid
// over it, newest first, then its own; it keeps edges and counters, refuses every other write,
// and its writes land as the job would have made them.
#include "store/staged_txn.h"

#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;

template <typename Backend>
class StagedTxnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = store_->EnsureApp("staged").value();
    ASSERT_TRUE(WriteAndWait(*store_, [&](WriteTxn& txn) {
                  for (const char* account : {"a", "b", "c"}) {
                    User u;
                    u.account = account;
                    u.version = 1;
                    ids_.push_back(txn.InsertUser(app_, u).value());
                  }
                  txn.PutEdge(app_, Edge(ids_[0], ids_[1], "b", 10));  // a -> b, in the store
                  return Status::Ok();
                }).ok());
  }

  FriendEdge Edge(UserId owner, UserId peer, std::string peer_account, int64_t version) {
    return testing::AliveEdge(app_, owner, peer, std::move(peer_account), version);
  }

  // Runs `job` as a staged job over a snapshot and the `earlier` writes; returns its writes.
  template <typename Job>
  std::shared_ptr<const StagedWrites> Stage(
      const std::vector<std::shared_ptr<const StagedWrites>>& earlier, Job job) {
    std::shared_ptr<const StagedWrites> out;
    EXPECT_TRUE(ReadAndWait(*store_, [&](ReadTxn& snapshot) {
                  StagedTxn txn(snapshot, app_, earlier);
                  job(txn);
                  out = std::make_shared<StagedWrites>(txn.Take());
                  return Status::Ok();
                }).ok());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_ = Backend::Open(dir_);
  AppId app_ = 0;
  std::vector<UserId> ids_;
};

using Backends = ::testing::Types<testing::SqliteBackend, testing::MemoryBackend>;
TYPED_TEST_SUITE(StagedTxnTest, Backends);

TYPED_TEST(StagedTxnTest, ReadsSeeTheEarlierJobsNewestFirstThenTheJobsOwnWrites) {
  const AppId app = this->app_;
  const UserId a = this->ids_[0], b = this->ids_[1], c = this->ids_[2];
  auto first = this->Stage({}, [&](StagedTxn& txn) {
    txn.PutEdge(app, this->Edge(a, c, "c", 20));
    txn.PutEdge(app, this->Edge(c, a, "a", 21));
    User ua = txn.LockUsers({{app, "a"}}).at(0);
    EXPECT_EQ(ua.version, 1);
    ua.version = 5;
    ua.friend_count = 1;
    txn.SaveCounters(app, ua);
  });
  auto second = this->Stage({first}, [&](StagedTxn& txn) {
    EXPECT_EQ(txn.FindEdge(app, a, c)->version, 20);
    EXPECT_EQ(txn.FindUser(app, "a")->version, 5);
    txn.PutEdge(app, this->Edge(a, c, "c", 30));
  });
  EXPECT_EQ(second->edges(), 1u);
  EXPECT_EQ(second->users(), 0u);

  this->Stage({first, second}, [&](StagedTxn& txn) {
    EXPECT_EQ(txn.FindEdge(app, a, c)->version, 30);  // the newest job's
    EXPECT_EQ(txn.FindEdge(app, c, a)->version, 21);  // the oldest's: the newest left it
    EXPECT_EQ(txn.FindEdge(app, a, b)->version, 10);  // the snapshot's
    EXPECT_FALSE(txn.FindEdge(app, b, c).has_value());
    auto edges = txn.FindEdges(app, a, {b, c});
    ASSERT_EQ(edges.size(), 2u);
    EXPECT_EQ(edges[0].peer, b);
    EXPECT_EQ(edges[0].version, 10);
    EXPECT_EQ(edges[1].peer, c);
    EXPECT_EQ(edges[1].version, 30);
    // The counters are the newest write's; the rest of the user is the snapshot's.
    std::vector<User> users = txn.LockUsers({{app, "c"}, {app, "nobody"}, {app, "a"}});
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0].id, c);
    EXPECT_EQ(users[1].version, 5);
    EXPECT_EQ(users[1].friend_count, 1);
    EXPECT_EQ(users[1].account, "a");
    EXPECT_EQ(txn.FindUserById(app, a)->version, 5);
    EXPECT_EQ(txn.ListUsersAfter(app, 0, 10).at(0).version, 5);

    // Its own writes come first, the last of a key winning.
    txn.PutEdge(app, this->Edge(a, c, "c", 40));
    txn.PutEdge(app, this->Edge(a, b, "b", 41));
    txn.PutEdge(app, this->Edge(a, c, "c", 42));
    EXPECT_EQ(txn.FindEdge(app, a, c)->version, 42);
    EXPECT_EQ(txn.FindEdges(app, a, {b, c}).at(1).version, 42);
    User ua = *txn.FindUser(app, "a");
    ua.version = 9;
    txn.SaveCounters(app, ua);
    EXPECT_EQ(txn.FindUser(app, "a")->version, 9);
  });
}

TYPED_TEST(StagedTxnTest, AnyOtherWriteOrAListingOfEdgesIsNotStaged) {
  const AppId app = this->app_;
  const UserId a = this->ids_[0], b = this->ids_[1];
  this->Stage({}, [&](StagedTxn& txn) {
    User u;
    u.account = "d";
    EXPECT_THROW(txn.InsertUser(app, u), StagingUnsupported);
    EXPECT_THROW(txn.UpdateUserFields(app, u), StagingUnsupported);
    EXPECT_THROW(txn.PutRequest(app, FriendRequest{}), StagingUnsupported);
    EXPECT_THROW(txn.PutAvatar(app, Avatar{}), StagingUnsupported);
    EXPECT_THROW(txn.PutRelation(app, a, app, b, Relation::kBlock, true, 1), StagingUnsupported);
    EXPECT_THROW(txn.DeleteUserRows(app, a), StagingUnsupported);
    EXPECT_THROW(txn.PutSetting("k", "v"), StagingUnsupported);
    EXPECT_THROW(txn.ListFriends(app, a, 0, true, 10), StagingUnsupported);
    EXPECT_THROW(txn.ListFriendsAfter(app, a, 0, 10), StagingUnsupported);
    EXPECT_THROW(txn.PutEdge(app + 1, this->Edge(a, b, "b", 1)), StagingUnsupported);
    EXPECT_THROW(txn.SaveCounters(app + 1, *txn.FindUser(app, "a")), StagingUnsupported);
  });
}

TYPED_TEST(StagedTxnTest, TheWritesLandAsTheJobWouldHaveMadeThem) {
  const AppId app = this->app_;
  const UserId a = this->ids_[0], b = this->ids_[1], c = this->ids_[2];
  auto writes = this->Stage({}, [&](StagedTxn& txn) {
    FriendEdge e1 = this->Edge(b, c, "c", 50), e2 = this->Edge(a, b, "b", 51);
    const FriendEdge* edges[] = {&e2, &e1};  // not in key order
    txn.PutEdges(app, edges);
    User ub = *txn.FindUser(app, "b");
    ub.version = 7;
    ub.clock_ms = 70;
    ub.friend_count = 1;
    ub.pending_requests = 2;
    txn.SaveCounters(app, ub);
  });
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                writes->WriteTo(txn);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(ReadAndWait(*this->store_, [&](ReadTxn& txn) {
                EXPECT_EQ(txn.FindEdge(app, a, b)->version, 51);
                EXPECT_EQ(txn.FindEdge(app, b, c)->version, 50);
                User ub = *txn.FindUserById(app, b);
                EXPECT_EQ(ub.version, 7);
                EXPECT_EQ(ub.clock_ms, 70);
                EXPECT_EQ(ub.friend_count, 1);
                EXPECT_EQ(ub.pending_requests, 2);
                EXPECT_EQ(txn.FindUserById(app, a)->version, 1);
                return Status::Ok();
              }).ok());
}

}  // namespace
}  // namespace fg
