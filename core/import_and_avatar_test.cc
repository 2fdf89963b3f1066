// Yuntongxun's writes without a vendor twin: importFriends (all pairs or none), avatars kept in
// the store, EnsureUser (an account exists from its first call), and the reads that show them
// (GetPeople, GetProfiles, GetAvatarByKey).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
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
using Pairs = std::vector<std::pair<UserRef, UserRef>>;

class ImportAndAvatarTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override {
    app_.id = store_->EnsureApp("yuntongxun").value();
    app_.limits.max_friends = 3;
    linked_.id = store_->EnsureApp("linked").value();
    other_.id = store_->EnsureApp("other").value();
    auto group = std::make_shared<LinkGroup>();
    group->emplace_back(app_.id, app_.limits);
    group->emplace_back(linked_.id, linked_.limits);
    app_.group = linked_.group = group;
  }

  User Create(const std::string& account) {
    NewUser u;
    u.account = account;
    auto r = Wait<User>([&](auto cb) { service_.CreateUser(app_, u, cb); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : User{};
  }
  Result<size_t> Import(const Pairs& pairs) {
    return Wait<size_t>([&](auto cb) { service_.ImportFriends(app_, pairs, cb); });
  }
  Result<User> Get(UserRef user) {
    return Wait<User>([&](auto cb) { service_.GetUser(app_, user, cb); });
  }
  Result<User> Ensure(const AppContext& app, UserRef user) {
    return Wait<User>([&](auto cb) { service_.EnsureUser(app, user, cb); });
  }
  bool Friends(const std::string& a, const std::string& b) {
    auto ab = testing::GetFriend(service_, app_, a, b);
    return ab.ok() && ab->bidirectional;
  }
  Result<bool> Relate(const std::string& owner, const std::string& peer) {
    return Wait<bool>(
        [&](auto cb) { service_.SetRelation(app_, owner, peer, Relation::kBlock, true, cb); });
  }
  Result<User> Disable(const std::string& user) {
    UserUpdate u;
    u.disabled = true;
    return Wait<User>([&](auto cb) { service_.UpdateUser(app_, user, u, cb); });
  }
  Result<Avatar> SetAvatar(const std::string& user, const std::string& key,
                           const std::string& bytes, const std::string& type = "image/png") {
    return Wait<Avatar>([&](auto cb) {
      service_.SetAvatar(app_, user, Avatar{0, key, type, bytes, 0}, "https://fg.test/a/" + key,
                         cb);
    });
  }
  std::optional<Avatar> AvatarByKey(const std::string& key) {
    auto r = Wait<std::optional<Avatar>>([&](auto cb) { service_.GetAvatarByKey(key, true, cb); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : std::nullopt;
  }
  Result<std::vector<std::optional<Person>>> People(UserRef viewer, std::vector<UserRef> users) {
    return Wait<std::vector<std::optional<Person>>>(
        [&](auto cb) { service_.GetPeople(app_, viewer, users, cb); });
  }
  // Every user of the app with the counters a snapshot compares.
  std::string Graph() {
    std::string out;
    auto page =
        Wait<Page<User>>([&](auto cb) { service_.ListUsersPage(app_, "", 1000, cb); }).value();
    for (const User& u : page.items) {
      out += u.account + " v" + std::to_string(u.version) + " c" + std::to_string(u.clock_ms) +
             " n" + std::to_string(u.friend_count) + ":";
      auto edges = testing::ListFriends(service_, app_, u.account, 0, true).value();
      for (const auto& f : edges) {
        out += " " + f.peer_account + (f.edge.alive ? "+" : "-");
      }
      out += "\n";
    }
    return out;
  }
  // friend_count is the number of alive edges; every edge's version and time are the owner's,
  // unique, and not ahead of the owner's counters; each alive edge's bidirection is exact.
  void ExpectConsistent() {
    auto page =
        Wait<Page<User>>([&](auto cb) { service_.ListUsersPage(app_, "", 1000, cb); }).value();
    for (const User& u : page.items) {
      auto edges = testing::ListFriends(service_, app_, u.account, 0, true).value();
      int64_t alive = 0;
      std::set<int64_t> versions, times;
      for (const auto& f : edges) {
        alive += f.edge.alive;
        EXPECT_LE(f.edge.version, u.version) << u.account << " -> " << f.peer_account;
        EXPECT_LE(f.edge.updated_ms, u.clock_ms) << u.account << " -> " << f.peer_account;
        EXPECT_TRUE(versions.insert(f.edge.version).second) << u.account;
        EXPECT_TRUE(times.insert(f.edge.updated_ms).second) << u.account;
        if (f.edge.alive) {
          bool back = testing::GetFriend(service_, app_, f.peer_account, u.account).ok();
          EXPECT_EQ(f.bidirectional, back) << u.account << " -> " << f.peer_account;
        }
      }
      EXPECT_EQ(u.friend_count, alive) << u.account;
    }
  }

  // Declared before the store: the store's last jobs complete on them as it closes.
  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  FriendListCache cache_{CacheLimits{.max_items = 10'000}};
  UserCache users_{CacheLimits{.max_items = 1'000}};
  std::unique_ptr<Store> store_ = GetParam().open(dir_);
  FriendService service_{*store_, clock_, executor_, &cache_, &users_};
  AppContext app_, linked_, other_;
};

TEST_P(ImportAndAvatarTest, ImportCreatesMissingUsersAndMakesEachPairFriends) {
  User a = Create("a");
  auto r = Import({{"A", "b"}, {"b", "C"}, {"a", "c"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value(), 3u);
  EXPECT_EQ(Get("a")->id, a.id);  // an existing user is kept
  EXPECT_EQ(Get("b")->account, "b");
  EXPECT_EQ(Get("c")->account, "c");
  for (auto [x, y] : {std::pair{"a", "b"}, {"b", "c"}, {"a", "c"}}) {
    EXPECT_TRUE(Friends(x, y)) << x << "-" << y;
    EXPECT_TRUE(Friends(y, x)) << y << "-" << x;
  }
  for (auto name : {"a", "b", "c"}) EXPECT_EQ(Get(name)->friend_count, 2) << name;
  ExpectConsistent();
  // The new users are plain accounts: an empty profile, asking for confirmation.
  EXPECT_FALSE(Get("b")->profile.name.has_value());
  EXPECT_EQ(Get("b")->add_policy, AddPolicy::kNeedConfirm);
  EXPECT_EQ(Get("b")->created_ms, clock_.NowMs());
}

TEST_P(ImportAndAvatarTest, ImportingAgainChangesNothing) {
  Create("a");
  ASSERT_TRUE(Import({{"a", "b"}, {"c", "a"}}).ok());
  std::string before = Graph();
  clock_.Advance(1000);
  // The same pairs, reversed, repeated, renamed in case.
  auto again = Import({{"b", "a"}, {"A", "C"}, {"a", "b"}});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again.value(), 3u);
  EXPECT_EQ(Graph(), before);
  ExpectConsistent();
}

TEST_P(ImportAndAvatarTest, ImportRevivesTombstonesAndSettlesPendingRequests) {
  Create("a");
  Create("b");
  Create("c");
  ASSERT_TRUE(Import({{"a", "b"}}).ok());
  DeleteArgs del{"a", "b", /*both=*/true, false};
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.Delete(app_, del, cb); }).ok());
  ASSERT_FALSE(Friends("a", "b"));
  AddArgs ask;
  ask.owner = "c";
  ask.peer = "a";
  ASSERT_EQ(Wait<AddOutcome>([&](auto cb) { service_.Add(app_, ask, cb); }).value(),
            AddOutcome::kRequestSent);
  ASSERT_TRUE(Import({{"b", "a"}, {"a", "c"}}).ok());
  EXPECT_TRUE(Friends("a", "b"));
  EXPECT_TRUE(Friends("a", "c"));
  auto requests = Wait<std::vector<RequestView>>(
      [&](auto cb) { service_.ListRequests(app_, "c", 0, false, 10, cb); });
  ASSERT_TRUE(requests.ok());
  ASSERT_EQ(requests->size(), 1u);
  EXPECT_EQ(requests->at(0).request.state, RequestState::kAccepted);
  ExpectConsistent();
}

TEST_P(ImportAndAvatarTest, ABadPairFailsTheWholeImportAndIsNamed) {
  Create("a");
  Create("blocker");
  Create("blocked");
  Create("off");
  Create("full");
  for (auto peer : {"f1", "f2", "f3"}) Create(peer);
  ASSERT_TRUE(Relate("blocker", "blocked").ok());
  ASSERT_TRUE(Disable("off").ok());
  ASSERT_TRUE(Import({{"full", "f1"}, {"full", "f2"}, {"full", "f3"}}).ok());
  std::string before = Graph();

  struct Case {
    std::string name;
    std::pair<UserRef, UserRef> bad;
    Code code;
  };
  std::vector<Case> cases = {
      {"blocked", {"blocked", "blocker"}, Code::kBlocked},
      {"disabled", {"off", "new3"}, Code::kUserDisabled},
      {"disabled peer", {"new3", "OFF"}, Code::kUserDisabled},
      {"limit", {"new3", "full"}, Code::kFriendLimit},
      {"self", {"a", "A"}, Code::kInvalidArgument},
      {"empty", {"a", ""}, Code::kInvalidArgument},
      {"unlinked", {"a", UserRef(other_.id, "x")}, Code::kInvalidArgument},
  };
  for (const Case& c : cases) {
    // Two good pairs first, one of them creating users: none of it may land.
    auto r = Import({{"a", "new1"}, {"new1", "new2"}, c.bad, {"a", "new4"}});
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r.status().message().rfind("pair 2: ", 0), 0u)
        << c.name << ": " << r.status().message();
    EXPECT_EQ(Graph(), before) << c.name;
    EXPECT_EQ(Get("new1").status().code(), Code::kUserNotFound) << c.name;
  }
  // The blocker may import the one it blocked, as with a direct add.
  EXPECT_TRUE(Import({{"blocker", "blocked"}}).ok());
}

TEST_P(ImportAndAvatarTest, TheLimitCountsThePairsOfTheImportItself) {
  Create("a");
  auto r = Import({{"a", "n0"}, {"a", "n1"}, {"n2", "a"}, {"a", "n3"}});
  EXPECT_EQ(r.status().code(), Code::kFriendLimit);
  EXPECT_EQ(r.status().message().rfind("pair 3: ", 0), 0u) << r.status().message();
  EXPECT_EQ(Get("a")->friend_count, 0);
  EXPECT_EQ(Get("n0").status().code(), Code::kUserNotFound);
  EXPECT_TRUE(Import({{"a", "n0"}, {"a", "n1"}, {"n2", "a"}, {"n1", "n0"}}).ok());
  EXPECT_EQ(Get("a")->friend_count, 3);
  ExpectConsistent();
}

// The error names the first pair that breaks a rule, whatever rule a later pair breaks.
TEST_P(ImportAndAvatarTest, TheFirstBadPairIsNamedEvenBeforeAMalformedOne) {
  Create("blocker");
  Create("blocked");
  ASSERT_TRUE(Relate("blocker", "blocked").ok());
  auto r = Import({{"x", "y"}, {"blocked", "blocker"}, {"z", "z"}});
  EXPECT_EQ(r.status().code(), Code::kBlocked) << r.status().ToString();
  EXPECT_EQ(r.status().message().rfind("pair 1: ", 0), 0u) << r.status().message();
  auto unlinked = Import({{"blocked", "blocker"}, {"x", UserRef(other_.id, "x")}});
  EXPECT_EQ(unlinked.status().code(), Code::kBlocked) << unlinked.status().ToString();
  EXPECT_EQ(unlinked.status().message().rfind("pair 0: ", 0), 0u) << unlinked.status().message();
  EXPECT_EQ(Get("x").status().code(), Code::kUserNotFound);
}

TEST_P(ImportAndAvatarTest, AnEmptyImportIsNothing) {
  auto r = Import({});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value(), 0u);
}

TEST_P(ImportAndAvatarTest, AnAvatarIsStoredWithItsBytesAndBecomesTheIcon) {
  User a = Create("a");
  // Binary content: zero bytes, high bytes, and a length a C string would cut short.
  std::string bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\x00\xfe", 19);
  bytes += std::string(3, '\0');
  ASSERT_EQ(bytes.size(), 22u);
  auto set = SetAvatar("A", "0a1b2c", bytes);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->user, a.id);
  EXPECT_EQ(set->key, "0a1b2c");
  EXPECT_EQ(set->updated_ms, clock_.NowMs());
  EXPECT_TRUE(set->bytes.empty());  // the caller has them
  EXPECT_EQ(Get("a")->profile.icon, "https://fg.test/a/0a1b2c");
  EXPECT_EQ(Get("a")->icon_ms, set->updated_ms);

  auto stored = AvatarByKey("0a1b2c");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->bytes, bytes);
  EXPECT_EQ(stored->bytes.size(), 22u);
  EXPECT_EQ(stored->content_type, "image/png");
  EXPECT_EQ(stored->user, a.id);
  EXPECT_EQ(stored->updated_ms, set->updated_ms);
  EXPECT_FALSE(AvatarByKey("0a1b2d").has_value());
  EXPECT_FALSE(AvatarByKey("").has_value());

  auto missing = SetAvatar("nobody", "ffff", bytes);
  EXPECT_EQ(missing.status().code(), Code::kUserNotFound);
  EXPECT_FALSE(AvatarByKey("ffff").has_value());
}

TEST_P(ImportAndAvatarTest, AReplacedAvatarIsGoneAndItsTimeStrictlyLater) {
  Create("a");
  int64_t last = 0;
  for (int i = 0; i < 4; ++i) {
    std::string key = "k" + std::to_string(i);
    auto set = SetAvatar("a", key, "img" + std::to_string(i), i % 2 ? "image/gif" : "image/png");
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    EXPECT_GT(set->updated_ms, last) << key;  // the clock stands still
    last = set->updated_ms;
    if (i > 0) {
      EXPECT_FALSE(AvatarByKey("k" + std::to_string(i - 1)).has_value()) << key;
    }
    auto stored = AvatarByKey(key);
    ASSERT_TRUE(stored.has_value()) << key;
    EXPECT_EQ(stored->bytes, "img" + std::to_string(i));
    EXPECT_EQ(stored->updated_ms, last);
    EXPECT_EQ(Get("a")->profile.icon, "https://fg.test/a/" + key);
  }
  // Even a clock that goes back does not make an avatar older than the one it replaces.
  clock_.Advance(-60'000);
  auto set = SetAvatar("a", "back", "x");
  ASSERT_TRUE(set.ok());
  EXPECT_GT(set->updated_ms, last);
  // Uploading under the same key again replaces it in place.
  ASSERT_TRUE(SetAvatar("a", "back", "y").ok());
  EXPECT_EQ(AvatarByKey("back")->bytes, "y");
  // Without its bytes, when asked so.
  auto bare = Wait<std::optional<Avatar>>(
      [&](auto cb) { service_.GetAvatarByKey("back", /*with_bytes=*/false, cb); });
  ASSERT_TRUE(bare.ok() && bare.value().has_value());
  EXPECT_TRUE(bare.value()->bytes.empty());
  EXPECT_EQ(bare.value()->content_type, "image/png");
}

TEST_P(ImportAndAvatarTest, TheIconTimeMovesOnlyWithTheIconAndAlwaysForward) {
  User a = Create("a");
  EXPECT_EQ(a.icon_ms, 0);  // never set
  auto update = [&](std::optional<std::string> icon, std::optional<std::string> name) {
    UserUpdate u;
    u.profile.icon = std::move(icon);
    u.profile.name = std::move(name);
    auto r = Wait<User>([&](auto cb) { service_.UpdateUser(app_, "a", u, cb); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->icon_ms : -1;
  };
  EXPECT_EQ(update("", std::nullopt), 0);  // an empty icon is no icon: nothing changed
  // The clock stands still: each change still moves the time on.
  int64_t t1 = update("https://x/1.png", std::nullopt);
  EXPECT_EQ(t1, clock_.NowMs());
  EXPECT_EQ(update(std::nullopt, "name"), t1);     // another field: the icon time stays
  EXPECT_EQ(update("https://x/1.png", "n2"), t1);  // the same icon again: stays
  int64_t t2 = update("https://x/2.png", std::nullopt);
  EXPECT_GT(t2, t1);
  auto uploaded = SetAvatar("a", "k", "bytes");
  ASSERT_TRUE(uploaded.ok());
  EXPECT_GT(uploaded->updated_ms, t2);  // an upload is an icon change too
  EXPECT_EQ(Get("a")->icon_ms, uploaded->updated_ms);
  clock_.Advance(-60'000);
  int64_t t3 = update("", std::nullopt);  // cleared, with the clock gone back
  EXPECT_GT(t3, uploaded->updated_ms);
  // A user created with an icon has its time from the start.
  NewUser b;
  b.account = "b";
  b.profile.icon = "https://x/b.png";
  auto created = Wait<User>([&](auto cb) { service_.CreateUser(app_, b, cb); });
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->icon_ms, clock_.NowMs());
  EXPECT_EQ(Get("b")->icon_ms, clock_.NowMs());
}

TEST_P(ImportAndAvatarTest, AKeyInUseByAnotherUserIsRefusedAndKeepsItsAvatar) {
  User a = Create("a");
  Create("b");
  ASSERT_TRUE(SetAvatar("a", "shared", "a's").ok());
  auto clash = SetAvatar("b", "shared", "b's");
  EXPECT_EQ(clash.status().code(), Code::kInternal) << clash.status().ToString();
  auto kept = AvatarByKey("shared");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->user, a.id);
  EXPECT_EQ(kept->bytes, "a's");
  EXPECT_FALSE(Get("b")->profile.icon.has_value());
}

TEST_P(ImportAndAvatarTest, DeletingAUserRemovesItsAvatar) {
  Create("a");
  Create("v");
  ASSERT_TRUE(SetAvatar("a", "gone", "bytes").ok());
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.DeleteUser(app_, "a", cb); }).ok());
  EXPECT_FALSE(AvatarByKey("gone").has_value());
  Create("a");
  auto people = People("v", {"a"});
  ASSERT_TRUE(people.ok());
  ASSERT_TRUE(people->at(0).has_value());
  EXPECT_FALSE(people->at(0)->user.profile.icon.has_value());
}

