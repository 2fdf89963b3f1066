// BufferedEdgeTxn: a job sees through it what it would see without it, and the edges reach the
// wrapped transaction once each, at Flush.
#include "store/buffered_edge_txn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <tuple>
#include <vector>

#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;

template <typename Backend>
class BufferedEdgeTxnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = store_->EnsureApp("buffered").value();
    ASSERT_TRUE(WriteAndWait(*store_, [&](WriteTxn& txn) {
                  for (const char* account : {"a", "b", "c"}) {
                    User u;
                    u.account = account;
                    ids_.push_back(txn.InsertUser(app_, u).value());
                  }
                  txn.PutEdge(app_, Edge(ids_[0], ids_[1], "b", 10));  // a -> b exists
                  return Status::Ok();
                }).ok());
  }

  FriendEdge Edge(UserId owner, UserId peer, std::string peer_account, int64_t t) {
    return testing::AliveEdge(app_, owner, peer, std::move(peer_account), t);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_ = Backend::Open(dir_);
  AppId app_ = 0;
  std::vector<UserId> ids_;
};

using Backends = ::testing::Types<testing::SqliteBackend, testing::MemoryBackend>;
TYPED_TEST_SUITE(BufferedEdgeTxnTest, Backends);

TYPED_TEST(BufferedEdgeTxnTest, ReadsSeeTheJobsWritesWhichLandAtFlush) {
  const AppId app = this->app_;
  const UserId a = this->ids_[0], b = this->ids_[1], c = this->ids_[2];
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                BufferedEdgeTxn buffered(txn);
                buffered.Prefetch(app, a, {c, b, c});
                EXPECT_EQ(buffered.FindEdge(app, a, b)->updated_ms, 10);
                EXPECT_FALSE(buffered.FindEdge(app, a, c).has_value());
                buffered.PutEdge(app, this->Edge(a, c, "c", 20));
                buffered.PutEdge(app, this->Edge(a, c, "c", 30));
                buffered.PutEdge(app, this->Edge(b, a, "a", 40));
                EXPECT_EQ(buffered.FindEdge(app, a, c)->updated_ms, 30);
                auto found = buffered.FindEdges(app, a, {b, c});
                EXPECT_EQ(found.size(), 2u);
                EXPECT_FALSE(txn.FindEdge(app, a, c).has_value());  // not written yet
                buffered.Flush();
                EXPECT_EQ(txn.FindEdge(app, a, c)->updated_ms, 30);
                EXPECT_EQ(txn.FindEdge(app, b, a)->updated_ms, 40);
                // A listing flushes first.
                buffered.PutEdge(app, this->Edge(c, a, "a", 50));
                EXPECT_EQ(buffered.ListFriends(app, c, 0, true, SIZE_MAX).size(), 1u);
                EXPECT_EQ(buffered.ListFriendsAfter(app, b, 0, SIZE_MAX).size(), 1u);
                // A deleted user's edges go from what is kept too.
                buffered.DeleteUserRows(app, a);
                EXPECT_FALSE(buffered.FindEdge(app, a, b).has_value());
                EXPECT_TRUE(buffered.FindEdge(app, b, a).has_value());
                return Status::Ok();
              }).ok());
}

// Records the keys each PutEdges call writes, in order.
class PutEdgesLog final : public ForwardingTxn {
 public:
  using ForwardingTxn::ForwardingTxn;
  void PutEdges(AppId app, std::span<const FriendEdge* const> edges) override {
    for (const FriendEdge* e : edges) keys.emplace_back(app, e->owner, e->peer);
    ForwardingTxn::PutEdges(app, edges);
  }
  std::vector<std::tuple<AppId, UserId, UserId>> keys;
};

TYPED_TEST(BufferedEdgeTxnTest, KeysComeInAnyOrderAndLandOnceEachInKeyOrder) {
  const AppId app = this->app_;
  const AppId other = this->store_->EnsureApp("buffered-other").value();
  const UserId a = this->ids_[0], b = this->ids_[1], c = this->ids_[2];
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                PutEdgesLog log(txn);
                BufferedEdgeTxn buffered(log);
                // One owner's keys from a point read, two prefetches and puts, interleaved.
                EXPECT_FALSE(buffered.FindEdge(app, a, c).has_value());
                buffered.PutEdge(other, this->Edge(c, a, "a", 5));
                buffered.PutEdge(app, this->Edge(a, c, "c", 20));
                buffered.Prefetch(app, a, {b, c});
                buffered.PutEdge(app, this->Edge(b, c, "c", 30));
                buffered.Prefetch(app, b, {a});
                buffered.PutEdge(app, this->Edge(a, 1000, "far", 40));
                buffered.Prefetch(app, a, {b, 999, 1000});
                buffered.PutEdge(app, this->Edge(a, c, "c", 50));
                EXPECT_EQ(buffered.FindEdge(app, a, b)->updated_ms, 10);
                EXPECT_EQ(buffered.FindEdge(app, a, c)->updated_ms, 50);
                EXPECT_EQ(buffered.FindEdge(app, a, 1000)->updated_ms, 40);
                EXPECT_FALSE(buffered.FindEdge(app, a, 999).has_value());
                EXPECT_FALSE(buffered.FindEdge(app, b, a).has_value());
                EXPECT_EQ(buffered.FindEdges(app, a, {b, c, 999}).size(), 2u);
                EXPECT_TRUE(log.keys.empty());
                buffered.Flush();
                std::vector<std::tuple<AppId, UserId, UserId>> want = {
                    {app, a, c}, {app, a, 1000}, {app, b, c}, {other, c, a}};
                std::sort(want.begin(), want.end());
                EXPECT_EQ(log.keys, want);  // a -> b was only read: not written
                EXPECT_EQ(txn.FindEdge(app, a, c)->updated_ms, 50);
                EXPECT_EQ(txn.FindEdge(other, c, a)->updated_ms, 5);
                return Status::Ok();
              }).ok());
}

TYPED_TEST(BufferedEdgeTxnTest, AJobThatFailsWritesNothing) {
  const AppId app = this->app_;
  const UserId a = this->ids_[0], c = this->ids_[2];
  EXPECT_FALSE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                 BufferedEdgeTxn buffered(txn);
                 buffered.PutEdge(app, this->Edge(a, c, "c", 20));
                 buffered.Flush();
                 return Status(Code::kFriendLimit, "no");
               }).ok());
  ASSERT_TRUE(ReadAndWait(*this->store_, [&](ReadTxn& txn) {
                EXPECT_FALSE(txn.FindEdge(app, a, c).has_value());
                return Status::Ok();
              }).ok());
}

}  // namespace
}  // namespace fg
