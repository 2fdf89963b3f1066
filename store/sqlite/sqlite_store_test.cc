// SQLite-only behaviour (the shared contract is in store/store_contract_test.cc): group commit
// when the transaction plumbing fails, and migrations that fail.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <future>
#include <mutex>
#include <string>

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
      Open([&](std::string_view sql) { return sql == "SAVEPOINT job" && ++savepoints == 3; });
  AppId app = store->EnsureApp("a").value();  // savepoint 1
  EXPECT_TRUE(WriteAndWait(*store, [&](WriteTxn& txn) { return Insert(txn, app, "x"); }).ok());
  EXPECT_EQ(WriteAndWait(*store, [&](WriteTxn& txn) { return Insert(txn, app, "y"); }).code(),
            Code::kInternal);
  EXPECT_TRUE(WriteAndWait(*store, [&](WriteTxn& txn) { return Insert(txn, app, "z"); }).ok());
  EXPECT_TRUE(Exists(*store, app, "x"));
  EXPECT_FALSE(Exists(*store, app, "y"));
  EXPECT_TRUE(Exists(*store, app, "z"));
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

}  // namespace
}  // namespace fg
