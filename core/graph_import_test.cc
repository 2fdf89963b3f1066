// ImportRecordsRule: a graph restored in bulk keeps every rule a call-by-call graph keeps, and a
// record that breaks one rolls its whole job back.
#include "core/graph_import.h"

#include <gtest/gtest.h>

#include <string>
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
    return u;
  }
  static ImportRecord Edge(const std::string& owner, const std::string& peer,
                           std::optional<std::string> alias = std::nullopt) {
    ImportEdge e{owner, peer, {}, "import"};
    e.fields.alias = std::move(alias);
    return e;
  }

  // Runs the records as one job; the index of the failing one in *failed.
  Status Import(const std::vector<ImportRecord>& records, size_t* failed = nullptr) {
    size_t ignored = SIZE_MAX;
    return WriteAndWait(*store_, [&](WriteTxn& txn) {
      Change change(txn, app_, now_ms_);
      return ImportRecordsRule(change, records, failed ? failed : &ignored);
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
  ASSERT_TRUE(Import({MakeUser("a"), MakeUser("b"), carol, Edge("a", "b", "bee"), Edge("b", "a"),
                      Edge("a", "carol")})
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

INSTANTIATE_TEST_SUITE_P(Backends, GraphImportTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace fg
