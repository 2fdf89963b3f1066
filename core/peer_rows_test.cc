// What core keeps for SealTalk: each user's rows with the users they have a record with
// (ListPeerRows), descriptions on any row (UpdateEdge any_row), SealTalk numbers and finding
// users by phone.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/friend_service.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;
using testing::Wait;

class PeerRowsTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override { app_.id = store_->EnsureApp("test").value(); }

  UserId Create(const std::string& account, std::optional<std::string> mobile = std::nullopt) {
    NewUser u;
    u.account = account;
    u.profile.mobile = std::move(mobile);
    auto made = Wait<User>([&](auto cb) { service_.CreateUser(app_, u, cb); });
    EXPECT_TRUE(made.ok());
    return made.ok() ? made.value().id : 0;
  }
  Result<AddOutcome> Ask(const std::string& owner, const std::string& peer) {
    AddArgs args;
    args.owner = owner;
    args.peer = peer;
    args.message = "hi " + peer;
    return Wait<AddOutcome>([&](auto cb) { service_.Add(app_, args, cb); });
  }
  std::vector<PeerRow> Rows(const std::string& user) {
    auto r = Wait<PeerRows>([&](auto cb) { service_.ListPeerRows(app_, user, cb); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r.value() : std::vector<PeerRow>{};
  }
  Result<std::optional<PeerDetail>> Row(const std::string& user, const std::string& peer) {
    return Wait<std::optional<PeerDetail>>(
        [&](auto cb) { service_.GetPeerDetail(app_, user, peer, cb); });
  }
  Result<bool> Describe(const std::string& owner, const std::string& peer, std::string text) {
    EdgeFields f;
    f.description = std::move(text);
    return Wait<bool>(
        [&](auto cb) { service_.UpdateEdge(app_, owner, peer, f, /*any_row=*/true, cb); });
  }
  Result<User> Update(const std::string& account, UserUpdate update) {
    return Wait<User>([&](auto cb) { service_.UpdateUser(app_, account, update, cb); });
  }

  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  std::unique_ptr<Store> store_ = GetParam().open(dir_);
  // The rows cache on: every read below after a change checks that the change dropped it.
  PeerRowsCache rows_cache_{CacheLimits{.max_items = 10'000}};
  FriendService service_{*store_, clock_, executor_, nullptr, nullptr, &rows_cache_};
  AppContext app_;
};

TEST_P(PeerRowsTest, RowsHoldTheEdgeAndTheRequestsEachWayInTheUsersClockOrder) {
  Create("a");
  UserId b = Create("b");
  UserId c = Create("c");
  Create("d");
  ASSERT_EQ(Ask("a", "b").value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Ask("c", "a").value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Ask("d", "a").value(), AddOutcome::kRequestSent);
  ASSERT_TRUE(
      Wait<bool>([&](auto cb) { service_.Respond(app_, "a", "d", Answer::kAccept, "", cb); }).ok());
  ASSERT_TRUE(Wait<bool>([&](auto cb) {
                service_.SetRelation(app_, "a", "c", Relation::kBlock, true, cb);
              }).ok());
  auto rows = Rows("a");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].peer, b);
  EXPECT_TRUE(rows[0].sent && !rows[0].received && rows[0].edge == PeerRow::Edge::kNone);
  EXPECT_EQ(rows[0].message, "hi b");
  EXPECT_EQ(rows[1].peer, c);
  EXPECT_TRUE(rows[1].received && rows[1].blocked);
  EXPECT_EQ(rows[2].edge, PeerRow::Edge::kAlive);
  EXPECT_EQ(rows[2].message, "hi a");  // d's request, accepted
  EXPECT_LT(rows[0].clock_ms, rows[1].clock_ms);
  EXPECT_LT(rows[1].clock_ms, rows[2].clock_ms);
  // One peer's row alone; none for a user with no record.
  auto one = Row("a", "c");
  ASSERT_TRUE(one.ok() && *one);
  EXPECT_TRUE((*one)->row.received && (*one)->row.blocked);
  Create("e");
  EXPECT_EQ(Row("a", "e").value(), std::nullopt);
  EXPECT_EQ(Row("a", "nobody").status().code(), Code::kUserNotFound);
}

TEST_P(PeerRowsTest, EveryChangeToARowDropsTheCachedRowsOfBothUsers) {
  Create("a");
  UserId b = Create("b");
  Create("c");
  EXPECT_TRUE(Rows("a").empty());  // cached, empty
  EXPECT_TRUE(Rows("b").empty());
  ASSERT_EQ(Ask("a", "b").value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Rows("a").size(), 1u);
  ASSERT_EQ(Rows("b").size(), 1u);
  ASSERT_TRUE(
      Wait<bool>([&](auto cb) { service_.Respond(app_, "b", "a", Answer::kIgnore, "", cb); }).ok());
  EXPECT_EQ(Rows("a")[0].sent, RequestState::kIgnored);
  ASSERT_TRUE(Wait<bool>([&](auto cb) {
                service_.SetRelation(app_, "a", "b", Relation::kBlock, true, cb);
              }).ok());
  EXPECT_TRUE(Rows("a")[0].blocked);
  ASSERT_TRUE(Describe("a", "b", "noted").ok());
  EXPECT_EQ(Row("a", "b").value()->fields.description, "noted");
  EXPECT_EQ(Rows("a")[0].edge, PeerRow::Edge::kNeverAlive);
  ASSERT_TRUE(Wait<bool>([&](auto cb) {
                service_.SetRelations(app_, "a", {"b"}, Relation::kBlock, false, cb);
              }).ok());
  EXPECT_FALSE(Rows("a")[0].blocked);
  // A friendship, then a delete, on both sides.
  AddArgs direct;
  direct.owner = "a";
  direct.peer = "b";
  direct.mode = AddMode::kDirect;
  ASSERT_TRUE(Wait<AddOutcome>([&](auto cb) { service_.Add(app_, direct, cb); }).ok());
  EXPECT_EQ(Rows("b")[0].edge, PeerRow::Edge::kAlive);
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.Delete(app_, DeleteArgs{"b", "a"}, cb); }).ok());
  EXPECT_EQ(Rows("b")[0].edge, PeerRow::Edge::kTombstone);
  // A user deleted takes its requests: the other side's rows no longer hold them.
  ASSERT_EQ(Ask("c", "a").value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Rows("a").size(), 2u);
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.DeleteUser(app_, "c", cb); }).ok());
  auto left = Rows("a");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].peer, b);
}

