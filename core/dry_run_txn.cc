#include "core/dry_run_txn.h"

namespace fg {

std::optional<User> DryRunTxn::FindUser(AppId app, std::string_view account) {
  return reads_.FindUser(app, account);
}
std::optional<UserId> DryRunTxn::FindUserId(AppId app, std::string_view account) {
  return reads_.FindUserId(app, account);
}
std::optional<User> DryRunTxn::FindUserById(AppId app, UserId id) {
  return reads_.FindUserById(app, id);
}
std::optional<User> DryRunTxn::FindUserByStAccount(AppId app, std::string_view st_account) {
  return reads_.FindUserByStAccount(app, st_account);
}
std::vector<User> DryRunTxn::ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) {
  return reads_.ListUsersByMobile(app, mobile, limit);
}
std::vector<User> DryRunTxn::ListUsersAfter(AppId app, UserId after_id, size_t limit) {
  return reads_.ListUsersAfter(app, after_id, limit);
}
std::optional<FriendEdge> DryRunTxn::FindEdge(AppId app, UserId owner, UserId peer) {
  return reads_.FindEdge(app, owner, peer);
}
std::vector<FriendEdge> DryRunTxn::FindEdges(AppId app, UserId owner,
                                             const std::vector<UserId>& peers) {
  return reads_.FindEdges(app, owner, peers);
}
std::vector<FriendView> DryRunTxn::ListFriends(AppId app, UserId owner, int64_t since_ms,
                                               bool include_tombstones, size_t limit) {
  return reads_.ListFriends(app, owner, since_ms, include_tombstones, limit);
}
std::vector<FriendView> DryRunTxn::ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                                    size_t limit) {
  return reads_.ListFriendsAfter(app, owner, after_peer, limit);
}
std::optional<FriendRequest> DryRunTxn::FindRequest(AppId app, UserId from, UserId to) {
  return reads_.FindRequest(app, from, to);
}
std::vector<FriendRequest> DryRunTxn::ListRequests(AppId app, UserId user, int64_t cursor_ms,
                                                   bool newest_first, size_t limit) {
  return reads_.ListRequests(app, user, cursor_ms, newest_first, limit);
}
std::optional<Avatar> DryRunTxn::FindAvatarByKey(std::string_view key, bool with_bytes) {
  return reads_.FindAvatarByKey(key, with_bytes);
}
bool DryRunTxn::HasRelation(AppId app, UserId owner, UserId peer, Relation kind) {
  return reads_.HasRelation(app, owner, peer, kind);
}
int64_t DryRunTxn::CountRelations(AppId app, UserId owner, Relation kind) {
  return reads_.CountRelations(app, owner, kind);
}
std::vector<std::string> DryRunTxn::ListRelations(AppId app, UserId owner, Relation kind) {
  return reads_.ListRelations(app, owner, kind);
}
std::vector<RelationEntry> DryRunTxn::ListRelationsBefore(AppId app, UserId owner, Relation kind,
                                                          int64_t before_seq, size_t limit) {
  return reads_.ListRelationsBefore(app, owner, kind, before_seq, limit);
}
std::optional<AppId> DryRunTxn::FindApp(std::string_view name) { return reads_.FindApp(name); }
std::optional<std::string> DryRunTxn::FindSetting(std::string_view key) {
  return reads_.FindSetting(key);
}

std::vector<User> DryRunTxn::LockUsers(const std::vector<UserKey>& keys) {
  std::vector<User> users;
  for (const UserKey& key : keys) {
    if (auto user = reads_.FindUser(key.app, key.account)) users.push_back(std::move(*user));
  }
  return users;
}

std::optional<UserId> DryRunTxn::InsertUser(AppId, const User&) { return next_new_id_--; }

}  // namespace fg
