#include "dialects/common/reply.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <string>

#include "core/friend_service.h"

namespace fg::kit {
namespace {

// An envelope in the NetEase style: {"ok"} or {"error":code,"desc":message}.
struct TestEnvelope {
  std::string_view dialect() const { return "test"; }
  http::Response Ok() const {
    http::Response r;
    r.body = "ok";
    return r;
  }
  http::Response Error(const Status& s) const {
    http::Response r;
    r.status = s.code() == Code::kInternal ? 500 : 400;
    r.body = std::string(CodeName(s.code())) + ":" + s.message();
    return r;
  }
};
static_assert(Envelope<TestEnvelope>);

class ReplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("reply_test", sink_));
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }

  http::Responder Capture() {
    return [this](http::Response r) {
      ++answers_;
      answer_ = std::move(r);
    };
  }

  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
  int answers_ = 0;
  std::optional<http::Response> answer_;
};

TEST_F(ReplyTest, SuccessWithoutAValue) {
  Callback<bool> done = Reply(Capture(), TestEnvelope{});
  done(true);
  EXPECT_EQ(answers_, 1);
  EXPECT_EQ(answer_->body, "ok");
}

TEST_F(ReplyTest, SuccessEncodesTheValue) {
  Callback<User> done = Reply(Capture(), TestEnvelope{}, [](const User& u) {
    http::Response r;
    r.body = "user " + u.account;
    return r;
  });
  User user;
  user.account = "alice";
  done(user);
  EXPECT_EQ(answer_->body, "user alice");
}

TEST_F(ReplyTest, ClientErrorsPassThroughUnlogged) {
  Callback<AddOutcome> done = Reply(Capture(), TestEnvelope{});
  done(Status(Code::kNotFriends, "bob is not alice's friend"));
  EXPECT_EQ(answers_, 1);
  EXPECT_EQ(answer_->status, 400);
  EXPECT_EQ(answer_->body, "not_friends:bob is not alice's friend");
  EXPECT_TRUE(sink_->last_formatted().empty());
}

TEST_F(ReplyTest, InternalErrorsAreLoggedAndHidden) {
  Callback<User> done =
      Reply(Capture(), TestEnvelope{}, [](const User&) { return http::Response{}; });
  done(Status(Code::kInternal, "disk I/O error in /var/lib/friendgraph/fg.db"));
  EXPECT_EQ(answer_->status, 500);
  EXPECT_EQ(answer_->body, "internal:server error");
  auto lines = sink_->last_formatted();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("event=internal_error dialect=test"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("disk I/O error"), std::string::npos) << lines[0];
}

TEST_F(ReplyTest, ErrorResponseForSynchronousFailures) {
  http::Response r = ErrorResponse(TestEnvelope{}, Status(Code::kTooLong, "x is too long"));
  EXPECT_EQ(r.body, "too_long:x is too long");
  EXPECT_EQ(Presentable("test", Status(Code::kInternal, "secret path")).message(), "server error");
}

}  // namespace
}  // namespace fg::kit
