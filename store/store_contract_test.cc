// The store contract: every backend must pass these. Add a backend to Backends below.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/store.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;

template <typename Backend>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override { app_ = store_->EnsureApp("contract").value(); }

  UserId AddUser(const std::string& account, AppId app = 0) {
    UserId id = 0;
    EXPECT_TRUE(WriteAndWait(*store_, [&](WriteTxn& txn) {
                  User u;
                  u.account = account;
                  u.token = "tok";
                  id = txn.InsertUser(app ? app : app_, u);
                  return Status::Ok();
                }).ok());
    return id;
  }

  FriendEdge Edge(UserId owner, UserId peer, std::string peer_account, bool alive, int64_t t) {
    FriendEdge e;
    e.owner = owner;
    e.peer = peer;
    e.peer_account = std::move(peer_account);
    e.alive = alive;
    e.created_ms = e.updated_ms = t;
    e.version = t;
    return e;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_ = Backend::Open(dir_);
  AppId app_ = 0;
};

using Backends = ::testing::Types<testing::SqliteBackend>;
TYPED_TEST_SUITE(StoreContractTest, Backends);

TYPED_TEST(StoreContractTest, EnsureAppIsIdempotent) {
  auto again = this->store_->EnsureApp("contract");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), this->app_);
  EXPECT_NE(this->store_->EnsureApp("other").value(), this->app_);
}

