#include "store/sqlite/sqlite_schema.h"

#include <string>

namespace fg::sqlite {
namespace {

// Migration N brings user_version from N to N + 1. Never edit a released entry: append one.
// Keys lead with (app, owner) so a distributed engine can shard by owner (DESIGN.md §5).
constexpr const char* kMigrations[] = {
    R"sql(
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
)sql",
};

constexpr int kNewest = sizeof(kMigrations) / sizeof(kMigrations[0]);

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    return {Code::kInternal, message};
  }
  return Status::Ok();
}

}  // namespace

Status Migrate(sqlite3* db) {
  if (Status s = Exec(db, "BEGIN IMMEDIATE"); !s.ok()) return s;
  sqlite3_stmt* stmt = nullptr;
  int version = 0;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    version = sqlite3_column_int(stmt, 0);
  }
  sqlite3_finalize(stmt);
  if (version > kNewest) {
    Exec(db, "ROLLBACK");
    return {Code::kInternal, "schema version " + std::to_string(version) +
                                 " is newer than this binary knows (" + std::to_string(kNewest) +
                                 ")"};
  }
  for (int v = version; v < kNewest; ++v) {
    if (Status s = Exec(db, kMigrations[v]); !s.ok()) {
      Exec(db, "ROLLBACK");
      return {Code::kInternal, "migration " + std::to_string(v + 1) + ": " + s.message()};
    }
  }
  std::string set_version = "PRAGMA user_version = " + std::to_string(kNewest);
  if (Status s = Exec(db, set_version.c_str()); !s.ok()) {
    Exec(db, "ROLLBACK");
    return s;
  }
  return Exec(db, "COMMIT");
}

}  // namespace fg::sqlite
