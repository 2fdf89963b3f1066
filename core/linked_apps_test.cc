// Users named across linked apps (Yuntongxun `appId#account`, DESIGN.md §2): two apps of one link
// group, each with its own limits, befriend each other; a third app outside the group is refused;
// plain accounts still act within the calling app.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/friend_service.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;
using testing::Wait;

class LinkedAppsTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override {
    one_.id = store_->EnsureApp("one").value();
    one_.limits.max_friends = 1;
    two_.id = store_->EnsureApp("two").value();
    two_.limits.max_friends = 2;
    three_.id = store_->EnsureApp("three").value();
    three_.limits.max_friends = 100;
    auto group = std::make_shared<LinkGroup>();
    group->emplace_back(one_.id, one_.limits);
    group->emplace_back(two_.id, two_.limits);
    one_.group = two_.group = group;
  }

  User Create(const AppContext& app, const std::string& account) {
    NewUser u;
    u.account = account;
    auto r = Wait<User>([&](auto cb) { service_.CreateUser(app, u, cb); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : User{};
  }
  UserRef In(const AppContext& app, const std::string& account) { return {app.id, account}; }

  Result<AddOutcome> Add(const AppContext& app, UserRef owner, UserRef peer, AddMode mode) {
    AddArgs args;
    args.owner = std::move(owner);
    args.peer = std::move(peer);
    args.mode = mode;
    args.message = "hi";
    return Wait<AddOutcome>([&](auto cb) { service_.Add(app, args, cb); });
  }
  Result<bool> Respond(const AppContext& app, UserRef recipient, UserRef requester, Answer a,
                       std::string reply = "") {
    return Wait<bool>([&](auto cb) { service_.Respond(app, recipient, requester, a, reply, cb); });
  }
  Result<User> Get(const AppContext& app, UserRef user) {
    return Wait<User>([&](auto cb) { service_.GetUser(app, user, cb); });
  }
  Result<FriendView> Friend(const AppContext& app, UserRef owner, UserRef peer) {
    return Wait<FriendView>([&](auto cb) { service_.GetFriend(app, owner, peer, cb); });
  }
  // The owner's whole list (through the cache unless tombstones are asked for).
  Result<std::vector<FriendView>> List(const AppContext& app, UserRef owner,
                                       bool tombstones = false) {
    auto r = Wait<FriendList>(
        [&](auto cb) { service_.ListFriends(app, owner, 0, tombstones, SIZE_MAX, cb); });
    if (!r.ok()) return r.status();
    return testing::Views(*r.value());
  }
  Result<std::vector<RequestView>> Requests(const AppContext& app, UserRef user) {
    return Wait<std::vector<RequestView>>(
        [&](auto cb) { service_.ListRequests(app, user, 0, false, 100, cb); });
  }
  Result<bool> DeleteUser(const AppContext& app, UserRef user) {
    return Wait<bool>([&](auto cb) { service_.DeleteUser(app, user, cb); });
  }
  // The store's own view: which app an edge or request row lives in.
  bool EdgeRowIn(AppId app, UserId owner, UserId peer) {
    bool found = false;
    EXPECT_TRUE(ReadAndWait(*store_, [&](ReadTxn& txn) {
                  found = txn.FindEdge(app, owner, peer).has_value();
                  return Status::Ok();
                }).ok());
    return found;
  }
  std::optional<FriendRequest> RequestRowIn(AppId app, UserId from, UserId to) {
    std::optional<FriendRequest> found;
    EXPECT_TRUE(ReadAndWait(*store_, [&](ReadTxn& txn) {
                  found = txn.FindRequest(app, from, to);
                  return Status::Ok();
                }).ok());
    return found;
  }

  // Declared before the store: the store's last jobs complete on them as it closes.
  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  FriendListCache cache_{CacheLimits{.max_items = 10'000}};
  std::unique_ptr<Store> store_ = GetParam().open(dir_);
  FriendService service_{*store_, clock_, executor_, &cache_};
  AppContext one_, two_, three_;
};

TEST_P(LinkedAppsTest, DirectAddAcrossAppsKeepsEachEdgeInItsOwnersApp) {
  User a = Create(one_, "a");
  User b = Create(two_, "b");
  ASSERT_EQ(Add(one_, "A", In(two_, "B"), AddMode::kDirect).value(), AddOutcome::kFriends);

  auto ab = Friend(one_, "a", In(two_, "b"));
  ASSERT_TRUE(ab.ok()) << ab.status().ToString();
  EXPECT_EQ(ab->edge.peer, b.id);
  EXPECT_EQ(ab->edge.peer_app, two_.id);
  EXPECT_EQ(ab->peer_account, "b");
  EXPECT_TRUE(ab->bidirectional);
  // The same friendship seen from the other app.
  auto ba = Friend(two_, "b", In(one_, "a"));
  ASSERT_TRUE(ba.ok()) << ba.status().ToString();
  EXPECT_EQ(ba->edge.peer_app, one_.id);
  EXPECT_TRUE(ba->bidirectional);

  EXPECT_TRUE(EdgeRowIn(one_.id, a.id, b.id));
  EXPECT_FALSE(EdgeRowIn(two_.id, a.id, b.id));
  EXPECT_TRUE(EdgeRowIn(two_.id, b.id, a.id));
  EXPECT_FALSE(EdgeRowIn(one_.id, b.id, a.id));

  // Reads fill in each user's app.
  auto read_b = Get(one_, In(two_, "b"));
  ASSERT_TRUE(read_b.ok());
  EXPECT_EQ(read_b->app, two_.id);
  EXPECT_EQ(read_b->friend_count, 1);
  EXPECT_EQ(Get(two_, In(one_, "a"))->app, one_.id);
  auto list = List(two_, "b");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).peer_account, "a");
  EXPECT_EQ(list->at(0).edge.peer_app, one_.id);
}

TEST_P(LinkedAppsTest, RequestLivesInTheRecipientsAppAndIsAnsweredFromIt) {
  User a = Create(one_, "a");
  User b = Create(two_, "b");
  ASSERT_EQ(Add(one_, "a", In(two_, "b"), AddMode::kRequest).value(), AddOutcome::kRequestSent);
  auto row = RequestRowIn(two_.id, a.id, b.id);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->from_app, one_.id);
  EXPECT_EQ(row->to_app, two_.id);
  EXPECT_FALSE(RequestRowIn(one_.id, a.id, b.id).has_value());

  // Each side lists it, with the other side's user from its own app.
  auto sent = Requests(one_, "a");
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  ASSERT_EQ(sent->size(), 1u);
  EXPECT_TRUE(sent->at(0).sent);
  EXPECT_EQ(sent->at(0).peer.id, b.id);
  EXPECT_EQ(sent->at(0).peer.app, two_.id);
  auto received = Requests(two_, "b");
  ASSERT_TRUE(received.ok());
  ASSERT_EQ(received->size(), 1u);
  EXPECT_FALSE(received->at(0).sent);
  EXPECT_EQ(received->at(0).peer.id, a.id);
  EXPECT_EQ(received->at(0).peer.app, one_.id);

  // Refused from the recipient's app, with a reason; asked again; accepted.
  ASSERT_TRUE(Respond(two_, "b", In(one_, "a"), Answer::kRefuse, "who?").ok());
  EXPECT_EQ(RequestRowIn(two_.id, a.id, b.id)->reply, "who?");
  EXPECT_EQ(RequestRowIn(two_.id, a.id, b.id)->state, RequestState::kRefused);
  ASSERT_EQ(Add(one_, "a", In(two_, "b"), AddMode::kRequest).value(), AddOutcome::kRequestSent);
  // Only the recipient answers, whichever app names the users.
  EXPECT_EQ(Respond(two_, In(one_, "a"), "b", Answer::kAccept).status().code(),
            Code::kNoPendingRequest);
  ASSERT_TRUE(Respond(one_, In(two_, "b"), "a", Answer::kAccept).ok());
  EXPECT_EQ(RequestRowIn(two_.id, a.id, b.id)->state, RequestState::kAccepted);
  EXPECT_TRUE(Friend(one_, "a", In(two_, "b")).ok());
  EXPECT_TRUE(Friend(two_, "b", In(one_, "a")).ok());
}

