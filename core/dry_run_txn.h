// DryRunTxn: a WriteTxn over a reader's snapshot whose writes go nowhere. FriendService runs a
// write job's rule on it, on a store reader, before the job reaches the writer (the write is
// warmed): the rule reads the rows its real run will read, so that the pages holding them are in
// memory (the OS page cache, which every SQLite connection reads through) and the writer, which
// every write waits for, does not wait for the disk inside its transaction.
//
// What the rule decides from it is thrown away. Reads answer from the snapshot: a row the dry run
// "wrote" reads as it was (close enough for warming: the real run reads the same rows). LockUsers
// reads the users without locking; InsertUser hands out ids no user has (negative), so the rule
// goes on as it would. Not thread-safe, like the ReadTxn it wraps.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace fg {

class DryRunTxn final : public WriteTxn {
 public:
  explicit DryRunTxn(ReadTxn& reads) : reads_(reads) {}

  std::optional<User> FindUser(AppId app, std::string_view account) override;
  std::optional<UserId> FindUserId(AppId app, std::string_view account) override;
  std::optional<User> FindUserById(AppId app, UserId id) override;
  std::optional<User> FindUserByStAccount(AppId app, std::string_view st_account) override;
  std::vector<User> ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) override;
  std::vector<User> ListUsersAfter(AppId app, UserId after_id, size_t limit) override;
  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override;
  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override;
  std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                      bool include_tombstones, size_t limit) override;
  std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                           size_t limit) override;
  std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) override;
  std::vector<FriendRequest> ListRequests(AppId app, UserId user, int64_t cursor_ms,
                                          bool newest_first, size_t limit) override;
  std::optional<Avatar> FindAvatarByKey(std::string_view key, bool with_bytes) override;
  bool HasRelation(AppId app, UserId owner, UserId peer, Relation kind) override;
  int64_t CountRelations(AppId app, UserId owner, Relation kind) override;
  std::vector<std::string> ListRelations(AppId app, UserId owner, Relation kind) override;
  std::vector<RelationEntry> ListRelationsBefore(AppId app, UserId owner, Relation kind,
                                                 int64_t before_seq, size_t limit) override;
  std::optional<AppId> FindApp(std::string_view name) override;
  std::optional<std::string> FindSetting(std::string_view key) override;

  std::vector<User> LockUsers(const std::vector<UserKey>& keys) override;
  std::optional<UserId> InsertUser(AppId app, const User& user) override;
  void UpdateUserFields(AppId, const User&) override {}
  void SaveCounters(AppId, const User&) override {}
  void PutEdge(AppId, const FriendEdge&) override {}
  void PutEdges(AppId, std::span<const FriendEdge>) override {}
  void PutRequest(AppId, const FriendRequest&) override {}
  void PutAvatar(AppId, const Avatar&) override {}
  void PutRelation(AppId, UserId, AppId, UserId, Relation, bool, int64_t) override {}
  void DeleteUserRows(AppId, UserId) override {}
  void PutSetting(std::string_view, std::string_view) override {}

 private:
  ReadTxn& reads_;
  UserId next_new_id_ = -1;
};

}  // namespace fg
