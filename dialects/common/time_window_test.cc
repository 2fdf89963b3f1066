#include "dialects/common/time_window.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace fg::kit {
namespace {

static_assert(WithinWindow(100, 100, 0));
static_assert(!WithinWindow(101, 100, 0));

TEST(WithinWindowTest, BothSidesInclusive) {
  EXPECT_TRUE(WithinWindow(1'000, 1'300, 300));
  EXPECT_TRUE(WithinWindow(1'600, 1'300, 300));
  EXPECT_FALSE(WithinWindow(999, 1'300, 300));
  EXPECT_FALSE(WithinWindow(1'601, 1'300, 300));
  EXPECT_TRUE(WithinWindow(-5, 0, 5));
}

TEST(WithinWindowTest, HostileValuesDoNotOverflow) {
  constexpr int64_t kMin = INT64_MIN, kMax = INT64_MAX;
  const int64_t now = 1'700'000'000;
  for (int64_t presented : {kMin, kMin + 1, kMax, kMax - 1, -now, int64_t{0}}) {
    EXPECT_FALSE(WithinWindow(presented, now, 300)) << presented;
  }
  EXPECT_FALSE(WithinWindow(kMin, kMax, 300));
  EXPECT_FALSE(WithinWindow(kMax, kMin, 300));
  EXPECT_FALSE(WithinWindow(kMin, kMax, kMax));  // the distance is 2^64 - 1
  EXPECT_TRUE(WithinWindow(kMax, kMax, 0));
  EXPECT_TRUE(WithinWindow(kMin, kMin, 0));
  EXPECT_TRUE(WithinWindow(kMax, 0, kMax));
  EXPECT_FALSE(WithinWindow(kMin, 0, kMax));  // 2^63 is one more than kMax
}

TEST(WithinWindowTest, NegativeWindowAcceptsNothing) {
  EXPECT_FALSE(WithinWindow(5, 5, -1));
  EXPECT_FALSE(WithinWindow(5, 5, INT64_MIN));
}

}  // namespace
}  // namespace fg::kit