TEST_P(LinkedAppsTest, CrossingRequestsAcrossAppsMakeFriends) {
  Create(one_, "a");
  Create(two_, "b");
  ASSERT_EQ(Add(one_, "a", In(two_, "b"), AddMode::kRequest).value(), AddOutcome::kRequestSent);
  ASSERT_EQ(Add(two_, "b", In(one_, "a"), AddMode::kRequest).value(), AddOutcome::kAccepted);
  EXPECT_TRUE(Friend(one_, "a", In(two_, "b"))->bidirectional);
  EXPECT_EQ(Respond(two_, "b", In(one_, "a"), Answer::kAccept).status().code(),
            Code::kNoPendingRequest);
}

TEST_P(LinkedAppsTest, EachOwnerObeysTheLimitOfItsOwnApp) {
  // one: 1 friend each; two: 2 friends each. Whichever app calls, the owner's app decides.
  Create(one_, "a");
  Create(two_, "b");
  Create(two_, "c");
  Create(two_, "d");
  Create(two_, "e");
  ASSERT_TRUE(Add(two_, In(one_, "a"), "b", AddMode::kDirect).ok());
  // a (app one) is full, even when app two (limit 2) calls.
  auto full = Add(two_, "c", In(one_, "a"), AddMode::kDirect);
  EXPECT_EQ(full.status().code(), Code::kFriendLimit);
  EXPECT_NE(full.status().message().find("'a'"), std::string::npos) << full.status().message();
  // b (app two) has room for a second friend, even when app one (limit 1) calls.
  ASSERT_TRUE(Add(one_, In(two_, "b"), In(two_, "c"), AddMode::kDirect).ok());
  EXPECT_EQ(Get(two_, "b")->friend_count, 2);
  EXPECT_EQ(Add(one_, In(two_, "b"), In(two_, "d"), AddMode::kDirect).status().code(),
            Code::kFriendLimit);
  // A request that would make friends at once is held to the same limits.
  EXPECT_EQ(Add(one_, In(two_, "e"), "a", AddMode::kRequest).value(), AddOutcome::kRequestSent);
  EXPECT_EQ(Respond(one_, "a", In(two_, "e"), Answer::kAccept).status().code(), Code::kFriendLimit);
  EXPECT_EQ(Get(one_, "a")->friend_count, 1);
}

