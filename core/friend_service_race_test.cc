// Races: many threads drive FriendService at once; afterwards the graph's invariants must hold.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/friend_service.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;
using testing::Wait;

class FriendServiceRaceTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override { app_.id = store_->EnsureApp("race").value(); }

  void CreateUsers(int n) {
    for (int i = 0; i < n; ++i) {
      NewUser u;
      u.account = Name(i);
      ASSERT_TRUE(Wait<User>([&](auto cb) { service_.CreateUser(app_, u, cb); }).ok());
    }
  }
  static std::string Name(int i) {
    std::string name = "u";
    return name += std::to_string(i);
  }

  Result<AddOutcome> Add(const std::string& owner, const std::string& peer, AddMode mode) {
    AddArgs args;
    args.owner = owner;
    args.peer = peer;
    args.mode = mode;
    return Wait<AddOutcome>([&](auto cb) { service_.Add(app_, args, cb); });
  }

  // Runs fn(thread_index) on `threads` threads released together.
  template <typename Fn>
  static void Race(int threads, Fn fn) {
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        fn(t);
      });
    }
    go = true;
    for (auto& th : pool) th.join();
  }

  // Every user's edges have distinct versions, and times strictly increase with versions;
  // bidirectional agrees with the other side; nobody is over the friend limit; each user's
  // counters are the counts of its alive edges and of its pending requests.
  void CheckInvariants(int n) {
    for (int i = 0; i < n; ++i) {
      auto edges = testing::ListFriends(service_, app_, Name(i), 0, /*include_tombstones=*/true);
      ASSERT_TRUE(edges.ok());
      std::set<int64_t> versions;
      std::set<std::string> peers;
      int alive = 0;
      for (size_t k = 0; k < edges->size(); ++k) {
        const auto& e = (*edges)[k];
        EXPECT_TRUE(versions.insert(e.edge.version).second) << Name(i) << " repeats a version";
        EXPECT_TRUE(peers.insert(e.peer_account).second) << Name(i) << " has a duplicate edge";
        EXPECT_NE(e.peer_account, Name(i));
        if (k > 0) {
          EXPECT_LT((*edges)[k - 1].edge.updated_ms, e.edge.updated_ms);
          EXPECT_LT((*edges)[k - 1].edge.version, e.edge.version);
        }
        if (!e.edge.alive) continue;
        ++alive;
        auto back = testing::GetFriend(service_, app_, e.peer_account, Name(i));
        EXPECT_EQ(e.bidirectional, back.ok()) << Name(i) << " -> " << e.peer_account;
      }
      EXPECT_LE(alive, app_.limits.max_friends);
      EXPECT_EQ(testing::GetUser(service_, app_, Name(i))->friend_count, alive) << Name(i);
      auto requests = Wait<std::vector<RequestView>>(
          [&](auto cb) { service_.ListRequests(app_, Name(i), 0, false, SIZE_MAX, cb); });
      ASSERT_TRUE(requests.ok());
      int64_t pending = std::count_if(requests->begin(), requests->end(), [](const auto& r) {
        return r.request.state == RequestState::kPending;
      });
      EXPECT_EQ(testing::GetUser(service_, app_, Name(i))->pending_requests, pending) << Name(i);
      // The whole list (cached after the first read) agrees with the store.
      for (int pass = 0; pass < 2; ++pass) {
        auto whole = testing::ListFriends(service_, app_, Name(i), 0, false);
        ASSERT_TRUE(whole.ok());
        std::vector<std::pair<std::string, bool>> listed, stored;
        for (const auto& f : *whole) listed.emplace_back(f.peer_account, f.bidirectional);
        for (const auto& f : *edges) {
          if (f.edge.alive) stored.emplace_back(f.peer_account, f.bidirectional);
        }
        EXPECT_EQ(listed, stored) << Name(i);
      }
    }
  }

  // Declared before the store: the store's last jobs complete on them as it closes.
  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  FriendListCache cache_{CacheLimits{.max_items = 10'000}};
  std::unique_ptr<Store> store_ = GetParam().open(dir_);
  FriendService service_{
      *store_, clock_, executor_, &cache_, nullptr, nullptr, GetParam().warm_writes};
  AppContext app_;
};

TEST_P(FriendServiceRaceTest, UsersRequestingEachOtherAtOnceBecomeFriends) {
  constexpr int kPairs = 40;
  CreateUsers(2 * kPairs);
  Race(2, [&](int t) {
    for (int p = 0; p < kPairs; ++p) {
      auto me = Name(2 * p + t), other = Name(2 * p + 1 - t);
      auto r = Add(me, other, AddMode::kRequest);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  });
  for (int p = 0; p < kPairs; ++p) {
    auto f = testing::GetFriend(service_, app_, Name(2 * p), Name(2 * p + 1));
    ASSERT_TRUE(f.ok()) << "pair " << p;
    EXPECT_TRUE(f->bidirectional);
  }
  CheckInvariants(2 * kPairs);
}

TEST_P(FriendServiceRaceTest, AcceptRacingDeleteLeavesAConsistentGraph) {
  constexpr int kPairs = 40;
  CreateUsers(2 * kPairs);
  for (int p = 0; p < kPairs; ++p) {
    ASSERT_EQ(Add(Name(2 * p), Name(2 * p + 1), AddMode::kRequest).value(),
              AddOutcome::kRequestSent);
  }
  std::vector<int> delete_ok(kPairs);
  Race(2, [&](int t) {
    for (int p = 0; p < kPairs; ++p) {
      auto a = Name(2 * p), b = Name(2 * p + 1);
      if (t == 0) {
        EXPECT_TRUE(Wait<bool>([&](auto cb) {
                      service_.Respond(app_, b, a, Answer::kAccept, "", cb);
                    }).ok());
      } else {
        DeleteArgs args{a, b, false, false};
        delete_ok[p] = Wait<bool>([&](auto cb) { service_.Delete(app_, args, cb); }).ok();
      }
    }
  });
  for (int p = 0; p < kPairs; ++p) {
    auto a = Name(2 * p), b = Name(2 * p + 1);
    bool ab = testing::GetFriend(service_, app_, a, b).ok();
    bool ba = testing::GetFriend(service_, app_, b, a).ok();
    EXPECT_TRUE(ba) << "the accept always lands";
    // The delete either came after the accept (and took a's edge) or before it (and failed).
    EXPECT_EQ(ab, !delete_ok[p]) << "pair " << p;
  }
  CheckInvariants(2 * kPairs);
}

TEST_P(FriendServiceRaceTest, TheSameRequestSentManyTimesIsOneRequest) {
  CreateUsers(2);
  Race(8, [&](int) {
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(Add(Name(0), Name(1), AddMode::kRequest).value(), AddOutcome::kRequestSent);
    }
  });
  EXPECT_TRUE(Wait<bool>([&](auto cb) {
                service_.Respond(app_, Name(1), Name(0), Answer::kAccept, "", cb);
              }).ok());
  EXPECT_EQ(Wait<bool>(
                [&](auto cb) { service_.Respond(app_, Name(1), Name(0), Answer::kAccept, "", cb); })
                .status()
                .code(),
            Code::kNoPendingRequest);
  CheckInvariants(2);
}

TEST_P(FriendServiceRaceTest, RandomMixKeepsInvariants) {
  constexpr int kUsers = 20;
  app_.limits.max_friends = 8;
  CreateUsers(kUsers);
  Race(8, [&](int t) {
    std::mt19937 rng(t);
    for (int i = 0; i < 150; ++i) {
      int a = rng() % kUsers, b = rng() % kUsers;
      if (a == b) continue;
      switch (rng() % 5) {
        case 0:
          static_cast<void>(Add(Name(a), Name(b), AddMode::kDirect));
          break;
        case 1:
          static_cast<void>(Add(Name(a), Name(b), AddMode::kRequest));
          break;
        case 2: {
          Answer answer = std::array{Answer::kAccept, Answer::kRefuse, Answer::kIgnore}[rng() % 3];
          static_cast<void>(Wait<bool>(
              [&](auto cb) { service_.Respond(app_, Name(a), Name(b), answer, "", cb); }));
          break;
        }
        case 3: {
          DeleteArgs args{Name(a), Name(b), rng() % 2 == 0, false};
          static_cast<void>(Wait<bool>([&](auto cb) { service_.Delete(app_, args, cb); }));
          break;
        }
        case 4:
          clock_.Advance(static_cast<int64_t>(rng() % 3) - 1);  // also backwards
          break;
      }
    }
  });
  CheckInvariants(kUsers);
}

INSTANTIATE_TEST_SUITE_P(Backends, FriendServiceRaceTest,
                         ::testing::ValuesIn(testing::AllBackends()), testing::BackendName);
INSTANTIATE_TEST_SUITE_P(WarmingWrites, FriendServiceRaceTest,
                         ::testing::ValuesIn(testing::AllBackendsWarmingWrites()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