TEST_P(ImportAndAvatarTest, PeopleShowTheViewersEdgeAndTheIcon) {
  Create("viewer");
  User f = Create("friend");
  Create("former");
  Create("stranger");
  ASSERT_TRUE(Import({{"viewer", "friend"}, {"viewer", "former"}}).ok());
  DeleteArgs del{"viewer", "former", false, false};
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.Delete(app_, del, cb); }).ok());
  ASSERT_TRUE(SetAvatar("stranger", "s1", std::string("\0\1\2", 3), "image/bmp").ok());

  auto people = People("VIEWER", {"friend", "former", "stranger", "nobody", "viewer"});
  ASSERT_TRUE(people.ok()) << people.status().ToString();
  ASSERT_EQ(people->size(), 5u);
  ASSERT_TRUE(people->at(0).has_value());
  EXPECT_EQ(people->at(0)->user.id, f.id);
  EXPECT_EQ(people->at(0)->user.app, app_.id);
  ASSERT_TRUE(people->at(0)->edge.has_value());
  EXPECT_TRUE(people->at(0)->edge->alive);
  ASSERT_TRUE(people->at(1).has_value());
  ASSERT_TRUE(people->at(1)->edge.has_value());
  EXPECT_FALSE(people->at(1)->edge->alive);  // a tombstone
  ASSERT_TRUE(people->at(2).has_value());
  EXPECT_FALSE(people->at(2)->edge.has_value());
  EXPECT_EQ(people->at(2)->user.icon_ms, clock_.NowMs());
  EXPECT_EQ(people->at(2)->user.profile.icon, "https://fg.test/a/s1");
  EXPECT_FALSE(people->at(3).has_value());
  ASSERT_TRUE(people->at(4).has_value());  // the viewer, with no edge to themselves
  EXPECT_FALSE(people->at(4)->edge.has_value());

  EXPECT_EQ(People("nobody", {"friend"}).status().code(), Code::kUserNotFound);
  auto none = People("viewer", {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(ImportAndAvatarTest, UsersByIdAnswerOneEntryPerId) {
  User a = Create("a");
  User b = Create("b");
  auto r = Wait<std::vector<UserCache::Entry>>([&](auto cb) {
    service_.GetProfiles(
        {{app_.id, b.id}, {app_.id, b.id + a.id + 1000}, {other_.id, a.id}, {app_.id, a.id}}, cb);
  });
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 4u);
  ASSERT_NE(r->at(0), nullptr);
  EXPECT_EQ(r->at(0)->account, "b");
  EXPECT_EQ(r->at(0)->app, app_.id);
  EXPECT_EQ(r->at(1), nullptr);
  EXPECT_EQ(r->at(2), nullptr);
  ASSERT_NE(r->at(3), nullptr);
  EXPECT_EQ(r->at(3)->account, "a");
  EXPECT_TRUE(r->at(3)->token.empty());  // a card: no secrets, no counters
}

TEST_P(ImportAndAvatarTest, ProfilesFollowEveryChangeThroughTheUserCache) {
  User a = Create("a");
  auto profile = [&] {
    auto r = Wait<std::vector<UserCache::Entry>>([&](auto cb) {
      service_.GetProfiles({{app_.id, a.id}}, cb);
    });
    EXPECT_TRUE(r.ok());
    return r.ok() && r->at(0) ? r->at(0) : nullptr;
  };
  ASSERT_NE(profile(), nullptr);
  EXPECT_FALSE(profile()->profile.name.has_value());  // the second read is a cache hit
  UserUpdate update;
  update.profile.name = "Alice";
  ASSERT_TRUE(Wait<User>([&](auto cb) { service_.UpdateUser(app_, "a", update, cb); }).ok());
  ASSERT_NE(profile(), nullptr);
  EXPECT_EQ(profile()->profile.name, "Alice");
  Avatar avatar;
  avatar.key = std::string(32, 'c');
  avatar.content_type = "image/png";
  avatar.bytes = "\x89PNG";
  ASSERT_TRUE(Wait<Avatar>([&](auto cb) {
                service_.SetAvatar(app_, "a", avatar, "http://x/avatars/cc.png", cb);
              }).ok());
  EXPECT_EQ(profile()->profile.icon, "http://x/avatars/cc.png");
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.DeleteUser(app_, "a", cb); }).ok());
  EXPECT_EQ(profile(), nullptr);
}

