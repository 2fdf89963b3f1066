#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>

#include "store/sqlite/sqlite_schema.h"

namespace fg {
namespace {

// One open database handle and its prepared statements, keyed by the SQL literal's address.
class Connection {
 public:
  Connection(sqlite3* db, std::function<bool(std::string_view)> inject_failure)
      : db_(db), inject_failure_(std::move(inject_failure)) {}
  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() { return db_; }

  sqlite3_stmt* Prepare(const char* sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      throw StoreFailure(std::string("prepare: ") + sqlite3_errmsg(db_));
    }
    statements_.emplace(sql, stmt);
    return stmt;
  }

  // Runs a statement without parameters or rows (BEGIN, SAVEPOINT, …), prepared once.
  void Run(const char* sql) {
    if (inject_failure_ && inject_failure_(sql)) {
      throw StoreFailure(std::string(sql) + ": injected failure");
    }
    sqlite3_stmt* stmt = Prepare(sql);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) throw StoreFailure(std::string(sql) + ": " + sqlite3_errmsg(db_));
  }

  void Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw StoreFailure(std::string(sql) + ": " + message);
    }
  }

 private:
  sqlite3* db_;
  std::function<bool(std::string_view)> inject_failure_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

// A prepared statement in use: binds by position (from 1), steps, and resets when it goes away.
class Query {
 public:
  Query(Connection& conn, const char* sql) : conn_(conn), stmt_(conn.Prepare(sql)) {}
  ~Query() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  Query& Bind(int64_t v) {
    Check(sqlite3_bind_int64(stmt_, ++bound_, v));
    return *this;
  }
  Query& Bind(std::string_view v) {
    Check(
        sqlite3_bind_text(stmt_, ++bound_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Query& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Query& BindBlob(std::string_view v) {
    Check(
        sqlite3_bind_blob(stmt_, ++bound_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Query& Bind(const std::optional<std::string>& v) {
    if (v) return Bind(std::string_view(*v));
    Check(sqlite3_bind_null(stmt_, ++bound_));
    return *this;
  }
  // Binds `v` without copying it. REQUIRES: `v` outlives the query's next Step.
  Query& BindUncopied(const std::string& v) {
    Check(sqlite3_bind_text(stmt_, ++bound_, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
    return *this;
  }
  Query& BindUncopied(const std::optional<std::string>& v) {
    if (v) return BindUncopied(*v);
    Check(sqlite3_bind_null(stmt_, ++bound_));
    return *this;
  }
  Query& Bind(const std::optional<int>& v) {
    if (v) return Bind(static_cast<int64_t>(*v));
    Check(sqlite3_bind_null(stmt_, ++bound_));
    return *this;
  }

  // True while there is a row.
  bool Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreFailure(std::string("step: ") + sqlite3_errmsg(conn_.db()));
  }
  void Run() { Step(); }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  std::string Blob(int col) const {
    auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  std::optional<std::string> OptText(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return Text(col);
  }
  std::optional<int> OptInt(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return static_cast<int>(Int(col));
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) throw StoreFailure(std::string("bind: ") + sqlite3_errmsg(conn_.db()));
  }
  Connection& conn_;
  sqlite3_stmt* stmt_;
  int bound_ = 0;
};

constexpr const char* kUserColumns =
    "id, account, name, icon, sign, email, birth, mobile, region, gender, ex, token, add_policy, "
    "created_ms, updated_ms, version, clock_ms, friend_count, disabled, password_hash, epoch, "
    "icon_ms, st_account, found_by_phone, found_by_st_account, pending_requests";

User ReadUser(const Query& q, AppId app) {
  User u;
  u.id = q.Int(0);
  u.app = app;
  u.account = q.Text(1);
  u.profile.name = q.OptText(2);
  u.profile.icon = q.OptText(3);
  u.profile.sign = q.OptText(4);
  u.profile.email = q.OptText(5);
  u.profile.birth = q.OptText(6);
  u.profile.mobile = q.OptText(7);
  u.profile.region = q.OptText(8);
  u.profile.gender = q.OptInt(9);
  u.profile.ex = q.OptText(10);
  u.token = q.Text(11);
  u.add_policy = static_cast<AddPolicy>(q.Int(12));
  u.created_ms = q.Int(13);
  u.updated_ms = q.Int(14);
  u.version = q.Int(15);
  u.clock_ms = q.Int(16);
  u.friend_count = q.Int(17);
  u.disabled = q.Int(18) != 0;
  u.password_hash = q.Text(19);
  u.epoch = q.Int(20);
  u.icon_ms = q.Int(21);
  u.st_account = q.OptText(22).value_or("");
  u.found_by_phone = q.Int(23) != 0;
  u.found_by_st_account = q.Int(24) != 0;
  u.pending_requests = q.Int(25);
  return u;
}

// Columns 0..16 of every edge query, in this order.
#define FG_EDGE_COLUMNS                                                                          \
  "e.owner, e.peer, e.alive, e.alias, e.ex, e.serverex, e.description, e.phone, e.region, "      \
  "e.image_uri, e.source, e.created_ms, e.updated_ms, e.version, e.peer_account, e.peer_alive, " \
  "e.peer_app"

FriendEdge ReadEdge(const Query& q) {
  FriendEdge e;
  e.owner = q.Int(0);
  e.peer = q.Int(1);
  e.alive = q.Int(2) != 0;
  e.fields.alias = q.OptText(3);
  e.fields.ex = q.OptText(4);
  e.fields.serverex = q.OptText(5);
  e.fields.description = q.OptText(6);
  e.fields.phone = q.OptText(7);
  e.fields.region = q.OptText(8);
  e.fields.image_uri = q.OptText(9);
  e.source = q.Text(10);
  e.created_ms = q.Int(11);
  e.updated_ms = q.Int(12);
  e.version = q.Int(13);
  e.peer_account = q.Text(14);
  e.peer_alive = q.Int(15) != 0;
  e.peer_app = q.Int(16);
  return e;
}

// Columns 0..12 of every request query, in this order.
#define FG_REQUEST_COLUMNS                                                             \
  "from_user, to_user, message, source, state, created_ms, updated_ms, from_version, " \
  "to_version, from_app, reply, to_clock_ms, app"

FriendRequest ReadRequest(const Query& q) {
  FriendRequest r;
  r.from = q.Int(0);
  r.to = q.Int(1);
  r.message = q.Text(2);
  r.source = q.Text(3);
  r.state = static_cast<RequestState>(q.Int(4));
  r.created_ms = q.Int(5);
  r.updated_ms = q.Int(6);
  r.from_version = q.Int(7);
  r.to_version = q.Int(8);
  r.from_app = q.Int(9);
  r.reply = q.Text(10);
  r.to_clock_ms = q.Int(11);
  r.to_app = q.Int(12);
  return r;
}

// Columns 0..3 of every avatar query, in this order; the bytes (column 4) only when asked. The
// blob is the row's last column, so a query that does not name it never reads its pages.
#define FG_AVATAR_COLUMNS "user_id, key, content_type, updated_ms"

Avatar ReadAvatar(const Query& q, bool with_bytes) {
  Avatar a;
  a.user = q.Int(0);
  a.key = q.Text(1);
  a.content_type = q.Text(2);
  a.updated_ms = q.Int(3);
  if (with_bytes) a.bytes = q.Blob(4);
  return a;
}

class SqliteTxn final : public WriteTxn {
 public:
  explicit SqliteTxn(Connection& conn) : conn_(conn) {}

  std::optional<User> FindUser(AppId app, std::string_view account) override {
    static const std::string sql =
        std::string("SELECT ") + kUserColumns + " FROM users WHERE app = ? AND account = ?";
    Query q(conn_, sql.c_str());
    q.Bind(app).Bind(account);
    if (!q.Step()) return std::nullopt;
    return ReadUser(q, app);
  }

  std::optional<UserId> FindUserId(AppId app, std::string_view account) override {
    // Covered by the index of UNIQUE (app, account), which holds the row id.
    Query q(conn_, "SELECT id FROM users WHERE app = ? AND account = ?");
    q.Bind(app).Bind(account);
    if (!q.Step()) return std::nullopt;
    return q.Int(0);
  }

  std::optional<User> FindUserById(AppId app, UserId id) override {
    static const std::string sql =
        std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ? AND app = ?";
    Query q(conn_, sql.c_str());
    q.Bind(id).Bind(app);
    if (!q.Step()) return std::nullopt;
    return ReadUser(q, app);
  }

  std::optional<User> FindUserByStAccount(AppId app, std::string_view st_account) override {
    static const std::string sql = std::string("SELECT ") + kUserColumns +
                                   " FROM users INDEXED BY users_by_st_account"
                                   " WHERE app = ? AND st_account = ? COLLATE NOCASE";
    Query q(conn_, sql.c_str());
    q.Bind(app).Bind(st_account);
    if (!q.Step()) return std::nullopt;
    return ReadUser(q, app);
  }

  std::vector<User> ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) override {
    static const std::string sql = std::string("SELECT ") + kUserColumns +
                                   " FROM users INDEXED BY users_by_mobile"
                                   " WHERE app = ? AND mobile = ? ORDER BY id LIMIT ?";
    Query q(conn_, sql.c_str());
    q.Bind(app).Bind(mobile).Bind(static_cast<int64_t>(limit));
    std::vector<User> out;
    while (q.Step()) out.push_back(ReadUser(q, app));
    return out;
  }

  std::vector<User> ListUsersAfter(AppId app, UserId after_id, size_t limit) override {
    static const std::string sql = std::string("SELECT ") + kUserColumns +
                                   " FROM users INDEXED BY users_by_app"
                                   " WHERE app = ? AND id > ? ORDER BY id LIMIT ?";
    Query q(conn_, sql.c_str());
    q.Bind(app).Bind(after_id).Bind(static_cast<int64_t>(limit));
    std::vector<User> out;
    while (q.Step()) out.push_back(ReadUser(q, app));
    return out;
  }

  std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                           size_t limit) override {
    Query q(conn_, "SELECT " FG_EDGE_COLUMNS
                   " FROM edges e WHERE e.app = ? AND e.owner = ? AND e.peer > ? AND e.alive = 1"
                   " ORDER BY e.peer LIMIT ?");
    q.Bind(app).Bind(owner).Bind(after_peer).Bind(static_cast<int64_t>(limit));
    std::vector<FriendView> out;
    while (q.Step()) {
      FriendView v;
      v.edge = ReadEdge(q);
      v.peer_account = v.edge.peer_account;
      v.bidirectional = v.edge.alive && v.edge.peer_alive;
      out.push_back(std::move(v));
    }
    return out;
  }

  std::vector<RelationEntry> ListRelationsBefore(AppId app, UserId owner, Relation kind,
                                                 int64_t before_seq, size_t limit) override {
    Query q(conn_,
            "SELECT r.id, r.peer, u.account, r.created_ms"
            " FROM relations r INDEXED BY relations_by_seq JOIN users u ON u.id = r.peer"
            " WHERE r.app = ? AND r.owner = ? AND r.kind = ? AND r.id < ?"
            " ORDER BY r.id DESC LIMIT ?");
    q.Bind(app).Bind(owner).Bind(int64_t{static_cast<int>(kind)}).Bind(before_seq);
    q.Bind(static_cast<int64_t>(limit));
    std::vector<RelationEntry> out;
    while (q.Step()) out.push_back({q.Int(0), q.Int(1), q.Text(2), q.Int(3)});
    return out;
  }

  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override {
    Query q(conn_, "SELECT " FG_EDGE_COLUMNS
                   " FROM edges e WHERE e.app = ? AND e.owner = ? AND e.peer = ?");
    q.Bind(app).Bind(owner).Bind(peer);
    if (!q.Step()) return std::nullopt;
    return ReadEdge(q);
  }

  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override {
    std::vector<FriendEdge> out;
    if (peers.empty()) return out;
    // One walk along the primary key over the range the peers span; a row is decoded only when
    // its peer was asked for.
    Query q(conn_, "SELECT " FG_EDGE_COLUMNS
                   " FROM edges e WHERE e.app = ? AND e.owner = ? AND e.peer BETWEEN ? AND ?"
                   " ORDER BY e.peer");
    q.Bind(app).Bind(owner).Bind(peers.front()).Bind(peers.back());
    auto next = peers.begin();
    while (q.Step()) {
      next = std::lower_bound(next, peers.end(), q.Int(1));
      if (next == peers.end()) break;
      if (*next == q.Int(1)) out.push_back(ReadEdge(q));
    }
    return out;
  }

  std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                      bool include_tombstones, size_t limit) override {
    std::vector<FriendView> out;
    auto collect = [&](Query& q) {
      while (q.Step()) {
        FriendView v;
        v.edge = ReadEdge(q);
        v.peer_account = v.edge.peer_account;
        v.bidirectional = v.edge.alive && v.edge.peer_alive;
        out.push_back(std::move(v));
      }
    };
    if (since_ms <= 0 && limit == SIZE_MAX) {
      // The whole list: the owner's rows in primary-key order (no index hop), sorted here. The
      // unary + keeps the planner off edges_by_change, which matches one more term and which it
      // would otherwise take, then seek the table once per row (a cold friend/get at 100k
      // users: 18.0k -> 20.2k req/s, bench/scale.sh).
      Query q(conn_, "SELECT " FG_EDGE_COLUMNS
                     " FROM edges e WHERE e.app = ? AND e.owner = ? AND +e.updated_ms > ?"
                     " AND (? OR e.alive = 1)");
      q.Bind(app).Bind(owner).Bind(since_ms).Bind(int64_t{include_tombstones});
      collect(q);
      // Sorted by moving each view once: a FriendView is large, its times are not.
      std::vector<std::pair<int64_t, uint32_t>> order(out.size());
      for (size_t i = 0; i < out.size(); ++i) {
        order[i] = {out[i].edge.updated_ms, static_cast<uint32_t>(i)};
      }
      std::sort(order.begin(), order.end());
      std::vector<FriendView> sorted;
      sorted.reserve(out.size());
      for (const auto& [updated_ms, i] : order) sorted.push_back(std::move(out[i]));
      out = std::move(sorted);
    } else {
      Query q(conn_, "SELECT " FG_EDGE_COLUMNS
                     " FROM edges e INDEXED BY edges_by_change"
                     " WHERE e.app = ? AND e.owner = ? AND e.updated_ms > ? AND (? OR e.alive = 1)"
                     " ORDER BY e.updated_ms LIMIT ?");
      q.Bind(app).Bind(owner).Bind(since_ms).Bind(int64_t{include_tombstones});
      q.Bind(limit > INT64_MAX ? int64_t{-1} : static_cast<int64_t>(limit));  // -1: no limit
      collect(q);
    }
    return out;
  }

  std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) override {
    Query q(conn_, "SELECT " FG_REQUEST_COLUMNS
                   " FROM requests WHERE app = ? AND from_user = ? AND to_user = ?");
    q.Bind(app).Bind(from).Bind(to);
    if (!q.Step()) return std::nullopt;
    return ReadRequest(q);
  }

  std::vector<FriendRequest> ListRequests(AppId app, UserId user, int64_t cursor_ms,
                                          bool newest_first, size_t limit) override {
    // Each side from its own index, `limit` at most, merged.
    static constexpr const char* kQueries[2][2] = {
        {"SELECT " FG_REQUEST_COLUMNS " FROM requests INDEXED BY requests_received"
         " WHERE app = ? AND to_user = ? AND to_clock_ms > ? ORDER BY to_clock_ms LIMIT ?",
         "SELECT " FG_REQUEST_COLUMNS " FROM requests INDEXED BY requests_sent"
         " WHERE from_app = ? AND from_user = ? AND updated_ms > ? ORDER BY updated_ms LIMIT ?"},
        {"SELECT " FG_REQUEST_COLUMNS " FROM requests INDEXED BY requests_received"
         " WHERE app = ? AND to_user = ? AND to_clock_ms < ? ORDER BY to_clock_ms DESC LIMIT ?",
         "SELECT " FG_REQUEST_COLUMNS " FROM requests INDEXED BY requests_sent"
         " WHERE from_app = ? AND from_user = ? AND updated_ms < ?"
         " ORDER BY updated_ms DESC LIMIT ?"},
    };
    std::vector<FriendRequest> out;
    for (const char* sql : kQueries[newest_first ? 1 : 0]) {
      Query q(conn_, sql);
      q.Bind(app).Bind(user).Bind(cursor_ms).Bind(static_cast<int64_t>(limit));
      while (q.Step()) out.push_back(ReadRequest(q));
    }
    SortRequestsByClock(out, user, newest_first, limit);
    return out;
  }

  std::optional<Avatar> FindAvatarByKey(std::string_view key, bool with_bytes) override {
    Query q(conn_, with_bytes ? "SELECT " FG_AVATAR_COLUMNS ", bytes FROM avatars WHERE key = ?"
                              : "SELECT " FG_AVATAR_COLUMNS " FROM avatars WHERE key = ?");
    q.Bind(key);
    if (!q.Step()) return std::nullopt;
    return ReadAvatar(q, with_bytes);
  }

  bool HasRelation(AppId app, UserId owner, UserId peer, Relation kind) override {
    Query q(conn_, "SELECT 1 FROM relations WHERE app = ? AND owner = ? AND kind = ? AND peer = ?");
    q.Bind(app).Bind(owner).Bind(int64_t{static_cast<int>(kind)}).Bind(peer);
    return q.Step();
  }

  int64_t CountRelations(AppId app, UserId owner, Relation kind) override {
    Query q(conn_, "SELECT count(*) FROM relations WHERE app = ? AND owner = ? AND kind = ?");
    q.Bind(app).Bind(owner).Bind(int64_t{static_cast<int>(kind)});
    q.Step();
    return q.Int(0);
  }

  std::vector<std::string> ListRelations(AppId app, UserId owner, Relation kind) override {
    Query q(conn_,
            "SELECT u.account FROM relations r JOIN users u ON u.id = r.peer"
            " WHERE r.app = ? AND r.owner = ? AND r.kind = ? ORDER BY r.id");
    q.Bind(app).Bind(owner).Bind(int64_t{static_cast<int>(kind)});
    std::vector<std::string> out;
    while (q.Step()) out.push_back(q.Text(0));
    return out;
  }

  std::optional<AppId> FindApp(std::string_view name) override {
    Query q(conn_, "SELECT id FROM apps WHERE name = ?");
    q.Bind(name);
    if (!q.Step()) return std::nullopt;
    return q.Int(0);
  }

  std::optional<std::string> FindSetting(std::string_view key) override {
    Query q(conn_, "SELECT value FROM settings WHERE key = ?");
    q.Bind(key);
    if (!q.Step()) return std::nullopt;
    return q.Text(0);
  }

  std::vector<User> LockUsers(const std::vector<UserKey>& keys) override {
    // The writer holds the database lock for the whole transaction (BEGIN IMMEDIATE): reading
    // the rows is all a lock needs here.
    std::vector<User> out;
    for (const auto& key : keys) {
      if (auto u = FindUser(key.app, key.account)) out.push_back(std::move(*u));
    }
    return out;
  }

  std::optional<UserId> InsertUser(AppId app, const User& u) override {
    Query q(conn_,
            "INSERT INTO users (app, account, name, icon, sign, email, birth, mobile, region,"
            " gender, ex, token, add_policy, created_ms, updated_ms, version, clock_ms,"
            " friend_count, disabled, password_hash, epoch, icon_ms, pending_requests)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (app, account) DO NOTHING");
    q.Bind(app).Bind(u.account);
    BindProfile(q, u.profile);
    q.Bind(u.token)
        .Bind(int64_t{static_cast<int>(u.add_policy)})
        .Bind(u.created_ms)
        .Bind(u.updated_ms)
        .Bind(u.version)
        .Bind(u.clock_ms)
        .Bind(u.friend_count)
        .Bind(int64_t{u.disabled})
        .Bind(u.password_hash)
        .Bind(u.epoch)
        .Bind(u.icon_ms)
        .Bind(u.pending_requests);
    q.Run();
    if (sqlite3_changes(conn_.db()) == 0) return std::nullopt;
    return sqlite3_last_insert_rowid(conn_.db());
  }

  void UpdateUserFields(AppId app, const User& u) override {
    Query q(conn_,
            "UPDATE users SET name = ?, icon = ?, sign = ?, email = ?, birth = ?, mobile = ?,"
            " region = ?, gender = ?, ex = ?, token = ?, add_policy = ?, updated_ms = ?,"
            " disabled = ?, password_hash = ?, epoch = ?, icon_ms = ?, st_account = ?,"
            " found_by_phone = ?, found_by_st_account = ? WHERE app = ? AND id = ?");
    BindProfile(q, u.profile);
    q.Bind(u.token).Bind(int64_t{static_cast<int>(u.add_policy)}).Bind(u.updated_ms);
    q.Bind(int64_t{u.disabled}).Bind(u.password_hash).Bind(u.epoch).Bind(u.icon_ms);
    // NULL, not "": the unique index holds only the numbers that are set.
    q.Bind(u.st_account.empty() ? std::nullopt : std::optional<std::string>(u.st_account));
    q.Bind(int64_t{u.found_by_phone}).Bind(int64_t{u.found_by_st_account});
    q.Bind(app).Bind(u.id);
    q.Run();
  }

  void SaveCounters(AppId app, const User& u) override {
    Query q(conn_,
            "UPDATE users SET version = ?, clock_ms = ?, friend_count = ?, pending_requests = ?"
            " WHERE app = ? AND id = ?");
    q.Bind(u.version).Bind(u.clock_ms).Bind(u.friend_count).Bind(u.pending_requests);
    q.Bind(app).Bind(u.id);
    q.Run();
  }

  void PutEdge(AppId app, const FriendEdge& e) override {
    static const std::string sql = EdgeUpsert(1);
    Query q(conn_, sql.c_str());
    BindEdge(q, app, e);
    q.Run();
  }

  void PutEdges(AppId app, std::span<const FriendEdge* const> edges) override {
    // Many rows to a statement: its fixed cost (opening cursors, halting) is paid once for all.
    static constexpr size_t kRows = 64;
    static const std::string sql = EdgeUpsert(kRows);
    size_t i = 0;
    for (; i + kRows <= edges.size(); i += kRows) {
      Query q(conn_, sql.c_str());
      for (size_t k = i; k < i + kRows; ++k) BindEdge(q, app, *edges[k]);
      q.Run();
    }
    for (; i < edges.size(); ++i) PutEdge(app, *edges[i]);
  }

  void PutRequest(AppId app, const FriendRequest& r) override {
    Query q(conn_,
            "INSERT OR REPLACE INTO requests (app, from_user, to_user, message, source, state,"
            " created_ms, updated_ms, from_version, to_version, from_app, reply, to_clock_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.Bind(app).Bind(r.from).Bind(r.to).Bind(r.message).Bind(r.source);
    q.Bind(int64_t{static_cast<int>(r.state)}).Bind(r.created_ms).Bind(r.updated_ms);
    q.Bind(r.from_version).Bind(r.to_version).Bind(r.from_app).Bind(r.reply).Bind(r.to_clock_ms);
    q.Run();
  }

  void PutAvatar(AppId app, const Avatar& a) override {
    // An upsert on the user only: OR REPLACE would also resolve a clash on the unique key by
    // deleting the other user's avatar, where the contract wants a StoreFailure.
    Query q(
        conn_,
        "INSERT INTO avatars (app, user_id, key, content_type, bytes, updated_ms)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (app, user_id) DO UPDATE SET key = excluded.key,"
        " content_type = excluded.content_type, bytes = excluded.bytes,"
        " updated_ms = excluded.updated_ms");
    q.Bind(app).Bind(a.user).Bind(a.key).Bind(a.content_type).BindBlob(a.bytes);
    q.Bind(a.updated_ms);
    q.Run();
  }

  void PutRelation(AppId app, UserId owner, AppId peer_app, UserId peer, Relation kind, bool on,
                   int64_t now_ms) override {
    if (on) {
      Query q(conn_,
              "INSERT OR IGNORE INTO relations (app, owner, kind, peer, created_ms, peer_app)"
              " VALUES (?, ?, ?, ?, ?, ?)");
      q.Bind(app).Bind(owner).Bind(int64_t{static_cast<int>(kind)}).Bind(peer).Bind(now_ms);
      q.Bind(peer_app);
      q.Run();
    } else {
      Query q(conn_, "DELETE FROM relations WHERE app = ? AND owner = ? AND kind = ? AND peer = ?");
      q.Bind(app).Bind(owner).Bind(int64_t{static_cast<int>(kind)}).Bind(peer);
      q.Run();
    }
  }

  void DeleteUserRows(AppId app, UserId id) override {
    for (const char* sql : {
             "DELETE FROM users WHERE app = ? AND id = ?",
             "DELETE FROM edges WHERE app = ? AND owner = ?",
             "DELETE FROM requests WHERE from_app = ? AND from_user = ?",
             "DELETE FROM requests WHERE app = ? AND to_user = ?",
             "DELETE FROM avatars WHERE app = ? AND user_id = ?",
             "DELETE FROM relations WHERE app = ? AND owner = ?",
         }) {
      Query q(conn_, sql);
      q.Bind(app).Bind(id).Run();
    }
    // Relations others hold towards the user, in any app (relations_by_peer).
    Query q(conn_, "DELETE FROM relations WHERE peer_app = ? AND peer = ?");
    q.Bind(app).Bind(id).Run();
  }

  void PutSetting(std::string_view key, std::string_view value) override {
    Query q(conn_, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)");
    q.Bind(key).Bind(value).Run();
  }

 private:
  // An upsert of `rows` edges, not INSERT OR REPLACE: an edge that exists is updated in place
  // rather than deleted and inserted again (in the table and in edges_by_change).
  static std::string EdgeUpsert(size_t rows) {
    std::string sql =
        "INSERT INTO edges (app, owner, peer, alive, alias, ex, serverex, description, phone,"
        " region, image_uri, source, created_ms, updated_ms, version, peer_account, peer_alive,"
        " peer_app) VALUES ";
    for (size_t i = 0; i < rows; ++i) {
      sql += i ? ", " : "";
      sql += "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }
    return sql +
           " ON CONFLICT (app, owner, peer) DO UPDATE SET alive = excluded.alive,"
           " alias = excluded.alias, ex = excluded.ex, serverex = excluded.serverex,"
           " description = excluded.description, phone = excluded.phone,"
           " region = excluded.region, image_uri = excluded.image_uri, source = excluded.source,"
           " created_ms = excluded.created_ms, updated_ms = excluded.updated_ms,"
           " version = excluded.version, peer_alive = excluded.peer_alive";
  }
  // The 18 parameters of one row of EdgeUpsert. `e` outlives the statement's step: its text is
  // bound without a copy.
  static void BindEdge(Query& q, AppId app, const FriendEdge& e) {
    q.Bind(app).Bind(e.owner).Bind(e.peer).Bind(int64_t{e.alive});
    const EdgeFields& f = e.fields;
    for (const auto* field :
         {&f.alias, &f.ex, &f.serverex, &f.description, &f.phone, &f.region, &f.image_uri}) {
      q.BindUncopied(*field);
    }
    q.BindUncopied(e.source).Bind(e.created_ms).Bind(e.updated_ms).Bind(e.version);
    q.BindUncopied(e.peer_account).Bind(int64_t{e.peer_alive}).Bind(e.peer_app);
  }

  static void BindProfile(Query& q, const Profile& p) {
    q.Bind(p.name).Bind(p.icon).Bind(p.sign).Bind(p.email).Bind(p.birth).Bind(p.mobile);
    q.Bind(p.region).Bind(p.gender).Bind(p.ex);
  }

  Connection& conn_;
};

// What a connection is for: writing the graph, reading it, or copying the WAL into the database.
enum class Role { kWriter, kReader, kCheckpointer };

Result<std::unique_ptr<Connection>> OpenConnection(const SqliteOptions& options, Role role) {
  const std::string& path = options.path;
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status(Code::kInternal, path + ": " + message);
  }
  auto conn = std::make_unique<Connection>(db, options.inject_failure);
  sqlite3_busy_timeout(db, 5000);
  try {
    conn->Exec("PRAGMA foreign_keys = OFF");
    if (role == Role::kReader) conn->Exec("PRAGMA query_only = 1");
    if (options.cache_bytes > 0) {
      int64_t bytes = options.cache_bytes;
      if (role != Role::kWriter) bytes = std::min(bytes, SqliteOptions::kSmallCacheBytes);
      // A negative cache_size is in KiB.
      std::string pragma = "PRAGMA cache_size = -" + std::to_string((bytes + 1023) / 1024);
      conn->Exec(pragma.c_str());
    }
  } catch (const StoreFailure& e) {
    return Status(Code::kInternal, path + ": " + e.what());
  }
  return conn;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteOptions options, std::unique_ptr<Connection> writer,
              std::vector<std::unique_ptr<Connection>> readers,
              std::unique_ptr<Connection> checkpointer)
      : options_(std::move(options)),
        writer_conn_(std::move(writer)),
        checkpoint_conn_(std::move(checkpointer)) {
    // The writer never checkpoints: a commit that did would copy the WAL's pages into the
    // database file and fsync it while every write waited (hundreds of ms on a large file).
    // It asks the checkpointer thread instead, which copies them beside the writer. (The hook
    // takes the place of SQLite's auto-checkpoint, which is itself a WAL hook.)
    sqlite3_wal_hook(writer_conn_->db(), &SqliteStore::AfterCommit, this);
    checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
    writer_thread_ = std::thread([this] { WriterLoop(); });
    for (auto& conn : readers) {
      reader_threads_.emplace_back([this, conn = std::move(conn)] { ReaderLoop(*conn); });
    }
  }

  ~SqliteStore() override { Close(); }

  Result<AppId> EnsureApp(std::string_view name) override {
    auto id = InsertOrSelect("INSERT OR IGNORE INTO apps (name) VALUES (?)", {std::string(name)},
                             "SELECT id FROM apps WHERE name = ?", std::string(name));
    if (!id.ok()) return id.status();
    return std::stoll(id.value());
  }

  Result<std::string> EnsureSetting(std::string_view key,
                                    std::string_view value_if_absent) override {
    return InsertOrSelect("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                          {std::string(key), std::string(value_if_absent)},
                          "SELECT value FROM settings WHERE key = ?", std::string(key));
  }

  void Read(ReadJob job, Done done) override {
    Enqueue(reads_, reads_cv_, PendingRead{std::move(job), std::move(done)});
  }

  void Write(WriteJob job, Done done) override {
    Enqueue(writes_, writes_cv_, PendingWrite{std::move(job), std::move(done)});
  }

  bool sole_writer() const override { return true; }

  void Close() override {
    {
      std::lock_guard lock(mu_);
      if (closing_) return;
      closing_ = true;
      writes_cv_.notify_all();
      reads_cv_.notify_all();
    }
    writer_thread_.join();
    for (auto& t : reader_threads_) t.join();
    {
      std::lock_guard lock(mu_);
      checkpoint_closing_ = true;
      checkpoint_cv_.notify_all();
    }
    checkpoint_thread_.join();
  }

 private:
  // In one write job, waited for: runs `insert` with `insert_args`, then returns the first column
  // of the row `select` finds for `key`, as text.
  Result<std::string> InsertOrSelect(const char* insert, std::vector<std::string> insert_args,
                                     const char* select, std::string key) {
    auto value = std::make_shared<std::string>();
    Status s = WriteAndWait(*this, [&, value](WriteTxn&) {
      {
        Query q(*writer_conn_, insert);
        for (const auto& arg : insert_args) q.Bind(arg);
        q.Run();
      }
      Query q(*writer_conn_, select);
      q.Bind(key);
      if (!q.Step()) return Status(Code::kInternal, std::string("no row for ") + select);
      *value = q.Text(0);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return *value;
  }

  // Queues `item` for its thread, or refuses it once the store is closing.
  template <typename Pending>
  void Enqueue(std::deque<Pending>& queue, std::condition_variable& cv, Pending item) {
    {
      std::lock_guard lock(mu_);
      if (!closing_) {
        queue.push_back(std::move(item));
        cv.notify_one();
        return;
      }
    }
    CompleteGuarded(item.done, Status(Code::kUnavailable, "store is closed"));
  }

  struct PendingWrite {
    WriteJob job;
    Done done;
  };
  struct PendingRead {
    ReadJob job;
    Done done;
  };

  // WAL pages after which a checkpoint is asked for: SQLite's own auto-checkpoint threshold.
  static constexpr int kCheckpointPages = 1000;

  // sqlite3_wal_hook, on the writer thread after each commit: `pages` is the WAL's length.
  static int AfterCommit(void* self, sqlite3*, const char*, int pages) {
    if (pages >= kCheckpointPages) {
      auto* store = static_cast<SqliteStore*>(self);
      std::lock_guard lock(store->mu_);
      store->checkpoint_wanted_ = true;
      store->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  // Copies the WAL's committed pages into the database file (PASSIVE: it waits for no reader
  // and no writer), so that the WAL is reused from its start instead of growing. A checkpoint
  // that could not copy everything (a reader still needs old pages) is asked for again by a later
  // commit.
  void CheckpointLoop() {
    for (;;) {
      {
        std::unique_lock lock(mu_);
        checkpoint_cv_.wait(lock, [this] { return checkpoint_wanted_ || checkpoint_closing_; });
        if (checkpoint_closing_) return;
        checkpoint_wanted_ = false;
      }
      sqlite3_wal_checkpoint_v2(checkpoint_conn_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                nullptr);
    }
  }

  void ReaderLoop(Connection& conn) {
    for (;;) {
      PendingRead read;
      {
        std::unique_lock lock(mu_);
        reads_cv_.wait(lock, [this] { return !reads_.empty() || closing_; });
        if (reads_.empty()) return;  // closing and drained
        read = std::move(reads_.front());
        reads_.pop_front();
      }
      Status status;
      try {
        conn.Run("BEGIN");
        SqliteTxn txn(conn);
        status = read.job(txn);
        conn.Run("COMMIT");
      } catch (const std::exception& e) {
        sqlite3_exec(conn.db(), "ROLLBACK", nullptr, nullptr, nullptr);
        status = Status(Code::kInternal, e.what());
      }
      CompleteGuarded(read.done, status);
    }
  }

  void WriterLoop() {
    std::vector<PendingWrite> batch;
    std::vector<std::optional<Status>> results;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        writes_cv_.wait(lock, [this] { return !writes_.empty() || closing_; });
        if (writes_.empty()) return;  // closing and drained
        while (!writes_.empty() && batch.size() < options_.max_batch) {
          batch.push_back(std::move(writes_.front()));
          writes_.pop_front();
        }
      }
      results.assign(batch.size(), std::nullopt);
      while (!RunTransaction(batch, results)) {
      }
      for (size_t i = 0; i < batch.size(); ++i) CompleteGuarded(batch[i].done, *results[i]);
      batch.clear();
    }
  }

  // Runs every job without a result yet in one transaction, each in its own savepoint, and
  // commits once. Returns true when every job has its result. Returns false after abandoning the
  // transaction because the plumbing failed under a job (that job now has kInternal): the jobs
  // that had run in it lost their work and are cleared to run again in the next transaction.
  bool RunTransaction(std::vector<PendingWrite>& batch,
                      std::vector<std::optional<Status>>& results) {
    Connection& conn = *writer_conn_;
    std::vector<size_t> ran;  // the jobs with a result from this transaction
    auto abandon = [&](size_t culprit, const std::string& why) {
      if (!sqlite3_get_autocommit(conn.db())) {
        sqlite3_exec(conn.db(), "ROLLBACK", nullptr, nullptr, nullptr);
      }
      for (size_t k : ran) results[k].reset();
      results[culprit] = Status(Code::kInternal, why);
      return false;
    };
    try {
      conn.Run("BEGIN IMMEDIATE");
    } catch (const StoreFailure& e) {
      for (auto& r : results) {
        if (!r) r = Status(Code::kInternal, e.what());
      }
      return true;
    }
    SqliteTxn txn(conn);
    // A savepoint keeps a failed job's writes from the others of its transaction: a job alone in
    // it needs none, the transaction is its savepoint (most transactions when the load is light).
    const bool alone = std::count_if(results.begin(), results.end(),
                                     [](const auto& r) { return !r.has_value(); }) == 1;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (results[i]) continue;
      Status status;
      try {
        if (!alone) conn.Run("SAVEPOINT job");
      } catch (const StoreFailure& e) {
        return abandon(i, e.what());
      }
      try {
        status = batch[i].job(txn);
      } catch (const std::exception& e) {
        status = Status(Code::kInternal, e.what());
      }
      // A failed job's writes must go before anything else is committed. If undoing them fails,
      // or SQLite has already rolled the whole transaction back (disk full, I/O error), nothing
      // in this transaction can be trusted: abandon it and run the others again.
      if (sqlite3_get_autocommit(conn.db())) {
        return abandon(i, "the database rolled the transaction back");
      }
      if (alone && !status.ok()) {
        // Nothing else to keep: the whole transaction goes (ROLLBACK ends it even if it fails).
        sqlite3_exec(conn.db(), "ROLLBACK", nullptr, nullptr, nullptr);
        results[i] = std::move(status);
        return true;
      }
      if (alone) {
        results[i] = std::move(status);
        ran.push_back(i);
        continue;
      }
      try {
        if (!status.ok()) conn.Run("ROLLBACK TO job");
        conn.Run("RELEASE job");
      } catch (const StoreFailure& e) {
        return abandon(i, e.what());
      }
      results[i] = std::move(status);
      ran.push_back(i);
    }
    try {
      conn.Run("COMMIT");
    } catch (const StoreFailure& e) {
      sqlite3_exec(conn.db(), "ROLLBACK", nullptr, nullptr, nullptr);
      for (size_t k : ran) results[k] = Status(Code::kInternal, e.what());
    }
    return true;
  }

  const SqliteOptions options_;
  std::unique_ptr<Connection> writer_conn_;
  std::unique_ptr<Connection> checkpoint_conn_;

  std::mutex mu_;
  std::condition_variable writes_cv_;
  std::condition_variable reads_cv_;
  std::deque<PendingWrite> writes_;
  std::deque<PendingRead> reads_;
  bool closing_ = false;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_closing_ = false;  // after the writer has stopped
  std::thread writer_thread_;
  std::vector<std::thread> reader_threads_;
  std::thread checkpoint_thread_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.cache_bytes > 0) sqlite3_soft_heap_limit64(options.cache_bytes);
  auto writer = OpenConnection(options, Role::kWriter);
  if (!writer.ok()) return writer.status();
  try {
    writer.value()->Exec("PRAGMA journal_mode = WAL");
    writer.value()->Exec(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                                  : "PRAGMA synchronous = NORMAL");
  } catch (const StoreFailure& e) {
    return Status(Code::kInternal, options.path + ": " + e.what());
  }
  if (Status s = sqlite::Migrate(writer.value()->db(), options.inject_failure); !s.ok()) {
    return Status(Code::kInternal, options.path + ": " + s.message());
  }
  // Every reader is opened now, so that reads never need a new file descriptor later (a server
  // out of descriptors keeps answering on the connections it has).
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    auto reader = OpenConnection(options, Role::kReader);
    if (!reader.ok()) return reader.status();
    try {
      reader.value()->Exec("SELECT count(*) FROM apps");  // opens the WAL file now
    } catch (const StoreFailure& e) {
      return Status(Code::kInternal, options.path + ": " + e.what());
    }
    readers.push_back(std::move(reader.value()));
  }
  auto checkpointer = OpenConnection(options, Role::kCheckpointer);
  if (!checkpointer.ok()) return checkpointer.status();
  try {
    // A checkpoint syncs the database file as the writer's commits sync the WAL.
    checkpointer.value()->Exec(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                                        : "PRAGMA synchronous = NORMAL");
  } catch (const StoreFailure& e) {
    return Status(Code::kInternal, options.path + ": " + e.what());
  }
  return std::unique_ptr<Store>(new SqliteStore(
      options, std::move(writer.value()), std::move(readers), std::move(checkpointer.value())));
}

int64_t SqliteMemoryUsed() { return sqlite3_memory_used(); }

}  // namespace fg
