// FriendService::ListRequests (Yuntongxun friendMessage): the requests a user sent or received,
// in the order of the user's own clock, paged by the last clock seen; a refusal's reason.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/friend_service.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;
using testing::Wait;

constexpr int64_t kNewest = INT64_MAX;  // the cursor of a newest-first walk's first page

class RequestListTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override {
    app_.id = store_->EnsureApp("requests").value();
    app_.limits.max_friends = 100;
  }

  User Create(const std::string& account) {
    NewUser u;
    u.account = account;
    auto r = Wait<User>([&](auto cb) { service_.CreateUser(app_, u, cb); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : User{};
  }
  Result<AddOutcome> Ask(const std::string& from, const std::string& to,
                         const std::string& message = "hi") {
    AddArgs args;
    args.owner = from;
    args.peer = to;
    args.mode = AddMode::kRequest;
    args.message = message;
    return Wait<AddOutcome>([&](auto cb) { service_.Add(app_, args, cb); });
  }
  Result<bool> Respond(const std::string& recipient, const std::string& requester, Answer a,
                       const std::string& reply = "") {
    return Wait<bool>([&](auto cb) { service_.Respond(app_, recipient, requester, a, reply, cb); });
  }
  Result<std::vector<RequestView>> List(const std::string& user, int64_t cursor_ms,
                                        bool newest_first, size_t limit) {
    return Wait<std::vector<RequestView>>(
        [&](auto cb) { service_.ListRequests(app_, user, cursor_ms, newest_first, limit, cb); });
  }
  std::vector<RequestView> All(const std::string& user, bool newest_first = false) {
    auto r = List(user, newest_first ? kNewest : 0, newest_first, 1000);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : std::vector<RequestView>{};
  }
  // "from>to" for each entry: what a page walk is compared by.
  static std::string Name(const RequestView& v, const std::string& user) {
    return v.sent ? user + ">" + v.peer.account : v.peer.account + ">" + user;
  }
  static std::vector<std::string> Names(const std::vector<RequestView>& list,
                                        const std::string& user) {
    std::vector<std::string> out;
    for (const auto& v : list) out.push_back(Name(v, user));
    return out;
  }
  // Walks every page of `limit` entries, passing the last clock_ms seen as the next cursor.
  std::vector<std::string> Walk(const std::string& user, bool newest_first, size_t limit) {
    std::vector<std::string> out;
    int64_t cursor = newest_first ? kNewest : 0;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = List(user, cursor, newest_first, limit);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok() || page->empty()) break;
      EXPECT_LE(page->size(), limit);
      for (const auto& v : *page) {
        EXPECT_TRUE(newest_first ? v.clock_ms < cursor : v.clock_ms > cursor)
            << Name(v, user) << " at " << v.clock_ms << ", cursor " << cursor;
        cursor = v.clock_ms;
        out.push_back(Name(v, user));
      }
    }
    return out;
  }

  // Declared before the store: the store's last jobs complete on them as it closes.
  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  FriendListCache cache_{CacheLimits{.max_items = 10'000}};
  std::unique_ptr<Store> store_ = GetParam().open(dir_);
  FriendService service_{*store_, clock_, executor_, &cache_};
  AppContext app_;
};

TEST_P(RequestListTest, SentAndReceivedMergeInTheUsersClockOrder) {
  Create("a");
  Create("b");
  Create("c");
  Create("d");
  ASSERT_TRUE(Ask("a", "b").ok());
  clock_.Advance(10);
  ASSERT_TRUE(Ask("c", "a").ok());
  clock_.Advance(10);
  ASSERT_TRUE(Ask("a", "d").ok());
  clock_.Advance(10);
  ASSERT_TRUE(Ask("b", "c").ok());  // not a's

  auto all = All("a");
  ASSERT_EQ(Names(all, "a"), (std::vector<std::string>{"a>b", "c>a", "a>d"}));
  EXPECT_TRUE(all[0].sent);
  EXPECT_FALSE(all[1].sent);
  EXPECT_EQ(all[1].peer.account, "c");
  EXPECT_EQ(all[1].request.message, "hi");
  EXPECT_EQ(all[1].request.state, RequestState::kPending);
  EXPECT_LT(all[0].clock_ms, all[1].clock_ms);
  EXPECT_LT(all[1].clock_ms, all[2].clock_ms);
  EXPECT_EQ(Names(All("a", /*newest_first=*/true), "a"),
            (std::vector<std::string>{"a>d", "c>a", "a>b"}));
  EXPECT_EQ(Names(All("c"), "c"), (std::vector<std::string>{"c>a", "b>c"}));

  // Answering moves a request to the end of both users' lists.
  clock_.Advance(10);
  ASSERT_TRUE(Respond("b", "a", Answer::kIgnore).ok());
  EXPECT_EQ(Names(All("a"), "a"), (std::vector<std::string>{"c>a", "a>d", "a>b"}));
  EXPECT_EQ(All("a").back().request.state, RequestState::kIgnored);
  EXPECT_EQ(Names(All("b"), "b"), (std::vector<std::string>{"b>c", "a>b"}));
}

TEST_P(RequestListTest, PagesForwardAndBackByTheLastClockSeen) {
  Create("me");
  std::vector<std::string> expected;
  for (int i = 0; i < 7; ++i) {
    std::string peer = "p" + std::to_string(i);
    Create(peer);
    clock_.Advance(3);
    if (i % 2 == 0) {
      ASSERT_TRUE(Ask("me", peer).ok());
      expected.push_back("me>" + peer);
    } else {
      ASSERT_TRUE(Ask(peer, "me").ok());
      expected.push_back(peer + ">me");
    }
  }
  EXPECT_EQ(Names(All("me"), "me"), expected);
  auto first = List("me", 0, false, 3);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Names(*first, "me"), (std::vector<std::string>{expected[0], expected[1], expected[2]}));
  auto second = List("me", first->back().clock_ms, false, 3);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Names(*second, "me"),
            (std::vector<std::string>{expected[3], expected[4], expected[5]}));
  auto newest = List("me", kNewest, true, 2);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(Names(*newest, "me"), (std::vector<std::string>{expected[6], expected[5]}));
  auto older = List("me", newest->back().clock_ms, true, 2);
  EXPECT_EQ(Names(*older, "me"), (std::vector<std::string>{expected[4], expected[3]}));
  // Past either end: nothing.
  EXPECT_TRUE(List("me", All("me").back().clock_ms, false, 3)->empty());
  EXPECT_TRUE(List("me", All("me").front().clock_ms, true, 3)->empty());
  EXPECT_TRUE(List("me", 0, false, 0)->empty());

  for (size_t limit = 1; limit <= 4; ++limit) {
    EXPECT_EQ(Walk("me", false, limit), expected) << "limit " << limit;
    std::vector<std::string> reversed(expected.rbegin(), expected.rend());
    EXPECT_EQ(Walk("me", true, limit), reversed) << "limit " << limit;
  }
}

