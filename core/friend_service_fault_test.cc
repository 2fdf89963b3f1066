// Storage failures, walked one by one (leveldb's EnvWrapper style): every write point of every
// rule fails in turn, and each time the caller hears kInternal and the graph is as it was. Also
// the completion discipline: callbacks run on the executor, never on a store thread.
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/friend_service.h"
#include "store/testing/faulty_store.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;
using testing::Wait;

class FriendServiceFaultTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override {
    app_.id = store_.EnsureApp("fault").value();
    app_.limits.max_friends = 10;
    for (auto name : {"a", "b", "c"}) {
      NewUser u;
      u.account = name;
      ASSERT_TRUE(Wait<User>([&](auto cb) { service_.CreateUser(app_, u, cb); }).ok());
    }
    ASSERT_TRUE(Run(Op{"b-c friends",
                       [this](auto cb) {
                         service_.Add(app_, Pair("b", "c", AddMode::kDirect),
                                      Ignore<AddOutcome>(cb));
                       }})
                    .ok());
  }

  // One operation under test, answering with its status.
  struct Op {
    std::string name;
    std::function<void(std::function<void(Status)>)> start;
  };
  static AddArgs Pair(std::string owner, std::string peer, AddMode mode) {
    AddArgs args;
    args.owner = std::move(owner);
    args.peer = std::move(peer);
    args.mode = mode;
    return args;
  }
  template <typename T>
  static Callback<T> Ignore(std::function<void(Status)> cb) {
    return [cb](Result<T> r) { cb(r.status()); };
  }
  Status Run(const Op& op) {
    std::promise<Status> p;
    op.start([&p](Status s) { p.set_value(std::move(s)); });
    return p.get_future().get();
  }

  // Everything a user can see: users with their counters, every list with tombstones.
  std::string Snapshot() {
    std::string out;
    for (auto name : {"a", "b", "c", "d", "e"}) {
      auto u = testing::GetUser(service_, app_, name);
      out += name;
      out += u.ok() ? " v" + std::to_string(u->version) + " n" + std::to_string(u->friend_count) +
                          " " + u->profile.name.value_or("-") + " " +
                          u->profile.icon.value_or("-") + (u->disabled ? " off" : "")
                    : " missing";
      if (!u.ok()) {
        out += "\n";
        continue;
      }
      auto edges = testing::ListFriends(service_, app_, name, 0, true);
      for (const auto& e : edges.value()) {
        out += " " + e.peer_account + (e.edge.alive ? "+" : "-") + (e.bidirectional ? "b" : "") +
               e.edge.fields.alias.value_or("");
      }
      auto whole = testing::ListFriends(service_, app_, name, 0, false);  // through the cache
      out += " [" + std::to_string(whole->size()) + "]";
      auto rel = testing::ListRelations(service_, app_, name);
      out += " blocks " + std::to_string(rel->blocked.size()) + "\n";
    }
    auto avatar =
        Wait<std::optional<Avatar>>([&](auto cb) { service_.GetAvatarByKey("ka", true, cb); });
    out += avatar.ok() && avatar.value() ? "avatar " + avatar.value()->bytes : "no avatar";
    return out;
  }

  std::vector<Op> Ops() {
    return {
        {"create",
         [this](auto cb) {
           NewUser d;
           d.account = "d";
           service_.CreateUser(app_, d, Ignore<User>(cb));
         }},
        {"update",
         [this](auto cb) {
           UserUpdate u;
           u.profile.name = "Ann";
           service_.UpdateUser(app_, "a", u, Ignore<User>(cb));
         }},
        {"add direct",
         [this](auto cb) {
           service_.Add(app_, Pair("a", "b", AddMode::kDirect), Ignore<AddOutcome>(cb));
         }},
        {"add request",
         [this](auto cb) {
           service_.Add(app_, Pair("a", "c", AddMode::kRequest), Ignore<AddOutcome>(cb));
         }},
        {"alias",
         [this](auto cb) {
           EdgeFields f;
           f.alias = "cee";
           service_.UpdateEdge(app_, "b", "c", f, /*any_row=*/false, Ignore<bool>(cb));
         }},
        {"block",
         [this](auto cb) {
           service_.SetRelation(app_, "a", "b", Relation::kBlock, true, Ignore<bool>(cb));
         }},
        {"delete both",
         [this](auto cb) {
           DeleteArgs args;
           args.owner = "b";
           args.peer = "c";
           args.both = true;
           service_.Delete(app_, args, Ignore<bool>(cb));
         }},
        {"disable",
         [this](auto cb) {
           UserUpdate u;
           u.disabled = true;
           service_.UpdateUser(app_, "c", u, Ignore<User>(cb));
         }},
        {"import",
         [this](auto cb) {
           // Creates e; a and d become friends of e.
           service_.ImportFriends(app_, {{"a", "e"}, {"E", "d"}}, Ignore<size_t>(cb));
         }},
        {"avatar",
         [this](auto cb) {
           service_.SetAvatar(app_, "a", Avatar{0, "ka", "image/png", std::string("\0png", 4), 0},
                              "https://fg.test/ka", Ignore<Avatar>(cb));
         }},
        {"delete user", [this](auto cb) { service_.DeleteUser(app_, "b", Ignore<bool>(cb)); }},
        {"delete user with an avatar",
         [this](auto cb) { service_.DeleteUser(app_, "a", Ignore<bool>(cb)); }},
    };
  }

  TempDir dir_;
  testing::FakeClock clock_;
  testing::ThreadExecutor executor_;
  FriendListCache cache_{CacheLimits{.max_items = 10'000}};
  std::unique_ptr<Store> inner_ = GetParam().open(dir_);
  testing::FaultyStore store_{*inner_};
  FriendService service_{store_, clock_, executor_, &cache_};
  AppContext app_;
};

TEST_P(FriendServiceFaultTest, EveryFailedWriteLeavesTheGraphAsItWas) {
  for (const Op& op : Ops()) {
    std::string expected = Snapshot();
    // How many writes the operation makes: run it whole, then lose it in a failed commit.
    store_.FailNextCommit();
    ASSERT_EQ(Run(op).code(), Code::kInternal) << op.name;
    EXPECT_EQ(Snapshot(), expected) << op.name << ", commit failing";
    int writes = store_.last_job_writes();
    ASSERT_GT(writes, 0) << op.name;
    for (int k = 1; k <= writes; ++k) {
      store_.FailNextJobAtWrite(k);
      Status s = Run(op);
      EXPECT_EQ(s.code(), Code::kInternal) << op.name << ", write " << k << " failing";
      EXPECT_EQ(Snapshot(), expected) << op.name << ", write " << k << " failing";
    }
    ASSERT_TRUE(Run(op).ok()) << op.name;  // and with nothing failing it works
    EXPECT_NE(Snapshot(), expected) << op.name;
  }
}

TEST_P(FriendServiceFaultTest, AFailedReadIsAnInternalError) {
  store_.FailNextRead();
  EXPECT_EQ(testing::GetUser(service_, app_, "a").status().code(), Code::kInternal);
  store_.FailNextRead();
  EXPECT_EQ(testing::ListFriends(service_, app_, "c", 5, true).status().code(), Code::kInternal);
  EXPECT_TRUE(testing::GetUser(service_, app_, "a").ok());
}

TEST_P(FriendServiceFaultTest, CompletionsRunOnTheExecutor) {
  std::promise<std::thread::id> write_thread, read_thread, list_thread;
  service_.Add(app_, Pair("a", "b", AddMode::kDirect),
               [&](Result<AddOutcome>) { write_thread.set_value(std::this_thread::get_id()); });
  service_.GetUser(app_, "a",
                   [&](Result<User>) { read_thread.set_value(std::this_thread::get_id()); });
  service_.ListFriends(app_, "a", 7, true, SIZE_MAX, [&](Result<FriendList>) {
    list_thread.set_value(std::this_thread::get_id());
  });
  EXPECT_EQ(write_thread.get_future().get(), executor_.thread_id());
  EXPECT_EQ(read_thread.get_future().get(), executor_.thread_id());
  EXPECT_EQ(list_thread.get_future().get(), executor_.thread_id());
}

TEST_P(FriendServiceFaultTest, ACompletionThatThrowsIsContained) {
  std::promise<void> added;
  service_.Add(app_, Pair("a", "b", AddMode::kDirect), [&](Result<AddOutcome>) {
    added.set_value();
    throw std::runtime_error("a buggy handler");
  });
  added.get_future().wait();
  service_.GetUser(app_, "a", [](Result<User>) { throw std::runtime_error("another"); });
  // The store and the executor go on.
  EXPECT_TRUE(testing::GetFriend(service_, app_, "a", "b").ok());
}

TEST_P(FriendServiceFaultTest, TheServiceMayGoBeforeItsJobs) {
  std::promise<Status> answered;
  {
    FriendService short_lived(store_, clock_, executor_, &cache_);
    short_lived.Add(app_, Pair("a", "c", AddMode::kDirect),
                    [&](Result<AddOutcome> r) { answered.set_value(r.status()); });
  }
  EXPECT_TRUE(answered.get_future().get().ok());
  EXPECT_TRUE(testing::GetFriend(service_, app_, "c", "a").ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, FriendServiceFaultTest,
                         ::testing::ValuesIn(testing::AllBackends()), testing::BackendName);

}  // namespace
}  // namespace fg
