// The store contract: every backend must pass these. Add a backend to Backends below.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
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
                  id = txn.InsertUser(app ? app : app_, u).value_or(0);
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

  // Runs check(txn) on a read snapshot and waits.
  template <typename F>
  Status Read(F check) {
    return ReadAndWait(*store_, [&](ReadTxn& txn) {
      check(txn);
      return Status::Ok();
    });
  }

  TempDir dir_;
  std::unique_ptr<Store> store_ = Backend::Open(dir_);
  AppId app_ = 0;
};

using Backends = ::testing::Types<testing::SqliteBackend, testing::MemoryBackend>;
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
                auto locked = txn.LockUsers({{this->app_, "alice"}, {this->app_, "nobody"}});
                EXPECT_EQ(locked.size(), 1u);
                User u = locked.at(0);
                u.profile.name = "Alice";
                u.profile.gender = 2;
                u.version = 7;
                u.clock_ms = 99;
                u.friend_count = 5;
                u.pending_requests = 3;
                txn.UpdateUserFields(this->app_, u);
                txn.SaveCounters(this->app_, u);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    auto u = txn.FindUser(this->app_, "alice");
                    ASSERT_TRUE(u.has_value());
                    EXPECT_EQ(u->profile.name, "Alice");
                    EXPECT_EQ(u->profile.gender, 2);
                    EXPECT_FALSE(u->profile.sign.has_value());
                    EXPECT_EQ(u->version, 7);
                    EXPECT_EQ(u->clock_ms, 99);
                    EXPECT_EQ(u->friend_count, 5);
                    EXPECT_EQ(u->pending_requests, 3);
                    EXPECT_EQ(u->id, id);
                    EXPECT_EQ(txn.FindUser(other, "alice")->id, other_id);
                    EXPECT_EQ(txn.FindUserId(this->app_, "alice"), id);
                    EXPECT_EQ(txn.FindUserId(other, "alice"), other_id);
                    EXPECT_FALSE(txn.FindUserId(this->app_, "nobody").has_value());
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
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    auto all = txn.ListFriends(this->app_, a, 0, true, SIZE_MAX);
                    ASSERT_EQ(all.size(), 2u);
                    EXPECT_EQ(all[0].peer_account, "c");
                    EXPECT_FALSE(all[0].edge.alive);
                    EXPECT_FALSE(all[0].bidirectional);
                    EXPECT_EQ(all[1].peer_account, "b");
                    EXPECT_TRUE(all[1].bidirectional);
                    EXPECT_EQ(all[1].edge.fields.alias, "bee");
                    EXPECT_EQ(txn.ListFriends(this->app_, a, 0, false, SIZE_MAX).size(), 1u);
                    auto since = txn.ListFriends(this->app_, a, 20, true, SIZE_MAX);
                    ASSERT_EQ(since.size(), 1u);
                    EXPECT_EQ(since[0].peer_account, "b");
                    EXPECT_TRUE(since[0].bidirectional);
                    EXPECT_TRUE(txn.ListFriends(this->app_, a, 30, true, SIZE_MAX).empty());
                    // A limit keeps the oldest changes, with or without a cursor.
                    auto first = txn.ListFriends(this->app_, a, 0, true, 1);
                    ASSERT_EQ(first.size(), 1u);
                    EXPECT_EQ(first[0].peer_account, "c");
                    EXPECT_EQ(txn.ListFriends(this->app_, a, 0, false, 1)[0].peer_account, "b");
                    EXPECT_EQ(txn.ListFriends(this->app_, a, 10, true, 1)[0].peer_account, "c");
                    EXPECT_TRUE(txn.ListFriends(this->app_, a, 0, true, 0).empty());
                    EXPECT_TRUE(txn.FindEdge(this->app_, a, b).has_value());
                    EXPECT_FALSE(txn.FindEdge(this->app_, b, c).has_value());
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, FindEdgesReturnsThoseOfThePeersAskedThatExist) {
  UserId a = this->AddUser("a"), b = this->AddUser("b"), c = this->AddUser("c");
  UserId d = this->AddUser("d"), e = this->AddUser("e");
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                auto ab = this->Edge(a, b, "b", true, 30);
                ab.fields.alias = "bee";
                txn.PutEdge(this->app_, ab);
                txn.PutEdge(this->app_, this->Edge(a, c, "c", true, 20));
                txn.PutEdge(this->app_, this->Edge(a, d, "d", false, 10));  // a tombstone
                txn.PutEdge(this->app_, this->Edge(b, e, "e", true, 10));   // another owner
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    auto found = txn.FindEdges(this->app_, a, {b, d, e});
                    ASSERT_EQ(found.size(), 2u);
                    EXPECT_EQ(found[0].peer, b);  // c lies between, not asked
                    EXPECT_EQ(found[0].fields.alias, "bee");
                    EXPECT_EQ(found[0].updated_ms, 30);
                    EXPECT_EQ(found[1].peer, d);
                    EXPECT_FALSE(found[1].alive);
                    EXPECT_TRUE(txn.FindEdges(this->app_, a, {}).empty());
                    EXPECT_TRUE(txn.FindEdges(this->app_, a, {e}).empty());
                    EXPECT_TRUE(txn.FindEdges(this->app_ + 1, a, {b, c}).empty());
                    EXPECT_EQ(txn.FindEdges(this->app_, b, {a, c, e}).size(), 1u);
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, PutEdgesPutsEachAsPutEdgeWould) {
  UserId a = this->AddUser("a");
  std::vector<UserId> peers;
  for (int i = 0; i < 150; ++i) peers.push_back(this->AddUser("p" + std::to_string(i)));
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.PutEdge(this->app_, this->Edge(a, peers[0], "p0", false, 5));
                std::vector<FriendEdge> edges;
                for (int i = 0; i < 150; ++i) {
                  edges.push_back(this->Edge(a, peers[i], "p" + std::to_string(i), true, 10 + i));
                  edges.back().peer_app = this->app_;
                }
                edges[7].fields.alias = "seven";
                edges[7].peer_alive = true;
                edges[149].source = "import";
                std::vector<const FriendEdge*> pointers;
                for (const FriendEdge& e : edges) pointers.push_back(&e);
                txn.PutEdges(this->app_, pointers);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    auto all = txn.ListFriendsAfter(this->app_, a, 0, SIZE_MAX);
                    ASSERT_EQ(all.size(), 150u);
                    EXPECT_TRUE(all[0].edge.alive);  // the tombstone came back
                    EXPECT_EQ(all[0].edge.updated_ms, 10);
                    EXPECT_EQ(all[7].edge.fields.alias, "seven");
                    EXPECT_TRUE(all[7].bidirectional);
                    EXPECT_FALSE(all[8].bidirectional);
                    EXPECT_EQ(all[149].peer_account, "p149");
                    EXPECT_EQ(all[149].edge.source, "import");
                    EXPECT_EQ(all[149].edge.version, 159);
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
                txn.PutRelation(this->app_, a, this->app_, c, Relation::kBlock, true, 1);
                txn.PutRelation(this->app_, a, this->app_, b, Relation::kBlock, true, 1);
                txn.PutRelation(this->app_, a, this->app_, b, Relation::kMute, true, 1);
                txn.PutRelation(this->app_, a, this->app_, b, Relation::kMute, false, 1);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
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
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    EXPECT_FALSE(txn.FindEdge(this->app_, a, b).has_value());
                    EXPECT_FALSE(txn.FindEdge(this->app_, b, a).has_value());
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ConcurrentWritesEachCompleteOnce) {
  constexpr int kThreads = 4, kPerThread = 200;
  std::atomic<int> done{0}, failed{0};
  std::promise<void> all_done;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        this->store_->Write(
            [&, t, i](WriteTxn& txn) {
              User u;
              u.account = "u" + std::to_string(t) + "_" + std::to_string(i);
              return txn.InsertUser(this->app_, u) ? Status::Ok()
                                                   : Status(Code::kAlreadyExists, u.account);
            },
            [&](const Status& s) {
              if (!s.ok()) ++failed;
              if (++done == kThreads * kPerThread) all_done.set_value();
            });
      }
    });
  }
  for (auto& th : threads) th.join();
  // Completions come in no particular order: wait for the count, not for a barrier job.
  all_done.get_future().wait();
  EXPECT_EQ(done.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  ASSERT_TRUE(
      this->Read([&](ReadTxn& txn) { EXPECT_TRUE(txn.FindUser(this->app_, "u3_199").has_value()); })
          .ok());
}

