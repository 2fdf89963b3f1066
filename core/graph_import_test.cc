// ImportRecordsRule: a graph restored in bulk keeps every rule a call-by-call graph keeps, and a
// record that breaks one rolls its whole job back.
#include "core/graph_import.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;

class GraphImportTest : public ::testing::TestWithParam<testing::BackendParam> {
 protected:
  void SetUp() override {
    app_.id = store_->EnsureApp("app").value();
    app_.limits.max_friends = 2;
    app_.limits.max_blocks = 1;
  }

  static ImportRecord MakeUser(const std::string& account) {
    ImportUser u;
    u.user.account = account;
    return std::make_shared<const ImportUser>(std::move(u));
  }
  static ImportRecord Edge(const std::string& owner, const std::string& peer,
                           std::optional<std::string> alias = std::nullopt) {
    ImportEdge e{owner, peer, nullptr, "import"};
    if (alias) {
      EdgeFields fields;
      fields.alias = std::move(alias);
      e.fields = std::make_shared<const EdgeFields>(std::move(fields));
    }
    return e;
  }

  // Runs the records as one job; the index of the failing one in *failed.
  Status Import(const std::vector<ImportRecord>& records, size_t* failed = nullptr) {
    size_t ignored = SIZE_MAX;
    return WriteAndWait(*store_, [&](WriteTxn& txn) {
      return ImportRecordsRule(txn, app_, now_ms_, records, failed ? failed : &ignored);
    });
  }
  std::optional<User> Find(const std::string& account) {
    std::optional<User> out;
    EXPECT_TRUE(ReadAndWait(*store_, [&](ReadTxn& txn) {
                  out = txn.FindUser(app_.id, account);
                  return Status::Ok();
                }).ok());
    return out;
  }
  std::optional<FriendEdge> FindEdge(const std::string& owner, const std::string& peer) {
    auto o = Find(owner), p = Find(peer);
    std::optional<FriendEdge> out;
    if (!o || !p) return out;
    EXPECT_TRUE(ReadAndWait(*store_, [&](ReadTxn& txn) {
                  out = txn.FindEdge(app_.id, o->id, p->id);
                  return Status::Ok();
                }).ok());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_ = GetParam().open(dir_);
  AppContext app_;
  int64_t now_ms_ = 1'000'000;
};

TEST_P(GraphImportTest, EdgesTakeVersionsClocksCountsAndBidirectionAsCallsWould) {
  ImportUser carol;
  carol.user.account = "Carol";
  carol.user.profile.name = "C";
  carol.later.disabled = true;
  carol.later.st_account = "carol01";
  ASSERT_TRUE(Import({MakeUser("a"), MakeUser("b"), std::make_shared<const ImportUser>(carol),
                      Edge("a", "b", "bee"), Edge("b", "a"), Edge("a", "carol")})
                  .ok());
  auto a = Find("a"), b = Find("b"), c = Find("carol");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->friend_count, 2);
  EXPECT_EQ(b->friend_count, 1);
  EXPECT_EQ(c->friend_count, 0);
  EXPECT_TRUE(c->disabled);  // a disabled user keeps the friends it had
  EXPECT_EQ(c->st_account, "carol01");
  EXPECT_EQ(c->profile.name, "C");
  // a: a->b (v1), then b->a made a->b bidirectional (v2), then a->carol (v3).
  EXPECT_EQ(a->version, 3);
  EXPECT_EQ(b->version, 1);
  auto ab = FindEdge("a", "b"), ba = FindEdge("b", "a"), ac = FindEdge("a", "carol");
  ASSERT_TRUE(ab && ba && ac);
  EXPECT_TRUE(ab->alive && ab->peer_alive);
  EXPECT_TRUE(ba->alive && ba->peer_alive);
  EXPECT_TRUE(ac->alive && !ac->peer_alive);
  EXPECT_EQ(ab->fields.alias, "bee");
  EXPECT_EQ(ab->version, 2);
  EXPECT_EQ(ac->version, 3);
  EXPECT_LT(ab->updated_ms, ac->updated_ms);
  EXPECT_LE(ac->updated_ms, a->clock_ms);
  EXPECT_GE(ab->created_ms, now_ms_);
}

