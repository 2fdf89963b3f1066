#include "app/memory_budget.h"

#include <gtest/gtest.h>

namespace fg {
namespace {

TEST(MemoryBudgetTest, SplitsHalfToTheStoreAndTheRestAmongTheCaches) {
  MemoryBudget b = SplitBudget(1000);
  EXPECT_EQ(b.total, 1000u);
  EXPECT_EQ(b.store, 500u);
  EXPECT_EQ(b.friend_lists, 300u);
  EXPECT_EQ(b.users, 100u);
  EXPECT_EQ(b.peer_rows, 100u);
}

TEST(MemoryBudgetTest, SharesAddUpToTheTotalWhateverTheRounding) {
  for (uint64_t total : {uint64_t{0}, uint64_t{1}, uint64_t{99}, uint64_t{16} << 20,
                         (uint64_t{16} << 20) + 37, uint64_t{1} << 44, ~uint64_t{0}}) {
    MemoryBudget b = SplitBudget(total);
    EXPECT_EQ(b.store + b.friend_lists + b.users + b.peer_rows, total) << total;
    EXPECT_LE(b.store, total / 2) << total;
    EXPECT_GE(b.store + 1, total / 2) << total;  // never more than a byte of rounding lost
  }
  MemoryBudget mib16 = SplitBudget(uint64_t{16} << 20);
  EXPECT_EQ(mib16.store, 8u << 20);
  EXPECT_EQ(mib16.friend_lists, 5'033'164u);  // 30 % of 16 MiB, rounded down
  EXPECT_EQ(mib16.users, 1'677'721u);
  EXPECT_EQ(mib16.peer_rows, 1'677'723u);
}

TEST(MemoryBudgetTest, TheDefaultIsAQuarterOfPhysicalMemoryAndAtLeast64) {
  EXPECT_GE(DefaultMemoryBudgetMb(), 64);
}

}  // namespace
}  // namespace fg
