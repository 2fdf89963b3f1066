// BufferedEdgeTxn: a write transaction that keeps the edges a job reads and writes in memory and
// writes each one to the transaction it wraps once, in key order, when asked (Flush): for a job
// that changes thousands of edges, many of them twice (a bulk import makes an edge alive, then
// its peer's edge back tells it the friendship goes both ways).
//
// What the job sees is what the wrapped transaction alone would show it: an edge lookup answers
// from the edges kept, a read that lists edges (ListFriends, ListFriendsAfter) and DeleteUserRows
// flush first, and every other call passes straight through. Not thread-safe: one per job run.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace fg {

class BufferedEdgeTxn final : public WriteTxn {
 public:
  explicit BufferedEdgeTxn(WriteTxn& inner) : inner_(inner) {}

  // Reads owner's edges to `peers` (any order, repeats allowed) that are not kept yet with one
  // FindEdges call, and keeps them and which of them do not exist: a FindEdge for any of them
  // then reads nothing.
  void Prefetch(AppId app, UserId owner, std::vector<UserId> peers);
  // Writes every edge put since the last Flush to the wrapped transaction, once each, in key
  // order, and forgets every edge kept (later lookups read the wrapped transaction again). A job
  // calls it before it returns success; a job that fails need not (its transaction rolls back).
  void Flush();

  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override;
  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override;
  void PutEdge(AppId app, const FriendEdge& edge) override;
  void PutEdges(AppId app, std::span<const FriendEdge> edges) override;
  std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                      bool include_tombstones, size_t limit) override;
  std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                           size_t limit) override;
  void DeleteUserRows(AppId app, UserId id) override;

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
  std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) override {
    return inner_.FindRequest(app, from, to);
  }
  std::vector<FriendRequest> ListRequests(AppId app, UserId user, int64_t cursor_ms,
                                          bool newest_first, size_t limit) override {
    return inner_.ListRequests(app, user, cursor_ms, newest_first, limit);
  }
  std::optional<Avatar> FindAvatarByKey(std::string_view key, bool with_bytes) override {
    return inner_.FindAvatarByKey(key, with_bytes);
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
  std::vector<RelationEntry> ListRelationsBefore(AppId app, UserId owner, Relation kind,
                                                 int64_t before_seq, size_t limit) override {
    return inner_.ListRelationsBefore(app, owner, kind, before_seq, limit);
  }
  std::optional<AppId> FindApp(std::string_view name) override { return inner_.FindApp(name); }
  std::optional<std::string> FindSetting(std::string_view key) override {
    return inner_.FindSetting(key);
  }
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
  void PutRequest(AppId app, const FriendRequest& request) override {
    inner_.PutRequest(app, request);
  }
  void PutAvatar(AppId app, const Avatar& avatar) override { inner_.PutAvatar(app, avatar); }
  void PutRelation(AppId app, UserId owner, AppId peer_app, UserId peer, Relation kind, bool on,
                   int64_t now_ms) override {
    inner_.PutRelation(app, owner, peer_app, peer, kind, on, now_ms);
  }
  void PutSetting(std::string_view key, std::string_view value) override {
    inner_.PutSetting(key, value);
  }

 private:
  struct Key {
    AppId app;
    UserId owner;
    UserId peer;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Kept {
    FriendEdge* edge = nullptr;  // in edges_; nullptr: there is no such edge
    bool dirty = false;          // put since the last Flush
  };
  // Stores `edge` in edges_.
  FriendEdge* Hold(FriendEdge edge) { return &edges_.emplace_back(std::move(edge)); }

  WriteTxn& inner_;
  // Small entries, the edges themselves apart: most keys a bulk job reads have no edge.
  std::unordered_map<Key, Kept, KeyHash> kept_;
  std::deque<FriendEdge> edges_;  // grows until Flush
};

}  // namespace fg