TYPED_TEST(StoreContractTest, ClosedStoreRefusesWrites) {
  this->store_->Close();
  Status s = WriteAndWait(*this->store_, [](WriteTxn&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), Code::kUnavailable);
  this->store_->Close();  // idempotent
}

TYPED_TEST(StoreContractTest, DataSurvivesReopening) {
  if (!TypeParam::kPersistent) GTEST_SKIP() << TypeParam::kName << " keeps nothing";
  this->AddUser("persisted");
  this->store_->Close();
  this->store_.reset();
  this->store_ = TypeParam::Open(this->dir_);
  EXPECT_EQ(this->store_->EnsureApp("contract").value(), this->app_);
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    EXPECT_TRUE(txn.FindUser(this->app_, "persisted").has_value());
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ADuplicateAccountIsAValueNotAFailure) {
  this->AddUser("taken");
  std::optional<UserId> second = UserId{1};
  Status s = WriteAndWait(*this->store_, [&](WriteTxn& txn) {
    User u;
    u.account = "taken";
    second = txn.InsertUser(this->app_, u);
    u.account = "free";
    EXPECT_TRUE(txn.InsertUser(this->app_, u).has_value());  // the transaction goes on
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(second.has_value());
  ASSERT_TRUE(
      this->Read([&](ReadTxn& txn) { EXPECT_TRUE(txn.FindUser(this->app_, "free").has_value()); })
          .ok());
}

TYPED_TEST(StoreContractTest, ProfileWritesNeverTouchCounters) {
  this->AddUser("a");
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                User u = txn.LockUsers({{this->app_, "a"}}).at(0);
                User stale = u;  // read before the counters moved
                u.version = 9;
                u.clock_ms = 90;
                u.friend_count = 3;
                txn.SaveCounters(this->app_, u);
                stale.profile.name = "Ann";
                txn.UpdateUserFields(this->app_, stale);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    auto u = txn.FindUser(this->app_, "a");
                    ASSERT_TRUE(u.has_value());
                    EXPECT_EQ(u->profile.name, "Ann");
                    EXPECT_EQ(u->version, 9);
                    EXPECT_EQ(u->clock_ms, 90);
                    EXPECT_EQ(u->friend_count, 3);
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ReadsRunOnTheStoresThreadsAndComplete) {
  this->AddUser("a");
  std::promise<std::thread::id> ran_on;
  Status s = ReadAndWait(*this->store_, [&](ReadTxn& txn) {
    ran_on.set_value(std::this_thread::get_id());
    return txn.FindUser(this->app_, "a") ? Status::Ok() : Status(Code::kUserNotFound, "a");
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  Status failed = ReadAndWait(*this->store_,
                              [](ReadTxn&) -> Status { throw StoreFailure("cold page fell off"); });
  EXPECT_EQ(failed.code(), Code::kInternal);
}

TYPED_TEST(StoreContractTest, ACompletionThatThrowsDoesNotStopTheStore) {
  std::promise<void> thrown;
  this->store_->Write([](WriteTxn&) { return Status::Ok(); },
                      [&](const Status&) {
                        thrown.set_value();
                        throw std::runtime_error("a buggy completion");
                      });
  thrown.get_future().wait();
  this->store_->Read([](ReadTxn&) { return Status::Ok(); },
                     [](const Status&) { throw std::runtime_error("another"); });
  EXPECT_TRUE(WriteAndWait(*this->store_, [](WriteTxn&) { return Status::Ok(); }).ok());
  EXPECT_TRUE(ReadAndWait(*this->store_, [](ReadTxn&) { return Status::Ok(); }).ok());
}

TYPED_TEST(StoreContractTest, KeysetListings) {
  UserId a = this->AddUser("a"), b = this->AddUser("b"), c = this->AddUser("c");
  UserId d = this->AddUser("d");
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.PutEdge(this->app_, this->Edge(a, c, "c", true, 5));
                txn.PutEdge(this->app_, this->Edge(a, b, "b", true, 9));
                txn.PutEdge(this->app_, this->Edge(a, d, "d", false, 7));
                txn.PutRelation(this->app_, a, this->app_, c, Relation::kBlock, true, 1);
                txn.PutRelation(this->app_, a, this->app_, b, Relation::kBlock, true, 2);
                txn.PutRelation(this->app_, a, this->app_, d, Relation::kBlock, true, 3);
                txn.PutRelation(this->app_, a, this->app_, d, Relation::kMute, true, 3);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    auto users = txn.ListUsersAfter(this->app_, a, 2);
                    ASSERT_EQ(users.size(), 2u);
                    EXPECT_EQ(users[0].account, "b");
                    EXPECT_EQ(users[1].account, "c");
                    EXPECT_EQ(txn.FindUserById(this->app_, d)->account, "d");
                    EXPECT_FALSE(txn.FindUserById(this->app_ + 1000, d).has_value());

                    auto friends = txn.ListFriendsAfter(this->app_, a, 0, 10);  // by peer id
                    ASSERT_EQ(friends.size(), 2u);                              // alive only
                    EXPECT_EQ(friends[0].peer_account, "b");
                    EXPECT_EQ(friends[1].peer_account, "c");
                    EXPECT_EQ(txn.ListFriendsAfter(this->app_, a, b, 10).size(), 1u);

                    auto blocks =
                        txn.ListRelationsBefore(this->app_, a, Relation::kBlock, INT64_MAX, 2);
                    ASSERT_EQ(blocks.size(), 2u);  // newest first
                    EXPECT_EQ(blocks[0].peer_account, "d");
                    EXPECT_EQ(blocks[1].peer_account, "b");
                    auto rest =
                        txn.ListRelationsBefore(this->app_, a, Relation::kBlock, blocks[1].seq, 2);
                    ASSERT_EQ(rest.size(), 1u);
                    EXPECT_EQ(rest[0].peer_account, "c");
                    EXPECT_EQ(rest[0].created_ms, 1);
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, DeletingUserRowsLeavesOthersEdgesToIt) {
  UserId a = this->AddUser("a"), b = this->AddUser("b"), c = this->AddUser("c");
  AppId other = this->store_->EnsureApp("other").value();
  UserId o = this->AddUser("o", other);  // a user of a linked app
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.PutEdge(this->app_, this->Edge(a, b, "b", true, 1));
                txn.PutEdge(this->app_, this->Edge(b, a, "a", false, 1));
                FriendRequest r;
                r.from = c;
                r.to = a;
                txn.PutRequest(this->app_, r);
                txn.PutRelation(this->app_, b, this->app_, a, Relation::kBlock, true, 1);
                txn.PutRelation(this->app_, a, this->app_, c, Relation::kMute, true, 1);
                txn.PutRelation(other, o, this->app_, a, Relation::kBlock, true, 1);
                txn.LockUsers({{this->app_, "a"}});
                txn.DeleteUserRows(this->app_, a);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    EXPECT_FALSE(txn.FindUser(this->app_, "a").has_value());
                    EXPECT_FALSE(txn.FindEdge(this->app_, a, b).has_value());
                    EXPECT_TRUE(txn.FindEdge(this->app_, b, a).has_value());
                    EXPECT_FALSE(txn.FindRequest(this->app_, c, a).has_value());
                    EXPECT_FALSE(txn.HasRelation(this->app_, b, a, Relation::kBlock));
                    // A relation held on it from another app goes too (its row is in that app).
                    EXPECT_FALSE(txn.HasRelation(other, o, a, Relation::kBlock));
                    EXPECT_EQ(txn.CountRelations(other, o, Relation::kBlock), 0);
                    EXPECT_EQ(txn.CountRelations(this->app_, a, Relation::kMute), 0);
                  })
                  .ok());
  EXPECT_NE(this->AddUser("a"), a);  // the name is free again, as a new user
}

// a's requests, by a's own clock: updated_ms where a sent, to_clock_ms where a received. The
// other side's clock (and requests a is not in) interleave with them and must not count.
TYPED_TEST(StoreContractTest, RequestsListByTheUsersOwnClock) {
  AppId other = this->store_->EnsureApp("other").value();
  UserId a = this->AddUser("a"), b = this->AddUser("b"), c = this->AddUser("c");
  UserId d = this->AddUser("d", other);
  auto request = [&](UserId from, AppId from_app, UserId to, int64_t from_clock, int64_t to_clock) {
    FriendRequest r;
    r.from = from;
    r.from_app = from_app;
    r.to = to;
    r.message = std::to_string(from) + ">" + std::to_string(to);
    r.created_ms = r.updated_ms = from_clock;
    r.to_clock_ms = to_clock;
    return r;
  };
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.PutRequest(this->app_, request(a, this->app_, b, 10, 100));
                txn.PutRequest(this->app_, request(c, this->app_, a, 50, 20));
                txn.PutRequest(this->app_, request(a, this->app_, c, 30, 60));
                txn.PutRequest(this->app_, request(b, this->app_, c, 15, 25));
                txn.PutRequest(other, request(a, this->app_, d, 40, 5));  // the recipient's app
                return Status::Ok();
              }).ok());
  // Each entry as "from>to@clock" from `user`'s side.
  auto names = [](const std::vector<FriendRequest>& list, UserId user) {
    std::vector<std::string> out;
    for (const auto& r : list) out.push_back(r.message + "@" + std::to_string(ClockOf(r, user)));
    return out;
  };
  auto name = [](UserId from, UserId to, int64_t clock) {
    return std::to_string(from) + ">" + std::to_string(to) + "@" + std::to_string(clock);
  };
  ASSERT_TRUE(
      this->Read([&](ReadTxn& txn) {
            AppId app = this->app_;
            EXPECT_EQ(names(txn.ListRequests(app, a, 0, false, 10), a),
                      (std::vector<std::string>{name(a, b, 10), name(c, a, 20), name(a, c, 30),
                                                name(a, d, 40)}));
            EXPECT_EQ(names(txn.ListRequests(app, a, 10, false, 10), a),
                      (std::vector<std::string>{name(c, a, 20), name(a, c, 30), name(a, d, 40)}));
            EXPECT_EQ(names(txn.ListRequests(app, a, 0, false, 2), a),
                      (std::vector<std::string>{name(a, b, 10), name(c, a, 20)}));
            EXPECT_EQ(names(txn.ListRequests(app, a, 20, false, 1), a),
                      (std::vector<std::string>{name(a, c, 30)}));
            EXPECT_EQ(names(txn.ListRequests(app, a, INT64_MAX, true, 3), a),
                      (std::vector<std::string>{name(a, d, 40), name(a, c, 30), name(c, a, 20)}));
            EXPECT_EQ(names(txn.ListRequests(app, a, 30, true, 10), a),
                      (std::vector<std::string>{name(c, a, 20), name(a, b, 10)}));
            EXPECT_TRUE(txn.ListRequests(app, a, 40, false, 10).empty());
            EXPECT_TRUE(txn.ListRequests(app, a, 10, true, 10).empty());
            EXPECT_TRUE(txn.ListRequests(app, a, 0, false, 0).empty());
            EXPECT_EQ(names(txn.ListRequests(app, b, 0, false, 10), b),
                      (std::vector<std::string>{name(b, c, 15), name(a, b, 100)}));
            // The cross-app request: listed on both sides, its apps filled in.
            auto to_d = txn.ListRequests(other, d, 0, false, 10);
            EXPECT_EQ(names(to_d, d), (std::vector<std::string>{name(a, d, 5)}));
            ASSERT_EQ(to_d.size(), 1u);
            EXPECT_EQ(to_d[0].from_app, app);
            EXPECT_EQ(to_d[0].to_app, other);
            EXPECT_TRUE(txn.ListRequests(app, d, 0, false, 10).empty());
            EXPECT_TRUE(txn.ListRequests(other, a, 0, false, 10).empty());
            auto found = txn.FindRequest(app, c, a);
            ASSERT_TRUE(found.has_value());
            EXPECT_EQ(found->to_app, app);
            EXPECT_EQ(found->to_clock_ms, 20);
          })
          .ok());
}

