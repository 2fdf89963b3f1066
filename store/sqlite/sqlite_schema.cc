#include "store/sqlite/sqlite_schema.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace fg::sqlite {
namespace {

// A migration: SQL, then (if any) a step in C++ for what SQL cannot say, in the same transaction.
struct Migration {
  const char* sql;
  Status (*step)(sqlite3* db) = nullptr;
};

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }
  Status status() const {
    return ok_ ? Status::Ok() : Status(Code::kInternal, sqlite3_errmsg(db_));
  }
  // Runs a statement that returns no rows, with these parameters, and resets it.
  Status Run(std::initializer_list<int64_t> params) {
    int i = 0;
    for (int64_t p : params) sqlite3_bind_int64(stmt_, ++i, p);
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    return rc == SQLITE_DONE ? Status::Ok() : Status(Code::kInternal, sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

// Makes each user's request clock values distinct: the values of the requests a user sent
// (updated_ms) and received (to_clock_ms) together. Going through a user's values in order, each
// becomes at least one more than the one before (so values move up by as little as they must,
// and their order stays); then the user's clock_ms is raised to at least the largest, so that the
// next change comes after all of them, as core's Tick guarantees for new ones. Among equal values
// the sent ones go first, so that a tie moves a received value, not a sent one: a sent value is a
// real tick of the user's clock (every change to a request ticked its sender), where a received
// one may be a copy of its sender's clock (migration 5).
Status SpreadRequestClocks(sqlite3* db) {
  // Who has requests, each in its app (16 bytes a user), then one user at a time through the
  // two indexes: memory stays small however many requests there are.
  std::vector<std::pair<int64_t, int64_t>> users;
  {
    Statement all(
        db, "SELECT app, to_user FROM requests UNION SELECT from_app, from_user FROM requests");
    if (Status s = all.status(); !s.ok()) return s;
    int rc;
    while ((rc = sqlite3_step(all.get())) == SQLITE_ROW) {
      users.emplace_back(sqlite3_column_int64(all.get(), 0), sqlite3_column_int64(all.get(), 1));
    }
    if (rc != SQLITE_DONE) return {Code::kInternal, sqlite3_errmsg(db)};
  }
  struct Entry {
    int64_t value;
    bool sent;    // the user's sent side (updated_ms); else the received side (to_clock_ms)
    int64_t app;  // the request's key: its row's app, from_user, to_user
    int64_t from;
    int64_t to;
  };
  Statement mine(db,
                 "SELECT 0, app, from_user, to_user, to_clock_ms FROM requests"
                 " WHERE app = ?1 AND to_user = ?2"
                 " UNION ALL SELECT 1, app, from_user, to_user, updated_ms FROM requests"
                 " WHERE from_app = ?1 AND from_user = ?2");
  Statement sent(
      db, "UPDATE requests SET updated_ms = ? WHERE app = ? AND from_user = ? AND to_user = ?");
  Statement received(
      db, "UPDATE requests SET to_clock_ms = ? WHERE app = ? AND from_user = ? AND to_user = ?");
  Statement clock(db, "UPDATE users SET clock_ms = max(clock_ms, ?) WHERE id = ?");
  for (Statement* st : {&mine, &sent, &received, &clock}) {
    if (Status s = st->status(); !s.ok()) return s;
  }
  std::vector<Entry> entries;
  for (auto [app, user] : users) {
    entries.clear();
    sqlite3_bind_int64(mine.get(), 1, app);
    sqlite3_bind_int64(mine.get(), 2, user);
    int rc;
    while ((rc = sqlite3_step(mine.get())) == SQLITE_ROW) {
      auto col = [&](int i) { return sqlite3_column_int64(mine.get(), i); };
      entries.push_back({col(4), col(0) == 1, col(1), col(2), col(3)});
    }
    sqlite3_reset(mine.get());
    if (rc != SQLITE_DONE) return {Code::kInternal, sqlite3_errmsg(db)};
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return std::make_tuple(a.value, !a.sent, a.from, a.to) <
             std::make_tuple(b.value, !b.sent, b.from, b.to);
    });
    int64_t last = INT64_MIN;
    for (const Entry& e : entries) {
      int64_t value = last == INT64_MIN ? e.value : std::max(e.value, last + 1);
      if (value != e.value) {
        Statement& update = e.sent ? sent : received;
        if (Status s = update.Run({value, e.app, e.from, e.to}); !s.ok()) return s;
      }
      last = value;
    }
    if (Status s = clock.Run({last, user}); !s.ok()) return s;
  }
  return Status::Ok();
}

