// SQLite-only behaviour (the shared contract is in store/store_contract_test.cc): group commit
// when the transaction plumbing fails, migrations that fail, and what migration 6 repairs.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/change.h"
#include "store/sqlite/sqlite_schema.h"
#include "tests/support/test_env.h"

namespace fg {
namespace {

using testing::TempDir;

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(std::function<bool(std::string_view)> inject = nullptr) {
    SqliteOptions options;
    options.path = dir_.File("test.db");
    options.synchronous_full = false;
    options.inject_failure = std::move(inject);
    auto store = OpenSqliteStore(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store.value()) : nullptr;
  }

  static Status Insert(WriteTxn& txn, AppId app, const std::string& account) {
    User u;
    u.account = account;
    return txn.InsertUser(app, u) ? Status::Ok() : Status(Code::kAlreadyExists, account);
  }

  static bool Exists(Store& store, AppId app, const std::string& account) {
    bool found = false;
    EXPECT_TRUE(ReadAndWait(store, [&](ReadTxn& txn) {
                  found = txn.FindUser(app, account).has_value();
                  return Status::Ok();
                }).ok());
    return found;
  }

  TempDir dir_;
};

// cache_bytes sets the process-wide soft heap limit, and SQLite's page caches stay within it
// when the data read is many times larger; without it they grow past it.
TEST_F(SqliteStoreTest, CacheBytesBoundsSqlitesHeap) {
  constexpr int64_t kLimit = 1 << 20;
  // Writes 6,000 users with 1 KiB profiles (~7 MiB of pages), then reads them all back on every
  // reader; returns SQLite's heap afterwards, the store still open.
  auto fill_and_read = [](const std::string& path, int64_t cache_bytes) {
    SqliteOptions options;
    options.path = path;
    options.synchronous_full = false;
    options.cache_bytes = cache_bytes;
    auto store = OpenSqliteStore(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    AppId app = store.value()->EnsureApp("a").value();
    EXPECT_TRUE(WriteAndWait(*store.value(), [app](WriteTxn& txn) {
                  for (int i = 0; i < 6000; ++i) {
                    User u;
                    u.account = "u" + std::to_string(i);
                    u.profile.sign = std::string(1024, 'x');
                    if (!txn.InsertUser(app, u)) return Status(Code::kInternal, u.account);
                  }
                  return Status::Ok();
                }).ok());
    for (int pass = 0; pass < 4; ++pass) {  // four readers, taken in turn
      EXPECT_TRUE(ReadAndWait(*store.value(), [app](ReadTxn& txn) {
                    for (int i = 0; i < 6000; ++i) {
                      if (!txn.FindUser(app, "u" + std::to_string(i))) {
                        return Status(Code::kInternal, "missing");
                      }
                    }
                    return Status::Ok();
                  }).ok());
    }
    int64_t used = SqliteMemoryUsed();
    store.value()->Close();
    return used;
  };
  int64_t unbounded = fill_and_read(dir_.File("unbounded.db"), 0);
  EXPECT_EQ(sqlite3_soft_heap_limit64(-1), 0);
  int64_t bounded = fill_and_read(dir_.File("bounded.db"), kLimit);
  EXPECT_EQ(sqlite3_soft_heap_limit64(-1), kLimit);
  sqlite3_soft_heap_limit64(0);  // process-wide: leave it as the other tests expect
  EXPECT_GT(unbounded, 2 * kLimit) << "bounded: " << bounded;
  // Soft: schema, statements and pinned pages may take it a little over.
  EXPECT_LE(bounded, kLimit + kLimit / 4) << "unbounded: " << unbounded;
}

// A job that fails and whose ROLLBACK TO fails too must not leave its writes in the batch: the
// transaction is abandoned and the other jobs of the batch run again in a fresh one.
TEST_F(SqliteStoreTest, AFailedRollbackToAbandonsTheBatchAndRetriesTheOthers) {
  std::atomic<bool> fail_rollback{false};
  auto store = Open([&](std::string_view sql) {
    return sql == "ROLLBACK TO job" && fail_rollback.exchange(false);
  });
  AppId app = store->EnsureApp("a").value();

  // Hold the writer so that the three jobs below are committed as one batch.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  store->Write(
      [released](WriteTxn&) {
        released.wait();
        return Status::Ok();
      },
      [](const Status&) {});
  std::promise<Status> first, failing, last;
  std::atomic<int> first_runs{0};
  store->Write(
      [&](WriteTxn& txn) {
        ++first_runs;
        return Insert(txn, app, "before");
      },
      [&](const Status& s) { first.set_value(s); });
  store->Write(
      [&](WriteTxn& txn) {
        EXPECT_TRUE(Insert(txn, app, "partial").ok());
        fail_rollback = true;
        return Status(Code::kInvalidArgument, "this job fails after writing");
      },
      [&](const Status& s) { failing.set_value(s); });
  store->Write([&](WriteTxn& txn) { return Insert(txn, app, "after"); },
               [&](const Status& s) { last.set_value(s); });
  release.set_value();

  EXPECT_TRUE(first.get_future().get().ok());
  EXPECT_EQ(failing.get_future().get().code(), Code::kInternal);
  EXPECT_TRUE(last.get_future().get().ok());
  EXPECT_EQ(first_runs.load(), 2);  // its first transaction was abandoned
  EXPECT_TRUE(Exists(*store, app, "before"));
  EXPECT_FALSE(Exists(*store, app, "partial"));
  EXPECT_TRUE(Exists(*store, app, "after"));
}

TEST_F(SqliteStoreTest, AFailedSavepointFailsOnlyItsJob) {
  std::atomic<int> savepoints{0};
  auto store =
      Open([&](std::string_view sql) { return sql == "SAVEPOINT job" && ++savepoints == 2; });
  AppId app = store->EnsureApp("a").value();  // alone in its transaction: no savepoint
  // Hold the writer (once it runs, alone) so that the three jobs below share the next
  // transaction, each in a savepoint.
  std::promise<void> release, holding;
  std::shared_future<void> released = release.get_future().share();
  store->Write(
      [released, &holding](WriteTxn&) {
        holding.set_value();
        released.wait();
        return Status::Ok();
      },
      [](const Status&) {});
  holding.get_future().wait();
  std::promise<Status> x, y, z;
  store->Write([&](WriteTxn& txn) { return Insert(txn, app, "x"); },
               [&](const Status& s) { x.set_value(s); });
  store->Write([&](WriteTxn& txn) { return Insert(txn, app, "y"); },
               [&](const Status& s) { y.set_value(s); });
  store->Write([&](WriteTxn& txn) { return Insert(txn, app, "z"); },
               [&](const Status& s) { z.set_value(s); });
  release.set_value();
  EXPECT_TRUE(x.get_future().get().ok());
  EXPECT_EQ(y.get_future().get().code(), Code::kInternal);
  EXPECT_TRUE(z.get_future().get().ok());
  EXPECT_TRUE(Exists(*store, app, "x"));
  EXPECT_FALSE(Exists(*store, app, "y"));
  EXPECT_TRUE(Exists(*store, app, "z"));
}

TEST_F(SqliteStoreTest, AJobAloneInItsTransactionNeedsNoSavepointAndFailsWhole) {
  std::atomic<int> savepoints{0};
  auto store = Open([&](std::string_view sql) {
    if (sql == "SAVEPOINT job") ++savepoints;
    return false;
  });
  AppId app = store->EnsureApp("a").value();
  EXPECT_EQ(WriteAndWait(*store,
                         [&](WriteTxn& txn) {
                           EXPECT_TRUE(Insert(txn, app, "gone").ok());
                           return Status(Code::kInvalidArgument, "fails after writing");
                         })
                .code(),
            Code::kInvalidArgument);
  EXPECT_TRUE(WriteAndWait(*store, [&](WriteTxn& txn) { return Insert(txn, app, "kept"); }).ok());
  EXPECT_FALSE(Exists(*store, app, "gone"));
  EXPECT_TRUE(Exists(*store, app, "kept"));
  EXPECT_EQ(savepoints.load(), 0);
}

// The writer never checkpoints; the checkpointer thread copies the WAL into the database file
// beside it. Without that thread nothing would reach the file until the store closed.
TEST_F(SqliteStoreTest, TheWalIsCopiedIntoTheDatabaseFileWhileTheStoreIsOpen) {
  auto store = Open();
  AppId app = store->EnsureApp("a").value();
  const std::string path = dir_.File("test.db");
  const auto before = std::filesystem::file_size(path);
  // About 3,000 pages of WAL: three checkpoint requests at least.
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(WriteAndWait(*store, [&](WriteTxn& txn) {
                  User u;
                  u.account = "user" + std::to_string(i);
                  u.profile.ex = std::string(40'000, 'x');
                  return txn.InsertUser(app, u) ? Status::Ok() : Status(Code::kInternal, "taken");
                }).ok());
  }
  // The checkpoint runs beside the writer: wait for it (a failure waits out the bound).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::filesystem::file_size(path) < before + 8'000'000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(std::filesystem::file_size(path), before + 8'000'000);
  EXPECT_TRUE(Exists(*store, app, "user299"));
}

TEST_F(SqliteStoreTest, AFailedCommitFailsTheBatchAndTheStoreGoesOn) {
  std::atomic<bool> fail_commit{false};
  auto store =
      Open([&](std::string_view sql) { return sql == "COMMIT" && fail_commit.exchange(false); });
  AppId app = store->EnsureApp("a").value();
  fail_commit = true;
  EXPECT_EQ(WriteAndWait(*store, [&](WriteTxn& txn) { return Insert(txn, app, "lost"); }).code(),
            Code::kInternal);
  EXPECT_TRUE(WriteAndWait(*store, [&](WriteTxn& txn) { return Insert(txn, app, "kept"); }).ok());
  EXPECT_FALSE(Exists(*store, app, "lost"));
  EXPECT_TRUE(Exists(*store, app, "kept"));
}

// Migrations: every failure is reported and leaves nothing behind, not even an open transaction.
class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(sqlite3_open(dir_.File("m.db").c_str(), &db_), SQLITE_OK); }
  void TearDown() override { sqlite3_close(db_); }
  int UserVersion() {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &stmt, nullptr);
    sqlite3_step(stmt);
    int v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
  }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
    sqlite3_free(err);
  }
  // A database as migration 5 left it: two requests that `hub` received in the same millisecond
  // (to_clock_ms copied from each sender's clock) and one it sent in that millisecond too; r's
  // clock behind the value it received. Icons: an upload (its avatar row says when), a URL set
  // elsewhere (the profile's last change says when), none, and an empty one.
  void BuildVersion5() {
    ASSERT_TRUE(sqlite::Migrate(db_, nullptr, 5).ok());
    ASSERT_EQ(UserVersion(), 5);
    Exec("INSERT INTO apps (id, name) VALUES (1, 'a')");
    Exec(
        "INSERT INTO users (id, app, account, icon, token, add_policy, created_ms, updated_ms,"
        " version, clock_ms, friend_count) VALUES"
        " (1, 1, 'hub', 'http://h/avatars/0123456789abcdef0123456789abcdef.png', '', 1, 0, 160, 0,"
        " 100, 0), (2, 1, 's1', 'https://cdn.test/s1.png', '', 1, 0, 120, 0, 100, 0),"
        " (3, 1, 's2', NULL, '', 1, 0, 130, 0, 100, 0), (4, 1, 'r', '', '', 1, 0, 140, 0, 90, 0)");
    Exec(
        "INSERT INTO avatars (app, user, key, content_type, bytes, updated_ms) VALUES"
        " (1, 1, '0123456789abcdef0123456789abcdef', 'image/png', x'89504e47', 150)");
    auto request = [&](int from, int to, int64_t updated, int64_t to_clock) {
      Exec(
          "INSERT INTO requests (app, from_user, to_user, message, source, state, created_ms,"
          " updated_ms, from_version, to_version, from_app, to_clock_ms) VALUES (1, " +
          std::to_string(from) + ", " + std::to_string(to) + ", '', '', 0, 0, " +
          std::to_string(updated) + ", 1, 1, 1, " + std::to_string(to_clock) + ")");
    };
    request(2, 1, 100, 100);
    request(3, 1, 100, 100);
    request(1, 4, 100, 100);
  }
  TempDir dir_;
  sqlite3* db_ = nullptr;
};