TEST_P(LinkedAppsTest, AnAppOutsideTheGroupIsInvalidArgument) {
  Create(one_, "a");
  Create(two_, "b");
  Create(three_, "x");
  UserRef x = In(three_, "x");
  auto invalid = [](Code code) { return code == Code::kInvalidArgument; };
  EXPECT_TRUE(invalid(Add(one_, "a", x, AddMode::kDirect).status().code()));
  EXPECT_TRUE(invalid(Add(one_, "a", x, AddMode::kRequest).status().code()));
  EXPECT_TRUE(invalid(Add(one_, x, "a", AddMode::kDirect).status().code()));
  EXPECT_TRUE(invalid(Respond(one_, "a", x, Answer::kAccept).status().code()));
  EXPECT_TRUE(invalid(Get(one_, x).status().code()));
  EXPECT_TRUE(invalid(Friend(one_, "a", x).status().code()));
  EXPECT_TRUE(invalid(List(one_, x).status().code()));
  EXPECT_TRUE(invalid(Requests(one_, x).status().code()));
  EXPECT_TRUE(invalid(DeleteUser(one_, x).status().code()));
  UserUpdate rename;
  rename.profile.name = "X";
  EXPECT_TRUE(invalid(
      Wait<User>([&](auto cb) { service_.UpdateUser(one_, x, rename, cb); }).status().code()));
  EXPECT_TRUE(invalid(Wait<Avatar>([&](auto cb) {
                        service_.SetAvatar(one_, x, Avatar{0, "k", "image/png", "p", 0}, "u", cb);
                      })
                          .status()
                          .code()));
  DeleteArgs del{"a", x, true, false};
  EXPECT_TRUE(
      invalid(Wait<bool>([&](auto cb) { service_.Delete(one_, del, cb); }).status().code()));
  EXPECT_TRUE(invalid(
      Wait<bool>([&](auto cb) { service_.SetRelation(one_, "a", x, Relation::kBlock, true, cb); })
          .status()
          .code()));
  EXPECT_TRUE(invalid(Wait<User>([&](auto cb) { service_.EnsureUser(one_, In(three_, "y"), cb); })
                          .status()
                          .code()));
  auto import = Wait<size_t>([&](auto cb) {
    service_.ImportFriends(one_, {{"a", In(two_, "b")}, {"a", x}}, cb);
  });
  EXPECT_TRUE(invalid(import.status().code()));
  EXPECT_EQ(import.status().message().rfind("pair 1: ", 0), 0u) << import.status().message();
  // The app outside the group cannot name the group's users either.
  EXPECT_TRUE(invalid(Add(three_, "x", In(one_, "a"), AddMode::kDirect).status().code()));
  EXPECT_TRUE(invalid(Get(three_, In(two_, "b")).status().code()));
  // Nothing happened: x is still there, unchanged, with no friend; a has none either.
  EXPECT_EQ(Get(three_, "x")->friend_count, 0);
  EXPECT_FALSE(Get(three_, "x")->profile.name.has_value());
  EXPECT_FALSE(Get(three_, "x")->profile.icon.has_value());
  EXPECT_EQ(Get(one_, "a")->friend_count, 0);
  EXPECT_FALSE(Get(three_, "y").ok());
  // A link group naming the app itself is the same as naming no app.
  EXPECT_TRUE(Get(one_, In(one_, "a")).ok());
}