TEST_P(GraphImportTest, ARecordBreakingARuleRollsTheJobBackAndIsNamed) {
  ASSERT_TRUE(Import({MakeUser("a"), MakeUser("b"), MakeUser("c"), MakeUser("d")}).ok());
  struct Case {
    std::vector<ImportRecord> records;
    size_t failed;
    Code code;
  };
  const Case cases[] = {
      {{MakeUser("x"), Edge("a", "nobody")}, 1, Code::kUserNotFound},
      {{MakeUser("x"), MakeUser("A")}, 1, Code::kAlreadyExists},
      {{MakeUser("x"), Edge("a", "a")}, 1, Code::kInvalidArgument},
      {{MakeUser("x"), MakeUser("")}, 1, Code::kInvalidArgument},
      {{MakeUser("x"), Edge("a", "b"), Edge("a", "c"), Edge("a", "d")}, 3, Code::kFriendLimit},
      {{MakeUser("x"), ImportRelation{"a", "b", Relation::kBlock},
        ImportRelation{"a", "c", Relation::kBlock}},
       2,
       Code::kRelationLimit},
  };
  for (const Case& c : cases) {
    size_t failed = SIZE_MAX;
    EXPECT_EQ(Import(c.records, &failed).code(), c.code);
    EXPECT_EQ(failed, c.failed);
    EXPECT_FALSE(Find("x").has_value());  // the records before it went with it
    EXPECT_FALSE(FindEdge("a", "b").has_value());
  }
  EXPECT_EQ(Find("a")->version, 0);
}

TEST_P(GraphImportTest, AnEdgeAliveAlreadyTakesOnlyItsNewFields) {
  ASSERT_TRUE(Import({MakeUser("a"), MakeUser("b"), Edge("a", "b", "one")}).ok());
  ASSERT_TRUE(Import({Edge("a", "b")}).ok());
  EXPECT_EQ(Find("a")->version, 1);
  ASSERT_TRUE(Import({Edge("a", "b", "two")}).ok());
  EXPECT_EQ(Find("a")->version, 2);
  EXPECT_EQ(FindEdge("a", "b")->fields.alias, "two");
  EXPECT_EQ(Find("a")->friend_count, 1);
}