TEST_P(ImportAndAvatarTest, EnsureUserCreatesOnceAndThenReturnsTheSameUser) {
  auto first = Ensure(app_, "NewOne");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->account, "newone");
  EXPECT_EQ(first->app, app_.id);
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->created_ms, clock_.NowMs());
  clock_.Advance(5000);
  auto second = Ensure(app_, "newone");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->created_ms, first->created_ms);
  EXPECT_EQ(Get("newone")->id, first->id);

  // An existing user comes back as it is.
  NewUser named;
  named.account = "named";
  named.profile.name = "Named";
  named.add_policy = AddPolicy::kAllowAny;
  ASSERT_TRUE(Wait<User>([&](auto cb) { service_.CreateUser(app_, named, cb); }).ok());
  auto existing = Ensure(app_, "NAMED");
  ASSERT_TRUE(existing.ok());
  EXPECT_EQ(existing->profile.name, "Named");
  EXPECT_EQ(existing->add_policy, AddPolicy::kAllowAny);

  EXPECT_EQ(Ensure(app_, "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Ensure(app_, UserRef(other_.id, "x")).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Get(UserRef(other_.id, "x")).status().code(), Code::kInvalidArgument);
  auto page = Wait<Page<User>>([&](auto cb) { service_.ListUsersPage(other_, "", 10, cb); });
  EXPECT_TRUE(page->items.empty());

  // A linked app's user is created in its own app.
  auto linked = Ensure(app_, UserRef(linked_.id, "there"));
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_EQ(linked->app, linked_.id);
  EXPECT_EQ(Ensure(linked_, "there")->id, linked->id);
  EXPECT_EQ(Get("there").status().code(), Code::kUserNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportAndAvatarTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