TYPED_TEST(StoreContractTest, RequestReplyRoundTripsAndDeletingAUserTakesItsRequestsInAnyApp) {
  AppId other = this->store_->EnsureApp("other").value();
  UserId a = this->AddUser("a"), b = this->AddUser("b");
  UserId x = this->AddUser("x", other);
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                FriendRequest r;
                r.from = b;
                r.from_app = this->app_;
                r.to = a;
                r.state = RequestState::kRefused;
                r.reply = "not now";
                r.updated_ms = 1;
                r.to_clock_ms = 2;
                txn.PutRequest(this->app_, r);
                r.from = a;
                r.to = x;
                r.reply.clear();
                txn.PutRequest(other, r);
                r.from = x;
                r.from_app = other;
                r.to = b;
                txn.PutRequest(this->app_, r);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    auto r = txn.FindRequest(this->app_, b, a);
                    ASSERT_TRUE(r.has_value());
                    EXPECT_EQ(r->reply, "not now");
                    EXPECT_EQ(r->state, RequestState::kRefused);
                  })
                  .ok());
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.LockUsers({{this->app_, "a"}});
                txn.DeleteUserRows(this->app_, a);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    EXPECT_FALSE(txn.FindRequest(this->app_, b, a).has_value());
                    EXPECT_FALSE(txn.FindRequest(other, a, x).has_value());
                    EXPECT_TRUE(txn.ListRequests(other, x, 0, false, 10).size() == 1u);
                    EXPECT_TRUE(txn.FindRequest(this->app_, x, b).has_value());
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, AvatarsRoundTripTheirBytesAndAreFoundByKey) {
  UserId a = this->AddUser("a"), b = this->AddUser("b");
  std::string bytes("\0\x01\xff\0GIF89a\0", 11);
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.PutAvatar(this->app_, Avatar{a, "k1", "image/gif", bytes, 7});
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    auto mine = txn.FindAvatarByKey("k1", /*with_bytes=*/true);
                    ASSERT_TRUE(mine.has_value());
                    EXPECT_EQ(mine->user, a);
                    EXPECT_EQ(mine->key, "k1");
                    EXPECT_EQ(mine->content_type, "image/gif");
                    EXPECT_EQ(mine->bytes, bytes);
                    EXPECT_EQ(mine->updated_ms, 7);
                    auto bare = txn.FindAvatarByKey("k1", /*with_bytes=*/false);
                    ASSERT_TRUE(bare.has_value());
                    EXPECT_EQ(bare->user, a);
                    EXPECT_EQ(bare->content_type, "image/gif");
                    EXPECT_EQ(bare->updated_ms, 7);
                    EXPECT_TRUE(bare->bytes.empty());
                    EXPECT_FALSE(txn.FindAvatarByKey("k2", true).has_value());
                  })
                  .ok());
  // A new upload replaces the user's avatar, key and all.
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.PutAvatar(this->app_, Avatar{a, "k2", "image/png", "png", 8});
                txn.PutAvatar(this->app_, Avatar{b, "kb", "image/png", "b", 8});
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    EXPECT_FALSE(txn.FindAvatarByKey("k1", true).has_value());
                    EXPECT_EQ(txn.FindAvatarByKey("k2", true)->bytes, "png");
                    EXPECT_EQ(txn.FindAvatarByKey("k2", true)->user, a);
                  })
                  .ok());
  // A key another user's avatar holds is a failure, and that avatar stays.
  Status clash = WriteAndWait(*this->store_, [&](WriteTxn& txn) {
    txn.PutAvatar(this->app_, Avatar{b, "k2", "image/png", "stolen", 9});
    return Status::Ok();
  });
  EXPECT_EQ(clash.code(), Code::kInternal) << clash.ToString();
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    EXPECT_EQ(txn.FindAvatarByKey("k2", true)->user, a);
                    EXPECT_EQ(txn.FindAvatarByKey("k2", true)->bytes, "png");
                    EXPECT_EQ(txn.FindAvatarByKey("kb", true)->bytes, "b");
                  })
                  .ok());
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.LockUsers({{this->app_, "a"}});
                txn.DeleteUserRows(this->app_, a);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(this->Read([&](ReadTxn& txn) {
                    EXPECT_FALSE(txn.FindAvatarByKey("k2", true).has_value());
                    EXPECT_TRUE(txn.FindAvatarByKey("kb", false).has_value());
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, UserIdsAreNeverUsedAgain) {
  this->AddUser("first");
  UserId last = this->AddUser("last");  // the highest id so far
  ASSERT_TRUE(WriteAndWait(*this->store_, [&](WriteTxn& txn) {
                txn.LockUsers({{this->app_, "last"}});
                txn.DeleteUserRows(this->app_, last);
                return Status::Ok();
              }).ok());
  EXPECT_GT(this->AddUser("next"), last);
}

TYPED_TEST(StoreContractTest, SettingsKeepTheirFirstValue) {
  EXPECT_EQ(this->store_->EnsureSetting("secret", "one").value(), "one");
  EXPECT_EQ(this->store_->EnsureSetting("secret", "two").value(), "one");
  EXPECT_EQ(this->store_->EnsureSetting("other", "x").value(), "x");
}

TYPED_TEST(StoreContractTest, AppsAreFoundByNameWithoutBeingMade) {
  AppId made = this->store_->EnsureApp("found").value();
  ASSERT_TRUE(ReadAndWait(*this->store_, [&](ReadTxn& txn) {
                EXPECT_EQ(txn.FindApp("found"), made);
                EXPECT_FALSE(txn.FindApp("never").has_value());
                return Status::Ok();
              }).ok());
  EXPECT_NE(this->store_->EnsureApp("never").value(), made);
}

TYPED_TEST(StoreContractTest, SettingsWrittenInAJobLandWithIt) {
  EXPECT_EQ(WriteAndWait(*this->store_,
                         [](WriteTxn& txn) {
                           txn.PutSetting("progress", "10");
                           return Status(Code::kInternal, "the job fails");
                         })
                .code(),
            Code::kInternal);
  ASSERT_TRUE(ReadAndWait(*this->store_, [](ReadTxn& txn) {
                EXPECT_FALSE(txn.FindSetting("progress").has_value());
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(WriteAndWait(*this->store_, [](WriteTxn& txn) {
                txn.PutSetting("progress", "10");
                txn.PutSetting("progress", "20");
                EXPECT_EQ(txn.FindSetting("progress"), "20");
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(ReadAndWait(*this->store_, [](ReadTxn& txn) {
                EXPECT_EQ(txn.FindSetting("progress"), "20");
                return Status::Ok();
              }).ok());
  EXPECT_EQ(this->store_->EnsureSetting("progress", "0").value(), "20");
}

TYPED_TEST(StoreContractTest, ClosedStoreRefusesReads) {
  this->store_->Close();
  EXPECT_EQ(ReadAndWait(*this->store_, [](ReadTxn&) { return Status::Ok(); }).code(),
            Code::kUnavailable);
}

}  // namespace
}  // namespace fg
