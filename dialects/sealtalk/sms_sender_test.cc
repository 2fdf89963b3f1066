#include "dialects/sealtalk/sms_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace fg::sealtalk {
namespace {

using namespace std::chrono_literals;

http::Url Hook() { return *http::ParseUrl("http://127.0.0.1:9/hook"); }

TEST(SmsSenderTest, PostsTheCodeAsJsonAndRetriesUntilA2xx) {
  std::atomic<int> calls{0};
  std::promise<std::string> delivered;
  SmsSender sender(
      10,
      [&](const http::Url&, const std::string& body) -> Result<int> {
        if (++calls < 3) return calls == 1 ? Result<int>(503) : Status(Code::kUnavailable, "x");
        delivered.set_value(body);
        return 200;
      },
      1ms);
  ASSERT_TRUE(sender.Send(Hook(), "86", "13800000000", "123456"));
  auto body = delivered.get_future();
  ASSERT_EQ(body.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(body.get(), R"({"region":"86","phone":"13800000000","code":"123456"})");
  EXPECT_EQ(calls, 3);
}

TEST(SmsSenderTest, GivesUpAfterItsAttemptsAndTheQueueIsBounded) {
  std::atomic<int> calls{0};
  std::promise<void> release;
  auto released = release.get_future().share();
  {
    SmsSender sender(
        1,
        [&](const http::Url&, const std::string&) -> Result<int> {
          ++calls;
          released.wait();
          return 500;
        },
        1ms);
    ASSERT_TRUE(sender.Send(Hook(), "86", "1", "1"));
    // The first is being tried (or queued): at most one more fits.
    while (calls == 0) std::this_thread::sleep_for(1ms);
    EXPECT_TRUE(sender.Send(Hook(), "86", "2", "2"));
    EXPECT_FALSE(sender.Send(Hook(), "86", "3", "3"));
    release.set_value();
    while (calls < SmsSender::kAttempts + 1) std::this_thread::sleep_for(1ms);
  }  // stopping drops nothing in flight for long
  EXPECT_GE(calls, SmsSender::kAttempts + 1);
}

}  // namespace
}  // namespace fg::sealtalk