TYPED_TEST(StoreContractTest, UsersRoundTripAndStayInTheirApp) {
  UserId id = this->AddUser("alice");
  AppId other = this->store_->EnsureApp("other").value();
  UserId other_id = this->AddUser("alice", other);
  EXPECT_NE(id, other_id);
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                auto u = txn.FindUser(this->app_, "alice");
                EXPECT_TRUE(u.has_value());
                u->profile.name = "Alice";
                u->profile.gender = 2;
                u->version = 7;
                u->clock_ms = 99;
                txn.UpdateUser(this->app_, *u);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->store_
                  ->Read([&](ReadTxn& txn) {
                    auto u = txn.FindUser(this->app_, "alice");
                    ASSERT_TRUE(u.has_value());
                    EXPECT_EQ(u->profile.name, "Alice");
                    EXPECT_EQ(u->profile.gender, 2);
                    EXPECT_FALSE(u->profile.sign.has_value());
                    EXPECT_EQ(u->version, 7);
                    EXPECT_EQ(u->clock_ms, 99);
                    EXPECT_EQ(u->id, id);
                    EXPECT_EQ(txn.FindUser(other, "alice")->id, other_id);
                    EXPECT_FALSE(txn.FindUser(other, "alice")->profile.name.has_value());
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, EdgesListInChangeOrderWithTombstonesOnRequest) {
  UserId a = this->AddUser("a"), b = this->AddUser("b"), c = this->AddUser("c");
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                auto ab = this->Edge(a, b, "b", true, 30);
                ab.fields.alias = "bee";
                ab.peer_alive = true;
                txn.PutEdge(this->app_, ab);
                txn.PutEdge(this->app_, this->Edge(a, c, "c", false, 20));
                txn.PutEdge(this->app_, this->Edge(b, a, "a", true, 10));
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->store_
                  ->Read([&](ReadTxn& txn) {
                    auto all = txn.ListFriends(this->app_, a, 0, true);
                    ASSERT_EQ(all.size(), 2u);
                    EXPECT_EQ(all[0].peer_account, "c");
                    EXPECT_FALSE(all[0].edge.alive);
                    EXPECT_FALSE(all[0].bidirectional);
                    EXPECT_EQ(all[1].peer_account, "b");
                    EXPECT_TRUE(all[1].bidirectional);
                    EXPECT_EQ(all[1].edge.fields.alias, "bee");
                    EXPECT_EQ(txn.ListFriends(this->app_, a, 0, false).size(), 1u);
                    auto since = txn.ListFriends(this->app_, a, 20, true);
                    ASSERT_EQ(since.size(), 1u);
                    EXPECT_EQ(since[0].peer_account, "b");
                    EXPECT_TRUE(since[0].bidirectional);
                    EXPECT_TRUE(txn.ListFriends(this->app_, a, 30, true).empty());
                    EXPECT_TRUE(txn.FindEdge(this->app_, a, b).has_value());
                    EXPECT_FALSE(txn.FindEdge(this->app_, b, c).has_value());
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, RequestsAndRelations) {
  UserId a = this->AddUser("a"), b = this->AddUser("b"), c = this->AddUser("c");
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                FriendRequest r;
                r.from = a;
                r.to = b;
                r.message = "hello";
                r.from_version = 1;
                r.to_version = 2;
                txn.PutRequest(this->app_, r);
                txn.PutRelation(this->app_, a, c, Relation::kBlock, true, 1);
                txn.PutRelation(this->app_, a, b, Relation::kBlock, true, 1);
                txn.PutRelation(this->app_, a, b, Relation::kMute, true, 1);
                txn.PutRelation(this->app_, a, b, Relation::kMute, false, 1);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->store_
                  ->Read([&](ReadTxn& txn) {
                    auto r = txn.FindRequest(this->app_, a, b);
                    ASSERT_TRUE(r.has_value());
                    EXPECT_EQ(r->message, "hello");
                    EXPECT_EQ(r->state, RequestState::kPending);
                    EXPECT_EQ(r->to_version, 2);
                    EXPECT_FALSE(txn.FindRequest(this->app_, b, a).has_value());
                    EXPECT_TRUE(txn.HasRelation(this->app_, a, b, Relation::kBlock));
                    EXPECT_FALSE(txn.HasRelation(this->app_, a, b, Relation::kMute));
                    EXPECT_EQ(txn.CountRelations(this->app_, a, Relation::kBlock), 2);
                    EXPECT_EQ(txn.ListRelations(this->app_, a, Relation::kBlock),
                              (std::vector<std::string>{"c", "b"}));
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, AFailedJobLeavesNothingBehind) {
  UserId a = this->AddUser("a"), b = this->AddUser("b");
  Status s = WriteAndWait(*this->store_, [&](WriteTxn& txn) {
    txn.PutEdge(this->app_, this->Edge(a, b, "b", true, 1));
    return Status(Code::kFriendLimit, "no");
  });
  EXPECT_EQ(s.code(), Code::kFriendLimit);
  Status thrown = WriteAndWait(*this->store_, [&](WriteTxn& txn) -> Status {
    txn.PutEdge(this->app_, this->Edge(b, a, "a", true, 1));
    throw StoreFailure("disk on fire");
  });
  EXPECT_EQ(thrown.code(), Code::kInternal);
  ASSERT_TRUE(this->store_
                  ->Read([&](ReadTxn& txn) {
                    EXPECT_FALSE(txn.FindEdge(this->app_, a, b).has_value());
                    EXPECT_FALSE(txn.FindEdge(this->app_, b, a).has_value());
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ConcurrentWritesEachCompleteOnce) {
  constexpr int kThreads = 4, kPerThread = 200;
  std::atomic<int> done{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        this->store_->Write(
            [&, t, i](WriteTxn& txn) {
              User u;
              u.account = "u" + std::to_string(t) + "_" + std::to_string(i);
              txn.InsertUser(this->app_, u);
              return Status::Ok();
            },
            [&](const Status& s) {
              if (!s.ok()) ++failed;
              ++done;
            });
      }
    });
  }
  for (auto& th : threads) th.join();
  // A barrier job: the writer runs jobs in order, so every earlier one has completed.
  ASSERT_TRUE(WriteAndWait(*this->store_, [](WriteTxn&) { return Status::Ok(); }).ok());
  EXPECT_EQ(done.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  ASSERT_TRUE(
      this->store_
          ->Read([&](ReadTxn& txn) { EXPECT_TRUE(txn.FindUser(this->app_, "u3_199").has_value()); })
          .ok());
}

TYPED_TEST(StoreContractTest, ClosedStoreRefusesWrites) {
  this->store_->Close();
  Status s = WriteAndWait(*this->store_, [](WriteTxn&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), Code::kUnavailable);
  this->store_->Close();  // idempotent
}

TYPED_TEST(StoreContractTest, DataSurvivesReopening) {
  this->AddUser("persisted");
  this->store_->Close();
  this->store_.reset();
  this->store_ = TypeParam::Open(this->dir_);
  EXPECT_EQ(this->store_->EnsureApp("contract").value(), this->app_);
  ASSERT_TRUE(this->store_
                  ->Read([&](ReadTxn& txn) {
                    EXPECT_TRUE(txn.FindUser(this->app_, "persisted").has_value());
                  })
                  .ok());
}

}  // namespace
}  // namespace fg
