#include "store/testing/faulty_store.h"

namespace fg::testing {
namespace {

// Passes every call through, throwing at the armed write (0: none).
class FaultyTxn final : public WriteTxn {
 public:
  FaultyTxn(WriteTxn& inner, int fail_at) : inner_(inner), fail_at_(fail_at) {}
  int writes() const { return writes_; }

  std::optional<User> FindUser(AppId app, std::string_view account) override {
    return inner_.FindUser(app, account);
  }
  std::optional<UserId> FindUserId(AppId app, std::string_view account) override {
    return inner_.FindUserId(app, account);
  }
  std::optional<User> FindUserById(AppId app, UserId id) override {
    return inner_.FindUserById(app, id);
  }
  std::optional<User> FindUserByStAccount(AppId app, std::string_view st_account) override {
    return inner_.FindUserByStAccount(app, st_account);
  }
  std::vector<User> ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) override {
    return inner_.ListUsersByMobile(app, mobile, limit);
  }
  std::vector<User> ListUsersAfter(AppId app, UserId after_id, size_t limit) override {
    return inner_.ListUsersAfter(app, after_id, limit);
  }
  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override {
    return inner_.FindEdge(app, owner, peer);
  }
  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override {
    return inner_.FindEdges(app, owner, peers);
  }
  std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                           size_t limit) override {
    return inner_.ListFriendsAfter(app, owner, after_peer, limit);
  }
  std::vector<RelationEntry> ListRelationsBefore(AppId app, UserId owner, Relation kind,
                                                 int64_t before_seq, size_t limit) override {
    return inner_.ListRelationsBefore(app, owner, kind, before_seq, limit);
  }
  std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                      bool include_tombstones, size_t limit) override {
    return inner_.ListFriends(app, owner, since_ms, include_tombstones, limit);
  }
  std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) override {
    return inner_.FindRequest(app, from, to);
  }
  bool HasRelation(AppId app, UserId owner, UserId peer, Relation kind) override {
    return inner_.HasRelation(app, owner, peer, kind);
  }
  int64_t CountRelations(AppId app, UserId owner, Relation kind) override {
    return inner_.CountRelations(app, owner, kind);
  }
  std::vector<std::string> ListRelations(AppId app, UserId owner, Relation kind) override {
    return inner_.ListRelations(app, owner, kind);
  }
  std::vector<FriendRequest> ListRequests(AppId app, UserId user, int64_t cursor_ms,
                                          bool newest_first, size_t limit) override {
    return inner_.ListRequests(app, user, cursor_ms, newest_first, limit);
  }
  std::optional<Avatar> FindAvatarByKey(std::string_view key, bool with_bytes) override {
    return inner_.FindAvatarByKey(key, with_bytes);
  }
  std::optional<AppId> FindApp(std::string_view name) override { return inner_.FindApp(name); }
  std::optional<std::string> FindSetting(std::string_view key) override {
    return inner_.FindSetting(key);
  }
  std::vector<User> LockUsers(const std::vector<UserKey>& keys) override {
    return inner_.LockUsers(keys);
  }

  std::optional<UserId> InsertUser(AppId app, const User& user) override {
    BeforeWrite();
    return inner_.InsertUser(app, user);
  }
  void UpdateUserFields(AppId app, const User& user) override {
    BeforeWrite();
    inner_.UpdateUserFields(app, user);
  }
  void SaveCounters(AppId app, const User& user) override {
    BeforeWrite();
    inner_.SaveCounters(app, user);
  }
  void PutEdge(AppId app, const FriendEdge& edge) override {
    BeforeWrite();
    inner_.PutEdge(app, edge);
  }
  void PutEdges(AppId app, std::span<const FriendEdge> edges) override {
    BeforeWrite();
    inner_.PutEdges(app, edges);
  }
  void PutRequest(AppId app, const FriendRequest& request) override {
    BeforeWrite();
    inner_.PutRequest(app, request);
  }
  void PutAvatar(AppId app, const Avatar& avatar) override {
    BeforeWrite();
    inner_.PutAvatar(app, avatar);
  }
  void PutRelation(AppId app, UserId owner, AppId peer_app, UserId peer, Relation kind, bool on,
                   int64_t now_ms) override {
    BeforeWrite();
    inner_.PutRelation(app, owner, peer_app, peer, kind, on, now_ms);
  }
  void DeleteUserRows(AppId app, UserId id) override {
    BeforeWrite();
    inner_.DeleteUserRows(app, id);
  }
  void PutSetting(std::string_view key, std::string_view value) override {
    BeforeWrite();
    inner_.PutSetting(key, value);
  }

 private:
  void BeforeWrite() {
    if (++writes_ == fail_at_) throw StoreFailure("injected write failure");
  }

  WriteTxn& inner_;
  const int fail_at_;
  int writes_ = 0;
};

}  // namespace

void FaultyStore::Read(ReadJob job, Done done) {
  if (fail_read_.exchange(false)) {
    return CompleteGuarded(done, Status(Code::kInternal, "injected read failure"));
  }
  inner_.Read(std::move(job), std::move(done));
}

void FaultyStore::Write(WriteJob job, Done done) {
  int fail_at = fail_at_write_.exchange(0);
  bool fail_commit = fail_commit_.exchange(false);
  inner_.Write(
      [this, job = std::move(job), fail_at, fail_commit](WriteTxn& txn) -> Status {
        FaultyTxn faulty(txn, fail_at);
        Status status;
        try {
          status = job(faulty);
        } catch (...) {
          set_last_job_writes(faulty.writes());
          throw;
        }
        set_last_job_writes(faulty.writes());
        if (status.ok() && fail_commit) return Status(Code::kInternal, "injected commit failure");
        return status;
      },
      std::move(done));
}

}  // namespace fg::testing