TEST_P(LinkedAppsTest, PlainAccountsActWithinTheCallingApp) {
  // NetEase-style calls pass strings: "same" is a different user in each app.
  User same1 = Create(one_, "same");
  User same2 = Create(two_, "same");
  Create(two_, "peer");
  ASSERT_NE(same1.id, same2.id);
  ASSERT_EQ(Add(two_, "same", "peer", AddMode::kDirect).value(), AddOutcome::kFriends);
  EXPECT_EQ(Get(two_, "same")->id, same2.id);
  EXPECT_EQ(Get(two_, "same")->friend_count, 1);
  EXPECT_EQ(Get(one_, "same")->friend_count, 0);
  EXPECT_EQ(Friend(one_, "same", In(two_, "peer")).status().code(), Code::kNotFriends);
  EXPECT_TRUE(Friend(one_, In(two_, "same"), In(two_, "peer")).ok());
  // "peer" names no user of app one.
  EXPECT_EQ(Add(one_, "same", "peer", AddMode::kDirect).status().code(), Code::kUserNotFound);
  EXPECT_EQ(Get(one_, "peer").status().code(), Code::kUserNotFound);
  // The same user named twice (plainly and by its app) is still the same user.
  EXPECT_EQ(Add(one_, "same", In(one_, "SAME"), AddMode::kDirect).status().code(),
            Code::kInvalidArgument);
}