// Every change ticks each user's clock strictly, so many changes in one millisecond still give
// a total order: no page walk loses or repeats an entry.
TEST_P(RequestListTest, AFrozenClockNeitherLosesNorRepeatsAnEntry) {
  Create("hub");
  for (int i = 0; i < 9; ++i) Create("u" + std::to_string(i));
  // The expected order: each pair by its last change.
  std::vector<std::string> order;
  auto changed = [&](const std::string& name) {
    std::erase(order, name);
    order.push_back(name);
  };
  for (int i = 0; i < 9; ++i) {
    std::string u = "u" + std::to_string(i);
    if (i % 3 == 0) {
      ASSERT_TRUE(Ask("hub", u).ok());
      changed("hub>" + u);
    } else {
      ASSERT_TRUE(Ask(u, "hub").ok());
      changed(u + ">hub");
    }
  }
  ASSERT_TRUE(Respond("hub", "u1", Answer::kRefuse, "no").ok());
  changed("u1>hub");
  ASSERT_TRUE(Ask("hub", "u0", "again").ok());  // a refresh
  changed("hub>u0");
  ASSERT_TRUE(Respond("u3", "hub", Answer::kAccept).ok());
  changed("hub>u3");
  ASSERT_TRUE(Ask("hub", "u2").ok());  // crossing: u2's request to hub is accepted
  changed("u2>hub");
  ASSERT_TRUE(Respond("hub", "u4", Answer::kIgnore).ok());
  changed("u4>hub");
  ASSERT_EQ(order.size(), 9u);

  auto all = All("hub");
  ASSERT_EQ(Names(all, "hub"), order);
  std::set<int64_t> clocks;
  for (const auto& v : all) clocks.insert(v.clock_ms);
  EXPECT_EQ(clocks.size(), all.size()) << "clock values repeat within one millisecond";
  std::vector<std::string> reversed(order.rbegin(), order.rend());
  for (size_t limit = 1; limit <= 3; ++limit) {
    EXPECT_EQ(Walk("hub", false, limit), order) << "limit " << limit;
    EXPECT_EQ(Walk("hub", true, limit), reversed) << "limit " << limit;
  }
  // The other side of each pair has its own clock, and its own complete list.
  for (int i = 0; i < 9; ++i) {
    std::string u = "u" + std::to_string(i);
    auto theirs = All(u);
    ASSERT_EQ(theirs.size(), 1u) << u;
    EXPECT_EQ(Walk(u, false, 1).size(), 1u) << u;
  }
}

