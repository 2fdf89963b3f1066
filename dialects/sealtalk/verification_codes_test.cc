#include "dialects/sealtalk/verification_codes.h"

#include <gtest/gtest.h>

#include "base/fake_clock.h"

namespace fg::sealtalk {
namespace {

using Check = VerificationCodes::CheckResult;
using Send = VerificationCodes::SendResult;

TEST(VerificationCodesTest, ACodeIsSixDigitsOncePerMinuteAndYieldsATokenOnce) {
  testing::FakeClock clock;
  VerificationCodes codes(clock, "");
  std::string code, token;
  ASSERT_EQ(codes.Send("86/13800000000", &code), Send::kSent);
  ASSERT_EQ(code.size(), 6u);
  EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(codes.Send("86/13800000000", &code), Send::kTooSoon);
  EXPECT_EQ(codes.Check("86/13800000001", code, &token), Check::kUnknown);
  ASSERT_EQ(codes.Check("86/13800000000", code, &token), Check::kOk);
  EXPECT_EQ(token.size(), 36u);
  EXPECT_EQ(codes.Check("86/13800000000", code, &token), Check::kExpired);  // used up
  EXPECT_EQ(codes.TakeToken(token), "86/13800000000");
  EXPECT_EQ(codes.TakeToken(token), std::nullopt);  // taken once
  clock.Advance(VerificationCodes::kResendMs);
  EXPECT_EQ(codes.Send("86/13800000000", &code), Send::kSent);
}

TEST(VerificationCodesTest, FiveWrongTriesVoidTheCodeAndTenMinutesExpireIt) {
  testing::FakeClock clock;
  VerificationCodes codes(clock, "123456");
  std::string code, token;
  ASSERT_EQ(codes.Send("86/1", &code), Send::kSent);
  EXPECT_EQ(code, "123456");
  for (int i = 0; i < VerificationCodes::kMaxTries; ++i) {
    EXPECT_EQ(codes.Check("86/1", "000000", &token), Check::kWrong);
  }
  EXPECT_EQ(codes.Check("86/1", "123456", &token), Check::kExpired);
  ASSERT_EQ(codes.Send("86/2", &code), Send::kSent);
  clock.Advance(VerificationCodes::kValidMs);
  EXPECT_EQ(codes.Check("86/2", "123456", &token), Check::kExpired);
}

TEST(VerificationCodesTest, ResendingBuysNoMoreThanTenWrongTriesAnHour) {
  testing::FakeClock clock;
  VerificationCodes codes(clock, "123456");
  std::string code, token;
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(codes.Send("86/1", &code), Send::kSent);
    for (int i = 0; i < VerificationCodes::kMaxTries; ++i) {
      EXPECT_EQ(codes.Check("86/1", "000000", &token), Check::kWrong);
    }
    clock.Advance(VerificationCodes::kResendMs);
  }
  // Ten wrong in the hour: no new code, and the right one is refused.
  EXPECT_EQ(codes.Send("86/1", &code), Send::kTooSoon);
  EXPECT_EQ(codes.Check("86/1", "123456", &token), Check::kExpired);
  clock.Advance(VerificationCodes::kHourMs);
  ASSERT_EQ(codes.Send("86/1", &code), Send::kSent);
  EXPECT_EQ(codes.Check("86/1", "123456", &token), Check::kOk);
}

TEST(VerificationCodesTest, ADiscardedCodeChecksNothingAndHoldsNothingBack) {
  testing::FakeClock clock;
  VerificationCodes codes(clock, "123456");
  std::string code, token;
  ASSERT_EQ(codes.Send("86/1", &code), Send::kSent);
  codes.Discard("86/1");
  EXPECT_EQ(codes.Check("86/1", "123456", &token), Check::kExpired);
  EXPECT_EQ(codes.Send("86/1", &code), Send::kSent);
}

TEST(VerificationCodesTest, TokensExpire) {
  testing::FakeClock clock;
  VerificationCodes codes(clock, "123456");
  std::string code, token;
  ASSERT_EQ(codes.Send("86/1", &code), Send::kSent);
  ASSERT_EQ(codes.Check("86/1", code, &token), Check::kOk);
  clock.Advance(VerificationCodes::kValidMs);
  EXPECT_EQ(codes.TakeToken(token), std::nullopt);
}

TEST(VerificationCodesTest, MemoryIsBounded) {
  testing::FakeClock clock;
  VerificationCodes codes(clock, "", /*max_entries=*/2);
  std::string code;
  EXPECT_EQ(codes.Send("a", &code), Send::kSent);
  EXPECT_EQ(codes.Send("b", &code), Send::kSent);
  EXPECT_EQ(codes.Send("c", &code), Send::kFull);
  clock.Advance(VerificationCodes::kHourMs);  // a and b expire, their hours too: room again
  EXPECT_EQ(codes.Send("c", &code), Send::kSent);
}

}  // namespace
}  // namespace fg::sealtalk
