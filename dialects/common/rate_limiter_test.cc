#include "dialects/common/rate_limiter.h"

#include <gtest/gtest.h>

#include "tests/support/test_env.h"

namespace fg::kit {
namespace {

TEST(RateLimiterTest, OffWhenZero) {
  testing::FakeClock clock;
  RateLimiter limiter(0, 10'000, clock);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.Allow());
}

TEST(RateLimiterTest, OverTheLimitBlocksForTheBlockTime) {
  testing::FakeClock clock(1'000'000);
  RateLimiter limiter(3, 10'000, clock);
  EXPECT_TRUE(limiter.Allow());
  EXPECT_TRUE(limiter.Allow());
  EXPECT_TRUE(limiter.Allow());
  EXPECT_FALSE(limiter.Allow());
  clock.Advance(1'000);  // a new second, but still blocked
  EXPECT_FALSE(limiter.Allow());
  clock.Advance(8'999);
  EXPECT_FALSE(limiter.Allow());
  clock.Advance(1);
  EXPECT_TRUE(limiter.Allow());
}

TEST(RateLimiterTest, ZeroBlockRefusesOnlyTheRestOfTheSecond) {
  testing::FakeClock clock(7'000);
  RateLimiter limiter(2, 0, clock);
  EXPECT_TRUE(limiter.Allow());
  EXPECT_TRUE(limiter.Allow());
  EXPECT_FALSE(limiter.Allow());
  clock.Advance(999);
  EXPECT_FALSE(limiter.Allow());
  clock.Advance(1);
  EXPECT_TRUE(limiter.Allow());
}

TEST(RateLimiterTest, EachSecondHasItsOwnBudget) {
  testing::FakeClock clock(5'000);
  RateLimiter limiter(2, 10'000, clock);
  EXPECT_TRUE(limiter.Allow());
  EXPECT_TRUE(limiter.Allow());
  clock.Advance(1'000);
  EXPECT_TRUE(limiter.Allow());
  EXPECT_TRUE(limiter.Allow());
}

}  // namespace
}  // namespace fg::kit