TEST_F(MigrateTest, FailingToReadTheVersionIsReported) {
  Status s =
      sqlite::Migrate(db_, [](std::string_view sql) { return sql == "PRAGMA user_version"; });
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_TRUE(sqlite3_get_autocommit(db_));  // no transaction left open
  EXPECT_EQ(UserVersion(), 0);
}

TEST_F(MigrateTest, AFailedCommitLeavesNoTransactionOpen) {
  Status s = sqlite::Migrate(db_, [](std::string_view sql) { return sql == "COMMIT"; });
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_TRUE(sqlite3_get_autocommit(db_));
  EXPECT_EQ(UserVersion(), 0);
  ASSERT_TRUE(sqlite::Migrate(db_, nullptr).ok());  // and a later start migrates cleanly
  EXPECT_GT(UserVersion(), 0);
  EXPECT_TRUE(sqlite::Migrate(db_, nullptr).ok());  // idempotent
}

TEST_F(MigrateTest, AFailedMigrationChangesNothing) {
  Status s = sqlite::Migrate(
      db_, [](std::string_view sql) { return sql.find("ALTER TABLE edges") != sql.npos; });
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_NE(s.message().find("migration 2"), std::string::npos) << s.message();
  EXPECT_TRUE(sqlite3_get_autocommit(db_));
  EXPECT_EQ(UserVersion(), 0);
}

