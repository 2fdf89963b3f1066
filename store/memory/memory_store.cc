#include "store/memory/memory_store.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "base/encoding.h"

namespace fg {
namespace {

struct RelationRow {
  int64_t seq = 0;  // insertion order, for listing
  int64_t created_ms = 0;
  AppId peer_app = 0;
};

struct Data {
  std::map<std::string, AppId> apps;
  std::map<std::string, std::string> settings;
  std::map<std::pair<AppId, std::string>, User> users;
  std::map<std::tuple<AppId, UserId, UserId>, FriendEdge> edges;
  std::map<std::tuple<AppId, UserId, UserId>, FriendRequest> requests;
  std::map<std::tuple<AppId, UserId, int, UserId>, RelationRow> relations;
  std::map<std::pair<AppId, UserId>, Avatar> avatars;
  int64_t next_id = 1;
};

class MemoryTxn final : public WriteTxn {
 public:
  explicit MemoryTxn(Data& data) : d_(data) {}

  // Undoes every write of this transaction.
  void Rollback() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
    undo_.clear();
  }

  std::optional<UserId> FindUserId(AppId app, std::string_view account) override {
    auto it = d_.users.find({app, std::string(account)});
    if (it == d_.users.end()) return std::nullopt;
    return it->second.id;
  }

  std::optional<User> FindUser(AppId app, std::string_view account) override {
    auto it = d_.users.find({app, std::string(account)});
    if (it == d_.users.end()) return std::nullopt;
    User u = it->second;
    u.app = app;
    return u;
  }

  std::optional<User> FindUserById(AppId app, UserId id) override {
    for (const auto& [key, user] : d_.users) {
      if (key.first == app && user.id == id) {
        User u = user;
        u.app = app;
        return u;
      }
    }
    return std::nullopt;
  }

  std::optional<User> FindUserByStAccount(AppId app, std::string_view st_account) override {
    std::string wanted = AsciiLowerCase(st_account);
    for (const auto& [key, user] : d_.users) {
      if (key.first == app && !user.st_account.empty() &&
          AsciiLowerCase(user.st_account) == wanted) {
        User u = user;
        u.app = app;
        return u;
      }
    }
    return std::nullopt;
  }

