// Import and export against the SQLite store: a round trip gives the same graph, a bad line stops
// the import at its batch, and a second run resumes after the last batch that landed.
#include "app/graph_transfer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/rules.h"
#include "store/testing/faulty_store.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;

class GraphTransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    src_.id = store_->EnsureApp("src").value();
    dst_.id = store_->EnsureApp("dst").value();
  }

  // Runs `rule` as one job of `app`; expects it to succeed.
  template <typename Rule>
  void Run(const AppContext& app, Rule rule) {
    Status s = WriteAndWait(*store_, [&](WriteTxn& txn) {
      Change change(txn, app, clock_.NowMs());
      return rule(change);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string Export(const AppContext& app, ExportSummary* summary = nullptr) {
    char* data = nullptr;
    size_t size = 0;
    std::FILE* out = open_memstream(&data, &size);
    ExportSummary ignored;
    EXPECT_TRUE(ExportGraph(*store_, app.id, out, summary ? summary : &ignored).ok());
    std::fclose(out);
    std::string text(data, size);
    std::free(data);
    return text;
  }

  Status Import(const AppContext& app, const std::string& text, ImportSummary* summary,
                size_t batch = 20'000, bool staged = true) {
    std::ofstream(file_, std::ios::binary | std::ios::trunc) << text;
    ImportOptions options;
    options.batch_lines = batch;
    options.staged = staged;
    return ImportGraphFile(*store_, app, file_, options, clock_, summary);
  }

  // Every user of `app` with its counters, and its edges with their state, versions and times.
  std::string Dump(const AppContext& app) {
    std::string out;
    EXPECT_TRUE(ReadAndWait(*store_, [&](ReadTxn& txn) {
                  for (const User& u : txn.ListUsersAfter(app.id, 0, SIZE_MAX)) {
                    out += u.account + " v" + std::to_string(u.version) + " t" +
                           std::to_string(u.clock_ms) + " n" + std::to_string(u.friend_count) +
                           "\n";
                    for (const FriendView& f : txn.ListFriends(app.id, u.id, 0, true, SIZE_MAX)) {
                      const FriendEdge& e = f.edge;
                      out += "  " + e.peer_account + (e.alive ? " alive" : " dead") +
                             (e.peer_alive ? " both" : "") + " v" + std::to_string(e.version) +
                             " " + std::to_string(e.created_ms) + "/" +
                             std::to_string(e.updated_ms) + " " + e.fields.alias.value_or("-") +
                             " " + e.source + "\n";
                    }
                  }
                  return Status::Ok();
                }).ok());
    return out;
  }

  std::optional<User> Find(const AppContext& app, const std::string& account) {
    std::optional<User> out;
    EXPECT_TRUE(ReadAndWait(*store_, [&](ReadTxn& txn) {
                  out = txn.FindUser(app.id, account);
                  return Status::Ok();
                }).ok());
    return out;
  }

  TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<Store> store_ = testing::SqliteBackend::Open(dir_);
  AppContext src_, dst_;
  std::string file_ = dir_.File("graph.jsonl");
};

TEST_F(GraphTransferTest, ExportImportExportGivesTheSameGraph) {
  Run(src_, [](Change& c) {
    for (const char* name : {"ann", "bob", "cy", "dee"}) {
      NewUser u;
      u.account = name;
      u.token = std::string("token-") + name;
      u.profile.name = std::string("Name ") + name;
      u.profile.gender = 2;
      if (Status s = CreateUserRule(c, u).status(); !s.ok()) return s;
    }
    return Status::Ok();
  });
  auto add = [&](const char* a, const char* b, const char* alias) {
    Run(src_, [&](Change& c) {
      AddArgs args;
      args.owner = a;
      args.peer = b;
      args.mode = AddMode::kDirect;
      args.fields.alias = alias;
      args.fields.ex = "{\"tag\":\"é\\n\"}";
      return AddRule(c, args).status();
    });
  };
  add("ann", "bob", "B");
  add("ann", "cy", "C");
  add("bob", "dee", "D");
  // Disabled after making friends: it keeps them.
  Run(src_, [](Change& c) {
    UserUpdate u;
    u.st_account = "cy0001";
    u.disabled = true;
    u.found_by_phone = false;
    return UpdateUserRule(c, "cy", u).status();
  });
  // dee -> bob goes, bob -> dee stays: a one-way edge.
  Run(src_, [](Change& c) {
    DeleteArgs args;
    args.owner = "dee";
    args.peer = "bob";
    return DeleteRule(c, args).status();
  });
  Run(src_,
      [](Change& c) { return SetRelationRule(c, "ann", "dee", Relation::kBlock, true).status(); });
  Run(src_,
      [](Change& c) { return SetRelationRule(c, "ann", "bob", Relation::kMute, true).status(); });
  Run(src_,
      [](Change& c) { return SetRelationRule(c, "ann", "cy", Relation::kMute, true).status(); });

  ExportSummary exported;
  std::string text = Export(src_, &exported);
  EXPECT_EQ(exported.users, 4u);
  EXPECT_EQ(exported.edges, 5u);  // ann<->bob, ann<->cy, bob->dee
  EXPECT_EQ(exported.relations, 3u);
  ImportSummary imported;
  ASSERT_TRUE(Import(dst_, text, &imported).ok());
  EXPECT_EQ(imported.users, 4u);
  EXPECT_EQ(imported.edges, 5u);
  EXPECT_EQ(imported.relations, 3u);
  EXPECT_EQ(Export(dst_), text);

  auto bob = Find(dst_, "bob"), dee = Find(dst_, "dee"), cy = Find(dst_, "cy");
  EXPECT_EQ(bob->friend_count, 2);
  EXPECT_EQ(dee->friend_count, 0);
  EXPECT_TRUE(cy->disabled);
  EXPECT_EQ(cy->token, "token-cy");
  ASSERT_TRUE(ReadAndWait(*store_, [&](ReadTxn& txn) {
                auto to_dee = txn.FindEdge(dst_.id, bob->id, dee->id);
                EXPECT_TRUE(to_dee && to_dee->alive && !to_dee->peer_alive);
                auto ann = txn.FindUser(dst_.id, "ann");
                auto to_ann = txn.FindEdge(dst_.id, bob->id, ann->id);
                EXPECT_TRUE(to_ann && to_ann->alive && to_ann->peer_alive);
                EXPECT_EQ(txn.ListRelations(dst_.id, ann->id, Relation::kMute),
                          (std::vector<std::string>{"bob", "cy"}));
                return Status::Ok();
              }).ok());
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST_F(GraphTransferTest, ABadLineStopsAtItsBatchAndTheNextRunResumes) {
  std::vector<std::string> lines = {
      R"({"type":"user","account":"a"})",
      R"({"type":"user","account":"b"})",
      R"({"type":"user","account":"c"})",
      "",
      R"({"type":"friend","owner":"a","peer":"nobody"})",
      R"({"type":"friend","owner":"a","peer":"c"})",
  };
  ImportSummary s;
  Status status = Import(dst_, Lines(lines), &s, /*batch=*/2);
  EXPECT_EQ(status.code(), Code::kUserNotFound);
  EXPECT_EQ(status.message().rfind("line 5: ", 0), 0u) << status.message();
  // Lines 1-2 landed; 3-5 (a user, a blank line, the bad edge) are one batch, kept out whole.
  EXPECT_EQ(s.lines, 2u);
  EXPECT_TRUE(Find(dst_, "b").has_value());
  EXPECT_FALSE(Find(dst_, "c").has_value());

  lines[4] = R"({"type":"friend","owner":"a","peer":"b"})";
  ASSERT_TRUE(Import(dst_, Lines(lines), &s, 2).ok());
  EXPECT_EQ(s.resumed_after_line, 2u);
  EXPECT_EQ(s.lines, 4u);
  EXPECT_EQ(s.users, 1u);
  EXPECT_EQ(s.edges, 2u);
  EXPECT_EQ(Find(dst_, "a")->friend_count, 2);

  // Imported whole: nothing more to do.
  ASSERT_TRUE(Import(dst_, Lines(lines), &s, 2).ok());
  EXPECT_EQ(s.resumed_after_line, 6u);
  EXPECT_EQ(s.lines, 0u);

  // The imported part changed: refused, nothing written.
  lines[0] = R"({"type":"user","account":"z"})";
  status = Import(dst_, Lines(lines), &s, 2);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_NE(status.message().find("is not the file imported up to line 6"), std::string::npos);
  EXPECT_FALSE(Find(dst_, "z").has_value());
}

TEST_F(GraphTransferTest, AMalformedLineKeepsItsBatchOut) {
  ImportSummary s;
  Status status = Import(dst_,
                         Lines({R"({"type":"user","account":"a"})",
                                R"({"type":"user","account":"b"})", R"({"type":"user",)"}),
                         &s, 2);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("line 3: not JSON", 0), 0u) << status.message();
  EXPECT_EQ(s.lines, 2u);
  EXPECT_TRUE(Find(dst_, "b").has_value());
}

// A file of users, edges (some over a limit of theirs, some with fields, some alive already) and
// blocks, in batches of three lines: staged or not, the same graph comes out, versions and clocks
// included.
TEST_F(GraphTransferTest, StagedBatchesGiveTheGraphUnstagedOnesGive) {
  std::vector<std::string> lines;
  for (int i = 0; i < 8; ++i) {
    lines.push_back(R"({"type":"user","account":"u)" + std::to_string(i) + R"("})");
  }
  auto edge = [&](int a, int b, const std::string& extra = "") {
    lines.push_back(R"({"type":"friend","owner":"u)" + std::to_string(a) + R"(","peer":"u)" +
                    std::to_string(b) + "\"" + extra + "}");
  };
  for (int i = 0; i < 8; ++i) {
    for (int d : {1, 2, 3}) edge(i, (i + d) % 8, d == 2 ? R"(,"alias":"near")" : "");
  }
  lines.push_back(R"({"type":"block","owner":"u0","peer":"u5"})");
  for (int i = 0; i < 8; ++i) edge((i + 1) % 8, i, R"(,"source":"import")");
  edge(0, 1, R"(,"alias":"again")");  // alive already: only its fields change

  AppContext staged = dst_, unstaged = src_;
  ImportSummary s1, s2;
  ASSERT_TRUE(Import(staged, Lines(lines), &s1, /*batch=*/3, /*staged=*/true).ok());
  ASSERT_TRUE(Import(unstaged, Lines(lines), &s2, 3, /*staged=*/false).ok());
  EXPECT_GT(s1.staged_batches, 6u);
  EXPECT_EQ(s2.staged_batches, 0u);
  EXPECT_EQ(s1.edges, s2.edges);
  std::string graph = Dump(staged);
  EXPECT_EQ(graph, Dump(unstaged));
  EXPECT_NE(graph.find("u1 alive both v"), std::string::npos) << graph;
  EXPECT_NE(graph.find(" again "), std::string::npos) << graph;
}

// A staged batch's job fails at its commit after the next batch was staged on top of it: that one
// fails too, the import stops with the first failure, and a second run resumes before it.
TEST_F(GraphTransferTest, ABatchStagedOnOneThatFailedFailsWithIt) {
  std::vector<std::string> lines = {
      R"({"type":"user","account":"a"})",
      R"({"type":"user","account":"b"})",
      R"({"type":"user","account":"c"})",
      R"({"type":"friend","owner":"a","peer":"b"})",
      R"({"type":"friend","owner":"b","peer":"a"})",
      R"({"type":"friend","owner":"a","peer":"c"})",
      R"({"type":"friend","owner":"c","peer":"a"})",
      R"({"type":"friend","owner":"b","peer":"c"})",
      R"({"type":"friend","owner":"c","peer":"b"})",
  };
  std::ofstream(file_, std::ios::binary | std::ios::trunc) << Lines(lines);
  testing::FaultyStore faulty(*store_);
  ImportOptions options;
  options.batch_lines = 3;
  int batches = 0;
  // Called once the first batch (the users) is sent: the next job is the first staged batch's.
  options.on_progress = [&](const ImportProgress&) {
    if (++batches == 1) faulty.FailNextCommit();
  };
  ImportSummary s;
  Status status = ImportGraphFile(faulty, dst_, file_, options, clock_, &s);
  EXPECT_EQ(status.code(), Code::kInternal) << status.ToString();
  EXPECT_EQ(s.lines, 3u);
  EXPECT_EQ(s.staged_batches, 0u);
  EXPECT_EQ(Find(dst_, "a")->friend_count, 0);

  ASSERT_TRUE(ImportGraphFile(*store_, dst_, file_, options, clock_, &s).ok());
  EXPECT_EQ(s.resumed_after_line, 3u);
  EXPECT_EQ(s.staged_batches, 2u);
  ASSERT_TRUE(Import(src_, Lines(lines), &s, 3, /*staged=*/false).ok());
  EXPECT_EQ(Dump(dst_), Dump(src_));
}

}  // namespace
}  // namespace fg