TEST_F(MigrateTest, Migration6SpreadsRequestClocksAndKeepsAvatarsAndIconTimes) {
  ASSERT_NO_FATAL_FAILURE(BuildVersion5());
  ASSERT_TRUE(sqlite::Migrate(db_, nullptr).ok());
  auto ints = [&](const char* sql) {
    std::vector<int64_t> out;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    while (sqlite3_step(stmt) == SQLITE_ROW) out.push_back(sqlite3_column_int64(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
  };
  // hub's values, received (from s1, s2) and sent (to r) together, are distinct: the one it sent
  // keeps its value (a real tick of its clock), the two it received move up past it, in order.
  EXPECT_EQ(ints("SELECT v FROM (SELECT to_clock_ms AS v, from_user AS k FROM requests"
                 " WHERE to_user = 1 UNION ALL SELECT updated_ms, 10 + to_user FROM requests"
                 " WHERE from_user = 1) ORDER BY k"),
            (std::vector<int64_t>{101, 102, 100}));
  // The senders' own sides did not need to move; r's received value is its own.
  EXPECT_EQ(ints("SELECT updated_ms FROM requests WHERE to_user = 1 ORDER BY from_user"),
            (std::vector<int64_t>{100, 100}));
  EXPECT_EQ(ints("SELECT to_clock_ms FROM requests WHERE to_user = 4"),
            (std::vector<int64_t>{100}));
  // Each clock is at least its user's last value, so the next change comes after all of them.
  EXPECT_EQ(ints("SELECT clock_ms FROM users ORDER BY id"),
            (std::vector<int64_t>{102, 100, 100, 100}));
  // Each icon's time, as getUserAvatar reported it before; the avatar under its new column.
  EXPECT_EQ(ints("SELECT icon_ms FROM users ORDER BY id"), (std::vector<int64_t>{150, 120, 0, 0}));
  EXPECT_EQ(ints("SELECT user_id FROM avatars WHERE key = '0123456789abcdef0123456789abcdef'"
                 " AND bytes = x'89504e47' AND updated_ms = 150"),
            (std::vector<int64_t>{1}));
}

TEST_F(MigrateTest, Migration8CountsEachUsersPendingRequests) {
  ASSERT_NO_FATAL_FAILURE(BuildVersion5());
  // Besides BuildVersion5's three pending requests (s1 -> hub, s2 -> hub, hub -> r): one refused.
  Exec(
      "INSERT INTO requests (app, from_user, to_user, message, source, state, created_ms,"
      " updated_ms, from_version, to_version, from_app, to_clock_ms) VALUES"
      " (1, 4, 2, '', '', 2, 0, 100, 1, 1, 1, 100)");
  ASSERT_TRUE(sqlite::Migrate(db_, nullptr).ok());
  std::vector<int64_t> pending;
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db_, "SELECT pending_requests FROM users ORDER BY id", -1, &stmt, nullptr),
      SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) pending.push_back(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  EXPECT_EQ(pending, (std::vector<int64_t>{3, 1, 1, 1}));
}

// What migration 6 is for: a database migration 5 left, opened by the store, pages hub's request
// list one entry at a time (friendMessage with size 1) without losing or repeating one, either
// way, and a request made afterwards, by core's own rules, comes after all of them.
TEST_F(MigrateTest, AfterMigration6ARequestListPagesOneByOneAndANewRequestComesLast) {
  ASSERT_NO_FATAL_FAILURE(BuildVersion5());
  sqlite3_close(db_);
  db_ = nullptr;
  SqliteOptions options;
  options.path = dir_.File("m.db");
  options.synchronous_full = false;
  auto opened = OpenSqliteStore(options);  // migrates
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = *opened.value();
  constexpr AppId kApp = 1;
  constexpr UserId kHub = 1;
  // hub's list walked with a limit of 1, each page's cursor the last entry's value (as the
  // dialect pages it): each request as (from, to).
  auto walk = [&](bool newest_first) {
    std::vector<std::pair<UserId, UserId>> seen;
    int64_t cursor = newest_first ? INT64_MAX : 0;
    for (int pages = 0; pages < 10; ++pages) {
      std::vector<FriendRequest> page;
      EXPECT_TRUE(ReadAndWait(store, [&](ReadTxn& txn) {
                    page = txn.ListRequests(kApp, kHub, cursor, newest_first, 1);
                    return Status::Ok();
                  }).ok());
      if (page.empty()) break;
      EXPECT_EQ(page.size(), 1u);
      seen.emplace_back(page[0].from, page[0].to);
      cursor = ClockOf(page[0], kHub);
    }
    return seen;
  };
  using Seen = std::vector<std::pair<UserId, UserId>>;
  EXPECT_EQ(walk(false), (Seen{{1, 4}, {2, 1}, {3, 1}}));
  EXPECT_EQ(walk(true), (Seen{{3, 1}, {2, 1}, {1, 4}}));

  // r asks hub with the clock still in that millisecond: hub's clock moves past every value.
  ASSERT_TRUE(WriteAndWait(store, [&](WriteTxn& txn) {
                AppContext app;
                app.id = kApp;
                Change change(txn, app, /*now_ms=*/100);
                User *from = nullptr, *to = nullptr;
                if (Status s = change.LockPair("r", "hub", from, to); !s.ok()) return s;
                FriendRequest request;
                request.from = from->id;
                request.to = to->id;
                change.PutRequest(request, /*was_pending=*/false, *from, *to);
                change.Commit();
                return Status::Ok();
              }).ok());
  EXPECT_EQ(walk(false), (Seen{{1, 4}, {2, 1}, {3, 1}, {4, 1}}));
  EXPECT_EQ(walk(true), (Seen{{4, 1}, {3, 1}, {2, 1}, {1, 4}}));
}

}  // namespace
}  // namespace fg
