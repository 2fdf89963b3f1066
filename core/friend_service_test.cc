#include "core/friend_service.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;
using testing::Wait;

class FriendServiceTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override {
    app_.id = store_->EnsureApp("test").value();
    app_.limits.max_friends = 3;
    app_.limits.max_blocks = 2;
  }

  User Create(const std::string& account, AddPolicy policy = AddPolicy::kNeedConfirm) {
    NewUser u;
    u.account = account;
    u.token = "t";
    u.add_policy = policy;
    auto r = Wait<User>([&](auto cb) { service_.CreateUser(app_, u, cb); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : User{};
  }

  Result<AddOutcome> Add(const std::string& owner, const std::string& peer, AddMode mode,
                         EdgeFields fields = {}) {
    AddArgs args;
    args.owner = owner;
    args.peer = peer;
    args.mode = mode;
    args.message = "hi";
    args.fields = fields;
    return Wait<AddOutcome>([&](auto cb) { service_.Add(app_, args, cb); });
  }
  Result<bool> Respond(const std::string& recipient, const std::string& requester, Answer a) {
    return Wait<bool>([&](auto cb) { service_.Respond(app_, recipient, requester, a, "", cb); });
  }
  Result<bool> Delete(const std::string& owner, const std::string& peer, bool both = false,
                      bool drop_alias = false) {
    DeleteArgs args{owner, peer, both, drop_alias};
    return Wait<bool>([&](auto cb) { service_.Delete(app_, args, cb); });
  }
  Result<bool> Relate(const std::string& owner, const std::string& peer, Relation kind, bool on) {
    return Wait<bool>([&](auto cb) { service_.SetRelation(app_, owner, peer, kind, on, cb); });
  }
  bool Alive(const std::string& owner, const std::string& peer) {
    return testing::GetFriend(service_, app_, owner, peer).ok();
  }

  // Declared before the store: the store's last jobs complete on them as it closes.
  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  FriendListCache cache_{CacheLimits{.max_items = 10'000}};
  std::unique_ptr<Store> store_ = GetParam().open(dir_);
  FriendService service_{
      *store_, clock_, executor_, &cache_, nullptr, nullptr, GetParam().warm_writes};
  AppContext app_;
};

TEST_P(FriendServiceTest, AccountsAreCaseInsensitive) {
  User u = Create("ZhangSan");
  EXPECT_EQ(u.account, "zhangsan");
  NewUser again;
  again.account = "ZHANGSAN";
  auto r = Wait<User>([&](auto cb) { service_.CreateUser(app_, again, cb); });
  EXPECT_EQ(r.status().code(), Code::kAlreadyExists);
  EXPECT_TRUE(testing::GetUser(service_, app_, "zhangSAN").ok());
}

TEST_P(FriendServiceTest, UpdateUserChangesOnlyPresentFields) {
  Create("a");
  UserUpdate update;
  update.profile.name = "Alice";
  update.profile.gender = 2;
  ASSERT_TRUE(Wait<User>([&](auto cb) { service_.UpdateUser(app_, "a", update, cb); }).ok());
  UserUpdate second;
  second.profile.sign = "hello";
  auto u = Wait<User>([&](auto cb) { service_.UpdateUser(app_, "A", second, cb); });
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->profile.name, "Alice");
  EXPECT_EQ(u->profile.gender, 2);
  EXPECT_EQ(u->profile.sign, "hello");
  EXPECT_FALSE(u->profile.email.has_value());
  auto missing = Wait<User>([&](auto cb) { service_.UpdateUser(app_, "nobody", second, cb); });
  EXPECT_EQ(missing.status().code(), Code::kUserNotFound);
}

TEST_P(FriendServiceTest, DirectAddMakesBothEdgesAliveAndRepeatsQuietly) {
  Create("a");
  Create("b");
  ASSERT_EQ(Add("a", "b", AddMode::kDirect).value(), AddOutcome::kFriends);
  auto f = testing::GetFriend(service_, app_, "a", "b");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->bidirectional);
  int64_t version = f->edge.version;
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  EXPECT_EQ(testing::GetFriend(service_, app_, "a", "b")->edge.version, version);
  EXPECT_TRUE(Alive("b", "a"));
}

TEST_P(FriendServiceTest, RequestThenAccept) {
  Create("a");
  Create("b");
  ASSERT_EQ(Add("a", "b", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  EXPECT_FALSE(Alive("a", "b"));
  ASSERT_TRUE(Respond("b", "a", Answer::kAccept).ok());
  EXPECT_TRUE(Alive("a", "b"));
  EXPECT_TRUE(Alive("b", "a"));
  // Answering twice is an error, not a no-op.
  EXPECT_EQ(Respond("b", "a", Answer::kAccept).status().code(), Code::kNoPendingRequest);
  EXPECT_EQ(Add("a", "b", AddMode::kRequest).status().code(), Code::kAlreadyFriends);
}

TEST_P(FriendServiceTest, OnlyTheRecipientAnswers) {
  Create("a");
  Create("b");
  ASSERT_TRUE(Add("a", "b", AddMode::kRequest).ok());
  EXPECT_EQ(Respond("a", "b", Answer::kAccept).status().code(), Code::kNoPendingRequest);
}

TEST_P(FriendServiceTest, RefuseAndIgnoreCloseTheRequest) {
  Create("a");
  Create("b");
  Create("c");
  ASSERT_TRUE(Add("a", "b", AddMode::kRequest).ok());
  ASSERT_TRUE(Respond("b", "a", Answer::kRefuse).ok());
  EXPECT_EQ(Respond("b", "a", Answer::kAccept).status().code(), Code::kNoPendingRequest);
  EXPECT_FALSE(Alive("a", "b"));
  ASSERT_TRUE(Add("c", "b", AddMode::kRequest).ok());
  ASSERT_TRUE(Respond("b", "c", Answer::kIgnore).ok());
  EXPECT_EQ(Respond("b", "c", Answer::kAccept).status().code(), Code::kNoPendingRequest);
  // A new request after a refusal is pending again.
  ASSERT_EQ(Add("a", "b", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  EXPECT_TRUE(Respond("b", "a", Answer::kAccept).ok());
}

TEST_P(FriendServiceTest, CrossingRequestsMakeFriends) {
  Create("a");
  Create("b");
  ASSERT_EQ(Add("a", "b", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Add("b", "a", AddMode::kRequest).value(), AddOutcome::kAccepted);
  EXPECT_TRUE(Alive("a", "b"));
  EXPECT_TRUE(Alive("b", "a"));
  EXPECT_EQ(Respond("b", "a", Answer::kAccept).status().code(), Code::kNoPendingRequest);
}

// With consent_stands, a request to someone who still has the requester as a friend (the
// requester deleted them one-sidedly) makes them friends again at once; without, it is a request.
TEST_P(FriendServiceTest, ARequestToWhoStillHasYouRestoresTheFriendshipIfAsked) {
  Create("a");
  Create("b");
  ASSERT_EQ(Add("a", "b", AddMode::kDirect).value(), AddOutcome::kFriends);
  ASSERT_TRUE(Delete("a", "b").ok());
  EXPECT_EQ(Add("a", "b", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  EXPECT_FALSE(Alive("a", "b"));
  AddArgs args;
  args.owner = "a";
  args.peer = "b";
  args.consent_stands = true;
  EXPECT_EQ(Wait<AddOutcome>([&](auto cb) { service_.Add(app_, args, cb); }).value(),
            AddOutcome::kAccepted);
  EXPECT_TRUE(Alive("a", "b"));
  EXPECT_EQ(Add("a", "b", AddMode::kRequest).status().code(), Code::kAlreadyFriends);
  // Deleted both ways: a request waits for an answer again, whatever the option.
  ASSERT_TRUE(Delete("a", "b").ok());
  ASSERT_TRUE(Delete("b", "a").ok());
  EXPECT_EQ(Wait<AddOutcome>([&](auto cb) { service_.Add(app_, args, cb); }).value(),
            AddOutcome::kRequestSent);
}

TEST_P(FriendServiceTest, AddPolicies) {
  Create("a");
  Create("open", AddPolicy::kAllowAny);
  Create("closed", AddPolicy::kDenyAny);
  EXPECT_EQ(Add("a", "open", AddMode::kRequest).value(), AddOutcome::kPeerAllowsAny);
  EXPECT_EQ(Add("a", "closed", AddMode::kRequest).status().code(), Code::kRefusedByPolicy);
  // A direct add is the server's decision, not a request.
  EXPECT_EQ(Add("a", "closed", AddMode::kDirect).value(), AddOutcome::kFriends);
}

TEST_P(FriendServiceTest, BlocksStopRequestsButKeepFriendships) {
  Create("a");
  Create("b");
  Create("c");
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  ASSERT_TRUE(Relate("b", "a", Relation::kBlock, true).ok());
  EXPECT_TRUE(Alive("a", "b"));
  EXPECT_TRUE(Alive("b", "a"));
  ASSERT_TRUE(Relate("c", "a", Relation::kBlock, true).ok());
  EXPECT_EQ(Add("a", "c", AddMode::kRequest).status().code(), Code::kBlocked);
  EXPECT_EQ(Add("a", "c", AddMode::kDirect).status().code(), Code::kBlocked);
  // The blocker may still ask.
  EXPECT_EQ(Add("c", "a", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  ASSERT_TRUE(Relate("c", "a", Relation::kBlock, false).ok());
  EXPECT_TRUE(Add("a", "c", AddMode::kRequest).ok());
}

TEST_P(FriendServiceTest, BlockingAfterAskingWithdrawsTheRequest) {
  Create("d");
  Create("e");
  ASSERT_EQ(Add("d", "e", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  ASSERT_TRUE(Relate("d", "e", Relation::kBlock, true).ok());
  EXPECT_EQ(Respond("e", "d", Answer::kAccept).status().code(), Code::kBlocked);
  EXPECT_FALSE(Alive("e", "d"));
  EXPECT_FALSE(Alive("d", "e"));
}

TEST_P(FriendServiceTest, RelationLimitAndListing) {
  Create("a");
  Create("b");
  Create("c");
  Create("d");
  ASSERT_TRUE(Relate("a", "c", Relation::kBlock, true).ok());
  ASSERT_TRUE(Relate("a", "b", Relation::kBlock, true).ok());
  ASSERT_TRUE(Relate("a", "b", Relation::kBlock, true).ok());  // already set: fine
  EXPECT_EQ(Relate("a", "d", Relation::kBlock, true).status().code(), Code::kRelationLimit);
  ASSERT_TRUE(Relate("a", "d", Relation::kMute, true).ok());
  auto lists = testing::ListRelations(service_, app_, "a");
  ASSERT_TRUE(lists.ok());
  EXPECT_EQ(lists->blocked, (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(lists->muted, (std::vector<std::string>{"d"}));
}

TEST_P(FriendServiceTest, DeleteIsOneSidedUnlessBoth) {
  Create("a");
  Create("b");
  Create("c");
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  ASSERT_TRUE(Delete("a", "b").ok());
  EXPECT_FALSE(Alive("a", "b"));
  auto back = testing::GetFriend(service_, app_, "b", "a");
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->bidirectional);
  EXPECT_EQ(Delete("a", "b").status().code(), Code::kNotFriends);
  ASSERT_TRUE(Add("a", "c", AddMode::kDirect).ok());
  ASSERT_TRUE(Delete("c", "a", /*both=*/true).ok());
  EXPECT_FALSE(Alive("a", "c"));
  EXPECT_FALSE(Alive("c", "a"));
}

TEST_P(FriendServiceTest, AliasSurvivesDeleteUnlessDropped) {
  Create("a");
  Create("b");
  EdgeFields alias;
  alias.alias = "bee";
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect, alias).ok());
  ASSERT_TRUE(Delete("a", "b").ok());
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  EXPECT_EQ(testing::GetFriend(service_, app_, "a", "b")->edge.fields.alias, "bee");
  ASSERT_TRUE(Delete("a", "b", false, /*drop_alias=*/true).ok());
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  EXPECT_FALSE(testing::GetFriend(service_, app_, "a", "b")->edge.fields.alias.has_value());
}

TEST_P(FriendServiceTest, UpdateEdgeNeedsAnAliveEdge) {
  Create("a");
  Create("b");
  EdgeFields f;
  f.alias = "x";
  auto update = [&] {
    return Wait<bool>(
        [&](auto cb) { service_.UpdateEdge(app_, "a", "b", f, /*any_row=*/false, cb); });
  };
  EXPECT_EQ(update().status().code(), Code::kNotFriends);
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  ASSERT_TRUE(update().ok());
  EXPECT_EQ(testing::GetFriend(service_, app_, "a", "b")->edge.fields.alias, "x");
  f.alias = "";  // may be set to empty
  ASSERT_TRUE(update().ok());
  EXPECT_EQ(testing::GetFriend(service_, app_, "a", "b")->edge.fields.alias, "");
}

TEST_P(FriendServiceTest, FriendLimitIsCheckedOnBothSides) {
  for (auto name : {"a", "b", "c", "d", "e"}) Create(name);
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  ASSERT_TRUE(Add("a", "c", AddMode::kDirect).ok());
  ASSERT_TRUE(Add("a", "d", AddMode::kDirect).ok());
  EXPECT_EQ(Add("a", "e", AddMode::kDirect).status().code(), Code::kFriendLimit);
  EXPECT_EQ(Add("e", "a", AddMode::kDirect).status().code(), Code::kFriendLimit);
  // Nothing was left half done.
  EXPECT_FALSE(Alive("e", "a"));
  ASSERT_TRUE(Add("e", "a", AddMode::kRequest).ok());
  EXPECT_EQ(Respond("a", "e", Answer::kAccept).status().code(), Code::kFriendLimit);
  EXPECT_FALSE(Alive("e", "a"));
  ASSERT_TRUE(Delete("a", "d").ok());
  EXPECT_TRUE(Respond("a", "e", Answer::kAccept).ok());
}

TEST_P(FriendServiceTest, BadArguments) {
  Create("a");
  EXPECT_EQ(Add("a", "A", AddMode::kDirect).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Add("a", "ghost", AddMode::kDirect).status().code(), Code::kUserNotFound);
  EXPECT_EQ(Add("ghost", "a", AddMode::kRequest).status().code(), Code::kUserNotFound);
  EXPECT_EQ(testing::ListFriends(service_, app_, "ghost", 0, false).status().code(),
            Code::kUserNotFound);
}

TEST_P(FriendServiceTest, AnActingUserIsCreatedByItsFirstWriteThatSucceeds) {
  Create("known", AddPolicy::kAllowAny);
  auto add = [&](const std::string& owner, const std::string& peer) {
    AddArgs args;
    args.owner = UserRef::Acting(owner);
    args.peer = peer;
    return Wait<AddOutcome>([&](auto cb) { service_.Add(app_, args, cb); });
  };
  // A write by a new user creates it in the same job.
  ASSERT_TRUE(add("New1", "known").ok());
  EXPECT_TRUE(Alive("new1", "known"));
  // Only the acting user is created: an unknown peer is an error, and the job that fails
  // creates nobody.
  auto ghost = add("new2", "ghost");
  EXPECT_EQ(ghost.status().code(), Code::kUserNotFound);
  EXPECT_NE(ghost.status().message().find("ghost"), std::string::npos);
  EXPECT_FALSE(testing::GetUser(service_, app_, "new2").ok());
  EXPECT_FALSE(testing::GetUser(service_, app_, "ghost").ok());
  // A rule that fails after creating (no pending request to answer) creates nobody either.
  auto answered = Wait<bool>([&](auto cb) {
    service_.Respond(app_, UserRef::Acting("new3"), "known", Answer::kAccept, "", cb);
  });
  EXPECT_EQ(answered.status().code(), Code::kNoPendingRequest);
  EXPECT_FALSE(testing::GetUser(service_, app_, "new3").ok());
  // Profile writes create too; plain refs still need the user.
  UserUpdate update;
  update.profile.name = "Four";
  auto four =
      Wait<User>([&](auto cb) { service_.UpdateUser(app_, UserRef::Acting("new4"), update, cb); });
  ASSERT_TRUE(four.ok()) << four.status().ToString();
  EXPECT_EQ(four->profile.name, "Four");
  auto plain = Wait<User>([&](auto cb) { service_.UpdateUser(app_, "new5", update, cb); });
  EXPECT_EQ(plain.status().code(), Code::kUserNotFound);
  // Reads ignore the flag: a missing user is kUserNotFound.
  auto read = Wait<FriendList>([&](auto cb) {
    service_.ListFriends(app_, UserRef::Acting("new6"), 0, false, SIZE_MAX, cb);
  });
  EXPECT_EQ(read.status().code(), Code::kUserNotFound);
}

TEST_P(FriendServiceTest, RequestsLeaveCachedFriendListsInPlace) {
  Create("a");
  Create("b");
  Create("c");
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  ASSERT_TRUE(testing::ListFriends(service_, app_, "a", 0, false).ok());  // cached now
  ASSERT_TRUE(testing::ListFriends(service_, app_, "c", 0, false).ok());
  FriendListCache::Ticket ticket{};
  ASSERT_TRUE(cache_.Find(app_.id, "a", &ticket));
  // A request and its refusal change no friend list: both cached lists stay.
  ASSERT_EQ(Add("c", "a", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  ASSERT_TRUE(Respond("a", "c", Answer::kRefuse).ok());
  EXPECT_TRUE(cache_.Find(app_.id, "a", &ticket));
  EXPECT_TRUE(cache_.Find(app_.id, "c", &ticket));
  // Accepting one makes friends: both lists go.
  ASSERT_EQ(Add("c", "a", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  ASSERT_TRUE(Respond("a", "c", Answer::kAccept).ok());
  EXPECT_FALSE(cache_.Find(app_.id, "a", &ticket));
  EXPECT_FALSE(cache_.Find(app_.id, "c", &ticket));
  EXPECT_EQ(testing::ListFriends(service_, app_, "a", 0, false)->size(), 2u);
}

TEST_P(FriendServiceTest, ChangesSinceAreExactWhenTheClockStandsStill) {
  for (auto name : {"a", "b", "c", "d"}) Create(name);
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  auto first = testing::ListFriends(service_, app_, "a", 0, false).value();
  ASSERT_EQ(first.size(), 1u);
  int64_t mark = first.back().edge.updated_ms;
  ASSERT_TRUE(Add("a", "c", AddMode::kDirect).ok());  // same millisecond on the fake clock
  ASSERT_TRUE(Delete("a", "b").ok());
  clock_.Set(clock_.NowMs() - 60'000);  // the wall clock steps back
  ASSERT_TRUE(Add("a", "d", AddMode::kDirect).ok());

  auto since = testing::ListFriends(service_, app_, "a", mark, /*include_tombstones=*/true).value();
  ASSERT_EQ(since.size(), 3u);
  EXPECT_EQ(since[0].peer_account, "c");
  EXPECT_EQ(since[1].peer_account, "b");
  EXPECT_FALSE(since[1].edge.alive);
  EXPECT_EQ(since[2].peer_account, "d");
  for (size_t i = 1; i < since.size(); ++i) {
    EXPECT_LT(since[i - 1].edge.updated_ms, since[i].edge.updated_ms);
    EXPECT_LT(since[i - 1].edge.version, since[i].edge.version);
  }
  auto alive = testing::ListFriends(service_, app_, "a", mark, false).value();
  EXPECT_EQ(alive.size(), 2u);
}

TEST_P(FriendServiceTest, APeersDeleteShowsInTheOwnersChanges) {
  Create("a");
  Create("b");
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  int64_t mark = testing::GetFriend(service_, app_, "a", "b")->edge.updated_ms;
  ASSERT_TRUE(Delete("b", "a").ok());
  auto changed = testing::ListFriends(service_, app_, "a", mark, false).value();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_FALSE(changed[0].bidirectional);
  mark = changed[0].edge.updated_ms;
  ASSERT_TRUE(Add("b", "a", AddMode::kDirect).ok());
  changed = testing::ListFriends(service_, app_, "a", mark, false).value();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_TRUE(changed[0].bidirectional);
}

TEST_P(FriendServiceTest, AppsAreIsolated) {
  AppContext other{store_->EnsureApp("other").value(), {}, nullptr};
  Create("a");
  Create("b");
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  EXPECT_EQ(testing::GetUser(service_, other, "a").status().code(), Code::kUserNotFound);
  NewUser u;
  u.account = "a";
  ASSERT_TRUE(Wait<User>([&](auto cb) { service_.CreateUser(other, u, cb); }).ok());
  EXPECT_TRUE(testing::ListFriends(service_, other, "a", 0, true)->empty());
  EXPECT_EQ(testing::GetFriend(service_, other, "a", "b").status().code(), Code::kUserNotFound);
}

TEST_P(FriendServiceTest, DeletingAUserEndsEveryFriendshipAndFreesTheName) {
  for (auto name : {"a", "b", "c", "d"}) Create(name);
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  ASSERT_TRUE(Add("c", "a", AddMode::kDirect).ok());
  ASSERT_TRUE(Delete("a", "c").ok());  // c keeps a one-sided edge to a
  ASSERT_TRUE(Add("d", "a", AddMode::kRequest).ok());
  ASSERT_TRUE(Relate("b", "a", Relation::kBlock, true).ok());
  ASSERT_TRUE(Relate("a", "d", Relation::kMute, true).ok());
  int64_t b_version = testing::GetUser(service_, app_, "b")->version;
  int64_t old_epoch = testing::GetUser(service_, app_, "a")->epoch;
  ASSERT_TRUE(testing::ListFriends(service_, app_, "a", 0, false).ok());  // cached now
  int64_t mark = testing::GetFriend(service_, app_, "b", "a")->edge.updated_ms;

  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.DeleteUser(app_, "A", cb); }).ok());
  EXPECT_EQ(testing::GetUser(service_, app_, "a").status().code(), Code::kUserNotFound);
  // Its cached list went with it.
  EXPECT_EQ(testing::ListFriends(service_, app_, "a", 0, false).status().code(),
            Code::kUserNotFound);
  for (auto peer : {"b", "c"}) {
    EXPECT_TRUE(testing::ListFriends(service_, app_, peer, 0, false)->empty()) << peer;
    auto u = testing::GetUser(service_, app_, peer);
    EXPECT_EQ(u->friend_count, 0) << peer;
  }
  EXPECT_GT(testing::GetUser(service_, app_, "b")->version, b_version);
  auto removed = testing::ListFriends(service_, app_, "b", mark, /*include_tombstones=*/true);
  ASSERT_EQ(removed->size(), 1u);
  EXPECT_EQ(removed->at(0).peer_account, "a");
  EXPECT_FALSE(removed->at(0).edge.alive);
  EXPECT_TRUE(testing::ListRelations(service_, app_, "b")->blocked.empty());
  EXPECT_EQ(Wait<bool>([&](auto cb) { service_.DeleteUser(app_, "a", cb); }).status().code(),
            Code::kUserNotFound);

  // The name is free again, for a new user with an empty graph.
  clock_.Advance(1);
  User again = Create("a");
  EXPECT_EQ(again.friend_count, 0);
  EXPECT_GT(again.epoch, old_epoch);  // the old user's tokens do not speak for the new one
  EXPECT_TRUE(testing::ListFriends(service_, app_, "a", 0, true)->empty());
  EXPECT_TRUE(testing::ListRelations(service_, app_, "a")->muted.empty());
  EXPECT_EQ(Respond("a", "d", Answer::kAccept).status().code(), Code::kNoPendingRequest);
  ASSERT_TRUE(Add("b", "a", AddMode::kRequest).ok());  // b's block died with the old a
}

TEST_P(FriendServiceTest, DisabledUsersKeepFriendsButMakeNoNewOnes) {
  for (auto name : {"a", "b", "c"}) Create(name);
  ASSERT_TRUE(Add("a", "b", AddMode::kDirect).ok());
  ASSERT_TRUE(Add("c", "a", AddMode::kRequest).ok());
  UserUpdate off;
  off.disabled = true;
  ASSERT_TRUE(Wait<User>([&](auto cb) { service_.UpdateUser(app_, "a", off, cb); })->disabled);
  EXPECT_TRUE(Alive("a", "b"));
  EXPECT_EQ(Add("a", "c", AddMode::kRequest).status().code(), Code::kUserDisabled);
  EXPECT_EQ(Add("c", "a", AddMode::kDirect).status().code(), Code::kUserDisabled);
  EXPECT_EQ(Respond("a", "c", Answer::kAccept).status().code(), Code::kUserDisabled);
  UserUpdate on;
  on.disabled = false;
  ASSERT_FALSE(Wait<User>([&](auto cb) { service_.UpdateUser(app_, "a", on, cb); })->disabled);
  EXPECT_TRUE(Respond("a", "c", Answer::kAccept).ok());
}

TEST_P(FriendServiceTest, APasswordChangeRevokesTokens) {
  int64_t created = Create("a").epoch;
  UserUpdate pw;
  pw.password_hash = "$argon2id$…";
  auto u = Wait<User>([&](auto cb) { service_.UpdateUser(app_, "a", pw, cb); });
  EXPECT_EQ(u->epoch, created + 1);  // the clock stands still: one more
  EXPECT_EQ(u->password_hash, "$argon2id$…");
  UserUpdate logout;
  logout.revoke_tokens = true;
  clock_.Advance(1000);
  EXPECT_EQ(Wait<User>([&](auto cb) { service_.UpdateUser(app_, "a", logout, cb); })->epoch,
            clock_.NowMs());  // never behind the clock
  EXPECT_EQ(testing::GetUser(service_, app_, "a")->epoch, clock_.NowMs());
}

TEST_P(FriendServiceTest, PagesNeitherSkipNorRepeatWhileTheListChanges) {
  app_.limits.max_friends = 100;
  Create("owner");
  std::vector<std::string> names;
  for (int i = 0; i < 30; ++i) {
    names.push_back("f" + std::to_string(100 + i));
    Create(names.back());
    ASSERT_TRUE(Add("owner", names.back(), AddMode::kDirect).ok());
  }
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = Wait<Page<FriendView>>(
        [&](auto cb) { service_.ListFriendsPage(app_, "owner", cursor, 7, cb); });
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& f : page->items) seen.push_back(f.peer_account);
    cursor = page->next_cursor;
    if (++pages == 2) {
      // Between pages: one friend already seen goes, one not yet seen goes, a new one comes.
      ASSERT_TRUE(Delete("owner", seen.front()).ok());
      ASSERT_TRUE(Delete("owner", names.back()).ok());
      Create("late");
      ASSERT_TRUE(Add("owner", "late", AddMode::kDirect).ok());
    }
  } while (!cursor.empty());
  std::vector<std::string> expected(names.begin(), names.end() - 1);
  expected.push_back("late");  // newest id: last
  EXPECT_EQ(seen, expected);

  // Pages from the cached whole list and keyset reads from the store agree.
  FriendService uncached(*store_, clock_, executor_);
  for (FriendService* service : {&service_, &uncached}) {
    std::vector<std::string> walked;
    cursor.clear();
    do {
      auto page = Wait<Page<FriendView>>(
          [&](auto cb) { service->ListFriendsPage(app_, "owner", cursor, 4, cb); });
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const auto& f : page->items) walked.push_back(f.peer_account);
      cursor = page->next_cursor;
    } while (!cursor.empty());
    std::vector<std::string> now(expected.begin() + 1, expected.end());
    EXPECT_EQ(walked, now);
  }

  auto bad = Wait<Page<FriendView>>(
      [&](auto cb) { service_.ListFriendsPage(app_, "owner", "nonsense", 7, cb); });
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  auto users = Wait<Page<User>>([&](auto cb) { service_.ListUsersPage(app_, "", 5, cb); });
  ASSERT_TRUE(users.ok());
  auto foreign = Wait<Page<FriendView>>(
      [&](auto cb) { service_.ListFriendsPage(app_, "owner", users->next_cursor, 7, cb); });
  EXPECT_EQ(foreign.status().code(), Code::kInvalidArgument);
}

TEST_P(FriendServiceTest, UsersAndBlocksPage) {
  app_.limits.max_blocks = 10;
  for (auto name : {"a", "b", "c", "d", "e"}) Create(name);
  std::vector<std::string> all;
  std::string cursor;
  do {
    auto page = Wait<Page<User>>([&](auto cb) { service_.ListUsersPage(app_, cursor, 2, cb); });
    ASSERT_TRUE(page.ok());
    for (const auto& u : page->items) all.push_back(u.account);
    cursor = page->next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(all, (std::vector<std::string>{"a", "b", "c", "d", "e"}));

  for (auto peer : {"b", "c", "d", "e"})
    ASSERT_TRUE(Relate("a", peer, Relation::kBlock, true).ok());
  auto first = Wait<Page<RelationEntry>>(
      [&](auto cb) { service_.ListRelationsPage(app_, "a", Relation::kBlock, "", 3, cb); });
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 3u);
  EXPECT_EQ(first->items[0].peer_account, "e");  // newest first
  EXPECT_EQ(first->items[2].peer_account, "c");
  auto rest = Wait<Page<RelationEntry>>([&](auto cb) {
    service_.ListRelationsPage(app_, "a", Relation::kBlock, first->next_cursor, 3, cb);
  });
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].peer_account, "b");
  EXPECT_TRUE(rest->next_cursor.empty());
  auto mutes = Wait<Page<RelationEntry>>([&](auto cb) {
    service_.ListRelationsPage(app_, "a", Relation::kMute, first->next_cursor, 3, cb);
  });
  EXPECT_EQ(mutes.status().code(), Code::kInvalidArgument);  // a block cursor
}

TEST_P(FriendServiceTest, CreateUsersIsAllOrNothing) {
  Create("taken");
  auto make = [](std::vector<std::string> accounts) {
    std::vector<NewUser> users;
    for (auto& a : accounts) {
      users.emplace_back();
      users.back().account = a;
    }
    return users;
  };
  auto clash = Wait<std::vector<User>>([&](auto cb) {
    service_.CreateUsers(app_, make({"x1", "TAKEN", "x2"}), cb);
  });
  EXPECT_EQ(clash.status().code(), Code::kAlreadyExists);
  auto twice = Wait<std::vector<User>>([&](auto cb) {
    service_.CreateUsers(app_, make({"x1", "X1"}), cb);
  });
  EXPECT_EQ(twice.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(testing::GetUser(service_, app_, "x1").status().code(), Code::kUserNotFound);
  auto made = Wait<std::vector<User>>([&](auto cb) {
    service_.CreateUsers(app_, make({"X1", "x2", "x3"}), cb);
  });
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_EQ(made->size(), 3u);
  EXPECT_EQ(made->at(0).account, "x1");
  EXPECT_EQ(made->at(2).account, "x3");
  EXPECT_NE(made->at(0).id, made->at(1).id);
  EXPECT_TRUE(testing::GetUser(service_, app_, "x3").ok());
}

TEST_P(FriendServiceTest, SetRelationsIsAllOrNothing) {
  app_.limits.max_blocks = 3;
  for (auto name : {"a", "b", "c", "d", "e"}) Create(name);
  auto block = [&](std::vector<std::string> peers) {
    return Wait<bool>(
        [&](auto cb) { service_.SetRelations(app_, "A", peers, Relation::kBlock, true, cb); });
  };
  ASSERT_TRUE(block({"b"}).ok());
  EXPECT_EQ(block({"c", "nobody"}).status().code(), Code::kUserNotFound);
  EXPECT_EQ(block({"c", "a"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(block({"c", "d", "e"}).status().code(), Code::kRelationLimit);
  EXPECT_EQ(testing::ListRelations(service_, app_, "a")->blocked, (std::vector<std::string>{"b"}));
  EXPECT_EQ(Wait<bool>([&](auto cb) {
              service_.SetRelations(app_, "nobody", {"b"}, Relation::kBlock, true, cb);
            })
                .status()
                .code(),
            Code::kUserNotFound);
  // b is already blocked (it keeps its place), c named twice: two new, within the limit of 3.
  // ListRelations is oldest first.
  ASSERT_TRUE(block({"c", "B", "d", "C"}).ok());
  EXPECT_EQ(testing::ListRelations(service_, app_, "a")->blocked,
            (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_EQ(block({"e"}).status().code(), Code::kRelationLimit);
  ASSERT_TRUE(Wait<bool>([&](auto cb) {
                service_.SetRelations(app_, "a", {"b", "c", "e"}, Relation::kBlock, false, cb);
              }).ok());
  EXPECT_EQ(testing::ListRelations(service_, app_, "a")->blocked, (std::vector<std::string>{"d"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, FriendServiceTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);
INSTANTIATE_TEST_SUITE_P(WarmingWrites, FriendServiceTest,
                         ::testing::ValuesIn(testing::AllBackendsWarmingWrites()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