TEST_P(PeerRowsTest, DescriptionsGoOnAnyRowWithoutShowingInSyncs) {
  Create("a");
  Create("b");
  Create("stranger");
  ASSERT_EQ(Ask("a", "b").value(), AddOutcome::kRequestSent);
  // A request-only row takes a description, on an edge that was never alive.
  ASSERT_TRUE(Describe("a", "b", "met at the fair").ok());
  ASSERT_TRUE(Describe("b", "a", "the one from the fair").ok());
  auto rows = Rows("a");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].edge, PeerRow::Edge::kNeverAlive);
  EXPECT_EQ(Row("a", "b").value()->fields.description, "met at the fair");
  auto listed = Wait<FriendList>([&](auto cb) {
    service_.ListFriends(app_, "a", 0, /*include_tombstones=*/true, SIZE_MAX, cb);
  });
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed.value()->empty());
  // No row, no description.
  EXPECT_EQ(Describe("a", "stranger", "x").status().code(), Code::kNotFriends);
  // The request accepted, the friendship keeps it.
  ASSERT_TRUE(
      Wait<bool>([&](auto cb) { service_.Respond(app_, "b", "a", Answer::kAccept, "", cb); }).ok());
  auto edge = testing::GetFriend(service_, app_, "a", "b");
  ASSERT_TRUE(edge.ok());
  EXPECT_EQ(edge.value().edge.fields.description, "met at the fair");
  EXPECT_GT(edge.value().edge.created_ms, 0);
}

TEST_P(PeerRowsTest, SealTalkNumbersAreUniqueInAnyCaseAndFindTheirUser) {
  Create("a");
  Create("b");
  UserUpdate set;
  set.st_account = "Alice_01";
  ASSERT_TRUE(Update("a", set).ok());
  set.st_account = "ALICE_01";
  EXPECT_EQ(Update("b", set).status().code(), Code::kAlreadyExists);
  EXPECT_TRUE(Update("a", set).ok());  // its own number in another case
  auto found = Wait<User>([&](auto cb) { service_.GetUserByStAccount(app_, "alice_01", cb); });
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value().account, "a");
  EXPECT_EQ(found.value().st_account, "ALICE_01");
  // Cleared, it is free again.
  set.st_account = "";
  ASSERT_TRUE(Update("a", set).ok());
  set.st_account = "alice_01";
  EXPECT_TRUE(Update("b", set).ok());
  UserUpdate privacy;
  privacy.found_by_phone = false;
  auto b = Update("b", privacy);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b.value().found_by_phone);
  EXPECT_TRUE(b.value().found_by_st_account);
}

TEST_P(PeerRowsTest, UsersAreFoundByMobile) {
  Create("a", "13800000001");
  Create("b", "13800000002");
  Create("c", "13800000001");
  auto found = Wait<std::vector<std::vector<User>>>([&](auto cb) {
    service_.ListUsersByMobile(app_, {"13800000001", "13900000000", "13800000002"}, 5, cb);
  });
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found.value().size(), 3u);
  ASSERT_EQ(found.value()[0].size(), 2u);
  EXPECT_EQ(found.value()[0][0].account, "a");
  EXPECT_EQ(found.value()[0][1].account, "c");
  EXPECT_TRUE(found.value()[1].empty());
  EXPECT_EQ(found.value()[2][0].account, "b");
}

TEST_P(PeerRowsTest, APhoneSignsUpOnce) {
  Create("elsewhere", "13800000009");  // made through another dialect: no region
  auto sign_up = [&](std::string account, std::string mobile) {
    NewUser u;
    u.account = std::move(account);
    u.profile.mobile = std::move(mobile);
    u.profile.region = "86";
    u.password_hash = "h";
    u.unique_phone = true;
    return Wait<User>([&](auto cb) { service_.CreateUser(app_, u, cb); });
  };
  EXPECT_EQ(sign_up("a", "13800000009").status().code(), Code::kAlreadyExists);
  // Many at once with one phone: exactly one gets it.
  std::vector<std::thread> threads;
  std::atomic<int> won{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (sign_up("s" + std::to_string(i), "13800000001").ok()) ++won;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won, 1);
  // Another region's same digits are another phone.
  NewUser other;
  other.account = "abroad";
  other.profile.mobile = "13800000001";
  other.profile.region = "1";
  other.unique_phone = true;
  EXPECT_TRUE(Wait<User>([&](auto cb) { service_.CreateUser(app_, other, cb); }).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, PeerRowsTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
