// Transactions that wrap another and pass its calls through, for wrappers that change a few:
// ForwardingReads passes every read to a ReadTxn and leaves the writes to the wrapper
// (core/dry_run_txn.h); ForwardingTxn passes reads and writes to a WriteTxn
// (store/buffered_edge_txn.h, store/testing/faulty_store.cc). Not thread-safe, like what they
// wrap.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace fg {

class ForwardingReads : public WriteTxn {
 public:
  explicit ForwardingReads(ReadTxn& reads) : reads_(reads) {}

  std::optional<User> FindUser(AppId app, std::string_view account) override {
    return reads_.FindUser(app, account);
  }
  std::optional<UserId> FindUserId(AppId app, std::string_view account) override {
    return reads_.FindUserId(app, account);
  }
  std::optional<User> FindUserById(AppId app, UserId id) override {
    return reads_.FindUserById(app, id);
  }
  std::optional<User> FindUserByStAccount(AppId app, std::string_view st_account) override {
    return reads_.FindUserByStAccount(app, st_account);
  }
  std::vector<User> ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) override {
    return reads_.ListUsersByMobile(app, mobile, limit);
  }
  std::vector<User> ListUsersAfter(AppId app, UserId after_id, size_t limit) override {
    return reads_.ListUsersAfter(app, after_id, limit);
  }
  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override {
    return reads_.FindEdge(app, owner, peer);
  }
  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override {
    return reads_.FindEdges(app, owner, peers);
  }
  std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                      bool include_tombstones, size_t limit) override {
    return reads_.ListFriends(app, owner, since_ms, include_tombstones, limit);
  }
  std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                           size_t limit) override {
    return reads_.ListFriendsAfter(app, owner, after_peer, limit);
  }
  std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) override {
    return reads_.FindRequest(app, from, to);
  }
  std::vector<FriendRequest> ListRequests(AppId app, UserId user, int64_t cursor_ms,
                                          bool newest_first, size_t limit) override {
    return reads_.ListRequests(app, user, cursor_ms, newest_first, limit);
  }
  std::optional<Avatar> FindAvatarByKey(std::string_view key, bool with_bytes) override {
    return reads_.FindAvatarByKey(key, with_bytes);
  }
  bool HasRelation(AppId app, UserId owner, UserId peer, Relation kind) override {
    return reads_.HasRelation(app, owner, peer, kind);
  }
  int64_t CountRelations(AppId app, UserId owner, Relation kind) override {
    return reads_.CountRelations(app, owner, kind);
  }
  std::vector<std::string> ListRelations(AppId app, UserId owner, Relation kind) override {
    return reads_.ListRelations(app, owner, kind);
  }
  std::vector<RelationEntry> ListRelationsBefore(AppId app, UserId owner, Relation kind,
                                                 int64_t before_seq, size_t limit) override {
    return reads_.ListRelationsBefore(app, owner, kind, before_seq, limit);
  }
  std::optional<AppId> FindApp(std::string_view name) override { return reads_.FindApp(name); }
  std::optional<std::string> FindSetting(std::string_view key) override {
    return reads_.FindSetting(key);
  }

 private:
  ReadTxn& reads_;
};

class ForwardingTxn : public ForwardingReads {
 public:
  explicit ForwardingTxn(WriteTxn& inner) : ForwardingReads(inner), inner_(inner) {}

  std::vector<User> LockUsers(const std::vector<UserKey>& keys) override {
    return inner_.LockUsers(keys);
  }
  std::optional<UserId> InsertUser(AppId app, const User& user) override {
    return inner_.InsertUser(app, user);
  }
  void UpdateUserFields(AppId app, const User& user) override {
    inner_.UpdateUserFields(app, user);
  }
  void SaveCounters(AppId app, const User& user) override { inner_.SaveCounters(app, user); }
  void PutEdge(AppId app, const FriendEdge& edge) override { inner_.PutEdge(app, edge); }
  void PutEdges(AppId app, std::span<const FriendEdge* const> edges) override {
    inner_.PutEdges(app, edges);
  }
  void PutRequest(AppId app, const FriendRequest& request) override {
    inner_.PutRequest(app, request);
  }
  void PutAvatar(AppId app, const Avatar& avatar) override { inner_.PutAvatar(app, avatar); }
  void PutRelation(AppId app, UserId owner, AppId peer_app, UserId peer, Relation kind, bool on,
                   int64_t now_ms) override {
    inner_.PutRelation(app, owner, peer_app, peer, kind, on, now_ms);
  }
  void DeleteUserRows(AppId app, UserId id) override { inner_.DeleteUserRows(app, id); }
  void PutSetting(std::string_view key, std::string_view value) override {
    inner_.PutSetting(key, value);
  }

 protected:
  WriteTxn& inner_;
};

}  // namespace fg