TEST_P(LinkedAppsTest, DeletingAUserTombstonesTheOtherAppsEdgeAndDropsItsCachedList) {
  User a = Create(one_, "a");
  Create(two_, "b");
  Create(two_, "c");
  ASSERT_TRUE(Add(one_, "a", In(two_, "b"), AddMode::kDirect).ok());
  ASSERT_TRUE(Add(two_, "c", In(one_, "a"), AddMode::kRequest).ok());
  // b's list cached, once through each app's name for b.
  ASSERT_EQ(List(two_, "b")->size(), 1u);
  ASSERT_EQ(List(one_, In(two_, "b"))->size(), 1u);
  int64_t version = Get(two_, "b")->version;

  ASSERT_TRUE(DeleteUser(one_, "a").ok());
  EXPECT_EQ(Get(one_, "a").status().code(), Code::kUserNotFound);
  EXPECT_TRUE(List(two_, "b")->empty());
  EXPECT_TRUE(List(one_, In(two_, "b"))->empty());
  auto tombs = List(two_, "b", /*tombstones=*/true);
  ASSERT_TRUE(tombs.ok());
  ASSERT_EQ(tombs->size(), 1u);
  EXPECT_FALSE(tombs->at(0).edge.alive);
  EXPECT_EQ(tombs->at(0).edge.peer, a.id);
  EXPECT_EQ(tombs->at(0).edge.peer_app, one_.id);
  auto b = Get(two_, "b");
  EXPECT_EQ(b->friend_count, 0);
  EXPECT_GT(b->version, version);
  EXPECT_EQ(tombs->at(0).edge.version, b->version);
  // c's request to a (a row of app one) went with a.
  EXPECT_TRUE(Requests(two_, "c")->empty());
  // The account may come back, as a new user with an empty graph.
  User again = Create(one_, "a");
  EXPECT_NE(again.id, a.id);
  EXPECT_EQ(Friend(two_, "b", In(one_, "a")).status().code(), Code::kNotFriends);
}

TEST_P(LinkedAppsTest, ABlockOnAUserOfAnotherAppGoesWithThatUser) {
  one_.limits.max_blocks = 1;  // a block left behind would use up the owner's only one
  Create(one_, "owner");
  Create(one_, "local");  // the same id space: a user of app one that is not the blocked one
  Create(two_, "blocked");
  auto relate = [&](UserRef peer, Relation kind) {
    return Wait<bool>([&](auto cb) { service_.SetRelation(one_, "owner", peer, kind, true, cb); });
  };
  ASSERT_TRUE(relate(In(two_, "blocked"), Relation::kBlock).ok());
  ASSERT_TRUE(relate("local", Relation::kMute).ok());
  // The block holds across apps: the blocked user cannot ask.
  EXPECT_EQ(Add(two_, "blocked", In(one_, "owner"), AddMode::kRequest).status().code(),
            Code::kBlocked);
  ASSERT_TRUE(DeleteUser(two_, "blocked").ok());
  auto relations = Wait<Relations>([&](auto cb) { service_.ListRelations(one_, "owner", cb); });
  ASSERT_TRUE(relations.ok());
  EXPECT_TRUE(relations->blocked.empty());
  EXPECT_EQ(relations->muted, std::vector<std::string>{"local"});  // the same-app one stays
  // Created again, it starts with no block against it, and the owner's one block is free.
  Create(two_, "blocked");
  EXPECT_TRUE(Add(two_, "blocked", In(one_, "owner"), AddMode::kRequest).ok());
  EXPECT_TRUE(relate("local", Relation::kBlock).ok());
}