// The same records applied one at a time, each its own job of the rules' primitives over the
// bare transaction (no edge buffer, no prefetch), as calls would apply them.
Status ApplyOneByOne(Store& store, const AppContext& app, int64_t now_ms,
                     const std::vector<ImportRecord>& records) {
  for (const ImportRecord& record : records) {
    Status s = WriteAndWait(store, [&](WriteTxn& txn) {
      Change change(txn, app, now_ms);
      Status s = std::visit(
          [&](const auto& r) -> Status {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, UserRecord>) {
              auto created = CreateUserRule(change, r->user);
              if (!created.ok()) return created.status();
              change.Adopt(std::move(created).value());
              return Status::Ok();
            } else if constexpr (std::is_same_v<T, ImportEdge>) {
              User *owner, *peer;
              if (Status s = change.LockPair(r.owner, r.peer, owner, peer); !s.ok()) return s;
              return change.MakeAlive(*owner, *peer, r.fields ? *r.fields : EdgeFields{}, r.source);
            } else {
              return SetRelationRule(change, r.owner, r.peer, r.kind, /*on=*/true).status();
            }
          },
          record);
      if (s.ok()) change.Commit();
      return s;
    });
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Every user's counters and every edge between `accounts`, as text: two stores built the same
// way print the same.
std::string Dump(Store& store, AppId app, const std::vector<std::string>& accounts) {
  std::string out;
  EXPECT_TRUE(ReadAndWait(store, [&](ReadTxn& txn) {
                for (const std::string& a : accounts) {
                  auto u = txn.FindUser(app, a);
                  if (!u) continue;
                  out += a + " v" + std::to_string(u->version) + " c" +
                         std::to_string(u->clock_ms) + " n" + std::to_string(u->friend_count) +
                         "\n";
                  for (const std::string& b : accounts) {
                    auto p = txn.FindUser(app, b);
                    auto e = p ? txn.FindEdge(app, u->id, p->id) : std::nullopt;
                    if (!e) continue;
                    out += "  " + a + "->" + b + (e->alive ? " alive" : " dead") +
                           (e->peer_alive ? " both" : "") + " " + e->peer_account + " " +
                           e->fields.alias.value_or("-") + " " + e->fields.ex.value_or("-") + " " +
                           e->source + " c" + std::to_string(e->created_ms) + " u" +
                           std::to_string(e->updated_ms) + " v" + std::to_string(e->version) + "\n";
                  }
                }
                return Status::Ok();
              }).ok());
  return out;
}

TEST_P(GraphImportTest, BatchesComeOutAsRecordsAppliedOneAtATime) {
  TempDir other_dir;
  std::unique_ptr<Store> other = GetParam().open(other_dir);
  AppContext other_app = app_;
  other_app.id = other->EnsureApp("app").value();
  app_.limits.max_friends = 6;
  other_app.limits.max_friends = 6;

  // Twelve users on a ring, each befriending the 2 on either side (both directions are lines,
  // as in bench/make_graph.py), then a few edges again with new fields, and one a user already
  // has; batches of 7 records, so that pairs and fields straddle batches.
  std::vector<std::string> accounts;
  std::vector<ImportRecord> records;
  for (int i = 0; i < 12; ++i) {
    accounts.push_back("u" + std::to_string(i));
    records.push_back(MakeUser(accounts.back()));
  }
  for (int i = 0; i < 12; ++i) {
    for (int d : {1, -1, 2, -2}) records.push_back(Edge(accounts[i], accounts[(i + d + 12) % 12]));
  }
  records.push_back(Edge("u3", "u4", "four"));
  records.push_back(Edge("U3", "u4", "four"));  // no field changes: no new version
  records.push_back(Edge("u4", "u3", "three"));
  EdgeFields ex;
  ex.ex = "{}";
  records.push_back(ImportEdge{"u0", "u1", std::make_shared<const EdgeFields>(ex), "other"});
  // u5 -> u9 then u9 -> u5: a new pair between users with edges from earlier batches.
  records.push_back(Edge("u5", "u9"));
  records.push_back(Edge("u9", "u5", "five"));

  for (size_t i = 0; i < records.size(); i += 7) {
    std::vector<ImportRecord> batch(records.begin() + i,
                                    records.begin() + std::min(records.size(), i + 7));
    size_t failed = SIZE_MAX;
    ASSERT_TRUE(Import(batch, &failed).ok()) << "batch at " << i << ", record " << failed;
  }
  ASSERT_TRUE(ApplyOneByOne(*other, other_app, now_ms_, records).ok());
  std::string batched = Dump(*store_, app_.id, accounts);
  EXPECT_EQ(batched, Dump(*other, other_app.id, accounts));
  EXPECT_NE(batched.find("u3->u4 alive both u4 four"), std::string::npos) << batched;

  // Past the friend limit in the middle of a batch: the same record fails, nothing of its batch
  // lands, and the stores stay the same.
  std::vector<ImportRecord> over = {Edge("u5", "u0"), Edge("u0", "u5"), Edge("u5", "u1")};
  size_t failed = SIZE_MAX;
  EXPECT_EQ(Import(over, &failed).code(), Code::kFriendLimit);
  EXPECT_EQ(failed, 2u);
  EXPECT_EQ(ApplyOneByOne(*other, other_app, now_ms_, {over[0], over[1]}).code(), Code::kOk);
  EXPECT_EQ(ApplyOneByOne(*other, other_app, now_ms_, {over[2]}).code(), Code::kFriendLimit);
  ASSERT_TRUE(Import({over[0], over[1]}).ok());
  EXPECT_EQ(Dump(*store_, app_.id, accounts), Dump(*other, other_app.id, accounts));
}

INSTANTIATE_TEST_SUITE_P(Backends, GraphImportTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