// Migration N brings user_version from N to N + 1. Never edit a released entry: append one.
// Keys lead with (app, owner) so a distributed engine can shard by owner (DESIGN.md §5).
constexpr Migration kMigrations[] = {
    {R"sql(
CREATE TABLE apps (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE users (
  id         INTEGER PRIMARY KEY,
  app        INTEGER NOT NULL,
  account    TEXT NOT NULL,
  name TEXT, icon TEXT, sign TEXT, email TEXT, birth TEXT, mobile TEXT, region TEXT,
  gender     INTEGER,
  ex         TEXT,
  token      TEXT NOT NULL,
  add_policy INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  clock_ms   INTEGER NOT NULL,
  friend_count INTEGER NOT NULL,
  UNIQUE (app, account)
);
CREATE TABLE edges (
  app   INTEGER NOT NULL,
  owner INTEGER NOT NULL,
  peer  INTEGER NOT NULL,
  peer_account TEXT NOT NULL,
  alive INTEGER NOT NULL,
  peer_alive INTEGER NOT NULL,
  alias TEXT, ex TEXT, serverex TEXT, description TEXT, phone TEXT, region TEXT, image_uri TEXT,
  source     TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  PRIMARY KEY (app, owner, peer)
) WITHOUT ROWID;
CREATE INDEX edges_by_change ON edges (app, owner, updated_ms);
CREATE TABLE requests (
  app       INTEGER NOT NULL,
  from_user INTEGER NOT NULL,
  to_user   INTEGER NOT NULL,
  message TEXT NOT NULL,
  source  TEXT NOT NULL,
  state   INTEGER NOT NULL,
  created_ms   INTEGER NOT NULL,
  updated_ms   INTEGER NOT NULL,
  from_version INTEGER NOT NULL,
  to_version   INTEGER NOT NULL,
  PRIMARY KEY (app, from_user, to_user)
) WITHOUT ROWID;
CREATE INDEX requests_to ON requests (app, to_user, from_user);
CREATE TABLE relations (
  id    INTEGER PRIMARY KEY,
  app   INTEGER NOT NULL,
  owner INTEGER NOT NULL,
  kind  INTEGER NOT NULL,
  peer  INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (app, owner, kind, peer)
);
)sql"},
    // 2: room for a peer in another app (Yuntongxun links apps): the peer's app on edges,
    // relations and requests. Every row written so far has both ends in its own app.
    {R"sql(
ALTER TABLE edges ADD COLUMN peer_app INTEGER NOT NULL DEFAULT 0;
UPDATE edges SET peer_app = app;
ALTER TABLE requests ADD COLUMN from_app INTEGER NOT NULL DEFAULT 0;
UPDATE requests SET from_app = app;
ALTER TABLE relations ADD COLUMN peer_app INTEGER NOT NULL DEFAULT 0;
UPDATE relations SET peer_app = app;
)sql"},
    // 3: disabled accounts, passwords, token epochs; installation settings; keyset paging of
    // users (by id) and of block lists (newest first); relations by peer, for deleting a user.
    {R"sql(
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_by_app ON users (app, id);
CREATE INDEX relations_by_seq ON relations (app, owner, kind, id);
CREATE INDEX relations_by_peer ON relations (app, peer);
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
    // 4: user ids are never used again. Without AUTOINCREMENT SQLite hands a deleted user's id
    // (the highest) to the next user, who would inherit others' tombstones towards it, its
    // opaque ids and its cursors. The table is rebuilt, as SQLite cannot add the keyword.
    {R"sql(
CREATE TABLE users_v4 (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  app        INTEGER NOT NULL,
  account    TEXT NOT NULL,
  name TEXT, icon TEXT, sign TEXT, email TEXT, birth TEXT, mobile TEXT, region TEXT,
  gender     INTEGER,
  ex         TEXT,
  token      TEXT NOT NULL,
  add_policy INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  clock_ms   INTEGER NOT NULL,
  friend_count INTEGER NOT NULL,
  disabled   INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL DEFAULT '',
  epoch      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (app, account)
);
INSERT INTO users_v4 (id, app, account, name, icon, sign, email, birth, mobile, region, gender,
                      ex, token, add_policy, created_ms, updated_ms, version, clock_ms,
                      friend_count, disabled, password_hash, epoch)
  SELECT id, app, account, name, icon, sign, email, birth, mobile, region, gender, ex, token,
         add_policy, created_ms, updated_ms, version, clock_ms, friend_count, disabled,
         password_hash, epoch FROM users;
DROP TABLE users;
ALTER TABLE users_v4 RENAME TO users;
CREATE INDEX users_by_app ON users (app, id);
)sql"},
    // 5: request lists (Yuntongxun friendMessage) by each side's own clock, a refusal's reason,
    // the sent side reachable across apps; avatars.
    {R"sql(
ALTER TABLE requests ADD COLUMN reply TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN to_clock_ms INTEGER NOT NULL DEFAULT 0;
UPDATE requests SET to_clock_ms = updated_ms;
CREATE INDEX requests_received ON requests (app, to_user, to_clock_ms);
CREATE INDEX requests_sent ON requests (from_app, from_user, updated_ms);
CREATE TABLE avatars (
  app          INTEGER NOT NULL,
  user         INTEGER NOT NULL,
  key          TEXT NOT NULL UNIQUE,
  content_type TEXT NOT NULL,
  bytes        BLOB NOT NULL,
  updated_ms   INTEGER NOT NULL,
  PRIMARY KEY (app, user)
) WITHOUT ROWID;
)sql"},
    // 6: a user's request clock values distinct (migration 5 gave a received request the
    // sender's clock, which two senders can share: SpreadRequestClocks fixes them); relations
    // found by the peer's own app; avatars as a rowid table with the bytes last (a query that
    // does not ask for them never reads their pages); when each user's icon last changed.
    {R"sql(
DROP INDEX relations_by_peer;
CREATE INDEX relations_by_peer ON relations (peer_app, peer);
CREATE TABLE avatars_v6 (
  id           INTEGER PRIMARY KEY,
  app          INTEGER NOT NULL,
  user_id      INTEGER NOT NULL,
  key          TEXT NOT NULL UNIQUE,
  content_type TEXT NOT NULL,
  updated_ms   INTEGER NOT NULL,
  bytes        BLOB NOT NULL,
  UNIQUE (app, user_id)
);
INSERT INTO avatars_v6 (app, user_id, key, content_type, updated_ms, bytes)
  SELECT app, user, key, content_type, updated_ms, bytes FROM avatars;
DROP TABLE avatars;
ALTER TABLE avatars_v6 RENAME TO avatars;
ALTER TABLE users ADD COLUMN icon_ms INTEGER NOT NULL DEFAULT 0;
UPDATE users SET icon_ms = coalesce(
    (SELECT a.updated_ms FROM avatars a
      WHERE a.app = users.app AND a.user_id = users.id AND instr(users.icon, a.key) > 0),
    updated_ms)
  WHERE icon IS NOT NULL AND icon <> '';
)sql",
     SpreadRequestClocks},
    // 7: SealTalk: a user's SealTalk number (unique per app in any case) and privacy flags;
    // users found by phone number.
    {R"sql(
ALTER TABLE users ADD COLUMN st_account TEXT;
ALTER TABLE users ADD COLUMN found_by_phone INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN found_by_st_account INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX users_by_st_account ON users (app, st_account COLLATE NOCASE)
  WHERE st_account IS NOT NULL;
CREATE INDEX users_by_mobile ON users (app, mobile, id) WHERE mobile IS NOT NULL;
)sql",
     nullptr},
    // 8: each user's count of pending requests, sent or received (User::pending_requests).
    // User ids are unique across apps, so a request's two user ids name its two users.
    {R"sql(
ALTER TABLE users ADD COLUMN pending_requests INTEGER NOT NULL DEFAULT 0;
UPDATE users SET pending_requests =
    (SELECT count(*) FROM requests r WHERE r.state = 0 AND r.app = users.app
       AND r.to_user = users.id) +
    (SELECT count(*) FROM requests r WHERE r.state = 0 AND r.from_app = users.app
       AND r.from_user = users.id)
  WHERE id IN (SELECT to_user FROM requests WHERE state = 0
               UNION SELECT from_user FROM requests WHERE state = 0);
)sql",
     nullptr},
};