  std::vector<User> ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) override {
    std::vector<User> out;
    for (const auto& [key, user] : d_.users) {
      if (key.first == app && user.profile.mobile == mobile) {
        out.push_back(user);
        out.back().app = app;
      }
    }
    std::sort(out.begin(), out.end(), [](const User& a, const User& b) { return a.id < b.id; });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  std::vector<User> ListUsersAfter(AppId app, UserId after_id, size_t limit) override {
    std::vector<User> out;
    for (const auto& [key, user] : d_.users) {
      if (key.first == app && user.id > after_id) {
        out.push_back(user);
        out.back().app = app;
      }
    }
    std::sort(out.begin(), out.end(), [](const User& a, const User& b) { return a.id < b.id; });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                           size_t limit) override {
    std::vector<FriendView> out;
    for (auto it = d_.edges.upper_bound({app, owner, after_peer});
         it != d_.edges.end() && std::get<0>(it->first) == app && std::get<1>(it->first) == owner &&
         out.size() < limit;
         ++it) {
      const FriendEdge& e = it->second;
      if (e.alive) out.push_back({e, e.peer_account, e.peer_alive});
    }
    return out;
  }

  std::vector<RelationEntry> ListRelationsBefore(AppId app, UserId owner, Relation kind,
                                                 int64_t before_seq, size_t limit) override {
    std::vector<RelationEntry> out;
    int k = static_cast<int>(kind);
    for (auto it = d_.relations.lower_bound({app, owner, k, 0});
         it != d_.relations.end() && std::get<0>(it->first) == app &&
         std::get<1>(it->first) == owner && std::get<2>(it->first) == k;
         ++it) {
      if (it->second.seq >= before_seq) continue;
      UserId peer = std::get<3>(it->first);
      out.push_back({it->second.seq, peer, AccountOf(peer), it->second.created_ms});
    }
    std::sort(out.begin(), out.end(),
              [](const RelationEntry& a, const RelationEntry& b) { return a.seq > b.seq; });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override {
    auto it = d_.edges.find({app, owner, peer});
    if (it == d_.edges.end()) return std::nullopt;
    return it->second;
  }

  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override {
    std::vector<FriendEdge> out;
    for (UserId peer : peers) {
      if (auto edge = FindEdge(app, owner, peer)) out.push_back(std::move(*edge));
    }
    return out;
  }

  std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                      bool include_tombstones, size_t limit) override {
    std::vector<FriendView> out;
    for (auto it = d_.edges.lower_bound({app, owner, 0});
         it != d_.edges.end() && std::get<0>(it->first) == app && std::get<1>(it->first) == owner;
         ++it) {
      const FriendEdge& e = it->second;
      if (e.updated_ms <= since_ms || (!e.alive && !include_tombstones)) continue;
      out.push_back({e, e.peer_account, e.alive && e.peer_alive});
    }
    std::sort(out.begin(), out.end(), [](const FriendView& a, const FriendView& b) {
      return a.edge.updated_ms < b.edge.updated_ms;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) override {
    auto it = d_.requests.find({app, from, to});
    if (it == d_.requests.end()) return std::nullopt;
    return it->second;
  }

  std::vector<FriendRequest> ListRequests(AppId app, UserId user, int64_t cursor_ms,
                                          bool newest_first, size_t limit) override {
    std::vector<FriendRequest> out;
    for (const auto& [key, r] : d_.requests) {
      bool mine =
          (std::get<0>(key) == app && r.to == user) || (r.from_app == app && r.from == user);
      int64_t clock = ClockOf(r, user);
      if (mine && (newest_first ? clock < cursor_ms : clock > cursor_ms)) out.push_back(r);
    }
    SortRequestsByClock(out, user, newest_first, limit);
    return out;
  }

  std::optional<Avatar> FindAvatarByKey(std::string_view key, bool with_bytes) override {
    for (const auto& [k, avatar] : d_.avatars) {
      if (avatar.key != key) continue;
      Avatar found = avatar;
      if (!with_bytes) found.bytes.clear();
      return found;
    }
    return std::nullopt;
  }

  std::optional<AppId> FindApp(std::string_view name) override {
    auto it = d_.apps.find(std::string(name));
    if (it == d_.apps.end()) return std::nullopt;
    return it->second;
  }

  std::optional<std::string> FindSetting(std::string_view key) override {
    auto it = d_.settings.find(std::string(key));
    if (it == d_.settings.end()) return std::nullopt;
    return it->second;
  }

  bool HasRelation(AppId app, UserId owner, UserId peer, Relation kind) override {
    return d_.relations.count({app, owner, static_cast<int>(kind), peer}) > 0;
  }

  int64_t CountRelations(AppId app, UserId owner, Relation kind) override {
    return static_cast<int64_t>(RelationsOf(app, owner, kind).size());
  }

  std::vector<std::string> ListRelations(AppId app, UserId owner, Relation kind) override {
    auto rows = RelationsOf(app, owner, kind);
    std::sort(rows.begin(), rows.end());
    std::vector<std::string> out;
    for (auto [seq, peer] : rows) out.push_back(AccountOf(peer));
    return out;
  }

  std::vector<User> LockUsers(const std::vector<UserKey>& keys) override {
    std::vector<User> out;  // the store's exclusive lock already covers every user
    for (const auto& key : keys) {
      if (auto u = FindUser(key.app, key.account)) out.push_back(std::move(*u));
    }
    return out;
  }

  std::optional<UserId> InsertUser(AppId app, const User& user) override {
    std::pair<AppId, std::string> key{app, user.account};
    if (d_.users.count(key)) return std::nullopt;
    Remember(d_.users, key);
    int64_t next = d_.next_id;
    undo_.push_back([this, next] { d_.next_id = next; });
    User u = user;
    u.id = d_.next_id++;
    d_.users.emplace(key, u);
    return u.id;
  }

  void UpdateUserFields(AppId app, const User& user) override {
    User* row = Row(app, user);
    row->profile = user.profile;
    row->token = user.token;
    row->add_policy = user.add_policy;
    row->updated_ms = user.updated_ms;
    row->disabled = user.disabled;
    row->password_hash = user.password_hash;
    row->epoch = user.epoch;
    row->icon_ms = user.icon_ms;
    row->st_account = user.st_account;
    row->found_by_phone = user.found_by_phone;
    row->found_by_st_account = user.found_by_st_account;
  }

  void SaveCounters(AppId app, const User& user) override {
    User* row = Row(app, user);
    row->version = user.version;
    row->clock_ms = user.clock_ms;
    row->friend_count = user.friend_count;
    row->pending_requests = user.pending_requests;
  }

  void PutEdges(AppId app, std::span<const FriendEdge* const> edges) override {
    for (const FriendEdge* edge : edges) PutEdge(app, *edge);
  }

  void PutEdge(AppId app, const FriendEdge& edge) override {
    std::tuple<AppId, UserId, UserId> key{app, edge.owner, edge.peer};
    Remember(d_.edges, key);
    d_.edges[key] = edge;
  }

  void PutRequest(AppId app, const FriendRequest& request) override {
    std::tuple<AppId, UserId, UserId> key{app, request.from, request.to};
    Remember(d_.requests, key);
    d_.requests[key] = request;
    d_.requests[key].to_app = app;
  }

  void PutAvatar(AppId app, const Avatar& avatar) override {
    for (const auto& [k, other] : d_.avatars) {
      if (other.key == avatar.key && k != std::pair{app, avatar.user}) {
        throw StoreFailure("avatar key " + avatar.key + " is in use");
      }
    }
    std::pair<AppId, UserId> key{app, avatar.user};
    Remember(d_.avatars, key);
    d_.avatars[key] = avatar;
  }

  void PutSetting(std::string_view key, std::string_view value) override {
    std::string k(key);
    Remember(d_.settings, k);
    d_.settings[k] = std::string(value);
  }

  void PutRelation(AppId app, UserId owner, AppId peer_app, UserId peer, Relation kind, bool on,
                   int64_t now_ms) override {
    std::tuple<AppId, UserId, int, UserId> key{app, owner, static_cast<int>(kind), peer};
    bool present = d_.relations.count(key) > 0;
    if (on == present) return;
    Remember(d_.relations, key);
    if (on) {
      int64_t next = d_.next_id;
      undo_.push_back([this, next] { d_.next_id = next; });
      d_.relations[key] = {d_.next_id++, now_ms, peer_app};
    } else {
      d_.relations.erase(key);
    }
  }

  void DeleteUserRows(AppId app, UserId id) override {
    auto user = FindUserById(app, id);
    if (!user) return;
    EraseIf(d_.users, [&](const auto& key, const User&) {
      return key.first == app && key.second == user->account;
    });
    EraseIf(d_.edges, [&](const auto& key, const FriendEdge&) {
      return std::get<0>(key) == app && std::get<1>(key) == id;
    });
    EraseIf(d_.requests, [&](const auto& key, const FriendRequest& r) {
      return (std::get<0>(key) == app && r.to == id) || (r.from_app == app && r.from == id);
    });
    EraseIf(d_.avatars, [&](const auto& key, const Avatar&) { return key == std::pair{app, id}; });
    EraseIf(d_.relations, [&](const auto& key, const RelationRow& row) {
      return (std::get<0>(key) == app && std::get<1>(key) == id) ||
             (row.peer_app == app && std::get<3>(key) == id);
    });
  }

 private:
  // Erases the entries `pred` picks, remembering each for rollback.
  template <typename Map, typename Pred>
  void EraseIf(Map& map, Pred pred) {
    for (auto it = map.begin(); it != map.end();) {
      if (pred(it->first, it->second)) {
        Remember(map, it->first);
        it = map.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::string AccountOf(UserId id) {
    for (const auto& [key, user] : d_.users) {
      if (user.id == id) return user.account;
    }
    return {};
  }

  // Records how to restore map[key] to what it is now.
  template <typename Map>
  void Remember(Map& map, const typename Map::key_type& key) {
    auto it = map.find(key);
    if (it == map.end()) {
      undo_.push_back([&map, key] { map.erase(key); });
    } else {
      undo_.push_back([&map, key, value = it->second] { map[key] = value; });
    }
  }

  User* Row(AppId app, const User& user) {
    std::pair<AppId, std::string> key{app, user.account};
    auto it = d_.users.find(key);
    if (it == d_.users.end() || it->second.id != user.id) {
      throw StoreFailure("no user " + std::to_string(user.id) + " in app " + std::to_string(app));
    }
    Remember(d_.users, key);
    return &d_.users.find(key)->second;
  }

  std::vector<std::pair<int64_t, UserId>> RelationsOf(AppId app, UserId owner, Relation kind) {
    std::vector<std::pair<int64_t, UserId>> out;
    int k = static_cast<int>(kind);
    for (auto it = d_.relations.lower_bound({app, owner, k, 0});
         it != d_.relations.end() && std::get<0>(it->first) == app &&
         std::get<1>(it->first) == owner && std::get<2>(it->first) == k;
         ++it) {
      out.emplace_back(it->second.seq, std::get<3>(it->first));
    }
    return out;
  }

  Data& d_;
  std::vector<std::function<void()>> undo_;
};

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(const MemoryStoreOptions& options)
      : options_(options), worker_([this] { Loop(); }) {}
  ~MemoryStore() override { Close(); }

  Result<std::string> EnsureSetting(std::string_view key,
                                    std::string_view value_if_absent) override {
    auto value = std::make_shared<std::string>();
    Status s = WriteAndWait(*this, [this, key = std::string(key),
                                    fresh = std::string(value_if_absent), value](WriteTxn&) {
      *value = data_.settings.try_emplace(key, fresh).first->second;
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return *value;
  }

  Result<AppId> EnsureApp(std::string_view name) override {
    auto id = std::make_shared<AppId>(0);
    Status s = WriteAndWait(*this, [this, name = std::string(name), id](WriteTxn&) {
      auto [it, inserted] = data_.apps.try_emplace(name, 0);
      if (inserted) it->second = data_.next_id++;
      *id = it->second;
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return *id;
  }

  void Read(ReadJob job, Done done) override {
    Queue([job = std::move(job)](MemoryTxn& txn) { return job(txn); }, std::move(done), false);
  }

  void Write(WriteJob job, Done done) override { Queue(std::move(job), std::move(done), true); }

  bool sole_writer() const override { return options_.sole_writer; }

  void Close() override {
    {
      std::lock_guard lock(mu_);
      if (closing_) return;
      closing_ = true;
    }
    cv_.notify_one();
    worker_.join();
  }

 private:
  struct Pending {
    std::function<Status(MemoryTxn&)> job;
    Done done;
    bool write;
  };

  void Queue(std::function<Status(MemoryTxn&)> job, Done done, bool write) {
    {
      std::lock_guard lock(mu_);
      if (!closing_) {
        queue_.push_back({std::move(job), std::move(done), write});
        cv_.notify_one();
        return;
      }
    }
    CompleteGuarded(done, Status(Code::kUnavailable, "store is closed"));
  }

  // One thread runs every job in turn: serializable by construction.
  void Loop() {
    for (;;) {
      Pending p;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing and drained
        p = std::move(queue_.front());
        queue_.pop_front();
      }
      MemoryTxn txn(data_);
      if (p.write && options_.run_jobs_twice) {
        static_cast<void>(Run([&] { return p.job(txn); }));  // the second run's outcome counts
        txn.Rollback();
      }
      Status status = Run([&] { return p.job(txn); });
      if (!status.ok()) txn.Rollback();
      CompleteGuarded(p.done, status);
    }
  }

  // A job's status; a StoreFailure (or any exception) it throws is kInternal.
  template <typename F>
  static Status Run(F&& f) {
    try {
      return f();
    } catch (const std::exception& e) {
      return Status(Code::kInternal, e.what());
    }
  }

  const MemoryStoreOptions options_;
  Data data_;  // only the worker touches it
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  std::thread worker_;  // last: starts once the rest is built
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore(const MemoryStoreOptions& options) {
  return std::make_unique<MemoryStore>(options);
}

}  // namespace fg
