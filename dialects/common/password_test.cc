#include "dialects/common/password.h"

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace fg::kit {
namespace {

TEST(PasswordTest, HashesAreSaltedArgon2idAndVerify) {
  auto a = HashPassword("correct horse");
  auto b = HashPassword("correct horse");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << a.value();
  EXPECT_NE(a.value(), b.value());  // a salt of its own
  EXPECT_TRUE(VerifyPassword(a.value(), "correct horse"));
  EXPECT_TRUE(VerifyPassword(b.value(), "correct horse"));
  EXPECT_FALSE(VerifyPassword(a.value(), "correct horse "));
  EXPECT_FALSE(VerifyPassword(a.value(), ""));
  // Not a hash: never a match, never a crash.
  EXPECT_FALSE(VerifyPassword("", ""));
  EXPECT_FALSE(VerifyPassword("$argon2id$", "x"));
  EXPECT_FALSE(VerifyPassword(std::string(1000, 'x'), "x"));
  auto nul = HashPassword(std::string("a\0b", 3));
  ASSERT_TRUE(nul.ok());
  EXPECT_TRUE(VerifyPassword(nul.value(), std::string("a\0b", 3)));
  EXPECT_FALSE(VerifyPassword(nul.value(), "a"));
  VerifyNoPassword("anything");  // runs, and fails quietly
}

TEST(AttemptThrottleTest, LocksAfterFailuresInARowForAWhile) {
  testing::FakeClock clock;
  AttemptThrottle throttle(3, 60'000, 100, clock);
  EXPECT_FALSE(throttle.Failed("1/a"));
  EXPECT_FALSE(throttle.Failed("1/a"));
  throttle.Succeeded("1/a");  // a success starts again
  EXPECT_FALSE(throttle.Failed("1/a"));
  EXPECT_FALSE(throttle.Failed("1/a"));
  EXPECT_FALSE(throttle.Locked("1/a"));
  EXPECT_TRUE(throttle.Failed("1/a"));
  EXPECT_TRUE(throttle.Locked("1/a"));
  EXPECT_FALSE(throttle.Locked("1/b"));  // per key
  EXPECT_FALSE(throttle.Locked("2/a"));
  clock.Advance(59'999);
  EXPECT_TRUE(throttle.Locked("1/a"));
  clock.Advance(1);
  EXPECT_FALSE(throttle.Locked("1/a"));
  EXPECT_FALSE(throttle.Failed("1/a"));  // from zero again
}

TEST(AttemptThrottleTest, MemoryIsBounded) {
  testing::FakeClock clock;
  AttemptThrottle throttle(1, 60'000, 2, clock);
  EXPECT_TRUE(throttle.Failed("a"));
  EXPECT_TRUE(throttle.Failed("b"));
  EXPECT_TRUE(throttle.Failed("c"));  // full of locked keys: one is forgotten
  EXPECT_TRUE(throttle.Locked("c"));
  EXPECT_EQ(int{throttle.Locked("a")} + int{throttle.Locked("b")}, 1);
}

}  // namespace
}  // namespace fg::kit