TEST_P(RequestListTest, ARefusalKeepsItsReasonUntilTheNextRequest) {
  Create("a");
  Create("b");
  Create("c");
  ASSERT_TRUE(Ask("a", "b").ok());
  ASSERT_TRUE(Respond("b", "a", Answer::kRefuse, "I don't know you").ok());
  for (const std::string user : {"a", "b"}) {
    auto list = All(user);
    ASSERT_EQ(list.size(), 1u) << user;
    EXPECT_EQ(list[0].request.state, RequestState::kRefused) << user;
    EXPECT_EQ(list[0].request.reply, "I don't know you") << user;
  }
  ASSERT_EQ(Ask("a", "b", "it's me").value(), AddOutcome::kRequestSent);
  auto again = All("b");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].request.state, RequestState::kPending);
  EXPECT_EQ(again[0].request.reply, "");
  EXPECT_EQ(again[0].request.message, "it's me");
  // Only a refusal keeps a reason.
  ASSERT_TRUE(Respond("b", "a", Answer::kIgnore, "ignored text").ok());
  EXPECT_EQ(All("b")[0].request.reply, "");
  ASSERT_TRUE(Ask("c", "b").ok());
  ASSERT_TRUE(Respond("b", "c", Answer::kAccept, "accepted text").ok());
  auto accepted = All("c");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].request.state, RequestState::kAccepted);
  EXPECT_EQ(accepted[0].request.reply, "");
}

TEST_P(RequestListTest, EachSideIsOrderedByItsOwnClock) {
  Create("busy");
  Create("idle");
  Create("x");
  // busy's clock runs ahead of the wall clock (frozen here); idle's has never moved.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Ask("busy", "x", "m" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(Ask("idle", "busy").ok());
  auto busy = testing::GetUser(service_, app_, "busy").value();
  auto idle = testing::GetUser(service_, app_, "idle").value();
  EXPECT_EQ(idle.clock_ms, clock_.NowMs());
  EXPECT_GT(busy.clock_ms, idle.clock_ms);

  auto sent = All("idle");
  ASSERT_EQ(sent.size(), 1u);
  const FriendRequest& r = sent[0].request;
  EXPECT_TRUE(sent[0].sent);
  EXPECT_EQ(sent[0].clock_ms, r.updated_ms);
  EXPECT_EQ(r.updated_ms, idle.clock_ms);
  EXPECT_EQ(r.from_version, idle.version);
  auto received = All("busy");
  ASSERT_EQ(received.size(), 2u);
  EXPECT_FALSE(received[1].sent);
  EXPECT_EQ(received[1].clock_ms, received[1].request.to_clock_ms);
  EXPECT_EQ(received[1].request.to_clock_ms, busy.clock_ms);
  EXPECT_EQ(received[1].request.to_version, busy.version);
  EXPECT_NE(r.updated_ms, received[1].request.to_clock_ms);
  // Each side's cursor is its own clock.
  EXPECT_EQ(List("busy", r.to_clock_ms - 1, false, 10)->size(), 1u);
  EXPECT_TRUE(List("busy", r.to_clock_ms, false, 10)->empty());
  EXPECT_EQ(List("idle", r.updated_ms - 1, false, 10)->size(), 1u);
  EXPECT_TRUE(List("idle", r.updated_ms, false, 10)->empty());
  // The refreshes kept the first creation time.
  auto to_x = All("x");
  ASSERT_EQ(to_x.size(), 1u);
  EXPECT_EQ(to_x[0].request.message, "m4");
  EXPECT_LT(to_x[0].request.created_ms, to_x[0].request.updated_ms);
}

TEST_P(RequestListTest, ADeletedUsersRequestsDisappear) {
  Create("a");
  Create("b");
  Create("c");
  Create("d");
  ASSERT_TRUE(Ask("a", "b").ok());
  ASSERT_TRUE(Ask("c", "a").ok());
  ASSERT_TRUE(Ask("d", "b").ok());
  ASSERT_TRUE(Respond("b", "d", Answer::kRefuse, "no").ok());
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.DeleteUser(app_, "a", cb); }).ok());
  EXPECT_EQ(Names(All("b"), "b"), (std::vector<std::string>{"d>b"}));
  EXPECT_TRUE(All("c").empty());
  EXPECT_EQ(List("a", 0, false, 10).status().code(), Code::kUserNotFound);
  // A new "a" starts with no requests.
  Create("a");
  EXPECT_TRUE(All("a").empty());
}

TEST_P(RequestListTest, AnUnknownUserIsNotFound) {
  EXPECT_EQ(List("nobody", 0, false, 10).status().code(), Code::kUserNotFound);
  Create("lonely");
  EXPECT_TRUE(All("LONELY").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RequestListTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
