// User::pending_requests: every rule keeps it equal to the count of the user's pending requests,
// sent and received, and a rule that settles requests between two users of whom one has none
// reads no request row (issue 9: no request lookup when none can exist). The random races keep
// the count too (FriendServiceRaceTest::CheckInvariants).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/friend_service.h"
#include "core/rules.h"
#include "store/forwarding_txn.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;
using testing::Wait;

// Counts the request rows a rule reads.
class CountingTxn : public ForwardingTxn {
 public:
  using ForwardingTxn::ForwardingTxn;
  std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) override {
    ++request_reads;
    return ForwardingTxn::FindRequest(app, from, to);
  }
  int request_reads = 0;
};

class PendingRequestsTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override {
    app_.id = store_->EnsureApp("app").value();
    for (const char* name : {"a", "b", "c", "d"}) {
      NewUser u;
      u.account = name;
      ASSERT_TRUE(Wait<User>([&](auto cb) { service_.CreateUser(app_, u, cb); }).ok());
    }
  }

  int64_t Pending(const std::string& account) {
    auto user = testing::GetUser(service_, app_, account);
    EXPECT_TRUE(user.ok()) << account;
    return user.ok() ? user->pending_requests : -1;
  }
  std::vector<int64_t> PendingOfAll() {
    return {Pending("a"), Pending("b"), Pending("c"), Pending("d")};
  }
  Result<AddOutcome> Request(const std::string& owner, const std::string& peer) {
    AddArgs args;
    args.owner = owner;
    args.peer = peer;
    args.mode = AddMode::kRequest;
    return Wait<AddOutcome>([&](auto cb) { service_.Add(app_, args, cb); });
  }
  Result<bool> Respond(const std::string& recipient, const std::string& requester, Answer answer) {
    return Wait<bool>(
        [&](auto cb) { service_.Respond(app_, recipient, requester, answer, "", cb); });
  }
  // Runs AddRule for owner -> peer in its own job; returns how many request rows it read.
  int RequestReadsOfAdd(const std::string& owner, const std::string& peer, AddMode mode) {
    int reads = -1;
    Status s = WriteAndWait(*store_, [&](WriteTxn& txn) {
      CountingTxn counting(txn);
      Change change(counting, app_, 1000);
      AddArgs args;
      args.owner = owner;
      args.peer = peer;
      args.mode = mode;
      auto added = AddRule(change, args);
      reads = counting.request_reads;
      return added.status();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return reads;
  }

  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  std::unique_ptr<Store> store_ = GetParam().open(dir_);
  FriendService service_{*store_, clock_, executor_};
  AppContext app_;
};

TEST_P(PendingRequestsTest, EachAnswerAndRefreshKeepsTheCounts) {
  ASSERT_EQ(Request("a", "b").value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Request("c", "b").value(), AddOutcome::kRequestSent);
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{1, 2, 1, 0}));
  ASSERT_EQ(Request("a", "b").value(), AddOutcome::kRequestSent);  // a refresh: still one
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{1, 2, 1, 0}));
  ASSERT_TRUE(Respond("b", "a", Answer::kRefuse).ok());
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{0, 1, 1, 0}));
  ASSERT_EQ(Request("a", "b").value(), AddOutcome::kRequestSent);  // over the refused row
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{1, 2, 1, 0}));
  ASSERT_TRUE(Respond("b", "c", Answer::kIgnore).ok());
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{1, 1, 0, 0}));
  ASSERT_EQ(Request("b", "a").value(), AddOutcome::kAccepted);  // the crossing request
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{0, 0, 0, 0}));
}

TEST_P(PendingRequestsTest, ADeletedUsersRequestsNoLongerCount) {
  ASSERT_EQ(Request("a", "b").value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Request("c", "a").value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Request("d", "a").value(), AddOutcome::kRequestSent);
  ASSERT_TRUE(Respond("a", "d", Answer::kRefuse).ok());  // a row, not pending
  ASSERT_EQ(Request("c", "b").value(), AddOutcome::kRequestSent);
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{2, 2, 2, 0}));
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.DeleteUser(app_, "a", cb); }).ok());
  EXPECT_EQ(Pending("b"), 1);
  EXPECT_EQ(Pending("c"), 1);
  EXPECT_EQ(Pending("d"), 0);
}

TEST_P(PendingRequestsTest, ABefriendReadsRequestRowsOnlyWhenBothUsersHavePendingOnes) {
  // Neither has any.
  EXPECT_EQ(RequestReadsOfAdd("a", "b", AddMode::kDirect), 0);
  // c has one (to b), d none: nothing to read, neither to send a request nor to befriend.
  ASSERT_EQ(Request("c", "b").value(), AddOutcome::kRequestSent);
  EXPECT_EQ(RequestReadsOfAdd("c", "d", AddMode::kRequest), 0);
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{0, 1, 2, 1}));
  EXPECT_EQ(RequestReadsOfAdd("a", "d", AddMode::kDirect), 0);
  // Both have some: the rows are read, and the one between them is settled.
  EXPECT_GT(RequestReadsOfAdd("b", "c", AddMode::kDirect), 0);
  EXPECT_EQ(PendingOfAll(), (std::vector<int64_t>{0, 0, 1, 1}));
  auto requests = Wait<std::vector<RequestView>>(
      [&](auto cb) { service_.ListRequests(app_, "b", 0, false, SIZE_MAX, cb); });
  ASSERT_TRUE(requests.ok());
  ASSERT_EQ(requests->size(), 1u);
  EXPECT_EQ(requests->front().request.state, RequestState::kAccepted);
}

INSTANTIATE_TEST_SUITE_P(Backends, PendingRequestsTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