constexpr int kNewest = sizeof(kMigrations) / sizeof(kMigrations[0]);

Status Exec(sqlite3* db, const char* sql,
            const std::function<bool(std::string_view)>& inject_failure) {
  if (inject_failure && inject_failure(sql)) return {Code::kInternal, "injected failure"};
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return {Code::kInternal, message};
  }
  return Status::Ok();
}

Result<int> ReadVersion(sqlite3* db, const std::function<bool(std::string_view)>& inject_failure) {
  static constexpr const char* kSql = "PRAGMA user_version";
  if (inject_failure && inject_failure(kSql)) return Status(Code::kInternal, "injected failure");
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, kSql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  int version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) {
    return Status(Code::kInternal,
                  std::string("reading the schema version: ") + sqlite3_errmsg(db));
  }
  return version;
}

}  // namespace

Status Migrate(sqlite3* db, const std::function<bool(std::string_view)>& inject_failure,
               int up_to) {
  const int target = std::min(up_to, kNewest);
  auto exec = [&](const char* sql) { return Exec(db, sql, inject_failure); };
  if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  // Every failure below leaves through here, so the transaction is never left open.
  auto abandon = [&](Status why) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return why;
  };
  auto version = ReadVersion(db, inject_failure);
  if (!version.ok()) return abandon(version.status());
  if (version.value() > kNewest) {
    return abandon({Code::kInternal, "schema version " + std::to_string(version.value()) +
                                         " is newer than this binary knows (" +
                                         std::to_string(kNewest) + ")"});
  }
  if (version.value() >= target) return abandon(Status::Ok());
  for (int v = version.value(); v < target; ++v) {
    Status s = exec(kMigrations[v].sql);
    if (s.ok() && kMigrations[v].step) s = kMigrations[v].step(db);
    if (!s.ok()) {
      return abandon({Code::kInternal, "migration " + std::to_string(v + 1) + ": " + s.message()});
    }
  }
  std::string set_version = "PRAGMA user_version = " + std::to_string(target);
  if (Status s = exec(set_version.c_str()); !s.ok()) return abandon(s);
  if (Status s = exec("COMMIT"); !s.ok()) return abandon(s);
  return Status::Ok();
}

}  // namespace fg::sqlite
