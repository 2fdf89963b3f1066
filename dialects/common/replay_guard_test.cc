#include "dialects/common/replay_guard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace fg::kit {
namespace {

using Verdict = ReplayGuard::Verdict;
constexpr int64_t kWindow = 300'000;
constexpr int64_t kNow = 1'700'000'000'000;

TEST(ReplayGuardTest, SecondUseWithinTheWindowIsRefused) {
  ReplayGuard guard(kWindow, 100);
  EXPECT_EQ(guard.Check("n1", kNow, kNow), Verdict::kFresh);
  EXPECT_EQ(guard.Check("n1", kNow, kNow + 1), Verdict::kReplayed);
  EXPECT_EQ(guard.Check("n2", kNow, kNow + 1), Verdict::kFresh);
  EXPECT_EQ(guard.Check("N1", kNow, kNow + 1), Verdict::kFresh);  // byte for byte
}

TEST(ReplayGuardTest, RememberedUntilTheRequestLeavesTheWindow) {
  ReplayGuard guard(kWindow, 100);
  // Stamped 100 s ahead of the server: it passes the window until kNow + 100 s + window.
  const int64_t presented = kNow + 100'000;
  ASSERT_EQ(guard.Check("n", presented, kNow), Verdict::kFresh);
  EXPECT_EQ(guard.Check("n", presented, presented + kWindow), Verdict::kReplayed);
  // Past that, the replay is stale anyway, and the entry is gone.
  EXPECT_EQ(guard.Check("n", presented, presented + kWindow + 1), Verdict::kOutsideWindow);
  EXPECT_EQ(guard.size(), 0u);
}

TEST(ReplayGuardTest, ExpiredEntriesAreEvicted) {
  ReplayGuard guard(kWindow, 1'000);
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(guard.Check("old" + std::to_string(i), kNow, kNow), Verdict::kFresh);
  }
  EXPECT_EQ(guard.size(), 500u);
  EXPECT_EQ(guard.Check("new", kNow + kWindow + 1, kNow + kWindow + 1), Verdict::kFresh);
  EXPECT_EQ(guard.size(), 1u);
}

TEST(ReplayGuardTest, FullRefusesInsteadOfForgetting) {
  ReplayGuard guard(kWindow, 2);
  EXPECT_EQ(guard.Check("a", kNow, kNow), Verdict::kFresh);
  EXPECT_EQ(guard.Check("b", kNow + 10, kNow + 10), Verdict::kFresh);
  EXPECT_EQ(guard.Check("c", kNow + 20, kNow + 20), Verdict::kFull);
  EXPECT_EQ(guard.Check("a", kNow, kNow + 20), Verdict::kReplayed);  // still remembered
  // Once "a" expires there is room again.
  EXPECT_EQ(guard.Check("c", kNow + kWindow + 1, kNow + kWindow + 1), Verdict::kFresh);
  EXPECT_EQ(guard.size(), 2u);
}

TEST(ReplayGuardTest, StaleOrHostileTimesRecordNothing) {
  ReplayGuard guard(kWindow, 10);
  EXPECT_EQ(guard.Check("n", kNow - kWindow - 1, kNow), Verdict::kOutsideWindow);
  EXPECT_EQ(guard.Check("n", INT64_MAX, kNow), Verdict::kOutsideWindow);
  EXPECT_EQ(guard.Check("n", INT64_MIN, kNow), Verdict::kOutsideWindow);
  EXPECT_EQ(guard.size(), 0u);
  // At the very end of time the expiry saturates instead of wrapping into the past.
  EXPECT_EQ(guard.Check("end", INT64_MAX, INT64_MAX), Verdict::kFresh);
  EXPECT_EQ(guard.Check("end", INT64_MAX, INT64_MAX), Verdict::kReplayed);
}

TEST(ReplayGuardTest, ConcurrentUsesOfOneNonceLetExactlyOneThrough) {
  ReplayGuard guard(kWindow, 100'000);
  constexpr int kThreads = 4, kNonces = 2'000;
  std::atomic<int> fresh{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kNonces; ++i) {
        if (guard.Check("n" + std::to_string(i), kNow, kNow) == Verdict::kFresh) ++fresh;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(fresh.load(), kNonces);
}

}  // namespace
}  // namespace fg::kit