TEST_P(LinkedAppsTest, DeletingAFriendBothWaysAcrossApps) {
  Create(one_, "a");
  Create(two_, "b");
  ASSERT_TRUE(Add(one_, "a", In(two_, "b"), AddMode::kDirect).ok());
  ASSERT_EQ(List(two_, "b")->size(), 1u);  // cached
  DeleteArgs del{"a", In(two_, "b"), /*both=*/true, false};
  ASSERT_TRUE(Wait<bool>([&](auto cb) { service_.Delete(one_, del, cb); }).ok());
  EXPECT_TRUE(List(two_, "b")->empty());
  EXPECT_TRUE(List(one_, "a")->empty());
  EXPECT_EQ(Get(two_, "b")->friend_count, 0);
  EXPECT_EQ(Get(one_, "a")->friend_count, 0);
  auto again = Wait<bool>([&](auto cb) { service_.Delete(two_, {"b", In(one_, "a")}, cb); });
  EXPECT_EQ(again.status().code(), Code::kNotFriends);
}

TEST_P(LinkedAppsTest, ImportAcrossAppsCreatesEachUserInItsApp) {
  Create(one_, "a");
  auto r = Wait<size_t>([&](auto cb) {
    service_.ImportFriends(one_, {{"a", In(two_, "b")}, {In(two_, "c"), "d"}}, cb);
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value(), 2u);
  EXPECT_EQ(Get(two_, "b")->app, two_.id);
  EXPECT_EQ(Get(two_, "c")->app, two_.id);
  EXPECT_EQ(Get(one_, "d")->app, one_.id);
  EXPECT_EQ(Get(one_, "b").status().code(), Code::kUserNotFound);
  EXPECT_EQ(Get(two_, "d").status().code(), Code::kUserNotFound);
  EXPECT_TRUE(Friend(two_, "b", In(one_, "a"))->bidirectional);
  EXPECT_TRUE(Friend(one_, "d", In(two_, "c"))->bidirectional);
  // a (app one, limit 1) is full now: a second import pair for a fails whole.
  auto over = Wait<size_t>([&](auto cb) {
    service_.ImportFriends(two_, {{"e", "f"}, {In(one_, "a"), "e"}}, cb);
  });
  EXPECT_EQ(over.status().code(), Code::kFriendLimit);
  EXPECT_EQ(over.status().message().rfind("pair 1: ", 0), 0u) << over.status().message();
  EXPECT_EQ(Get(two_, "e").status().code(), Code::kUserNotFound);
}

TEST_P(LinkedAppsTest, PeopleAcrossAppsShowTheViewersEdge) {
  Create(one_, "a");
  User b = Create(two_, "b");
  ASSERT_TRUE(Add(two_, In(one_, "a"), "b", AddMode::kDirect).ok());
  auto people = Wait<std::vector<std::optional<Person>>>([&](auto cb) {
    service_.GetPeople(one_, "a", {In(two_, "b"), "b", In(three_, "b")}, cb);
  });
  ASSERT_TRUE(people.ok()) << people.status().ToString();
  ASSERT_EQ(people->size(), 3u);
  ASSERT_TRUE(people->at(0).has_value());
  EXPECT_EQ(people->at(0)->user.id, b.id);
  EXPECT_EQ(people->at(0)->user.app, two_.id);
  ASSERT_TRUE(people->at(0)->edge.has_value());
  EXPECT_TRUE(people->at(0)->edge->alive);
  EXPECT_FALSE(people->at(1).has_value());  // no "b" in app one
  EXPECT_FALSE(people->at(2).has_value());  // app three is not linked
  auto by_id = Wait<std::vector<UserCache::Entry>>([&](auto cb) {
    service_.GetProfiles({{two_.id, b.id}, {one_.id, b.id}}, cb);
  });
  ASSERT_TRUE(by_id.ok());
  ASSERT_EQ(by_id->size(), 2u);
  ASSERT_NE(by_id->at(0), nullptr);
  EXPECT_EQ(by_id->at(0)->account, "b");
  EXPECT_EQ(by_id->at(0)->app, two_.id);
  EXPECT_EQ(by_id->at(1), nullptr);  // ids are looked up with their app
}

INSTANTIATE_TEST_SUITE_P(Backends, LinkedAppsTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
